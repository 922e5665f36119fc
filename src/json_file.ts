/**
 * Reads an untrusted JSON file (a scene, a scenario) with a size limit checked before reading,
 * so a huge or endless file (a pipe, /dev/zero) is refused instead of filling memory.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Thrown with a message that names the file and what is wrong; callers wrap it in their typed error. */
export class JsonFileError extends Error {}

export function readJsonFile(path: string, maxBytes: number, kind: string): unknown {
  let text: string;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new JsonFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new JsonFileError(`${path} is not a regular file`);
    if (stat.size > maxBytes) throw new JsonFileError(`${path} is ${stat.size} bytes; ${kind} files are limited to ${maxBytes}`);
    // Read at most one byte past the limit: a file that grew since fstat is still refused.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > maxBytes || length === buffer.length) throw new JsonFileError(`${path} grew while it was read; ${kind} files are limited to ${maxBytes} bytes`);
    }
    text = buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof JsonFileError) throw error;
    throw new JsonFileError(`cannot read ${path}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JsonFileError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

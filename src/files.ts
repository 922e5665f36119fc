/**
 * The file operations every untrusted path goes through: reads that check the path is a regular
 * file and bound its size before reading (a FIFO, /dev/zero or a directory is refused, never
 * waited on or read until memory runs out), atomic writes that leave nothing behind when they
 * fail, and directory creation. Failures are GpuosError E_IO naming the path.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { GpuosError } from './errors.js';

/**
 * A name that is safe as one path component: trace names (their golden folder) and golden names
 * (their file). Never '.', '..', a separator or a control character.
 */
export const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A file that cannot be read or written; the message names it and says why. */
export class FileError extends GpuosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_IO', message, options);
  }
}

function reason(error: unknown): string {
  return (error as Error).message;
}

/**
 * Opens `path` for reading without blocking (O_NONBLOCK: opening a FIFO with no writer would wait
 * forever) and checks it is a regular file; returns the descriptor and size.
 */
export function openRegularFile(path: string, kind: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileError(`cannot read ${path}: ${reason(error)}`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileError(`${path} is not a regular file; a ${kind} must be one`);
    return { fd, size: stat.size };
  } catch (error) {
    closeSync(fd);
    if (error instanceof FileError) throw error;
    throw new FileError(`cannot read ${path}: ${reason(error)}`, { cause: error });
  }
}

/** The whole of a regular file of at most `maxBytes` (`kind` names it in messages: "scene"). */
export function readBoundedFile(path: string, maxBytes: number, kind: string): Buffer {
  const { fd, size } = openRegularFile(path, kind);
  try {
    if (size > maxBytes) throw new FileError(`${path} is ${size} bytes; ${kind} files are limited to ${maxBytes}`);
    // One byte more than fstat said: a file that grew since is refused, not read without end.
    const buffer = Buffer.alloc(size + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length === buffer.length) throw new FileError(`${path} grew while it was read; ${kind} files are limited to ${maxBytes} bytes`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(`cannot read ${path}: ${reason(error)}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

/** A JSON document from a bounded file; invalid JSON is a FileError naming the file. */
export function readJsonFile(path: string, maxBytes: number, kind: string): unknown {
  const text = readBoundedFile(path, maxBytes, kind).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FileError(`${path} is not valid JSON: ${reason(error)}`, { cause: error });
  }
}

/** Creates `dir` and its parents; a FileError when a file is in the way or it cannot be made. */
export function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new FileError(`cannot create the directory ${dir}: ${reason(error)}`, { cause: error });
  }
}

/**
 * Every output file (traces, PNGs, reports, JSON) goes through here before it is created: its
 * directory is made if missing, so `-o some/new/dir/x.png` works the same for every command.
 */
export function prepareOutputFile(path: string): void {
  ensureDirectory(dirname(resolve(path)));
}

/**
 * Writes `data` to a temporary file beside `path` (its directory made first), then renames it over
 * `path`: a reader never sees half a file, and a failed write leaves neither a partial file nor the
 * temporary behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  prepareOutputFile(path);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new FileError(`cannot write ${path}: ${reason(error)}`, { cause: error });
  }
}

/** Whether two paths name the same file (by inode where both exist, else by resolved path). */
export function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}

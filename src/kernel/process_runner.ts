import { spawn } from 'node:child_process';

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start at all (missing binary). */
  spawnError?: Error;
  /** Output went over the limit and was cut. */
  truncated: boolean;
}

/**
 * Runs a command to completion and collects its output, keeping at most `maxOutputBytes` of each
 * stream (a runaway preprocessor or compiler must not exhaust memory).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { input?: string; cwd?: string; maxOutputBytes?: number } = {},
): Promise<ProcessResult> {
  const limit = options.maxOutputBytes ?? 32 * 1024 * 1024;
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes + chunk.length > limit) {
        truncated = true;
        child.kill('SIGKILL');
        return;
      }
      outBytes += chunk.length;
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < limit) err.push(chunk);
      errBytes += chunk.length;
    });
    child.on('error', (spawnError) => resolve({ status: null, stdout: '', stderr: '', spawnError, truncated }));
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), truncated }),
    );
    child.stdin.on('error', () => {
      /* the process may exit before reading all input; its status says why */
    });
    child.stdin.end(options.input ?? '');
  });
}

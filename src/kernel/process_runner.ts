import { spawn } from 'node:child_process';

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start at all (missing binary). */
  spawnError?: Error;
  /** Output went over the limit and was cut. */
  truncated: boolean;
  /** Killed after running past `timeoutMs`. */
  timedOut: boolean;
}

/** How long a preprocessor or compiler run may take, and how much address space it may have. */
export const PROCESS_TIMEOUT_MS = 180_000;
export const PROCESS_MEMORY_BYTES = 6 * 1024 ** 3;

/**
 * Runs a command to completion and collects its output, keeping at most `maxOutputBytes` of each
 * stream. A runaway preprocessor or compiler (an #include of /dev/zero, a macro that doubles forty
 * times) must not exhaust memory or hang: the child gets an address-space limit (ulimit -v, set by
 * /bin/sh before exec) and is killed after `timeoutMs`.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { input?: string; cwd?: string; maxOutputBytes?: number; timeoutMs?: number; memoryBytes?: number } = {},
): Promise<ProcessResult> {
  const limit = options.maxOutputBytes ?? 32 * 1024 * 1024;
  const memoryKiB = Math.floor((options.memoryBytes ?? PROCESS_MEMORY_BYTES) / 1024);
  return new Promise((resolve) => {
    // Where the limit cannot be set (macOS refuses ulimit -v), the command still runs, unlimited.
    const child = spawn('/bin/sh', ['-c', `ulimit -v ${memoryKiB} 2>/dev/null; exec "$0" "$@"`, command, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? PROCESS_TIMEOUT_MS);
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
    child.on('error', (spawnError) => {
      clearTimeout(timer);
      resolve({ status: null, stdout: '', stderr: '', spawnError, truncated, timedOut });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      // The shell's exec failing (127, 126) is the command not starting, as spawn would report it.
      if ((status === 127 || status === 126) && outBytes === 0) {
        resolve({ status: null, stdout: '', stderr, spawnError: new Error(stderr.trim() || `${command} could not be run`), truncated, timedOut });
        return;
      }
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr, truncated, timedOut });
    });
    child.stdin.on('error', () => {
      /* the process may exit before reading all input; its status says why */
    });
    child.stdin.end(options.input ?? '');
  });
}

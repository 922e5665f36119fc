/** What `gpuos play` and `gpuos view` share: print where the page is, then serve until stopped. */
import type { Io } from './cli_support.js';

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM), after `close`. */
export function serveUntilStopped(io: Io, what: string, url: string, close: () => Promise<void>): Promise<void> {
  io.out(`${what}: ${url}`);
  io.err('Open the address in a browser on this machine (it works only from here, and only with its token). Ctrl-C stops the server.');
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      close().then(resolve, (error: unknown) => {
        io.err(`stopping the server: ${(error as Error)?.message ?? String(error)}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

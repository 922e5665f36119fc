#!/usr/bin/env node
// The `gpuos` executable (package.json "bin"): runs the CLI on this process's arguments.
import { main } from './main.js';

// A reader that stops early (gpuos inspect --events | head) closes the pipe: stop quietly, as
// other command-line tools do, instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
});

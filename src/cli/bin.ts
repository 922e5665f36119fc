#!/usr/bin/env node
// The `gpuos` executable (package.json "bin"): runs the CLI on this process's arguments.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
});

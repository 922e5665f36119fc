/**
 * gpuos: record, replay, inspect, render and verify traces of the GPU-native OS.
 * Exit codes: 0 success, 1 a test failed (a replay diverged, a golden differs), 2 bad input or
 * usage (the message says what to fix), 70 a bug in gpuos itself.
 */
import { GpuosError } from '../errors.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, type Command, type Io } from './cli_support.js';
import { backendsCommand } from './commands/backends.js';
import { checkCommand } from './commands/check.js';
import { goldensCommand } from './commands/goldens.js';
import { inspectCommand } from './commands/inspect.js';
import { minimizeCommand } from './commands/minimize.js';
import { playCommand } from './commands/play.js';
import { recordCommand } from './commands/record.js';
import { renderCommand } from './commands/render.js';
import { replayCommand } from './commands/replay.js';
import { verifyCommand } from './commands/verify.js';
import { viewCommand } from './commands/view.js';

export const COMMANDS: readonly Command[] = [recordCommand, replayCommand, inspectCommand, renderCommand, verifyCommand, goldensCommand, checkCommand, backendsCommand, playCommand, viewCommand, minimizeCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: gpuos <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'gpuos <command> --help' for a command's options. Exit codes: 0 success, 1 a test failed,",
    '2 bad input or usage, 70 an internal error.',
  ].join('\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`gpuos: unknown command '${name}'\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof GpuosError) {
      io.err(`gpuos ${name}: ${error.code}: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`gpuos ${name}: internal error (please report it): ${(error as Error)?.stack ?? String(error)}`);
    return EXIT_INTERNAL;
  }
}

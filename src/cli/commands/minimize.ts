import { basename, join } from 'node:path';

import { abortRunningCommands } from '../../minimize/conditions.js';
import { minimizeTrace, type MinimizeProgress, type MinimizeSummary } from '../../minimize/minimize_trace.js';
import { checkOutputPath, EXIT_FAILED, EXIT_OK, integerOption, numberOption, parse, seedOption, UsageError, type Command, type Io } from '../cli_support.js';

export const minimizeCommand: Command = {
  name: 'minimize',
  summary: 'shrink a trace to the few frames and events that still show a failure',
  usage: `usage: gpuos minimize <trace.gtrace> --until <condition> [options]

  Delta debugging over the trace's frames, then its single events: removes all the input it can
  while the condition stays true, and records the smallest trace found. Every candidate runs
  through the kernel from the scene; the result is recorded with the reference kernel, so
  replaying it with the kernel under test shows the failure again.

  Conditions:
      divergence            the kernel under test (--kernel, or --seed) computes other device
                            memory than the reference kernel (--reference-kernel) at some frame
      finding[:CODE]        the kernel stops with an emulator finding (any, or that code, e.g.
                            finding:E_OUT_OF_BOUNDS; finding:E_DATA_RACE needs --races)
      golden[:NAME]         the frame marked NAME differs from golden/<trace>/NAME.png
      exec:COMMAND          COMMAND exits non-zero on the candidate trace, whose path is in
                            $GPUOS_TRACE and replaces {trace} (a script, npx vitest run ...)

  Options:
  -o, --output <file>         the minimized trace (default <name>.min.gtrace here)
      --kernel <file>         the os_kernel.metal under test (default this package's)
      --reference-kernel <f>  the os_kernel.metal that records the expected behaviour (default
                              this package's); for divergence, the kernel that recorded the trace
      --seed <n>              the kernel under test's emulator schedule seed
      --races                 race-check every frame of the kernel under test
      --golden-dir <dir>      where goldens live (default ./golden)
      --time <seconds>        stop searching after this long, keep the smallest found (default 600)
      --replays <n>           stop after this many candidate runs (default 5000)
      --json                  print the summary as JSON
  -h, --help

  Exit codes: 0 minimized (the result shows the condition), 1 the result does not show it any
  more (a flaky condition), 2 bad input, or the condition does not hold for the whole trace.`,
  async run(args, io) {
    const parsed = parse(
      args,
      {
        until: { type: 'string' },
        output: { type: 'string', short: 'o' },
        kernel: { type: 'string' },
        'reference-kernel': { type: 'string' },
        seed: { type: 'string' },
        races: { type: 'boolean' },
        'golden-dir': { type: 'string' },
        time: { type: 'string' },
        replays: { type: 'string' },
        json: { type: 'boolean' },
      },
      minimizeCommand,
    );
    if (parsed.flag('help')) return io.out(minimizeCommand.usage), EXIT_OK;
    if (parsed.positionals.length !== 1) throw new UsageError(`name one trace file\n\n${minimizeCommand.usage}`);
    const until = parsed.string('until');
    if (until === undefined) throw new UsageError(`--until <condition> is required: divergence, finding[:CODE], golden[:NAME] or exec:COMMAND\n\n${minimizeCommand.usage}`);
    const trace = parsed.positionals[0]!;
    const output = parsed.string('output') ?? join('.', `${basename(trace).replace(/\.gtrace$/, '')}.min.gtrace`);
    checkOutputPath(output, [trace], '--output');
    const seconds = numberOption(parsed.string('time'), 'time', 1, 7 * 24 * 3600);
    const replays = integerOption(parsed.string('replays'), 'replays', 1, 10_000_000);
    const seed = seedOption(parsed.string('seed'));
    // Ctrl-C: the commands an exec condition runs (and their candidate traces) go with us.
    const stop = (signal: NodeJS.Signals) => {
      abortRunningCommands();
      io.err(`gpuos minimize: stopped by ${signal}; nothing was written`);
      process.exit(130);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let summary: MinimizeSummary;
    try {
      summary = await minimizeTrace(trace, {
      until,
      output,
      ...(parsed.string('kernel') ? { kernel: parsed.string('kernel') } : {}),
      ...(parsed.string('reference-kernel') ? { referenceKernel: parsed.string('reference-kernel') } : {}),
      ...(seed === undefined ? {} : { seed }),
      races: parsed.flag('races'),
      ...(parsed.string('golden-dir') ? { goldenRoot: parsed.string('golden-dir') } : {}),
      ...(seconds === undefined ? {} : { timeLimitMs: seconds * 1000 }),
      ...(replays === undefined ? {} : { maxReplays: replays }),
      onProgress: progressPrinter(io),
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    if (parsed.flag('json')) io.out(JSON.stringify(summary, null, 2));
    else printSummary(summary, io);
    return summary.minimized.holds ? EXIT_OK : EXIT_FAILED;
  },
};

/** One line each time the search gets smaller or moves to its next step. */
function progressPrinter(io: Io): (progress: MinimizeProgress) => void {
  let last = '';
  return (p) => {
    const line = `minimize: ${p.step.padEnd(8)} ${p.frames} frames, ${p.events} events (${p.replays} replays, ${(p.elapsedMs / 1000).toFixed(1)} s)`;
    const key = `${p.step}:${p.frames}:${p.events}`;
    if (key !== last) io.err(line);
    last = key;
  };
}

function printSummary(s: MinimizeSummary, io: Io): void {
  const events = (c: MinimizeSummary['before']) => `${c.events} event${c.events === 1 ? '' : 's'}${c.otherOperations ? ` and ${c.otherOperations} other host operation${c.otherOperations === 1 ? '' : 's'}` : ''}`;
  io.out(`${s.minimized.holds ? 'MINIMIZED' : 'NOT REPRODUCED'} ${s.trace} --until ${s.condition}`);
  io.out(`  before     ${s.before.frames} frames, ${events(s.before)}: ${s.original.detail}`);
  io.out(`  after      ${s.after.frames} frames, ${events(s.after)}: ${s.minimized.detail}`);
  io.out(`  kept       frame${s.keptFrames.length === 1 ? '' : 's'} ${s.keptFrames.join(', ')} of the original`);
  io.out(`  search     ${s.replays} replays in ${(s.durationMs / 1000).toFixed(1)} s${s.stoppedBy ? ` (stopped by --${s.stoppedBy}: the result is the smallest found, perhaps not minimal)` : ''}`);
  io.out(`  written    ${s.output}`);
  if (s.divergence) io.out(`  replayed with the kernel under test:\n${s.divergence.replace(/^/gm, '    ')}`);
  if (!s.minimized.holds) io.out('  the minimized trace no longer shows the condition when run again: the condition is flaky (timing, schedule, an external command)');
}

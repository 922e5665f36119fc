import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

import { loadScenario } from '../../recorder/scenario.js';
import { recordScenario } from '../../recorder/scenario_runner.js';
import { EXIT_OK, formatBytes, parse, UsageError, type Command } from '../cli_support.js';

export const recordCommand: Command = {
  name: 'record',
  summary: 'play scenario files through the kernel and write their traces',
  usage: `usage: gpuos record <scenario.json>... [-o <trace.gtrace> | --out-dir <dir>]

  Plays each scenario (docs/TRACE_FORMAT.md, "Scenarios") through a new session on the CPU
  emulator and writes its trace: <out-dir>/<scenario name>.gtrace (default: the current directory).

  -o, --output <file>     the trace file (one scenario only)
      --out-dir <dir>     where traces go, named after their scenarios
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { output: { type: 'string', short: 'o' }, 'out-dir': { type: 'string' } }, recordCommand);
    if (parsed.flag('help')) return io.out(recordCommand.usage), EXIT_OK;
    if (parsed.positionals.length === 0) throw new UsageError(`name a scenario file\n\n${recordCommand.usage}`);
    if (parsed.string('output') && parsed.positionals.length > 1) throw new UsageError('-o names one trace: with several scenarios, use --out-dir');
    if (parsed.string('output') && parsed.string('out-dir')) throw new UsageError('give -o or --out-dir, not both');
    const outDir = parsed.string('out-dir') ?? '.';
    mkdirSync(outDir, { recursive: true });
    for (const file of parsed.positionals) {
      const scenario = loadScenario(file);
      const output = parsed.string('output') ?? join(outDir, `${scenario.name}.gtrace`);
      const summary = await recordScenario(scenario, output, { onFrame: (n) => n % 100 === 0 && io.interactive && process.stderr.write(`\rrecording ${basename(file)}: ${n} frames`) });
      if (io.interactive) process.stderr.write('\r\x1b[K');
      io.out(`recorded ${scenario.name}: ${summary.frames} frames, ${summary.events} events, ${summary.goldens.length} goldens, ${formatBytes(summary.bytes)} -> ${output}`);
    }
    return EXIT_OK;
  },
};

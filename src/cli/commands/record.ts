import { basename, join } from 'node:path';

import { ensureDirectory } from '../../files.js';
import { loadScenario } from '../../recorder/scenario.js';
import { recordScenario } from '../../recorder/scenario_runner.js';
import { checkOutputPath, EXIT_OK, formatBytes, parse, UsageError, type Command } from '../cli_support.js';

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
    // Every scenario is checked, and every output decided, before anything is recorded.
    const jobs = parsed.positionals.map((file) => {
      const scenario = loadScenario(file);
      return { file, scenario, output: parsed.string('output') ?? join(outDir, `${scenario.name}.gtrace`) };
    });
    for (const [i, job] of jobs.entries()) {
      const other = jobs.slice(0, i).find((o) => o.output === job.output);
      if (other) throw new UsageError(`${other.file} and ${job.file} are both named '${job.scenario.name}': both would record ${job.output}; rename one`);
      checkOutputPath(job.output, parsed.positionals, parsed.string('output') ? '--output' : 'the trace');
    }
    ensureDirectory(outDir);
    for (const { file, scenario, output } of jobs) {
      const summary = await recordScenario(scenario, output, { onFrame: (n) => n % 100 === 0 && io.interactive && process.stderr.write(`\rrecording ${basename(file)}: ${n} frames`) });
      if (io.interactive) process.stderr.write('\r\x1b[K');
      io.out(`recorded ${scenario.name}: ${summary.frames} frames, ${summary.events} events, ${summary.goldens.length} goldens, ${formatBytes(summary.bytes)} -> ${output}`);
    }
    return EXIT_OK;
  },
};

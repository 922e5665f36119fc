

import { obsoleteGoldens, goldenPath } from '../../golden/golden_store.js';
import { existsSync } from 'node:fs';
import { Trace } from '../../trace/trace_reader.js';
import { EXIT_FAILED, EXIT_OK, findTraces, parse, UsageError, type Command } from '../cli_support.js';
import { replayCommand } from './replay.js';

export const goldensCommand: Command = {
  name: 'goldens',
  summary: 'list the goldens traces mark, or update them (replay --update)',
  usage: `usage: gpuos goldens list <trace.gtrace | dir>... [--golden-dir <dir>]
       gpuos goldens update <trace.gtrace | dir>... [--prune] [--golden-dir <dir>]

  list     each trace's golden frames and whether golden/<trace>/<name>.png exists; obsolete files
  update   replay the traces and rewrite every golden that differs or is missing (never with CI
           set); --prune also deletes goldens no mark names any more. Look at what changed and
           commit it.
  -h, --help`,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === '-h' || action === '--help') return io.out(goldensCommand.usage), EXIT_OK;
    // Without an action nothing was asked for: the usage, and exit 2, as `gpuos` alone does.
    if (action === undefined) throw new UsageError(`name an action: list or update\n\n${goldensCommand.usage}`);
    if (action === 'update') {
      const parsed = parse(rest, { prune: { type: 'boolean' }, 'golden-dir': { type: 'string' } }, goldensCommand);
      if (parsed.flag('help')) return io.out(goldensCommand.usage), EXIT_OK;
      const forward = ['--update', ...(parsed.flag('prune') ? ['--prune'] : []), ...(parsed.string('golden-dir') ? ['--golden-dir', parsed.string('golden-dir')!] : []), ...parsed.positionals];
      return replayCommand.run(forward, io);
    }
    if (action !== 'list') throw new UsageError(`unknown action '${action}'\n\n${goldensCommand.usage}`);
    const parsed = parse(rest, { 'golden-dir': { type: 'string' } }, goldensCommand);
    if (parsed.flag('help')) return io.out(goldensCommand.usage), EXIT_OK;
    const root = parsed.string('golden-dir') ?? 'golden';
    let missing = 0;
    for (const path of findTraces(parsed.positionals)) {
      const trace = Trace.open(path);
      try {
        const name = trace.header.name;
        io.out(`${name} (${path}):`);
        for (const mark of trace.goldens) {
          const file = goldenPath(root, name, mark.name);
          const exists = existsSync(file);
          if (!exists) missing++;
          io.out(`  frame ${String(mark.frame).padStart(5)}  ${mark.name.padEnd(24)} ${exists ? file : `MISSING ${file}`}`);
        }
        for (const file of obsoleteGoldens(root, name, trace.goldens.map((g) => g.name))) io.out(`  obsolete ${file}`);
      } finally {
        trace.close();
      }
    }
    return missing > 0 ? EXIT_FAILED : EXIT_OK;
  },
};




import { obsoleteGoldens, goldenPath } from '../../golden/golden_store.js';
import { existsSync } from 'node:fs';
import { Trace } from '../../trace/trace_reader.js';
import { EXIT_FAILED, EXIT_OK, findTraces, parse, UsageError, type Command } from '../cli_support.js';
import { replayCommand } from './replay.js';

export const goldensCommand: Command = {
  name: 'goldens',
  summary: 'list the goldens traces mark, or update them (replay --update)',
  usage: `usage: gpuos goldens list <trace.gtrace | dir>... [--golden-dir <dir>] [--json]
       gpuos goldens update <trace.gtrace | dir>... [--prune] [--golden-dir <dir>] [--json]

  list     each trace's golden frames and whether golden/<trace>/<name>.png exists; obsolete files
  update   replay the traces and rewrite every golden that differs or is missing (never with CI
           set); --prune also deletes goldens no mark names any more. Look at what changed and
           commit it.
  --json   print what was listed or replayed as JSON
  -h, --help`,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === '-h' || action === '--help') return io.out(goldensCommand.usage), EXIT_OK;
    // Without an action nothing was asked for: the usage, and exit 2, as `gpuos` alone does.
    if (action === undefined) throw new UsageError(`name an action: list or update\n\n${goldensCommand.usage}`);
    if (action === 'update') {
      const parsed = parse(rest, { prune: { type: 'boolean' }, 'golden-dir': { type: 'string' }, json: { type: 'boolean' } }, goldensCommand);
      if (parsed.flag('help')) return io.out(goldensCommand.usage), EXIT_OK;
      const forward = ['--update', ...(parsed.flag('prune') ? ['--prune'] : []), ...(parsed.flag('json') ? ['--json'] : []), ...(parsed.string('golden-dir') ? ['--golden-dir', parsed.string('golden-dir')!] : []), ...parsed.positionals];
      return replayCommand.run(forward, io);
    }
    if (action !== 'list') throw new UsageError(`unknown action '${action}'\n\n${goldensCommand.usage}`);
    const parsed = parse(rest, { 'golden-dir': { type: 'string' }, json: { type: 'boolean' } }, goldensCommand);
    if (parsed.flag('help')) return io.out(goldensCommand.usage), EXIT_OK;
    const root = parsed.string('golden-dir') ?? 'golden';
    const json = parsed.flag('json');
    const listed: { trace: string; name: string; goldens: { frame: number; name: string; file: string; exists: boolean }[]; obsolete: string[] }[] = [];
    let missing = 0;
    for (const path of findTraces(parsed.positionals)) {
      const trace = Trace.open(path);
      try {
        const name = trace.header.name;
        const goldens = trace.goldens.map((mark) => {
          const file = goldenPath(root, name, mark.name);
          return { frame: mark.frame, name: mark.name, file, exists: existsSync(file) };
        });
        const entry = { trace: path, name, goldens, obsolete: obsoleteGoldens(root, name, trace.goldens.map((g) => g.name)) };
        listed.push(entry);
        missing += goldens.filter((g) => !g.exists).length;
        if (json) continue;
        io.out(`${name} (${path}):`);
        for (const g of goldens) io.out(`  frame ${String(g.frame).padStart(5)}  ${g.name.padEnd(24)} ${g.exists ? g.file : `MISSING ${g.file}`}`);
        for (const file of entry.obsolete) io.out(`  obsolete ${file}`);
      } finally {
        trace.close();
      }
    }
    if (json) io.out(JSON.stringify(listed, null, 2));
    return missing > 0 ? EXIT_FAILED : EXIT_OK;
  },
};


import { startViewServer } from '../../view/view_server.js';
import { EXIT_OK, integerOption, parse, UsageError, type Command } from '../cli_support.js';
import { serveUntilStopped } from '../serve.js';

export const viewCommand: Command = {
  name: 'view',
  summary: 'explore a trace frame by frame in a local web page (time travel, widget tree, diffs)',
  usage: `usage: gpuos view <trace.gtrace> [options]

  Serves a page on this machine (127.0.0.1, a random port, a token in the address) showing the
  trace replayed to any frame: a timeline with event, golden, checkpoint and divergence marks; the
  framebuffer with the tiles redrawn and layout boxes drawn over it; the widget tree decoded; the
  frame's events, frame state and per-phase times; where the replay diverges, the fields that
  differ and the expected, actual and diff images; golden comparisons side by side, with a slider,
  or overlaid. It reads the trace and its goldens only. Ctrl-C stops it.

      --frame <n>             open at this frame (the report's failures name theirs)
      --golden <name>         open with this golden mark compared
      --golden-dir <dir>      where goldens live (default ./golden)
      --kernel <file>         replay through another copy of the OS kernel
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { frame: { type: 'string' }, golden: { type: 'string' }, 'golden-dir': { type: 'string' }, kernel: { type: 'string' } }, viewCommand);
    if (parsed.flag('help')) return io.out(viewCommand.usage), EXIT_OK;
    if (parsed.positionals.length !== 1) throw new UsageError(`name one trace file\n\n${viewCommand.usage}`);
    const frame = integerOption(parsed.string('frame'), 'frame', 0, Number.MAX_SAFE_INTEGER);
    const server = await startViewServer(parsed.positionals[0]!, {
      ...(frame === undefined ? {} : { frame }),
      ...(parsed.string('golden') ? { golden: parsed.string('golden') } : {}),
      ...(parsed.string('golden-dir') ? { goldenRoot: parsed.string('golden-dir') } : {}),
      ...(parsed.string('kernel') ? { kernel: parsed.string('kernel') } : {}),
    });
    await serveUntilStopped(io, `gpuos view ${parsed.positionals[0]}`, server.url, () => server.close());
    return EXIT_OK;
  },
};

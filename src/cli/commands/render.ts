import { writePng } from '../../golden/png.js';
import { Replayer } from '../../replayer/replayer.js';
import { describeDivergence } from '../../replayer/divergence.js';
import { requireBackend } from '../../kernel/backends.js';
import { backendOption, checkOutputPath, EXIT_OK, integerOption, parse, UsageError, type Command } from '../cli_support.js';

export const renderCommand: Command = {
  name: 'render',
  summary: "replay a trace up to a frame and write that frame's framebuffer as a PNG",
  usage: `usage: gpuos render <trace.gtrace> --frame <n> [-o <frame.png>] [--backend emulator|cuda] [--kernel <file>] [--json]

  Seeks to frame n (from the nearest checkpoint), replays it, and writes the framebuffer.

      --frame <n>          the frame (0 is the first)
      --backend <name>     emulator (default) or cuda (gpuos backends lists what runs here)
      --kernel <file>      replay through another copy of the OS kernel
  -o, --output <file>      default: <trace name>-frame-<n>.png
      --json               print what was written (and any divergence at the frame) as JSON
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { frame: { type: 'string' }, output: { type: 'string', short: 'o' }, backend: { type: 'string' }, kernel: { type: 'string' }, json: { type: 'boolean' } }, renderCommand);
    if (parsed.flag('help')) return io.out(renderCommand.usage), EXIT_OK;
    if (parsed.positionals.length !== 1) throw new UsageError(`name one trace file\n\n${renderCommand.usage}`);
    const frame = integerOption(parsed.string('frame'), 'frame', 0, Number.MAX_SAFE_INTEGER);
    if (frame === undefined) throw new UsageError(`--frame is required\n\n${renderCommand.usage}`);
    if (parsed.string('output')) checkOutputPath(parsed.string('output')!, parsed.positionals, '--output');
    const backend = backendOption(parsed.string('backend'));
    requireBackend(backend);
    const replayer = await Replayer.open(parsed.positionals[0]!, { backend, ...(parsed.string('kernel') ? { kernel: parsed.string('kernel') } : {}) });
    try {
      if (frame >= replayer.frameCount) throw new UsageError(`${parsed.positionals[0]} has frames 0 to ${replayer.frameCount - 1}`);
      await replayer.goTo(frame);
      const check = await replayer.step();
      const output = parsed.string('output') ?? `${replayer.trace.header.name}-frame-${frame}.png`;
      writePng(output, replayer.session.image());
      if (parsed.flag('json')) {
        io.out(JSON.stringify({ trace: parsed.positionals[0], name: replayer.trace.header.name, frame, backend, output, matchesRecording: check.ok, ...(check.divergence ? { divergence: describeDivergence(check.divergence) } : {}) }, null, 2));
        return EXIT_OK;
      }
      io.out(`frame ${frame} of ${replayer.trace.header.name}${backend === 'emulator' ? '' : ` (on ${backend})`} -> ${output}`);
      if (!check.ok) io.err(`note: the replay differs from the recording here:\n${describeDivergence(check.divergence!)}`);
      return EXIT_OK;
    } finally {
      replayer.close();
    }
  },
};

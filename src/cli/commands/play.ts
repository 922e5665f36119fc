import { existsSync, statSync } from 'node:fs';

import { OsAbi } from '../../os/abi.js';
import { startPlayServer } from '../../play/play_server.js';
import { checkOutputPath, EXIT_OK, integerOption, parse, UsageError, type Command } from '../cli_support.js';
import { serveUntilStopped } from '../serve.js';

export const playCommand: Command = {
  name: 'play',
  summary: 'use the live OS in a local web page, and record what you do as a trace',
  usage: `usage: gpuos play <scene.json> [--record out.gtrace] [options]

  Serves a page on this machine (127.0.0.1, a random port, a token in the address) showing the OS
  running the scene on the CPU emulator. Pointer, wheel, keys and text on the picture go into the
  OS's input ring; frames run at the page's pace with the times that really passed, and the page
  shows the frame rate the emulator reaches and each phase's time. With --record, everything is
  recorded from the start (Stop, Record again and Mark golden on the page, or F8 and F9); the trace
  replays bit-identically (gpuos replay). It reads the scene and writes only the recording.

      --record <file>         record into this trace file (from the scene's first frame)
      --name <name>           the trace's name (default the file's name; goldens go in golden/<name>/)
      --width <px>            framebuffer width (default 320)
      --height <px>           framebuffer height (default 240)
      --kernel <file>         run another copy of the OS kernel
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { record: { type: 'string' }, name: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' }, kernel: { type: 'string' } }, playCommand);
    if (parsed.flag('help')) return io.out(playCommand.usage), EXIT_OK;
    if (parsed.positionals.length !== 1) throw new UsageError(`name one scene file\n\n${playCommand.usage}`);
    const scene = parsed.positionals[0]!;
    if (!existsSync(scene) || !statSync(scene).isFile()) throw new UsageError(`${scene} is not a scene file`);
    const record = parsed.string('record');
    if (record !== undefined) checkOutputPath(record, [scene], '--record');
    const server = await startPlayServer({
      scene,
      width: integerOption(parsed.string('width'), 'width', 1, OsAbi.get().constant('GPUOS_MAX_FRAMEBUFFER_WIDTH')) ?? 320,
      height: integerOption(parsed.string('height'), 'height', 1, OsAbi.get().constant('GPUOS_MAX_FRAMEBUFFER_HEIGHT')) ?? 240,
      ...(record === undefined ? {} : { record, recordAtStart: true }),
      ...(parsed.string('name') ? { name: parsed.string('name') } : {}),
      ...(parsed.string('kernel') ? { kernel: parsed.string('kernel') } : {}),
    });
    await serveUntilStopped(io, `gpuos play ${scene}`, server.url, async () => {
      const recording = server.os.status();
      await server.close();
      if (recording.active) io.err(`gpuos play: the recording was stopped with the server: ${recording.path} (${recording.frames} frames)`);
    });
    return EXIT_OK;
  },
};

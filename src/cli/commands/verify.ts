import { basename } from 'node:path';

import { Replayer } from '../../replayer/replayer.js';
import { describeDivergence } from '../../replayer/divergence.js';
import { Trace } from '../../trace/trace_reader.js';
import { EXIT_FAILED, EXIT_OK, findTraces, integerOption, parse, seedOption, type Command } from '../cli_support.js';
import { Progress } from '../progress.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'replay traces several times under different thread schedules: every digest must agree',
  usage: `usage: gpuos verify <trace.gtrace | dir>... [--repeat <n>] [--seed <s>]

  Replays each trace n times; run k uses emulator schedule seed s + k, so the threads interleave
  differently each time. Every run must match the recording at every frame, which makes all the
  runs' digests identical. Prints the first frame and seed where one does not.

      --repeat <n>   runs per trace (default 3)
      --seed <s>     the first run's seed (default: the recording's)
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { repeat: { type: 'string' }, seed: { type: 'string' } }, verifyCommand);
    if (parsed.flag('help')) return io.out(verifyCommand.usage), EXIT_OK;
    const repeat = integerOption(parsed.string('repeat'), 'repeat', 1, 10_000) ?? 3;
    const baseSeed = seedOption(parsed.string('seed'));
    let failures = 0;
    for (const path of findTraces(parsed.positionals)) {
      let digests: bigint[] | undefined;
      const runSeeds: bigint[] = [];
      let failure: string | undefined;
      let frames = 0;
      const recordedSeed = Trace.readHeader(path).config.seed;
      for (let run = 0; run < repeat && !failure; run++) {
        const seed = BigInt.asUintN(64, (baseSeed ?? recordedSeed) + BigInt(run));
        const replayer = await Replayer.open(path, { seed });
        runSeeds.push(seed);
        const progress = new Progress(io, `verifying ${basename(path)} (run ${run + 1}/${repeat}, seed ${seed})`, replayer.frameCount);
        const runDigests: bigint[] = [];
        try {
          while (replayer.position < replayer.frameCount) {
            const check = await replayer.step();
            runDigests.push(check.digest);
            progress.update(replayer.position);
            if (!check.ok) {
              failure = `run ${run + 1} (seed ${seed}) differs from the recording:\n${describeDivergence(check.divergence!)}`;
              break;
            }
          }
        } finally {
          replayer.close();
        }
        frames = runDigests.length;
        if (!failure && digests) {
          const at = runDigests.findIndex((d, i) => d !== digests![i]);
          if (at >= 0) failure = `run ${run + 1} (seed ${seed}) has another digest than run 1 at frame ${at}`;
        }
        digests ??= runDigests;
      }
      if (failure) {
        failures++;
        io.out(`FAIL ${basename(path)}: ${failure}`);
      } else {
        io.out(`PASS ${basename(path)}: ${repeat} runs (seeds ${runSeeds.join(', ')}) x ${frames} frames, every digest identical to the recording`);
      }
    }
    return failures > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

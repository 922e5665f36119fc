import { basename } from 'node:path';

import { compileKernel } from '../../kernel/compile.js';
import { Replayer } from '../../replayer/replayer.js';
import { describeDivergence } from '../../replayer/divergence.js';
import { Trace } from '../../trace/trace_reader.js';
import { requireBackend } from '../../kernel/backends.js';
import { compareWithCuda } from '../../verify/cross_backend.js';
import { compareTraceAcrossBackends } from '../../verify/cross_backend_traces.js';
import { formatKernelComparison, formatTraceComparison } from '../../verify/cross_backend_format.js';
import { STRATEGIES, type Strategy } from '../../verify/explore.js';
import { readInputsFile } from '../../verify/kernel_inputs.js';
import { formatVerifyReport, kernelDispatch, verifyKernel } from '../../verify/verify_kernel.js';
import { backendListOption, EXIT_FAILED, EXIT_OK, UsageError, findTraces, integerOption, parse, seedOption, type Command, type Io, type ParsedArgs } from '../cli_support.js';
import { Progress } from '../progress.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'is it deterministic? traces replayed under many schedules, or any Metal kernel race-checked and explored',
  usage: `usage: gpuos verify <trace.gtrace | dir>... [--schedules <n>] [--strategy random|pct] [--seed <s>] [--races]
       gpuos verify <kernel.metal> --inputs <inputs.json|.msgpack> [--kernel <name>]
                    [--schedules <n>] [--strategy random|pct|exhaustive] [--seed <s>]
                    [--depth <d>] [--preemptions <b>] [--script <s>] [--no-races] [--json]
       gpuos verify <trace.gtrace | dir | kernel.metal>... --backends emulator,cuda [--json]

  Traces: replays each trace n times, run k under seed s + k (with pct, PCT's priorities), so the
  threads interleave differently each time; every run must match the recording at every frame.
  Prints the first frame, seed and field where one does not. --races race-checks every frame.

  A kernel: runs it once with the race checker (every load and store; E_DATA_RACE names both
  accesses and lines), then n times under the strategy's schedules, each from the inputs, and
  prints the distinct final memories with a schedule that reproduces each, the first differing
  bytes, and the barrier interval where the runs' memory parts ways. Exit 1 if it is not
  deterministic. The inputs file: { "threads": 64, "buffers": [{ "type": "uint32", "data": [...] },
  { "bytes": 256 }], "threadgroupMemory": [...] } (docs/EMULATOR.md, schedule exploration).

  Backends: --backends replays each trace on every backend named, in lockstep, every frame
  checked against the recording and each frame's digest compared between the backends; each
  .metal kernel (every kernel of the file, or --kernel) runs on the emulator and on CUDA from the
  same inputs (--inputs, or generated: 64 KiB of a fixed pattern per buffer) and every buffer is
  compared byte for byte. Exit 1 on any difference (docs/CUDA.md).

      --schedules <n>    runs (default 3 for traces, 100 for kernels; --repeat is the same)
      --strategy <s>     random (default), pct (probabilistic concurrency testing), or, for a kernel,
                         exhaustive (every interleaving of its atomics within --preemptions)
      --seed <s>         the first run's seed (default: the recording's; 1 for a kernel)
      --depth <d>        PCT's bug depth (default 3)
      --pct-steps <k>    PCT's change points fall on decisions 1..k (default: measured by a first run)
      --preemptions <b>  exhaustive: preemptions per schedule (default 2)
      --script <s>       exhaustive: start from this schedule (a report's rerun script)
      --kernel <name>    which kernel of the file (default: its only one)
      --inputs <file>    the dispatch: threads, buffers, threadgroup memory
      --races            traces: race-check every frame
      --no-races         kernels: skip the race check
      --backends <list>  compare backends (emulator,cuda; gpuos backends lists what runs here)
      --json             kernels and --backends: the report as JSON
  -h, --help`,
  async run(args, io) {
    const parsed = parse(
      args,
      {
        repeat: { type: 'string' },
        schedules: { type: 'string' },
        strategy: { type: 'string' },
        seed: { type: 'string' },
        depth: { type: 'string' },
        'pct-steps': { type: 'string' },
        preemptions: { type: 'string' },
        script: { type: 'string' },
        kernel: { type: 'string' },
        inputs: { type: 'string' },
        races: { type: 'boolean' },
        'no-races': { type: 'boolean' },
        json: { type: 'boolean' },
        backends: { type: 'string' },
      },
      verifyCommand,
    );
    if (parsed.flag('help')) return io.out(verifyCommand.usage), EXIT_OK;
    if (parsed.string('backends') !== undefined) return verifyBackends(parsed, io);
    const strategy = (parsed.string('strategy') ?? 'random') as Strategy;
    if (!STRATEGIES.includes(strategy)) throw new UsageError(`--strategy must be random, pct or exhaustive, got '${strategy}'`);
    if (parsed.string('repeat') !== undefined && parsed.string('schedules') !== undefined) throw new UsageError('--repeat and --schedules are the same option: give one');
    const kernels = parsed.positionals.filter((p) => p.endsWith('.metal'));
    if (kernels.length > 0) {
      if (kernels.length !== parsed.positionals.length || kernels.length > 1) throw new UsageError('verify one .metal file at a time, without traces beside it');
      return verifyKernelFile(kernels[0]!, parsed, strategy, io);
    }
    for (const option of ['kernel', 'inputs', 'preemptions', 'script', 'no-races', 'json']) {
      if (parsed.string(option) !== undefined || parsed.flag(option)) throw new UsageError(`--${option} is for a .metal kernel, not for traces`);
    }
    if (strategy === 'exhaustive') {
      throw new UsageError('--strategy exhaustive is for small kernels: an OS frame takes tens of thousands of scheduling decisions. Use --strategy pct for traces');
    }
    return verifyTraces(parsed, strategy, io);
  },
};

/** --backends: the same traces and kernels on several backends (src/verify/cross_backend*.ts). */
async function verifyBackends(parsed: ParsedArgs, io: Io): Promise<number> {
  const backends = backendListOption(parsed.string('backends')!);
  for (const option of ['schedules', 'repeat', 'strategy', 'seed', 'depth', 'pct-steps', 'preemptions', 'script', 'races', 'no-races']) {
    if (parsed.string(option) !== undefined || parsed.flag(option)) throw new UsageError(`--${option} explores the emulator's schedules; --backends compares backends: run them separately`);
  }
  for (const backend of backends) requireBackend(backend);
  const kernels = parsed.positionals.filter((p) => p.endsWith('.metal'));
  const traces = kernels.length === parsed.positionals.length && kernels.length > 0 ? [] : findTraces(parsed.positionals.filter((p) => !p.endsWith('.metal')));
  if (kernels.length > 0 && (backends.length !== 2 || !backends.includes('emulator') || !backends.includes('cuda'))) {
    throw new UsageError('a .metal kernel is compared between the emulator (the reference) and cuda: give --backends emulator,cuda');
  }
  if (kernels.length === 0) {
    for (const option of ['kernel', 'inputs']) if (parsed.string(option) !== undefined) throw new UsageError(`--${option} is for a .metal kernel, not for traces`);
  }
  const json = parsed.flag('json');
  const reports: unknown[] = [];
  let failures = 0;
  for (const path of traces) {
    let progress: Progress | undefined;
    const report = await compareTraceAcrossBackends(path, backends, (done, total) => {
      progress ??= new Progress(io, `replaying ${basename(path)} on ${backends.join(' and ')}`, total);
      progress.update(done);
    });
    if (!report.ok) progress?.interrupt();
    reports.push(report);
    if (!report.ok) failures++;
    if (!json) io.out(formatTraceComparison(report));
  }
  for (const path of kernels) {
    const inputsPath = parsed.string('inputs');
    const inputs = inputsPath === undefined ? undefined : readInputsFile(inputsPath);
    const wanted = parsed.string('kernel') ?? inputs?.kernel;
    const names = wanted !== undefined ? [wanted] : (await compileKernel(path)).kernels.map((k) => k.name);
    for (const name of names) {
      const report = await compareWithCuda(path, name, inputs);
      reports.push({ file: path, ...report });
      if (report.verdict === 'different') failures++;
      if (!json) io.out(formatKernelComparison(path, report));
    }
  }
  if (json) io.out(JSON.stringify(reports, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2));
  return failures > 0 ? EXIT_FAILED : EXIT_OK;
}

async function verifyKernelFile(path: string, parsed: ParsedArgs, strategy: Strategy, io: Io): Promise<number> {
  const inputsPath = parsed.string('inputs');
  if (inputsPath === undefined) throw new UsageError('a kernel needs --inputs <file>: { "threads": 64, "buffers": [...] } (see gpuos verify --help)');
  if (parsed.flag('races')) throw new UsageError('--races is for traces; a kernel is race-checked unless --no-races');
  const inputs = readInputsFile(inputsPath);
  const library = await compileKernel({ path, races: !parsed.flag('no-races') });
  const name = parsed.string('kernel') ?? inputs.kernel;
  const kernel = library.kernel(name);
  const schedules = integerOption(parsed.string('schedules') ?? parsed.string('repeat'), 'schedules', 1, 1_000_000) ?? 100;
  const seed = seedOption(parsed.string('seed'));
  const depth = integerOption(parsed.string('depth'), 'depth', 1, 64);
  const pctSteps = integerOption(parsed.string('pct-steps'), 'pct-steps', 1, 2 ** 40);
  const preemptions = integerOption(parsed.string('preemptions'), 'preemptions', 0, 64);
  const script = parsed.string('script');
  if (script !== undefined && strategy !== 'exhaustive') throw new UsageError('--script reruns an exhaustive schedule: add --strategy exhaustive');
  if ((depth !== undefined || pctSteps !== undefined) && strategy !== 'pct') throw new UsageError('--depth and --pct-steps are PCT settings: add --strategy pct');
  const progress = new Progress(io, `verifying ${kernel.name}`, schedules, 'schedules');
  const report = await verifyKernel(kernelDispatch(kernel, inputs), {
    strategy,
    schedules,
    races: !parsed.flag('no-races'),
    ...(seed === undefined ? {} : { seed }),
    ...(depth === undefined ? {} : { pctDepth: depth }),
    ...(pctSteps === undefined ? {} : { pctSteps }),
    ...(preemptions === undefined ? {} : { preemptionBound: preemptions }),
    ...(script === undefined ? {} : { script }),
    onRun: (done) => progress.update(done),
  });
  if (report.exploration.runs < schedules) progress.interrupt(); // exhaustive ran out of schedules first
  if (parsed.flag('json')) {
    io.out(JSON.stringify(report, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2));
  } else {
    io.out(formatVerifyReport(report));
  }
  return report.deterministic ? EXIT_OK : EXIT_FAILED;
}

async function verifyTraces(parsed: ParsedArgs, strategy: Strategy, io: Io): Promise<number> {
  const repeat = integerOption(parsed.string('schedules') ?? parsed.string('repeat'), 'schedules', 1, 10_000) ?? 3;
  const baseSeed = seedOption(parsed.string('seed'));
  const depth = integerOption(parsed.string('depth'), 'depth', 1, 64) ?? 3;
  const fixedSteps = integerOption(parsed.string('pct-steps'), 'pct-steps', 1, 2 ** 40);
  const races = parsed.flag('races');
  let failures = 0;
  for (const path of findTraces(parsed.positionals)) {
    let digests: bigint[] | undefined;
    const runSeeds: bigint[] = [];
    let failure: string | undefined;
    let frames = 0;
    let pctSteps = fixedSteps ?? 0;
    const recordedSeed = Trace.readHeader(path).config.seed;
    for (let run = 0; run < repeat && !failure; run++) {
      const seed = BigInt.asUintN(64, (baseSeed ?? recordedSeed) + BigInt(run));
      // PCT spreads its change points over the decisions a frame takes: measured by the first run,
      // which is a plain one (the recording's own schedule when no seed is given).
      const pct = strategy === 'pct' && run > 0;
      const schedule = pct ? { strategy: 'pct' as const, pctDepth: depth, pctSteps: Math.max(1, pctSteps) } : undefined;
      const replayer = await Replayer.open(path, { seed, races, ...(schedule ? { schedule } : {}) });
      runSeeds.push(seed);
      const progress = new Progress(io, `verifying ${basename(path)} (run ${run + 1}/${repeat}, ${pct ? 'pct ' : ''}seed ${seed})`, replayer.frameCount);
      const runDigests: bigint[] = [];
      try {
        while (replayer.position < replayer.frameCount) {
          const check = await replayer.step();
          runDigests.push(check.digest);
          if (run === 0 && fixedSteps === undefined) pctSteps = Math.max(pctSteps, check.decisionCount);
          progress.update(replayer.position);
          if (!check.ok) {
            failure = `run ${run + 1} (${pct ? `--strategy pct --depth ${depth} --pct-steps ${schedule!.pctSteps} ` : ''}--seed ${seed}) differs from the recording:\n${describeDivergence(check.divergence!)}`;
            break;
          }
        }
      } catch (error) {
        failure = `run ${run + 1} (seed ${seed}) stopped: ${(error as Error).message}`;
      } finally {
        replayer.close();
        if (failure) progress.interrupt();
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
      const how = strategy === 'pct' ? `run 1 plain, then PCT depth ${depth} over ${pctSteps} decisions; ` : '';
      io.out(`PASS ${basename(path)}: ${repeat} runs (${how}seeds ${runSeeds.join(', ')}) x ${frames} frames${races ? ', every frame race-checked' : ''}, every digest identical to the recording`);
    }
  }
  return failures > 0 ? EXIT_FAILED : EXIT_OK;
}

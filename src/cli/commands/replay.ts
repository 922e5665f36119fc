import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';

import { isCi, type GoldenResult, type GoldenStatus } from '../../golden/golden_store.js';
import { GpuosError } from '../../errors.js';
import { replayTrace, unreplayableTrace, type ReplayReport } from '../../replayer/replay_trace.js';
import { viewCommandLine, writeHtmlReport } from '../../report/html_report.js';
import { Trace } from '../../trace/trace_reader.js';
import { requireBackend } from '../../kernel/backends.js';
import { backendOption, checkOutputPath, EXIT_FAILED, EXIT_OK, EXIT_USAGE, findTraces, integerOption, numberOption, parse, seedOption, UsageError, type Command, type Io } from '../cli_support.js';
import { Progress } from '../progress.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay traces through the kernel, check every frame and golden, write a report',
  usage: `usage: gpuos replay <trace.gtrace | dir>... [options]

  Replays each trace frame by frame on the CPU emulator, checking every frame against the
  recording and each marked frame against golden/<trace>/<name>.png. Exits 1 if anything
  differs; writes an HTML report either way.

      --from <n>              first frame to check (seeks from the nearest checkpoint)
      --to <n>                stop before frame n
      --seed <n>              emulator schedule seed (default: the recording's; any must pass)
      --backend <name>        emulator (default) or cuda: replay on an NVIDIA GPU, every frame
                              checked against the recording (gpuos backends lists what runs here)
      --kernel <file>         replay through another copy of the OS kernel (the os_kernel.metal of
                              a kernels directory with this build's gpuos_abi.h)
      --update                rewrite goldens that differ, write missing ones (not with CI set)
      --prune                 with --update: delete goldens no mark names any more
      --no-goldens            skip golden comparisons
      --allow-incomplete      a cut-off trace (a recording killed midway) passes on the frames it
                              holds; without it, such a trace fails after replaying them
      --golden-dir <dir>      where goldens live (default golden)
      --threshold <0-1>       pixelmatch colour threshold (default 0.1)
      --max-diff-pixels <n>   differing pixels still allowed (default 0)
      --output <dir>          images of failures: divergences in <dir>/<trace>/, goldens in
                              <dir>/goldens/<trace>/ (default test-output/replay, test-output/goldens)
      --report <file>         the HTML report (default test-output/report.html)
      --json                  print the reports as JSON
  -h, --help`,
  async run(args, io) {
    const parsed = parse(
      args,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        seed: { type: 'string' },
        backend: { type: 'string' },
        kernel: { type: 'string' },
        update: { type: 'boolean' },
        prune: { type: 'boolean' },
        'no-goldens': { type: 'boolean' },
        'allow-incomplete': { type: 'boolean' },
        'golden-dir': { type: 'string' },
        threshold: { type: 'string' },
        'max-diff-pixels': { type: 'string' },
        output: { type: 'string' },
        report: { type: 'string' },
        json: { type: 'boolean' },
      },
      replayCommand,
    );
    if (parsed.flag('help')) return io.out(replayCommand.usage), EXIT_OK;
    if (parsed.flag('prune') && !parsed.flag('update')) throw new UsageError('--prune deletes obsolete goldens during an --update');
    if (parsed.flag('update') && isCi()) throw new UsageError('goldens cannot be updated with CI set: update them locally, look at them, and commit them');
    const traces = findTraces(parsed.positionals);
    const from = integerOption(parsed.string('from'), 'from', 0, Number.MAX_SAFE_INTEGER);
    const to = integerOption(parsed.string('to'), 'to', 0, Number.MAX_SAFE_INTEGER);
    const seed = seedOption(parsed.string('seed'));
    const backend = backendOption(parsed.string('backend'));
    if (backend !== 'emulator' && seed !== undefined) throw new UsageError(`--seed is the emulator's schedule seed; --backend ${backend} runs the GPU's own schedule`);
    if (backend !== 'emulator') requireBackend(backend);
    const threshold = numberOption(parsed.string('threshold'), 'threshold', 0, 1);
    const maxDiffPixels = integerOption(parsed.string('max-diff-pixels'), 'max-diff-pixels', 0, Number.MAX_SAFE_INTEGER);
    const reportPath = parsed.string('report') ?? 'test-output/report.html';
    checkOutputPath(reportPath, traces, '--report');
    refuseDuplicateNames(traces);
    const reports: ReplayReport[] = [];
    for (const trace of traces) {
      let progress: Progress | undefined;
      let report: ReplayReport;
      try {
        report = await replayTrace(trace, {
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(seed === undefined ? {} : { seed }),
        ...(backend === 'emulator' ? {} : { backend }),
        ...(parsed.string('kernel') ? { kernel: parsed.string('kernel') } : {}),
        ...(threshold === undefined ? {} : { threshold }),
        ...(maxDiffPixels === undefined ? {} : { maxDiffPixels }),
        ...(parsed.string('golden-dir') ? { root: parsed.string('golden-dir') } : {}),
        ...(parsed.string('output') ? { output: parsed.string('output'), artifacts: join(parsed.string('output')!, 'goldens') } : {}),
        update: parsed.flag('update'),
        goldens: !parsed.flag('no-goldens'),
        allowIncomplete: parsed.flag('allow-incomplete'),
        onFrame: (done, total) => (progress ??= new Progress(io, `replaying ${basename(trace)}`, total)).update(done),
        });
      } catch (error) {
        // One unreadable trace (or golden) is reported, and the others are still replayed.
        if (!(error instanceof GpuosError)) throw error;
        progress?.interrupt();
        report = unreplayableTrace(trace, error);
      }
      reports.push(report);
      if (!parsed.flag('json')) printReport(report, io);
      if (parsed.flag('prune')) for (const path of report.obsolete) rmSync(path), io.out(`  deleted obsolete golden ${path}`);
    }
    writeHtmlReport(reportPath, reports);
    // Digests as hex; images (a diff's pixels) as their size, not their bytes.
    if (parsed.flag('json')) io.out(JSON.stringify(reports, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v instanceof Uint8Array ? `${v.byteLength} bytes` : v), 2));
    const failed = reports.filter((r) => !r.ok && r.error === undefined);
    const unreplayable = reports.filter((r) => r.error !== undefined);
    const counts = [`${reports.length - unreplayable.length} trace${reports.length - unreplayable.length === 1 ? '' : 's'} replayed`, `${failed.length} failed`];
    if (unreplayable.length) counts.push(`${unreplayable.length} could not be replayed`);
    io.err(`${counts.join(', ')}. Report: ${reportPath}`);
    // Bad input outranks a failed test: the run did not check what it was asked to.
    return unreplayable.length > 0 ? EXIT_USAGE : failed.length > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

/** "goldens 3/3 matched", or "goldens 1/3 matched, 2 written": what happened to the rest. */
function goldenSummary(goldens: readonly GoldenResult[]): string {
  const counts = new Map<GoldenStatus, number>();
  for (const golden of goldens) counts.set(golden.status, (counts.get(golden.status) ?? 0) + 1);
  const others = (['mismatch', 'missing', 'unreadable', 'written', 'updated'] as const).filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return [`goldens ${counts.get('match') ?? 0}/${goldens.length} matched`, ...others].join(', ');
}

/**
 * Goldens live in golden/<trace name>/: two traces of one name in a run would check (and with
 * --update --prune, delete) each other's goldens. Refused before anything is replayed.
 */
function refuseDuplicateNames(traces: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of traces) {
    let name: string;
    try {
      name = Trace.readHeader(path).name;
    } catch (error) {
      if (error instanceof GpuosError) continue; // reported when its turn comes
      throw error;
    }
    const other = seen.get(name);
    if (other !== undefined) throw new UsageError(`${other} and ${path} are both named '${name}' (their goldens would share golden/${name}/): replay them separately, or re-record one under another name`);
    seen.set(name, path);
  }
}

function printReport(report: ReplayReport, io: Io): void {
  if (report.error !== undefined) {
    io.err(`ERROR ${report.trace}: ${report.error}`);
    return;
  }
  const goldens = report.goldens;
  io.out(`${report.ok ? 'PASS' : 'FAIL'} ${report.name}: ${report.replayed} frames, ${goldenSummary(goldens)} (${report.durationMs.toFixed(0)} ms)`);
  for (const warning of report.warnings) io.out(`  warning: ${warning}`);
  if (report.incomplete && !report.ok) io.out(`  incomplete: ${report.incomplete.message}`);
  if (report.divergence) {
    io.out(report.divergence.description.replace(/^/gm, '  '));
    io.out(`  explore: ${viewCommandLine(report, report.divergence.frame)}`);
  }
  for (const golden of goldens) {
    if (golden.status === 'match') continue;
    io.out(`  golden ${golden.name}: ${golden.status}: ${golden.message}`);
    if (golden.failed && golden.frame !== undefined) io.out(`    explore: ${viewCommandLine(report, golden.frame, golden)}`);
  }
  for (const path of report.obsolete) io.out(`  obsolete golden (no mark names it): ${path}`);
}

import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { GoldenResult, GoldenStatus } from '../../golden/golden_store.js';
import { replayTrace, type ReplayReport } from '../../replayer/replay_trace.js';
import { writeHtmlReport } from '../../report/html_report.js';
import { EXIT_FAILED, EXIT_OK, findTraces, integerOption, numberOption, parse, seedOption, UsageError, type Command, type Io } from '../cli_support.js';
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
      --update                rewrite goldens that differ, write missing ones (not with CI set)
      --prune                 with --update: delete goldens no mark names any more
      --no-goldens            skip golden comparisons
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
        update: { type: 'boolean' },
        prune: { type: 'boolean' },
        'no-goldens': { type: 'boolean' },
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
    const traces = findTraces(parsed.positionals);
    const from = integerOption(parsed.string('from'), 'from', 0, Number.MAX_SAFE_INTEGER);
    const to = integerOption(parsed.string('to'), 'to', 0, Number.MAX_SAFE_INTEGER);
    const seed = seedOption(parsed.string('seed'));
    const threshold = numberOption(parsed.string('threshold'), 'threshold', 0, 1);
    const maxDiffPixels = integerOption(parsed.string('max-diff-pixels'), 'max-diff-pixels', 0, Number.MAX_SAFE_INTEGER);
    const reports: ReplayReport[] = [];
    for (const trace of traces) {
      let progress: Progress | undefined;
      const report = await replayTrace(trace, {
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(seed === undefined ? {} : { seed }),
        ...(threshold === undefined ? {} : { threshold }),
        ...(maxDiffPixels === undefined ? {} : { maxDiffPixels }),
        ...(parsed.string('golden-dir') ? { root: parsed.string('golden-dir') } : {}),
        ...(parsed.string('output') ? { output: parsed.string('output'), artifacts: join(parsed.string('output')!, 'goldens') } : {}),
        update: parsed.flag('update'),
        goldens: !parsed.flag('no-goldens'),
        onFrame: (done, total) => (progress ??= new Progress(io, `replaying ${basename(trace)}`, total)).update(done),
      });
      reports.push(report);
      if (!parsed.flag('json')) printReport(report, io);
      if (parsed.flag('prune')) for (const path of report.obsolete) rmSync(path), io.out(`  deleted obsolete golden ${path}`);
    }
    const reportPath = writeHtmlReport(parsed.string('report') ?? 'test-output/report.html', reports);
    // Digests as hex; images (a diff's pixels) as their size, not their bytes.
    if (parsed.flag('json')) io.out(JSON.stringify(reports, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v instanceof Uint8Array ? `${v.byteLength} bytes` : v), 2));
    const failed = reports.filter((r) => !r.ok);
    io.err(`${reports.length} trace${reports.length === 1 ? '' : 's'} replayed, ${failed.length} failed. Report: ${reportPath}`);
    return failed.length > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

/** "goldens 3/3 matched", or "goldens 1/3 matched, 2 written": what happened to the rest. */
function goldenSummary(goldens: readonly GoldenResult[]): string {
  const counts = new Map<GoldenStatus, number>();
  for (const golden of goldens) counts.set(golden.status, (counts.get(golden.status) ?? 0) + 1);
  const others = (['mismatch', 'missing', 'written', 'updated'] as const).filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return [`goldens ${counts.get('match') ?? 0}/${goldens.length} matched`, ...others].join(', ');
}

function printReport(report: ReplayReport, io: Io): void {
  const goldens = report.goldens;
  io.out(`${report.ok ? 'PASS' : 'FAIL'} ${report.name}: ${report.replayed} frames, ${goldenSummary(goldens)} (${report.durationMs.toFixed(0)} ms)`);
  for (const warning of report.warnings) io.out(`  warning: ${warning}`);
  if (report.divergence) io.out(report.divergence.description.replace(/^/gm, '  '));
  for (const golden of goldens) if (golden.status !== 'match') io.out(`  golden ${golden.name}: ${golden.status}: ${golden.message}`);
  for (const path of report.obsolete) io.out(`  obsolete golden (no mark names it): ${path}`);
}

/**
 * replayTraces('fixtures/traces'): every trace in a folder becomes its own vitest test, replayed
 * through the kernel with its goldens checked. A failing test's message names the first divergent
 * frame and what differs, and gives the expected, actual and diff image paths; after the suite an
 * HTML report of all of them is written (test-output/vitest/<dir>.html, apart from the CLI's
 * test-output/report.html and from other folders' reports), and its path printed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';


import { GpuosError } from '../errors.js';
import { replayTrace, unreplayableTrace, type ReplayReport, type ReplayTraceOptions } from '../replayer/replay_trace.js';
import { viewCommandLine, writeHtmlReport } from '../report/html_report.js';
import { goldenMode } from './golden_mode.js';

export interface ReplayTracesOptions extends Omit<ReplayTraceOptions, 'update' | 'ci' | 'onFrame'> {
  /** Per-trace test timeout, ms (default 120000). */
  timeout?: number;
  /** The HTML report (default test-output/vitest/<dir, as a file name>.html; false for none). */
  report?: string | false;
}

export function formatReplayFailure(report: ReplayReport): string {
  const lines = [`${report.name}: replay of ${report.trace} failed`];
  if (report.incomplete && !report.warnings.includes(report.incomplete.message)) lines.push(report.incomplete.message);
  if (report.divergence) {
    lines.push(report.divergence.description);
    lines.push(`  expected: ${report.divergence.images.expected}`, `  actual:   ${report.divergence.images.actual}`, `  diff:     ${report.divergence.images.diff}`);
    lines.push(`  explore:  ${viewCommandLine(report, report.divergence.frame)}`);
  }
  for (const golden of report.goldens.filter((g) => g.failed)) {
    lines.push(`golden ${golden.name} (frame marked in the trace): ${golden.message}`);
    lines.push(`  expected: ${golden.golden}`);
    if (golden.actual) lines.push(`  actual:   ${golden.actual}`);
    if (golden.diff) lines.push(`  diff:     ${golden.diff}`);
    if (golden.frame !== undefined) lines.push(`  explore:  ${viewCommandLine(report, golden.frame, golden)}`);
  }
  return lines.join('\n');
}

/** Each folder's vitest report apart: test-output/vitest/fixtures-traces.html for fixtures/traces. */
export function defaultReportPath(dir: string): string {
  const slug = dir.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'traces';
  return join('test-output', 'vitest', `${slug}.html`);
}

export function replayTraces(dir: string, options: ReplayTracesOptions = {}): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.gtrace'))
    .sort();
  const reports: ReplayReport[] = [];
  describe(`traces in ${dir}`, () => {
    if (files.length === 0) it.skip(`(no .gtrace files in ${dir})`, () => {});
    for (const file of files) {
      it(
        file.replace(/\.gtrace$/, ''),
        async () => {
          let report: ReplayReport;
          try {
            report = await replayTrace(join(dir, file), { ...options, ...goldenMode() });
          } catch (error) {
            // In the HTML report too, then failed as it was.
            if (error instanceof GpuosError) reports.push(unreplayableTrace(join(dir, file), error));
            throw error;
          }
          reports.push(report);
          // Goldens are stored by trace name: two traces of one name would share (and rewrite) them.
          const twin = reports.find((r) => r !== report && r.error === undefined && r.name === report.name);
          if (twin) throw new Error(`${report.trace} and ${twin.trace} are both named '${report.name}': their goldens would share golden/${report.name}/; re-record one under another name`);
          // Goldens written or rewritten, and ones no mark names any more: say so (vitest shows it).
          for (const golden of report.goldens) if (golden.status === 'written' || golden.status === 'updated') console.info(`${report.name}: ${golden.message}`);
          for (const path of report.obsolete) console.info(`${report.name}: obsolete golden (no mark names it; delete it): ${path}`);
          if (!report.ok) throw new Error(formatReplayFailure(report));
        },
        options.timeout ?? 120_000,
      );
    }
    afterAll(() => {
      if (options.report === false || reports.length === 0) return;
      const path = writeHtmlReport(options.report ?? defaultReportPath(dir), reports, `gpuos replay: ${dir}`);
      const failed = reports.filter((r) => !r.ok).length;
      console.info(`gpuos-replay: report of the traces in ${dir} (${reports.length} replayed, ${failed} failed): ${path}`);
    });
  });
}

/** The text `gpuos verify --backends` and `npm run verify:cuda` print for a comparison. */
import { basename } from 'node:path';

import { describeDivergence } from '../replayer/divergence.js';
import { isNan, type BufferDifference, type CrossBackendReport } from './cross_backend.js';
import type { CrossBackendTraceReport } from './cross_backend_traces.js';

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

export function formatTraceComparison(report: CrossBackendTraceReport): string {
  const name = basename(report.trace);
  const lines: string[] = [];
  const times = report.runs.map((run) => `${run.backend} ${(run.medianKernelNs / 1e6).toFixed(3)} ms`).join(', ');
  if (report.ok) {
    const agreement = report.runs.length > 1 ? ' and the same digest on each' : '';
    lines.push(`PASS ${name}: ${report.frameCount} frames on ${report.runs.map((r) => r.backend).join(' and ')}, every frame as recorded${agreement} (median kernel time per frame: ${times})`);
    return lines.join('\n');
  }
  lines.push(`FAIL ${name}:`);
  for (const run of report.runs) {
    if (run.divergence) lines.push(`  ${run.backend}: differs from the recording at frame ${run.divergence.frame} (${run.frames} frames matched before it)\n${indent(describeDivergence(run.divergence))}`);
    else lines.push(`  ${run.backend}: all ${run.frames} frames as recorded`);
  }
  if (report.disagreement) {
    const digests = Object.entries(report.disagreement.digests)
      .map(([backend, digest]) => `${backend} ${digest}`)
      .join(', ');
    lines.push(`  the backends first disagree at frame ${report.disagreement.frame}: ${digests}`);
  }
  return lines.join('\n');
}

/** Is the 4-byte word holding the first differing byte a float32 NaN on both backends? */
function bothNanAsFloat32(d: BufferDifference): boolean {
  // emulator/other start at the first differing byte: only a word that starts there is whole.
  return (d.firstOffset & 3) === 0 && d.emulator.length >= 4 && d.other.length >= 4 && isNan(d.emulator, 0, 4) && isNan(d.other, 0, 4);
}

export function formatKernelComparison(file: string, report: CrossBackendReport): string {
  const what = `${basename(file)} ${report.kernel} (${report.inputs} inputs)`;
  switch (report.verdict) {
    case 'identical':
      return `PASS ${what}: every buffer bit-identical on ${report.backends.join(' and ')}${report.gpuMs === undefined ? '' : ` (${report.gpuMs.toFixed(3)} ms on the GPU)`}`;
    case 'nan-payloads': {
      const nans = report.differences.map((d) => `buffer ${d.binding}: ${d.nanPayloads}`).join(', ');
      return `NOTE ${what}: identical on ${report.backends.join(' and ')} but for the bits of NaNs (${nans} elements a NaN on both with other payloads; MSL leaves a NaN's bits unspecified)`;
    }
    case 'emulator-finding':
      return `NOTE ${what}: not compared: the emulator reports ${(report.findings ?? []).join(', ')}, so the kernel has no defined result (gpuos verify ${basename(file)} --inputs ... says where)`;
    case 'schedule-dependent': {
      const first = report.scheduleDifferences?.[0];
      const where = first ? ` (buffer ${first.binding}: ${first.differingBytes} bytes, the first at byte ${first.firstOffset})` : '';
      return `NOTE ${what}: not compared: its result depends on the order threads run in, two emulator schedules differ${where}; gpuos verify ${basename(file)} --inputs ... explores the schedules`;
    }
    case 'different': {
      const lines = [`FAIL ${what}: buffers differ between ${report.backends.join(' and ')}`];
      for (const d of report.differences) {
        if (d.differingBytes === 0) {
          lines.push(`  buffer ${d.binding}: only NaN payloads differ (${d.nanPayloads} elements)`);
          continue;
        }
        const nans = d.nanPayloads > 0 ? ` (and ${d.nanPayloads} elements a NaN on both with other payloads)` : '';
        lines.push(`  buffer ${d.binding}: ${d.differingBytes} bytes differ, the first at byte ${d.firstOffset}: ${report.backends[0]} [${d.emulator.join(' ')}], ${report.backends[1]} [${d.other.join(' ')}]${nans}`);
        if (bothNanAsFloat32(d)) {
          lines.push(`    read as float32, the word at byte ${d.firstOffset & ~3} is a NaN on both: if that field is a float, only the NaN's bits differ (MSL leaves them unspecified; a buffer of structs is compared byte for byte)`);
        }
      }
      return lines.join('\n');
    }
  }
}

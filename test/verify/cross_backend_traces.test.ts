/**
 * compareTraceAcrossBackends (gpuos verify --backends): every frame replayed on each backend named
 * and checked against the recording. Only the emulator runs here; the CUDA side is exercised by
 * test/cuda/cuda_device.test.ts on a machine with a GPU.
 */
import { describe, expect, it } from 'vitest';

import { compareTraceAcrossBackends } from '../../src/verify/cross_backend_traces.js';
import { formatTraceComparison } from '../../src/verify/cross_backend_format.js';
import { withoutFirstClick } from '../trace/trace_helpers.js';

const TOGGLE = 'fixtures/traces/form-toggle.gtrace';

describe('compareTraceAcrossBackends', () => {
  it('passes a fixture trace with every frame as recorded', async () => {
    const seen: number[] = [];
    const report = await compareTraceAcrossBackends(TOGGLE, ['emulator'], (done) => seen.push(done));
    expect(report.ok).toBe(true);
    expect(report.disagreement).toBeUndefined();
    expect(report.runs).toEqual([expect.objectContaining({ backend: 'emulator', frames: report.frameCount })]);
    expect(report.runs[0]!.divergence).toBeUndefined();
    expect(report.runs[0]!.medianKernelNs).toBeGreaterThan(0);
    expect(seen).toEqual(Array.from({ length: report.frameCount }, (_, i) => i + 1));
    expect(formatTraceComparison(report)).toMatch(/^PASS form-toggle\.gtrace: \d+ frames on emulator, every frame as recorded \(/);
  });

  it('reports the first frame a backend differs from the recording, and stops that backend there', async () => {
    const planted = withoutFirstClick(TOGGLE);
    const report = await compareTraceAcrossBackends(planted.path, ['emulator']);
    expect(report.ok).toBe(false);
    const run = report.runs[0]!;
    expect(run.divergence?.frame).toBe(planted.frame);
    expect(run.frames).toBe(planted.frame);
    const text = formatTraceComparison(report);
    expect(text).toContain(`emulator: differs from the recording at frame ${planted.frame} (${planted.frame} frames matched before it)`);
    expect(text).not.toContain('PASS');
  });

  it('refuses an empty or repeated backend list', async () => {
    await expect(compareTraceAcrossBackends(TOGGLE, [])).rejects.toThrow(/each backend once/);
    await expect(compareTraceAcrossBackends(TOGGLE, ['emulator', 'emulator'])).rejects.toThrow(/each backend once/);
  });
});

// Re-recording over a fixture made by other kernel sources: the existing trace is replayed on the
// kernel as it is now, and only a trace whose kernel digest alone changed is recorded over
// without being named (gpuos record --accept-changes).
import { cpSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { formatRerecordReviews, reviewRerecord } from '../../src/recorder/rerecord_review.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { gpuos } from '../cli/cli_helpers.js';
import { rewriteTrace, withoutFirstClick } from '../trace/trace_helpers.js';

const TOGGLE = 'fixtures/traces/form-toggle.gtrace';
const SCENARIO = 'fixtures/scenarios/form-toggle.json';
const OTHER_KERNEL = '0123456789abcdef';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gpuos-rerecord-'));
}

describe('reviewRerecord', () => {
  it('has nothing to review where no trace exists or this kernel recorded it', async () => {
    expect((await reviewRerecord(join(tempDir(), 'none.gtrace'))).verdict).toBe('new');
    expect((await reviewRerecord(TOGGLE)).verdict).toBe('same-kernel');
  });

  it('calls a trace of other kernel sources that replays exactly "kernel digest only"', async () => {
    const path = rewriteTrace(TOGGLE, (f) => f, { kernelDigest: OTHER_KERNEL });
    const review = await reviewRerecord(path, { output: tempDir() });
    expect(review).toMatchObject({ name: 'form-toggle', verdict: 'kernel-digest-only', details: [] });
    expect(formatRerecordReviews([review]).join('\n')).toContain('kernel digest only (every frame and golden as recorded on this kernel): form-toggle');
  });

  it('names the first frame and the decoded fields of a trace whose behaviour changed', async () => {
    const { path, frame } = withoutFirstClick(TOGGLE, { kernelDigest: OTHER_KERNEL });
    const review = await reviewRerecord(path, { output: tempDir() });
    expect(review.verdict).toBe('behaviour-changed');
    expect(review.frame).toBe(frame);
    const text = formatRerecordReviews([review]).join('\n');
    expect(text).toContain(`BEHAVIOUR CHANGED form-toggle (${path}), first at frame ${frame}:`);
    expect(text).toMatch(/widgets\[[^\]]+\]\.state/);
    expect(text).not.toContain('kernel digest only');
  });
});

describe('gpuos record over existing traces', () => {
  it('refuses to record over a trace whose behaviour changed until it is accepted by name', async () => {
    const dir = tempDir();
    const goldens = join(dir, 'golden');
    cpSync('golden', goldens, { recursive: true });
    const existing = join(dir, 'form-toggle.gtrace');
    withoutFirstClick(TOGGLE, { kernelDigest: OTHER_KERNEL, path: existing });
    const before = readFileSync(existing);
    const refused = await gpuos('record', SCENARIO, '--out-dir', dir, '--golden-dir', goldens);
    expect(refused.code, refused.text).toBe(1);
    expect(refused.text).toContain('BEHAVIOUR CHANGED form-toggle');
    expect(refused.err.join('\n')).toMatch(/nothing recorded: 1 trace changed behaviour on this kernel \(form-toggle\).*--accept-changes form-toggle/);
    expect(readFileSync(existing).equals(before)).toBe(true);

    const wrongName = await gpuos('record', SCENARIO, '--out-dir', dir, '--golden-dir', goldens, '--accept-changes', 'settings-tour');
    expect(wrongName.code, wrongName.text).toBe(2);
    expect(wrongName.err.join('\n')).toContain("'settings-tour', which is not a trace being recorded (form-toggle)");

    const accepted = await gpuos('record', SCENARIO, '--out-dir', dir, '--golden-dir', goldens, '--accept-changes', 'form-toggle');
    expect(accepted.code, accepted.text).toBe(0);
    expect(accepted.out.join('\n')).toMatch(/recorded form-toggle: \d+ frames/);
    const recorded = Trace.open(existing);
    expect(recorded.header.kernelDigest).not.toBe(OTHER_KERNEL);
    recorded.close();
  });

  it('records over a trace whose kernel digest alone changed, saying so', async () => {
    const dir = tempDir();
    const existing = join(dir, 'form-toggle.gtrace');
    rewriteTrace(TOGGLE, (f) => f, { kernelDigest: OTHER_KERNEL, path: existing });
    const r = await gpuos('record', SCENARIO, '--out-dir', dir);
    expect(r.code, r.text).toBe(0);
    expect(r.out[0]).toBe('reviewed 1 existing trace on the current kernel before recording over it:');
    expect(r.out.join('\n')).toContain('kernel digest only');
    expect(statSync(existing).size).toBeGreaterThan(0);
  });

  it('--json prints the review and what was recorded as data', async () => {
    const dir = tempDir();
    rewriteTrace(TOGGLE, (f) => f, { kernelDigest: OTHER_KERNEL, path: join(dir, 'form-toggle.gtrace') });
    const r = await gpuos('record', SCENARIO, '--out-dir', dir, '--json');
    expect(r.code, r.text).toBe(0);
    const data = JSON.parse(r.out.join('\n')) as { reviews: { name: string; verdict: string }[]; recorded: { trace: string; frames: number }[] };
    expect(data.reviews).toEqual([expect.objectContaining({ name: 'form-toggle', verdict: 'kernel-digest-only' })]);
    expect(data.recorded).toEqual([expect.objectContaining({ trace: join(dir, 'form-toggle.gtrace') })]);
    expect(data.recorded[0]!.frames).toBeGreaterThan(0);
  });
});

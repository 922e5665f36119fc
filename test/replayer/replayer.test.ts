/**
 * The replayer: a trace replays identically under any thread schedule, from any checkpoint, and
 * when the kernel's behaviour differs from the recording it stops at the first frame that differs
 * and says where, in the OS's terms, with images.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { readPng } from '../../src/golden/png.js';
import { openSession } from '../../src/os/session.js';
import { TraceRecorder } from '../../src/recorder/trace_recorder.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { formatReplayFailure } from '../../src/vitest/replay_traces.js';
import { Replayer } from '../../src/replayer/replayer.js';
import { STATE_BITS } from '../../src/os/os_state.js';
import { compileScene } from '../../src/scene/scene_compile.js';
import { preamble, frameRecord } from '../../src/trace/record_framing.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { encodeHeader } from '../../src/trace/trace_records.js';
import { firstClickFrame, rewriteTrace, tempPath } from '../trace/trace_helpers.js';
import { readFileSync } from 'node:fs';

const TOGGLE = 'fixtures/traces/form-toggle.gtrace';

async function recordWithCheckpoints(): Promise<string> {
  const path = tempPath('checkpoints.gtrace');
  const session = await openSession({ scene: 'fixtures/scenes/form.json', width: 320, height: 240 });
  const recorder = TraceRecorder.start(session, path, { name: 'checkpoints', checkpointInterval: 7 });
  for (let i = 0; i < 40; i++) {
    if (i % 5 === 0) session.pushEvents([{ type: 'pointerMove', x: 20 + i * 5, y: 90.5 }]);
    if (i === 12) session.pushEvents([{ type: 'pointerDown', x: 30, y: 93 }, { type: 'pointerUp', x: 30, y: 93 }]);
    await session.step();
  }
  recorder.stop();
  session.close();
  return path;
}

async function digestsOf(replayer: Replayer, from: number, to: number): Promise<bigint[]> {
  await replayer.seek(from);
  const digests: bigint[] = [];
  while (replayer.position < to) {
    const check = await replayer.step();
    expect(check.ok, `frame ${check.frame.index}`).toBe(true);
    digests.push(check.digest);
  }
  return digests;
}

describe('replaying', () => {
  it('matches the recording at every frame under different thread schedules', async () => {
    const dispatchSeeds: bigint[][] = [];
    for (const seed of [1, 7, 123456789]) {
      const report = await replayTrace(TOGGLE, { seed, goldens: false });
      expect(report, `seed ${seed}`).toMatchObject({ ok: true, replayed: report.frames });
      const replayer = await Replayer.open(TOGGLE, { seed });
      const seeds: bigint[] = [];
      for (let i = 0; i < 3; i++) seeds.push((await replayer.step()).seed);
      replayer.close();
      dispatchSeeds.push(seeds);
    }
    // The replay seed reaches the dispatches: every frame of every replay ran under its own seed.
    expect(new Set(dispatchSeeds.flat()).size).toBe(9);
  });

  it('seeks from the nearest checkpoint to the same state as replaying from the start', async () => {
    const path = await recordWithCheckpoints();
    const trace = Trace.open(path);
    expect(trace.checkpoints.map((c) => c.frame)).toEqual([0, 6, 13, 20, 27, 34]);
    trace.close();
    const sequential = await Replayer.open(path);
    const all = await digestsOf(sequential, 0, 40);
    for (const from of [1, 7, 15, 33, 39, 3]) {
      expect(await digestsOf(sequential, from, Math.min(from + 4, 40)), `from ${from} (backwards too)`).toEqual(all.slice(from, from + 4));
    }
    sequential.close();
  });
});

describe('a replay that diverges', () => {
  it('stops at the first differing frame and names the widget fields, the framebuffer blocks and the regions', async () => {
    // The recording clicked the toggle at some frame; without those events the kernel behaves differently.
    const clickFrame = firstClickFrame(TOGGLE);
    const tampered = rewriteTrace(TOGGLE, (frame) => (frame.index === clickFrame ? { ...frame, operations: [] } : frame), { fileName: 'form-toggle.gtrace' });
    const output = tempPath('out');
    const report = await replayTrace(tampered, { goldens: false, output });
    expect(report.ok).toBe(false);
    const divergence = report.divergence!;
    expect(divergence.frame).toBe(clickFrame);
    expect(report.replayed).toBe(clickFrame + 1);
    const paths = divergence.fields.map((f) => f.path);
    expect(paths).toContain('widgets[updates].state');
    expect(paths).toContain('frame.focused');
    expect(paths).toContain('frame.events_processed');
    // The values, each side the right way round: the recording had the toggle focused, checked
    // and hovered by the click; the replay, which never clicked, only hovered.
    const field = (path: string) => divergence.fields.find((f) => f.path === path)!;
    const updates = compileScene(Trace.open(TOGGLE).scene).ids.get('updates')!;
    expect(field('frame.focused')).toMatchObject({ expected: updates, actual: 0xffff });
    expect(field('widgets[updates].state')).toMatchObject({ expected: STATE_BITS.hovered | STATE_BITS.focused | STATE_BITS.checked, actual: STATE_BITS.hovered });
    expect(field('widgets[updates].activations')).toMatchObject({ expected: 1, actual: 0 });
    // The three events removed (move, down, up) were not processed.
    expect(Number(field('frame.events_processed').expected) - Number(field('frame.events_processed').actual)).toBe(3);
    expect(divergence.blocks.length).toBeGreaterThan(0);
    expect(divergence.regions).toContain('input queue');
    expect(divergence.description).toMatch(new RegExp(`frame ${clickFrame} diverged from the recording:`));
    // Raw bits beside the names the host API uses (WidgetState.hovered, focused, checked).
    expect(field('widgets[updates].state').decoded).toEqual({ expected: 'hovered focused checked', actual: 'hovered' });
    expect(field('frame.focused').decoded).toEqual({ expected: 'updates', actual: 'none' });
    expect(field('widgets[updates].activations').decoded).toBeUndefined();
    expect(divergence.description).toContain(`widgets[updates].state: expected hovered focused checked (${STATE_BITS.hovered | STATE_BITS.focused | STATE_BITS.checked}), got hovered (${STATE_BITS.hovered})`);
    expect(divergence.description).toContain(`frame.focused: expected updates (${updates}), got none (65535)`);
    expect(divergence.operations).toEqual([]);
    for (const image of [divergence.images.expected, divergence.images.actual, divergence.images.diff]) {
      expect(existsSync(image), image).toBe(true);
      expect(readPng(image).width).toBe(320);
    }
  });

  it('reports a tracked byte that differs with both values, exactly', async () => {
    const trace = Trace.open(TOGGLE);
    const frame = [...trace.frames()].find((f) => f.stateRuns.length > 0 && f.index > 3)!;
    trace.close();
    // Claim the recording saw one more byte change than the kernel makes.
    const tampered = rewriteTrace(TOGGLE, (f) => {
      if (f.index !== frame.index) return f;
      const runs = [...f.stateRuns];
      const bytes = Uint8Array.from(runs[1] as Uint8Array);
      bytes[0] = bytes[0]! ^ 0xff;
      runs[1] = bytes;
      return { ...f, stateRuns: runs };
    });
    const report = await replayTrace(tampered, { goldens: false, output: tempPath('out') });
    expect(report.divergence?.frame).toBe(frame.index);
    const field = report.divergence!.fields[0]!;
    expect(typeof field.expected).toBe('number');
    // Exactly the flipped byte: the values differ in all eight bits of one byte, nowhere else
    // (a float field compared by its bits).
    const bits = (value: number): bigint => (Number.isInteger(value) ? BigInt(value) : BigInt(new Uint32Array(new Float32Array([value]).buffer)[0]!));
    const flipped = bits(field.expected as number) ^ bits(field.actual as number);
    expect([0xffn, 0xff00n, 0xff0000n, 0xff000000n]).toContain(flipped);
    expect(report.divergence!.blocks).toEqual([]);
  });

  it('shows the expected frame exactly where the trace has a checkpoint, and hatches what it cannot know elsewhere', async () => {
    const tampered = rewriteTrace(TOGGLE, (frame) => (frame.index === 0 ? { ...frame, digest: frame.digest ^ 1n } : frame));
    const report = await replayTrace(tampered, { goldens: false, output: tempPath('out') });
    // Frame 0 has a checkpoint: its pixels are known, so the expected image is exact (and here equal).
    expect(report.divergence).toMatchObject({ frame: 0, images: { exact: true, unknownBlocks: 0 } });
    expect(report.divergence!.regions).toEqual(['device memory outside the tracked regions (frame digest)']);
  });
});

describe('traces it cannot replay', () => {
  it('refuses a trace of another OS ABI, saying to record it again', async () => {
    const trace = Trace.open(TOGGLE);
    const header = { ...trace.header, abi: { ...trace.header.abi, layoutDigest: '0123456789abcdef' } };
    const bytes = readFileSync(TOGGLE);
    const firstFrame = (trace as unknown as { frameOffsets: Float64Array }).frameOffsets[0]!;
    trace.close();
    const path = tempPath('abi.gtrace');
    writeFileSync(path, Buffer.concat([preamble(), frameRecord('header', encodeHeader(header)), bytes.subarray(firstFrame)]));
    await expect(Replayer.open(path)).rejects.toThrow(/recorded with OS ABI version 1 \(layout 0123456789abcdef\).*record it again from its scenario/);
  });

  it('replays the complete frames of a cut-off recording, then fails it: its lost frames and goldens were never checked', async () => {
    const bytes = readFileSync(TOGGLE);
    const path = tempPath('cut.gtrace');
    writeFileSync(path, bytes.subarray(0, bytes.length - 2000));
    const cut = Trace.open(path);
    const held = cut.frameCount;
    cut.close();
    const report = await replayTrace(path, { goldens: false });
    expect(report.ok).toBe(false);
    expect(report.replayed).toBe(held);
    expect(report.divergence).toBeUndefined();
    expect(report.incomplete).toMatchObject({ frames: held });
    expect(report.incomplete!.trailingBytes).toBeGreaterThan(0);
    expect(report.incomplete!.message).toMatch(new RegExp(`the recording was cut off after frame ${held - 1} \\(it holds ${held} frames and \\d+ bytes of a partial record and no end record\\)`));
    expect(report.incomplete!.message).toContain('--allow-incomplete');
    expect(formatReplayFailure(report)).toContain('the trace is incomplete');
  });

  it('names the goldens a cut-off trace no longer marks', async () => {
    const trace = Trace.open(TOGGLE);
    const marks = trace.goldens;
    const firstMarkedFrame = Math.min(...marks.map((g) => g.frame));
    trace.close();
    const bytes = readFileSync(TOGGLE);
    // Cut just after the header and a frame or two: every mark is lost.
    const path = tempPath('form-toggle-cut.gtrace');
    let length = bytes.length;
    for (;;) {
      writeFileSync(path, bytes.subarray(0, length));
      const t = Trace.open(path);
      const left = t.goldens.length;
      t.close();
      if (left === 0) break;
      length = Math.floor(length * 0.7);
    }
    const report = await replayTrace(path, { root: 'golden' });
    expect(firstMarkedFrame).toBeGreaterThanOrEqual(0);
    expect(report.ok).toBe(false);
    expect(report.goldens).toEqual([]);
    expect(report.incomplete!.goldensWithoutMark.length).toBe(new Set(marks.map((g) => g.name)).size);
    expect(report.incomplete!.message).toMatch(/golden(s)? in its folder (has|have) no mark in what is left \(.*\.png/);
  });

  it('passes a cut-off recording on what it holds with allowIncomplete, saying so', async () => {
    const bytes = readFileSync(TOGGLE);
    const path = tempPath('cut-allowed.gtrace');
    writeFileSync(path, bytes.subarray(0, bytes.length - 2000));
    const report = await replayTrace(path, { goldens: false, allowIncomplete: true });
    expect(report.ok).toBe(true);
    expect(report.incomplete).toBeDefined();
    expect(report.warnings.join()).toMatch(/the trace is incomplete: .*\(passed with --allow-incomplete\)/);
  });
});

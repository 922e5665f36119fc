/**
 * A host that misuses the API, on purpose or by mistake: every case is a typed error at the call
 * that caused it (or at stop, with the recording kept), and never a recording that does not
 * replay, a replaced device file or a process out of memory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/errors.js';
import { compareImages } from '../../src/golden/compare.js';
import { OsAbi } from '../../src/os/abi.js';
import { QueueFullError, SessionStateError } from '../../src/os/os_errors.js';
import { openSession } from '../../src/os/session.js';
import { partialPath, TraceRecorder } from '../../src/recorder/trace_recorder.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { checkCompiledScene } from '../../src/scene/compiled_scene_check.js';
import { compileScene } from '../../src/scene/scene_compile.js';
import { SceneError } from '../../src/scene/scene_error.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { tempPath } from '../trace/trace_helpers.js';

const FORM = 'fixtures/scenes/form.json';
const INBOX = 'fixtures/scenes/inbox.json';

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error');
}

describe('events the ring cannot hold, or that are not there', () => {
  it('refuses a text longer than the ring before building one event of it', async () => {
    const session = await openSession({ scene: FORM, width: 320, height: 240 });
    // The invalid event after the text would be found by building them all: refused for room first
    // shows they were counted, not built.
    const error = errorOf(() => session.pushEvents([{ type: 'text', text: 'a'.repeat(10_000_000) }, { type: 'bogus' } as never]));
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error.message).toMatch(/10000001/);
    expect(session.queueCounters()).toEqual({ head: 0, tail: 0 });
    session.close();
  });

  it('refuses a hole in a raw event array instead of replaying a stale ring slot', async () => {
    const session = await openSession({ scene: FORM, width: 320, height: 240 });
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [{ type: 1, modifiers: 0, code: 0, x: 10, y: 10 }, , { type: 1, modifiers: 0, code: 0, x: 20, y: 20 }];
    const error = errorOf(() => session.pushRawEvents(sparse as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe('events[1] must be an event object');
    expect(session.queueCounters().head).toBe(0);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => session.pushEvents([{ type: 'pointerMove', x: 1, y: 1 }, , { type: 'pointerMove', x: 2, y: 2 }] as never)).toThrow(/events\[1\]: must be an event object/);
    expect(session.queueCounters().head).toBe(0);
    expect(() => session.setQueueCounters(null as never)).toThrow(InvalidArgumentError);
    expect(() => session.setQueueCounters(5 as never)).toThrow(/pass \{ head, tail \}/);
    session.close();
  });
});

describe('snapshots', () => {
  it('restores only a snapshot of the same scene, and never under a recording', async () => {
    const form = await openSession({ scene: FORM, width: 320, height: 240 });
    const inbox = await openSession({ scene: INBOX, width: 320, height: 240 });
    await form.step();
    await inbox.step();
    const snapshot = form.snapshot();
    expect(() => inbox.restore(snapshot)).toThrow(/the snapshot is of another scene/);
    expect(() => inbox.restore(null as never)).toThrow(InvalidArgumentError);
    // Same scene: fine.
    const other = await openSession({ scene: FORM, width: 320, height: 240 });
    other.restore(snapshot);
    expect(other.frameCount).toBe(1);

    const fresh = await openSession({ scene: FORM, width: 320, height: 240 });
    const recorder = TraceRecorder.start(fresh, tempPath('r.gtrace'), { name: 'r' });
    await fresh.step();
    const before = fresh.snapshot();
    await fresh.step();
    expect(errorOf(() => fresh.restore(before))).toBeInstanceOf(SessionStateError);
    recorder.stop();
    // Once the recording stopped, rewinding is the host's business again.
    fresh.restore(before);
    for (const s of [form, inbox, other, fresh]) s.close();
  });
});

describe('starting a recording', () => {
  it('only from a session nothing has touched: a trace replays from the scene as opened', async () => {
    const abi = OsAbi.get();
    const touches: [string, (s: Awaited<ReturnType<typeof openSession>>) => void][] = [
      ['events', (s) => s.pushEvents([{ type: 'pointerMove', x: 5, y: 5 }])],
      ['a write', (s) => s.writeStateBytes(Uint8Array.of(1), abi.offsetOf('gpuos_os_state', ['widgets', 1, 'hover_anim']))],
      ['counters', (s) => s.setQueueCounters({ head: 0 })],
      ['a restore', (s) => s.restore(s.snapshot())],
    ];
    for (const [what, touch] of touches) {
      const session = await openSession({ scene: FORM, width: 320, height: 240 });
      touch(session);
      const path = tempPath('touched.gtrace');
      expect(() => TraceRecorder.start(session, path, { name: 'x' }), what).toThrow(/start recording before touching the session/);
      expect(existsSync(partialPath(path)), what).toBe(false);
      session.close();
    }
    expect(() => TraceRecorder.start(null as never, tempPath('n.gtrace'), { name: 'x' })).toThrow(/pass an OsSession/);
  });

  it('only into a new or regular file, never over a FIFO, and one recording per path at a time', async () => {
    const session = await openSession({ scene: FORM, width: 320, height: 240 });
    const fifo = tempPath('fifo.gtrace');
    execFileSync('mkfifo', [fifo]);
    expect(() => TraceRecorder.start(session, fifo, { name: 'x' })).toThrow(/is not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    const path = tempPath('twice.gtrace');
    const first = TraceRecorder.start(session, path, { name: 'first' });
    const other = await openSession({ scene: FORM, width: 320, height: 240 });
    expect(() => TraceRecorder.start(other, path, { name: 'second' })).toThrow(/\.partial exists: another recording is writing it/);
    await session.step();
    first.stop();
    expect(Trace.open(path).header.name).toBe('first');
    session.close();
    other.close();
  });

  it('keeps a finished recording in its .partial file when it cannot be moved into place', async () => {
    const session = await openSession({ scene: FORM, width: 320, height: 240 });
    const path = join(tempPath('blocked'), 'trace.gtrace');
    mkdirSync(dirname(path), { recursive: true });
    const recorder = TraceRecorder.start(session, path, { name: 'blocked' });
    await session.step();
    mkdirSync(join(path, 'in-the-way'), { recursive: true }); // a directory appears where the trace goes
    expect(() => recorder.stop()).toThrow(/the recording is complete in .*trace\.gtrace\.partial but could not be moved/);
    expect(Trace.open(partialPath(path)).frameCount).toBe(1);
    session.close();
  });

  it('fails at stop, keeping what it recorded, when one frame had more host operations than a trace holds', async () => {
    const session = await openSession({ scene: FORM, width: 320, height: 240 });
    const path = tempPath('many-ops.gtrace');
    const recorder = TraceRecorder.start(session, path, { name: 'many' });
    await session.step();
    for (let i = 0; i < 1100; i++) session.setQueueCounters({ head: 0, tail: 0 });
    await session.step();
    expect(() => recorder.stop()).toThrow(/more than 1024 host operations before frame 1/);
    expect(Trace.open(partialPath(path)).frameCount).toBe(1);
    session.close();
  });
});

describe('host writes that replay', () => {
  it('a frame number written by the host replays without a false divergence', async () => {
    const session = await openSession({ scene: FORM, width: 320, height: 240 });
    const path = tempPath('frame-number.gtrace');
    const recorder = TraceRecorder.start(session, path, { name: 'frame-number' });
    await session.step();
    session.writeStateBytes(Uint8Array.of(100, 0, 0, 0), OsAbi.get().offsetOf('gpuos_os_state', ['frame', 0]));
    await session.step();
    expect(session.frameState().frameNumber).toBe(101);
    await session.step();
    recorder.stop();
    session.close();
    const report = await replayTrace(path, { goldens: false });
    expect(report.divergence).toBeUndefined();
    expect(report).toMatchObject({ ok: true, replayed: 3 });
  });
});

describe('values from hand-made scenes and images', () => {
  it('refuses holes in a scene and compiled scenes whose kind names lie', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holed = errorOf(() => compileScene({ root: { kind: 'column', children: [, { kind: 'label', text: 'x' }] } }));
    expect(holed).toBeInstanceOf(SceneError);
    expect(holed.message).toMatch(/root\.children\[0\]: expected an object, got nothing/);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => compileScene({ root: { kind: 'column', padding: [, 1] } })).toThrow(/root\.padding\[0\]: missing/);
    expect(() => compileScene({ root: { kind: 'column', children: new Array(100_000_000) } })).toThrow(/root\.children\[0\]/);
    const scene = compileScene({ root: { kind: 'column', children: [{ kind: 'button', text: 'b' }] } });
    expect(() => checkCompiledScene({ ...scene, kinds: ['column', 'textField'] })).toThrow(/widget 1 is kind \d+ but kinds\[1\] says "textField"/);
    checkCompiledScene(scene);
  });

  it('compares only images whose data matches their size', () => {
    const good = { width: 4, height: 4, data: new Uint8Array(64) };
    expect(() => compareImages(good, { width: 4, height: 4, data: new Uint8Array(3) })).toThrow(/the actual image|RGBA image has 64 bytes, got 3/);
    expect(() => compareImages({ width: 4, height: 4, data: new Uint8Array(3) }, { width: 4, height: 4, data: new Uint8Array(3) })).toThrow(InvalidArgumentError);
    expect(compareImages(good, { ...good, data: good.data.slice() }).identical).toBe(true);
  });
});

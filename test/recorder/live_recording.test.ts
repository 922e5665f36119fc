/**
 * Recording a session driven through the host API: everything the host does between frames is
 * recorded in order and replays to the same memory, hostile input included.
 */
import { describe, expect, it } from 'vitest';

import { OsAbi } from '../../src/os/abi.js';
import { openSession } from '../../src/os/session.js';
import { TraceRecorder } from '../../src/recorder/trace_recorder.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { compileScene } from '../../src/scene/scene_compile.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { tempPath } from '../trace/trace_helpers.js';

const SCENE = 'fixtures/scenes/form.json';

describe('recording a live session', () => {
  it('records events, raw events, counter and memory overwrites and full redraws in order, and they replay', async () => {
    const path = tempPath('live.gtrace');
    const session = await openSession({ scene: SCENE, width: 320, height: 240, seed: 5 });
    const recorder = TraceRecorder.start(session, path, { name: 'live', description: 'a bit of everything' });
    await session.step();
    session.pushEvents([{ type: 'pointerMove', x: 40, y: 90 }, { type: 'pointerDown', x: 40, y: 90 }, { type: 'pointerUp', x: 40, y: 90 }]);
    await session.step({ deltaUs: 10_000 });
    session.pushRawEvents([{ type: 99, modifiers: 3, code: 7, x: Number.NaN, y: -0 }]);
    session.setQueueCounters({ head: 3_000_000_000, tail: 2 });
    await session.step({ timeUs: 500_000 });
    const abi = OsAbi.get();
    session.writeStateBytes(Uint8Array.of(42), abi.offsetOf('gpuos_os_state', ['widgets', 3, 'hover_anim']));
    await session.step({ fullRedraw: true });
    recorder.markGolden('after-write');
    await session.run(5);
    const summary = recorder.stop();
    expect(summary).toMatchObject({ frames: 9, events: 4, goldens: ['after-write'] });

    const trace = Trace.open(path);
    expect(trace.header).toMatchObject({ name: 'live', description: 'a bit of everything', backend: 'emulator', config: { width: 320, height: 240, seed: 5n } });
    const ops = [...trace.frames()].map((f) => f.operations.map((op) => op.kind));
    expect(ops.slice(0, 4)).toEqual([[], ['events'], ['events', 'counters'], ['write']]);
    expect(trace.frame(1).deltaUs).toBe(10_000);
    expect(trace.frame(2).timeUs).toBe(500_000);
    expect(trace.frame(3).fullRedraw).toBe(true);
    const raw = trace.frame(2).operations[0]!;
    expect(raw.kind === 'events' && raw.events[0]).toMatchObject({ type: 99, modifiers: 3, code: 7 });
    expect(trace.goldens).toEqual([{ frame: 3, name: 'after-write' }]);
    trace.close();

    const report = await replayTrace(path, { goldens: false });
    expect(report.divergence?.description).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('refuses what would make an unreplayable trace, saying why', async () => {
    const session = await openSession({ scene: SCENE, width: 320, height: 240 });
    expect(() => TraceRecorder.start(session, tempPath('x.gtrace'), { name: 'bad name!' })).toThrow(/needs a name of letters, digits/);
    const recorder = TraceRecorder.start(session, tempPath('y.gtrace'), { name: 'ok' });
    expect(() => recorder.markGolden('first')).toThrow(/no frame has been recorded yet/);
    await session.step();
    expect(() => recorder.markGolden('../escape')).toThrow(/a golden name is letters/);
    recorder.markGolden('first');
    expect(() => recorder.markGolden('first')).toThrow(/already a golden/);
    recorder.stop();
    expect(() => TraceRecorder.start(session, tempPath('z.gtrace'), { name: 'late' })).toThrow(/before the session runs its first frame/);
    const { source: _source, ...handMade } = compileScene({ root: { kind: 'column' } });
    const bare = await openSession({ scene: handMade, width: 64, height: 64 });
    expect(() => TraceRecorder.start(bare, tempPath('w.gtrace'), { name: 'bare' })).toThrow(/record one opened from scene JSON/);
  });
});

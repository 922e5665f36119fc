/**
 * The kernel's input is untrusted: raw events of any bit pattern, a ring whose counters were
 * corrupted, and device memory overwritten with anything. Whatever arrives, the OS keeps running, nothing reads or writes out of bounds (the
 * emulator faults on any stray access, which would fail the step), the malformed events are
 * dropped and counted, and the state stays valid.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/errors.js';
import { OsAbi } from '../../src/os/abi.js';
import type { RawInputEvent } from '../../src/os/input_events.js';
import { openSession } from '../../src/os/session.js';
import type { SceneWidget } from '../../src/scene/scene_types.js';
import { centreOf, click, expectValidState, firstDifference, frameWith, sessionWith } from './os_helpers.js';

const WIDTH = 640;
const HEIGHT = 360;

/** The validity rule the kernel must apply (kernels/os/phase_1_input.h), restated independently. */
function isValid(e: RawInputEvent): boolean {
  const f32 = (v: number) => Math.fround(v);
  const finite = (v: number) => Number.isFinite(f32(v));
  switch (e.type & 0xffff) {
    case 1:
    case 2:
    case 3:
      return finite(e.x) && finite(e.y) && f32(e.x) >= 0 && f32(e.y) >= 0 && f32(e.x) <= WIDTH && f32(e.y) <= HEIGHT && (e.modifiers & 0xffff) <= 15;
    case 4:
      return finite(e.x) && finite(e.y) && Math.abs(f32(e.x)) <= 100000 && Math.abs(f32(e.y)) <= 100000;
    case 5:
    case 6:
      return e.code >>> 0 <= 0x105 && (e.modifiers & 0xffff) <= 15;
    case 7:
      return e.code >>> 0 >= 0x20 && e.code >>> 0 <= 0x7e;
    default:
      return false;
  }
}

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

const SPECIAL_FLOATS = [Number.NaN, Infinity, -Infinity, -0, -1, 1e30, -1e30, 3.4e38, 1e-40, WIDTH, HEIGHT, WIDTH + 0.001, 100000, 100001];

function garbageEvent(next: () => number): RawInputEvent {
  const float = (): number => {
    const pick = next() % 4;
    if (pick === 0) return SPECIAL_FLOATS[next() % SPECIAL_FLOATS.length]!;
    if (pick === 1) return new Float32Array(new Uint32Array([next()]).buffer)[0]!; // any bit pattern
    return (next() % 800) - 50 + (next() % 100) / 100;
  };
  return {
    type: next() % 3 === 0 ? next() & 0xffff : 1 + (next() % 8),
    modifiers: next() % 4 === 0 ? next() & 0xffff : next() % 16,
    code: next() % 3 === 0 ? next() : next() % 0x120,
    x: float(),
    y: float(),
  };
}

const SCENE: SceneWidget = {
  kind: 'column',
  padding: 10,
  gap: 8,
  children: [
    { kind: 'textField', id: 'field', text: 'edit me', capacity: 12 },
    { kind: 'slider', id: 'slider', value: 10 },
    { kind: 'toggle', id: 'toggle', text: 'toggle' },
    { kind: 'scroll', id: 'list', height: 120, children: Array.from({ length: 30 }, (_, i) => ({ kind: 'button', id: `item${i}`, text: `item ${i}` })) },
  ],
};

describe('hostile input', () => {
  it('drops exactly the malformed events, counts them, and stays valid through 3000 random ones', async () => {
    const session = await sessionWith(SCENE);
    const next = generator(20261124);
    let valid = 0;
    let invalid = 0;
    for (let frame = 0; frame < 100; frame++) {
      const batch = Array.from({ length: 30 }, () => garbageEvent(next));
      for (const event of batch) (isValid(event) ? valid++ : invalid++);
      session.pushRawEvents(batch);
      await session.step();
      expectValidState(session);
    }
    const state = session.frameState();
    // The mix really exercised both sides.
    expect(valid).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(500);
    expect(state).toMatchObject({ eventsProcessed: valid, eventsDropped: invalid, eventsPending: 0, queueResets: 0 });
    // The OS still responds to ordinary input afterwards.
    await frameWith(session, [{ type: 'pointerUp', x: 1, y: 1 }]);
    const before = session.widget('toggle').checked;
    await click(session, 'toggle');
    expect(session.widget('toggle').checked).toBe(!before);
  });

  it('resynchronises when head runs more than a ring ahead of tail, and keeps going', async () => {
    const session = await sessionWith(SCENE);
    await frameWith(session);
    session.setQueueCounters({ head: 1_000_000_123, tail: 5 });
    await session.step();
    expectValidState(session);
    expect(session.frameState()).toMatchObject({ queueResets: 1, eventsPending: 0, eventsProcessed: 0 });
    expect(session.queueCounters()).toEqual({ head: 1_000_000_123, tail: 1_000_000_123 });
    await click(session, 'toggle');
    expect(session.widget('toggle').checked).toBe(true);
  });

  it('resynchronises when tail is ahead of head (head - tail wraps to nearly 2^32)', async () => {
    const session = await sessionWith(SCENE);
    session.setQueueCounters({ head: 10, tail: 15 });
    await session.step();
    expectValidState(session);
    expect(session.frameState()).toMatchObject({ queueResets: 1, eventsPending: 0 });
    expect(session.queueCounters()).toEqual({ head: 10, tail: 10 });
  });

  it('treats exactly a full ring as valid and one more as corrupt', async () => {
    const session = await sessionWith(SCENE);
    session.setQueueCounters({ head: 256, tail: 0 });
    await session.step();
    // The ring's slots hold zeros: type 0, malformed, dropped, but consumed in order.
    expect(session.frameState()).toMatchObject({ queueResets: 0, eventsDropped: 32, eventsPending: 224 });
    session.setQueueCounters({ head: 1000, tail: 1000 - 257 });
    await session.step();
    expect(session.frameState()).toMatchObject({ queueResets: 1, eventsPending: 0 });
    expectValidState(session);
  });

  it('never reads slots beyond head, whatever they hold', async () => {
    const session = await sessionWith(SCENE);
    // Fill the whole ring with valid clicks on the toggle, then rewind head to publish none of them.
    await frameWith(session);
    const { x, y } = centreOf(session, 'toggle');
    const clicks: RawInputEvent[] = [];
    for (let i = 0; i < 128; i++) clicks.push({ type: 2, modifiers: 0, code: 1, x, y }, { type: 3, modifiers: 0, code: 1, x, y });
    const { head } = session.queueCounters();
    session.pushRawEvents(clicks);
    session.setQueueCounters({ head });
    await session.step();
    await session.step();
    expect(session.widget('toggle').activations).toBe(0);
    expect(session.frameState().eventsProcessed).toBe(0);
  });

  it('refuses raw events that are not numbers before touching the ring', async () => {
    const session = await sessionWith(SCENE);
    expect(() => session.pushRawEvents([{ type: 1, modifiers: 0, code: 0, x: 1 } as RawInputEvent])).toThrow(InvalidArgumentError);
    expect(() => session.pushRawEvents([{ type: '1', modifiers: 0, code: 0, x: 1, y: 1 } as unknown as RawInputEvent])).toThrow(/events\[0\]\.type must be a number/);
    expect(session.queueCounters()).toEqual({ head: 0, tail: 0 });
  });

  it('survives garbage on every fixture scene at full queue pressure', async () => {
    for (const name of ['settings', 'scroll_list', 'stress_256', 'nesting_depth8', 'text_heavy']) {
      const scene = JSON.parse(readFileSync(`fixtures/scenes/${name}.json`, 'utf8')) as object;
      const session = await openSession({ scene, width: WIDTH, height: HEIGHT });
      const next = generator(name.length * 7919);
      for (let frame = 0; frame < 8; frame++) {
        // Keep the ring as full as the host may make it.
        const { head, tail } = session.queueCounters();
        session.pushRawEvents(Array.from({ length: 256 - ((head - tail) >>> 0) }, () => garbageEvent(next)));
        await session.step();
        expectValidState(session);
      }
      session.close();
    }
  });
});

describe('corrupted device memory', () => {
  const abi = OsAbi.get();
  const offset = (...path: (string | number)[]) => abi.offsetOf('gpuos_os_state', path);
  const u16 = (value: number) => new Uint8Array(new Uint16Array([value]).buffer);

  it('keeps text edits inside the text pool whatever offset and capacity a field claims', async () => {
    const session = await sessionWith(SCENE);
    await frameWith(session);
    const field = session.widgetIndex('field');
    session.writeStateBytes(u16(32765), offset('widgets', field, 'text_offset'));
    session.writeStateBytes(u16(2000), offset('widgets', field, 'text_capacity'));
    const { x, y } = centreOf(session, 'field');
    session.pushEvents([{ type: 'pointerDown', x, y }, { type: 'pointerUp', x, y }, { type: 'keyDown', key: 'End' }, { type: 'text', text: 'x'.repeat(28) }]);
    await session.step(); // an out-of-bounds write would fail the step with E_OUT_OF_BOUNDS
    const record = session.widget('field');
    expect(record.text.length).toBeLessThanOrEqual(3); // the 3 bytes left in the pool
    expect(record.caret).toBeLessThanOrEqual(3);
  });

  it('lays out the same tree under every schedule even when links and depths disagree', async () => {
    const corrupt = async (seed: number) => {
      const session = await sessionWith(SCENE, { seed });
      await session.step();
      // item1 claims the field as its first child too, item2 claims to be 9 levels deep, the
      // slider's sibling link loops back to the field.
      session.writeStateBytes(u16(session.widgetIndex('field')), offset('widgets', session.widgetIndex('item1'), 'first_child'));
      session.writeStateBytes(u16(9), offset('widgets', session.widgetIndex('item2'), 'depth'));
      session.writeStateBytes(u16(session.widgetIndex('field')), offset('widgets', session.widgetIndex('slider'), 'next_sibling'));
      await session.run(3);
      return session;
    };
    const sessions = await Promise.all([1, 2, 3, 4, 5, 6].map(corrupt));
    for (const session of sessions.slice(1)) {
      expect(Buffer.compare(session.stateBytes(), sessions[0]!.stateBytes())).toBe(0);
      expect(firstDifference(session.framebuffer(), sessions[0]!.framebuffer(), WIDTH)).toBeUndefined();
    }
  });

  it('redraws after the host writes state, clamping a scroll offset past the end (incremental equals full)', async () => {
    const [incremental, full] = await Promise.all([sessionWith(SCENE), sessionWith(SCENE)]);
    for (const session of [incremental, full]) {
      await session.step();
      const list = session.widgetIndex('list');
      const past = new Uint8Array(new Int32Array([1_000_000 * 256]).buffer);
      session.writeStateBytes(past, offset('widgets', list, 'scroll_offset'));
      session.writeStateBytes(past, offset('widgets', list, 'scroll_target'));
    }
    for (let frame = 0; frame < 3; frame++) {
      await incremental.step();
      await full.step({ fullRedraw: true });
      expect(firstDifference(incremental.framebuffer(), full.framebuffer(), WIDTH), `frame ${frame}`).toBeUndefined();
    }
    expect(incremental.widget('list').scrollOffset).toBe(incremental.widget('list').scrollTarget);
  });

  it('survives random bytes in the widgets, layout and frame state, identically under every schedule', async () => {
    const [a, b] = await Promise.all([sessionWith(SCENE, { seed: 11 }), sessionWith(SCENE, { seed: 12 })]);
    await a.step();
    await b.step();
    const regions = [
      [offset('frame', 0), abi.struct('gpuos_frame_state').size],
      [offset('widgets', 0), abi.struct('gpuos_widget').size * 40],
      [offset('layout', 0), abi.struct('gpuos_widget_layout').size * 40],
    ] as const;
    const next = generator(77);
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 8; i++) {
        const [start, length] = regions[next() % regions.length]!;
        const at = start + (next() % length);
        const byte = Uint8Array.of(next() & 0xff);
        a.writeStateBytes(byte, at);
        b.writeStateBytes(byte, at);
      }
      const events = Array.from({ length: 4 }, () => garbageEvent(next));
      a.pushRawEvents(events);
      b.pushRawEvents(events);
      await a.step();
      await b.step();
      expect(Buffer.compare(a.stateBytes(), b.stateBytes()), `round ${round}`).toBe(0);
      expect(firstDifference(a.framebuffer(), b.framebuffer(), WIDTH), `round ${round}`).toBeUndefined();
    }
  });
});

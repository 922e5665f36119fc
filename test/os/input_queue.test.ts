/**
 * Phase 1 and the host side of the input ring: at most 32 events a frame, in order, the rest
 * left queued; counters that wrap at 2^32; the host refusing to overrun the ring.
 */
import { describe, expect, it } from 'vitest';

import type { SceneWidget } from '../../src/scene/scene_types.js';

import type { InputEvent } from '../../src/os/input_events.js';
import { QueueFullError } from '../../src/os/os_errors.js';
import { frameWith, sessionWith } from './os_helpers.js';

const SCENE: SceneWidget = { kind: 'column', children: [{ kind: 'button', id: 'b', text: 'button' }] };

function moves(count: number): InputEvent[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'pointerMove', x: 100 + i, y: 50 + (i % 7) }));
}

describe('the input queue', () => {
  it('drains a queue of 100 events 32 a frame, in order', async () => {
    const session = await sessionWith(SCENE);
    session.pushEvents(moves(100));
    const seen: { processed: number; pending: number; cursorX: number }[] = [];
    for (let frame = 0; frame < 5; frame++) {
      await frameWith(session);
      const state = session.frameState();
      seen.push({ processed: state.eventsProcessed, pending: state.eventsPending, cursorX: state.cursor.x });
    }
    expect(seen).toEqual([
      { processed: 32, pending: 68, cursorX: 131 }, // the 32nd event is at x = 100 + 31
      { processed: 64, pending: 36, cursorX: 163 },
      { processed: 96, pending: 4, cursorX: 195 },
      { processed: 100, pending: 0, cursorX: 199 },
      { processed: 100, pending: 0, cursorX: 199 },
    ]);
    expect(session.frameState().eventsDropped).toBe(0);
    expect(session.queueCounters()).toEqual({ head: 100, tail: 100 });
  });

  it('keeps working when head and tail wrap past 2^32', async () => {
    const session = await sessionWith(SCENE);
    const start = 2 ** 32 - 20;
    session.setQueueCounters({ head: start, tail: start });
    session.pushEvents(moves(50));
    expect(session.queueCounters()).toEqual({ head: (start + 50) % 2 ** 32, tail: start });
    await frameWith(session);
    await frameWith(session);
    expect(session.frameState()).toMatchObject({ eventsProcessed: 50, eventsPending: 0, queueResets: 0, eventsDropped: 0 });
    expect(session.frameState().cursor.x).toBe(149);
    expect(session.queueCounters()).toEqual({ head: 30, tail: 30 });
  });

  it('refuses to overrun the ring, queues nothing of a refused batch, and has room again after frames', async () => {
    const session = await sessionWith(SCENE);
    session.pushEvents(moves(250));
    let refused: unknown;
    try {
      session.pushEvents(moves(7));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(QueueFullError);
    expect(refused).toMatchObject({ code: 'E_QUEUE_FULL', free: 6, requested: 7 });
    expect((refused as Error).message).toMatch(/room for 6 events.*step\(\)/);
    expect(session.queueCounters().head).toBe(250);
    session.pushEvents(moves(6));
    await session.step();
    session.pushEvents(moves(32));
    expect(() => session.pushEvents(moves(1))).toThrow(QueueFullError);
  });

  it('validates typed events with their position in the batch', async () => {
    const session = await sessionWith(SCENE);
    expect(() => session.pushEvents([{ type: 'pointerMove', x: 1, y: 1 }, { type: 'pointerMove', x: 641, y: 1 }])).toThrow(/events\[1\]\.x: must be from 0 to 640, got 641/);
    expect(() => session.pushEvents([{ type: 'pointerDown', x: Number.NaN, y: 1 }])).toThrow(/events\[0\]\.x: must be a finite number/);
    expect(() => session.pushEvents([{ type: 'keyDown', key: 'Tabb' }])).toThrow(/'Tabb' is not a key/);
    expect(() => session.pushEvents([{ type: 'text', text: 'caf\u00e9' }])).toThrow(/text\[3\]: U\+00e9 is not printable ASCII/);
    expect(() => session.pushEvents([{ type: 'scroll' } as unknown as InputEvent])).toThrow(/events\[0\]\.type: must be one of pointerMove/);
    expect(() => session.pushEvents([{ type: 'keyDown', key: 'a', modifiers: ['hyper'] } as unknown as InputEvent])).toThrow(/modifiers\[0\]: is not a modifier/);
    // Nothing of a rejected batch was queued.
    expect(session.queueCounters()).toEqual({ head: 0, tail: 0 });
  });
});

/**
 * DESIGN.md's determinism claims for the OS kernel on the emulator:
 *  - Schedules: any emulator seed gives bit-identical device memory and pixels, every frame.
 *  - Incremental = full: damage tracking (re-rendering only changed tiles) and retained frames
 *    (skipping phases 4-7 when nothing changed) give exactly the pixels of a full redraw.
 */
import { describe, expect, it } from 'vitest';

import type { InputEvent } from '../../src/os/input_events.js';
import { openSession, type OsSession } from '../../src/os/session.js';
import { centreOf, firstDifference } from './os_helpers.js';

const SETTINGS = 'fixtures/scenes/settings.json';
const ALL_PHASES = 0xff;
const RETAINED = 0x87;

/** A scripted visit to the settings panel: hover, clicks, a drag, typing, scrolling, idle frames. */
function script(session: OsSession): InputEvent[][] {
  const at = (id: string) => centreOf(session, id);
  const volume = session.widget('volume').layout;
  const frames: InputEvent[][] = [
    [{ type: 'pointerMove', ...at('nav.sound') }],
    [],
    [{ type: 'pointerDown', ...at('wifi') }, { type: 'pointerUp', ...at('wifi') }],
    [],
    [{ type: 'pointerDown', x: volume.x + 30.5, y: volume.y + 10.5 }],
    [{ type: 'pointerMove', x: volume.x + 200.5, y: volume.y + 10.5 }],
    [{ type: 'pointerUp', x: volume.x + 200.5, y: volume.y + 10.5 }],
    [{ type: 'pointerDown', ...at('deviceName') }, { type: 'pointerUp', ...at('deviceName') }, { type: 'text', text: '-2' }],
    [{ type: 'keyDown', key: 'Backspace' }],
    [{ type: 'pointerMove', ...at('networks') }, { type: 'wheel', dy: 60 }],
    [],
    [],
    [{ type: 'keyDown', key: 'Tab' }, { type: 'keyDown', key: 'Tab' }],
    [],
    [{ type: 'pointerMove', x: 5.5, y: 700.5 }],
  ];
  for (let i = 0; i < 30; i++) frames.push([]); // long enough for the scrolling to come to rest
  return frames;
}

async function openSettings(seed?: number): Promise<OsSession> {
  const session = await openSession({ scene: SETTINGS, width: 1280, height: 720, ...(seed === undefined ? {} : { seed }) });
  await session.step();
  return session;
}

/** Steps until the scene's opening animations (the progress bar filling in) have finished. */
async function settle(session: OsSession): Promise<OsSession> {
  for (let frame = 0; frame < 120; frame++) {
    if ((await session.step()).frame.phasesRun === RETAINED) return session;
  }
  throw new Error('the scene never settled');
}

describe('determinism on the emulator', () => {
  it('gives bit-identical memory and pixels every frame whatever the thread schedule', async () => {
    const sessions = await Promise.all([openSettings(1), openSettings(2), openSettings(0x5eed_f00d)]);
    const frames = script(sessions[0]!);
    let previousSeeds: bigint[] = [];
    for (const [index, events] of frames.entries()) {
      const memory: Uint8Array[] = [];
      const pixels: Uint8Array[] = [];
      const seeds: bigint[] = [];
      for (const session of sessions) {
        if (events.length) session.pushEvents(events);
        seeds.push((await session.step()).seed!);
        memory.push(session.stateBytes());
        pixels.push(session.framebuffer());
      }
      for (let s = 1; s < sessions.length; s++) {
        expect(Buffer.compare(memory[s]!, memory[0]!), `device memory differs at frame ${index} with seed ${sessions[s]!.seed}`).toBe(0);
        expect(firstDifference(pixels[s]!, pixels[0]!, 1280), `pixels differ at frame ${index} with seed ${sessions[s]!.seed}`).toBeUndefined();
      }
      // The schedules really differed: each session's dispatch ran under its own seed this frame,
      // and under another seed than its previous frame.
      expect(new Set(seeds).size, `frame ${index} dispatch seeds ${seeds.join(', ')}`).toBe(sessions.length);
      for (const [s, seed] of seeds.entries()) expect(seed, `session ${s} reused frame ${index - 1}'s seed`).not.toBe(previousSeeds[s]);
      previousSeeds = seeds;
    }
  });
});

describe('incremental rendering equals a full redraw', () => {
  it('damage tracking and retained frames produce exactly the pixels of full redraws, frame by frame', async () => {
    const incremental = await settle(await openSettings());
    const full = await settle(await openSettings());
    const frames = script(incremental);
    let retainedFrames = 0;
    let partialFrames = 0;
    for (const [index, events] of frames.entries()) {
      if (events.length) {
        incremental.pushEvents(events);
        full.pushEvents(events);
      }
      const a = await incremental.step();
      const b = await full.step({ fullRedraw: true });
      expect(b.frame.tilesRendered).toBe(b.frame.tilesTotal);
      expect(b.frame.phasesRun).toBe(ALL_PHASES);
      if (a.frame.phasesRun === RETAINED) retainedFrames++;
      else if (a.frame.tilesRendered < a.frame.tilesTotal) partialFrames++;
      expect(firstDifference(incremental.framebuffer(), full.framebuffer(), 1280), `frame ${index}`).toBeUndefined();
      expect(incremental.widgets()).toEqual(full.widgets());
    }
    // Both shortcuts were really taken along the way.
    expect(retainedFrames).toBeGreaterThan(3);
    expect(partialFrames).toBeGreaterThan(5);
  });

  it('an idle frame skips layout to rendering and draws nothing; a cursor move redraws only tiles around the cursor', async () => {
    const session = await settle(await openSettings());
    const idle = await session.step();
    expect(idle.frame).toMatchObject({ phasesRun: RETAINED, tilesRendered: 0 });
    const before = session.framebuffer();
    await session.step();
    expect(firstDifference(session.framebuffer(), before, 1280)).toBeUndefined();

    // Over an empty part of the panel, so nothing hovers: only the cursor's tiles change.
    session.pushEvents([{ type: 'pointerMove', x: 700.5, y: 600.5 }]);
    const moved = await session.step();
    expect(moved.frame.phasesRun).toBe(ALL_PHASES);
    // The arrow is 14x22 px: at most 2x3 tiles where it was and 2x3 where it is.
    expect(moved.frame.tilesRendered).toBeGreaterThan(0);
    expect(moved.frame.tilesRendered).toBeLessThanOrEqual(12);
  });

  it("the caret's blink is the one thing that changes with time alone, and it redraws", async () => {
    const session = await openSettings();
    const field = centreOf(session, 'deviceName');
    session.pushEvents([{ type: 'pointerDown', ...field }, { type: 'pointerUp', ...field }, { type: 'pointerMove', x: 700.5, y: 600.5 }]);
    await session.step({ timeUs: 1_000_000 }); // 1.0 s: blink phase 1 (off)
    await session.step({ timeUs: 1_010_000 });
    const unchanged = await session.step({ timeUs: 1_020_000 });
    expect(unchanged.frame.phasesRun).toBe(RETAINED);
    const off = session.framebuffer();
    const blink = await session.step({ timeUs: 1_060_000 }); // 2 x 530 ms: phase 0 (on)
    expect(blink.frame.phasesRun).toBe(ALL_PHASES);
    expect(blink.frame.tilesRendered).toBeGreaterThan(0);
    expect(blink.frame.tilesRendered).toBeLessThanOrEqual(4);
    expect(firstDifference(session.framebuffer(), off, 1280)).toBeDefined();
  });
});

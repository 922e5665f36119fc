/**
 * The OS kernel under the race checker: every fixture trace replayed with every frame race-checked
 * (every load and store of every phase, threadgroup and device memory) reports nothing, and still
 * replays exactly. A race planted in the kernel is caught (test/emu/races.test.ts has the checker's
 * own cases; scripts/properties/planted_slips.mjs's racy-write is the OS one).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { openSession } from '../../src/index.js';
import { Replayer } from '../../src/replayer/replayer.js';

const TRACES = readdirSync('fixtures/traces').filter((name) => name.endsWith('.gtrace')).sort();

describe('the OS kernel is race-free on every fixture trace', () => {
  it('has fixture traces to check', () => {
    expect(TRACES.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of TRACES) {
    it(`${name}: every frame race-checked, none reports, every frame replays`, async () => {
      const replayer = await Replayer.open(`fixtures/traces/${name}`, { races: true });
      try {
        expect(replayer.session.races).toBe(true);
        let frames = 0;
        while (replayer.position < replayer.trace.frameCount) {
          const check = await replayer.step();
          expect(check.ok, `frame ${check.frame.index} diverged`).toBe(true);
          frames++;
        }
        expect(frames).toBe(replayer.trace.frameCount);
      } finally {
        replayer.session.close();
      }
    }, 120_000);
  }

  it('checks every phase: a full-redraw frame has its loads and stores counted', async () => {
    const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: 160, height: 120, races: true });
    try {
      const first = await session.step({ deltaUs: 16_667, fullRedraw: true });
      // 160x120 pixels are each written at least once, besides the layout and the scratch.
      expect(first.raceCheckedAccesses).toBeGreaterThan(160 * 120);
      const plain = await openSession({ scene: 'fixtures/scenes/settings.json', width: 160, height: 120 });
      const unchecked = await plain.step({ deltaUs: 16_667, fullRedraw: true });
      expect(unchecked.raceCheckedAccesses).toBeUndefined();
      expect(Buffer.from(session.framebuffer()).equals(Buffer.from(plain.framebuffer()))).toBe(true);
      plain.close();
    } finally {
      session.close();
    }
  });
});

/**
 * Every fixture scene, settled (opening animations done), at its design size, against its golden PNG in
 * golden/scenes/. Pixels must match exactly: the kernel is integer arithmetic end to end. On a
 * mismatch the frame is written to test-output/goldens/ for inspection; after an intended change,
 * look at the new frames and accept them with GPUOS_UPDATE_GOLDENS=1 npm test.
 */
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { readPng, writePng } from '../../src/golden/png.js';
import { openSession } from '../../src/os/session.js';
import { firstDifference } from './os_helpers.js';

// Each scene at the size it was designed for.
const SCENES: [string, number, number][] = [
  ['settings', 1280, 720],
  ['scroll_list', 1280, 720],
  ['stress_256', 1280, 720],
  ['nesting_depth8', 1280, 720],
  ['text_heavy', 1280, 720],
  ['form', 320, 240],
  ['inbox', 320, 240],
];
const update = process.env['GPUOS_UPDATE_GOLDENS'] === '1';

describe('scene goldens', () => {
  it.each(SCENES)('%s at %ix%i matches its golden', async (name, width, height) => {
    const session = await openSession({ scene: `fixtures/scenes/${name}.json`, width, height });
    let settled = false;
    for (let frame = 0; frame < 120 && !settled; frame++) settled = (await session.step()).frame.phasesRun === 0x87;
    expect(settled, 'the scene never stopped animating').toBe(true);
    const actual = session.image();
    const goldenPath = `golden/scenes/${name}.png`;
    if (update) {
      mkdirSync('golden/scenes', { recursive: true });
      writePng(goldenPath, actual);
      return;
    }
    const golden = readPng(goldenPath);
    expect([golden.width, golden.height]).toEqual([width, height]);
    const difference = firstDifference(actual.data, golden.data, width);
    if (difference) {
      mkdirSync('test-output/goldens', { recursive: true });
      writePng(`test-output/goldens/${name}.png`, actual);
    }
    expect(difference, `${name} differs from ${goldenPath} (actual frame: test-output/goldens/${name}.png)`).toBeUndefined();
  });
});

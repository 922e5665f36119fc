/**
 * Every fixture scene, settled (opening animations done), at 1280x720, against its golden PNG in
 * golden/scenes/. Pixels must match exactly: the kernel is integer arithmetic end to end. On a
 * mismatch the frame is written to test-output/goldens/ for inspection; after an intended change,
 * look at the new frames and accept them with GPUOS_UPDATE_GOLDENS=1 npm test.
 */
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { readPng, writePng } from '../../src/golden/png.js';
import { openSession } from '../../src/os/session.js';
import { firstDifference } from './os_helpers.js';

const SCENES = ['settings', 'scroll_list', 'stress_256', 'nesting_depth8', 'text_heavy'];
const WIDTH = 1280;
const HEIGHT = 720;
const update = process.env['GPUOS_UPDATE_GOLDENS'] === '1';

describe('scene goldens', () => {
  it.each(SCENES)('%s matches golden/scenes/%s.png', async (name) => {
    const session = await openSession({ scene: `fixtures/scenes/${name}.json`, width: WIDTH, height: HEIGHT });
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
    expect([golden.width, golden.height]).toEqual([WIDTH, HEIGHT]);
    const difference = firstDifference(actual.data, golden.data, WIDTH);
    if (difference) {
      mkdirSync('test-output/goldens', { recursive: true });
      writePng(`test-output/goldens/${name}.png`, actual);
    }
    expect(difference, `${name} differs from ${goldenPath} (actual frame: test-output/goldens/${name}.png)`).toBeUndefined();
  });
});

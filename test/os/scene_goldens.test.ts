/**
 * Every fixture scene, settled (opening animations done), at its design size, against its golden
 * image in golden/scenes/. Pixels must match exactly (threshold 0, anti-aliased pixels counted): the kernel is integer
 * arithmetic end to end. A failure writes the frame and a diff to test-output/goldens/scenes/;
 * after an intended change, look at them and accept with `npx vitest run -u` (or UPDATE_GOLDEN=1).
 */
import { describe, expect, it } from 'vitest';

import { openSession } from '../../src/os/session.js';
import '../../src/vitest/index.js';

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

describe('scene goldens', () => {
  it.each(SCENES)('%s at %ix%i matches its golden', async (name, width, height) => {
    const session = await openSession({ scene: `fixtures/scenes/${name}.json`, width, height });
    let settled = false;
    for (let frame = 0; frame < 120 && !settled; frame++) settled = (await session.step()).frame.phasesRun === 0x87;
    expect(settled, 'the scene never stopped animating').toBe(true);
    expect(session).toMatchGolden(name, { group: 'scenes', threshold: 0, includeAntiAliasing: true });
  });
});

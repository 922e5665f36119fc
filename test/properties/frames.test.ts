/**
 * Whole frames on generated sessions: damage tracking against full redraws, and thread schedules
 * against each other (docs/PROPERTIES.md).
 */
import { expect, it } from 'vitest';

import { assertProperty, expectedRuns } from '../../src/properties/assert_property.js';
import { damageMatchesFullRedraw, scheduleIndependent } from '../../src/properties/frame_properties.js';

it('drawing only damaged tiles gives the pixels of a full redraw', async () => {
  const result = await assertProperty(damageMatchesFullRedraw, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(damageMatchesFullRedraw));
});

it('two thread schedules give bit-identical device memory, and the OS invariants hold', async () => {
  const result = await assertProperty(scheduleIndependent, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(scheduleIndependent));
});

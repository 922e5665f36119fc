/**
 * Each phase's post-conditions at its barrier, observed inside the frame (docs/PROPERTIES.md).
 */
import { expect, it } from 'vitest';

import { assertProperty, expectedRuns } from '../../src/properties/assert_property.js';
import { phasesHoldAtBarriers } from '../../src/properties/phase_properties.js';

it("each phase's post-conditions hold at its barrier, under random schedules", async () => {
  const result = await assertProperty(phasesHoldAtBarriers, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(phasesHoldAtBarriers));
});

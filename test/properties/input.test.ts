/**
 * Input and dispatch on generated scenes and command lists: the kernel against the model of a
 * session, compared after every frame (docs/PROPERTIES.md).
 */
import { expect, it } from 'vitest';

import { assertProperty, expectedRuns } from '../../src/properties/assert_property.js';
import { inputMatchesModel } from '../../src/properties/input_property.js';

it('the kernel takes generated input exactly as the model of a session', async () => {
  const result = await assertProperty(inputMatchesModel, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(inputMatchesModel));
});

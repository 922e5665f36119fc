/**
 * Layout on generated trees: the kernel against the reference model, and the model against
 * Chromium's flexbox (docs/PROPERTIES.md). A failure prints the shrunk tree, writes it under
 * test-output/properties/<property>/ and says how to rerun exactly that case.
 */
import { describe, expect, it } from 'vitest';

import { isCi } from '../../src/golden/golden_store.js';
import { assertProperty, expectedRuns } from '../../src/properties/assert_property.js';
import { chromiumAvailable } from '../../src/properties/chromium/chromium_layout.js';
import { layoutMatchesModel, modelMatchesChromium } from '../../src/properties/layout_properties.js';

describe('layout', () => {
  it('the kernel lays out generated trees exactly as the reference model', async () => {
    const result = await assertProperty(layoutMatchesModel, { seed: 20261204 });
    expect(result.runs).toBe(expectedRuns(layoutMatchesModel));
  });

  it('chromium is installed (required when CI is set)', (context) => {
    if (!isCi() && !chromiumAvailable()) context.skip();
    expect(chromiumAvailable(), 'the Chromium check needs /usr/bin/chromium (apt-get install chromium) or GPUOS_CHROMIUM').toBe(true);
  });

  it.skipIf(!chromiumAvailable() && !isCi())('the model agrees with Chromium on at least 100 generated trees', async () => {
    const result = await assertProperty(modelMatchesChromium, { seed: 20261204 });
    expect(result.runs).toBeGreaterThanOrEqual(Math.min(100, expectedRuns(modelMatchesChromium)));
  });
});

/**
 * One chunk of the long property campaign (npm run fuzz): every property, for its share of the
 * campaign's cases, from seeds of this chunk's own. The campaign is split into chunk files so that
 * vitest's --shard hands whole chunks to different machines, each with its own seeds, and
 * --merge-reports puts their results together (docs/PROPERTIES.md, "Campaigns").
 *
 *   GPUOS_FUZZ_SEED   the campaign's base seed (default: from the date, printed)
 *   GPUOS_FUZZ_SCALE  multiplies every property's cases (default 1)
 */
import { describe, expect, it } from 'vitest';

import { isCi } from '../../src/golden/golden_store.js';
import { chromiumAvailable } from '../../src/properties/chromium/chromium_layout.js';
import { PROPERTIES } from '../../src/properties/index.js';
import { formatFailure, runProperty } from '../../src/properties/run_property.js';

export const CHUNKS = 8;

/** Cases per property per chunk at scale 1: the Chromium check compares 8 x 600 = 4,800 trees. */
const CASES: Record<string, number> = {
  'layout-matches-model': 1200,
  'model-matches-chromium': 600,
  'input-matches-model': 150,
  'damage-matches-full-redraw': 150,
  'schedule-independent': 150,
  'phases-hold-at-barriers': 100,
};

function campaignSeed(): number {
  const text = process.env['GPUOS_FUZZ_SEED'];
  if (text !== undefined) {
    if (!/^\d{1,9}$/.test(text)) throw new Error(`GPUOS_FUZZ_SEED must be a non-negative integer below 10^9, got '${text}'`);
    return Number(text);
  }
  const today = new Date();
  return today.getUTCFullYear() * 10000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate();
}

export function fuzzChunk(chunk: number): void {
  const scale = Number(process.env['GPUOS_FUZZ_SCALE'] ?? '1');
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`GPUOS_FUZZ_SCALE must be a positive number, got '${process.env['GPUOS_FUZZ_SCALE']}'`);
  const base = campaignSeed();
  describe(`campaign chunk ${chunk + 1}/${CHUNKS} (base seed ${base})`, () => {
    for (const property of PROPERTIES) {
      const runs = Math.max(1, Math.round((CASES[property.name] ?? 50) * scale));
      // Seeds far apart per chunk and property: no two chunks replay each other's cases.
      const seed = (base + chunk * 1_000_003 + PROPERTIES.indexOf(property) * 7919) | 0;
      const needsChromium = property.name === 'model-matches-chromium';
      it.skipIf(needsChromium && !chromiumAvailable() && !isCi())(`${property.name}: ${runs} cases from seed ${seed}`, async () => {
        const result = await runProperty(property, { runs, seed, scale: 'campaign' });
        if (!result.ok) throw new Error(formatFailure(result));
        expect(result.runs).toBe(runs);
        console.log(`${property.name}: ${result.runs} cases, ${((result.runs * 1000) / result.durationMs).toFixed(1)} cases/s${result.skipped ? `, ${result.skipped} not judged` : ''}`);
      });
    }
  });
}

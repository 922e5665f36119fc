import { describe, expect, it } from 'vitest';

import { ddmin } from '../../src/minimize/ddmin.js';

const range = (n: number) => [...Array(n).keys()];

describe('ddmin', () => {
  it('finds the two units a failure needs among a thousand, in few tests', async () => {
    let tests = 0;
    const kept = await ddmin(range(1000), {
      test: async (subset) => (tests++, subset.includes(137) && subset.includes(802)),
      exhausted: () => false,
    });
    expect(kept).toEqual([137, 802]);
    expect(tests).toBeLessThan(120);
  });

  it('returns a 1-minimal set: removing any one unit makes the test fail', async () => {
    // Holds when the subset has at least 3 even numbers: many minimal answers, any is fine.
    const test = async (subset: number[]) => subset.filter((u) => u % 2 === 0).length >= 3;
    const kept = await ddmin(range(40), { test, exhausted: () => false });
    expect(await test(kept)).toBe(true);
    for (let i = 0; i < kept.length; i++) expect(await test(kept.filter((_, j) => j !== i))).toBe(false);
    expect(kept).toHaveLength(3);
  });

  it('keeps pinned units in every subset and in the result, in their original order', async () => {
    const seen: number[][] = [];
    const kept = await ddmin(range(20), {
      test: async (subset) => (seen.push(subset), subset.includes(5)),
      exhausted: () => false,
      pinned: (u) => u === 12,
    });
    expect(kept).toEqual([5, 12]);
    expect(seen.every((s) => s.includes(12))).toBe(true);
    expect(seen.every((s) => s.every((u, i) => i === 0 || s[i - 1]! < u))).toBe(true);
  });

  it('keeps nothing when nothing is needed (the empty set is tried last)', async () => {
    const tried: number[][] = [];
    const kept = await ddmin(range(9), { test: async (subset) => (tried.push(subset), true), exhausted: () => false });
    expect(kept).toEqual([]);
    expect(tried.at(-1)).toEqual([]);
  });

  it('tries the empty set beside pinned units: a failure the pinned units show alone keeps only them', async () => {
    const kept = await ddmin(range(8), { test: async (subset) => subset.includes(3), exhausted: () => false, pinned: (u) => u === 3 });
    expect(kept).toEqual([3]);
  });

  it('stops when the budget is spent, returning the smallest set that still holds', async () => {
    let tests = 0;
    const kept = await ddmin(range(1000), { test: async (subset) => (tests++, subset.includes(500)), exhausted: () => tests >= 3 });
    expect(tests).toBe(3);
    expect(kept).toContain(500);
    expect(kept.length).toBeLessThan(1000);
    expect(kept.length).toBeGreaterThan(1);
  });
});

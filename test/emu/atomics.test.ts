import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { randomUints, SEEDS, testKernel } from '../helpers/kernels.js';

describe('atomics: every operation from 1024 threads, in any order', () => {
  it('gives order-independent totals that match a sequential computation, for every seed', async () => {
    const kernel = await testKernel('atomics');
    const values = randomUints(1024, 5, 1 << 24);
    const histogram = new Array<number>(64).fill(0);
    for (const v of values) histogram[v % 64]!++;
    const expectedTotals = [
      Math.max(...values),
      Math.min(...values),
      values.reduce((m, v) => (m & (v | 0xff000000)) >>> 0, 0xffffffff),
      values.reduce((m, v) => (m | v) >>> 0, 0),
      values.reduce((m, v) => (m ^ v) >>> 0, 0),
      new Uint32Array(new Float32Array([values.reduce((s, v) => s + (v % 16), 0)]).buffer)[0]!,
      (-values.reduce((s, v) => s + (v % 7), 0)) >>> 0,
      1023,
    ];
    for (const seed of SEEDS) {
      const totals = DeviceBuffer.from(new Uint32Array([0, 0xffffffff, 0xffffffff, 0, 0, 0, 0, 0]));
      const histogramOut = new DeviceBuffer(64 * 4);
      const slot = new DeviceBuffer(4);
      const result = await kernel.dispatch({
        threads: 1024,
        seed,
        buffers: { input: DeviceBuffer.from(values), histogram_out: histogramOut, totals, slot },
      });
      expect(Array.from(histogramOut.readUint32())).toEqual(histogram);
      expect(Array.from(totals.readUint32())).toEqual(expectedTotals);
      // 64 stores + 1024 threads × 9 operations (at least one CAS each) + 64 loads
      expect(result.stats.atomicOperations).toBeGreaterThanOrEqual(64 + 1024 * 9 + 64);
    }
  });

  it('lets the scheduler interleave atomics: the exchange order depends on the seed', async () => {
    const kernel = await testKernel('atomics');
    const lastWriter = new Set<number>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const slot = new DeviceBuffer(4);
      await kernel.dispatch({
        threads: 1024,
        seed,
        buffers: {
          input: DeviceBuffer.from(randomUints(1024, 5, 100)),
          histogram_out: new DeviceBuffer(256),
          totals: DeviceBuffer.from(new Uint32Array([0, 0xffffffff, 0xffffffff, 0, 0, 0, 0, 0])),
          slot,
        },
      });
      lastWriter.add(slot.readUint32()[0]!);
    }
    // Which thread exchanged last is the one thing here that legitimately depends on the schedule.
    expect(lastWriter.size).toBeGreaterThan(1);
  });
});

describe('spin-wait detection', () => {
  it('does not mistake millions of unchanged atomic loads in bounded loops for a deadlock', async () => {
    const kernel = await testKernel('bounded_atomic_polls');
    const rounds = 4500;
    const out = new DeviceBuffer(4096);
    const result = await kernel.dispatch({
      threads: 1024,
      buffers: { word: DeviceBuffer.from(new Uint32Array([3])), out, rounds: DeviceBuffer.from(new Uint32Array([rounds])) },
    });
    expect(result.stats.atomicOperations).toBe(1024 * rounds);
    expect(Array.from(new Set(out.readUint32()))).toEqual([3 * rounds]);
  });
});

import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { floatBits, randomUints, SEEDS, testKernel } from '../helpers/kernels.js';

describe('reduce_sum: simd_sum, a threadgroup array and one barrier', () => {
  it('sums 1024 scaled floats exactly, for every seed', async () => {
    const kernel = await testKernel('reduce_sum');
    const values = Float32Array.from(randomUints(1024, 7, 1000), (v) => v / 4);
    const expected = values.reduce((sum, v) => sum + v * 0.5, 0);
    for (const seed of SEEDS) {
      const output = new DeviceBuffer(4);
      const result = await kernel.dispatch({
        threads: 1024,
        seed,
        buffers: { input: DeviceBuffer.from(values), output, params: DeviceBuffer.from(new Uint32Array([1024, floatBits(0.5)])) },
      });
      expect(output.readFloat32()[0]).toBe(expected);
      expect(result.stats.threadgroupBarriers).toBe(1);
      // 32 group sums, then one more in SIMD-group 0
      expect(result.stats.simdRendezvous).toBe(33);
    }
  });

  it('ignores elements past params.count', async () => {
    const kernel = await testKernel('reduce_sum');
    const output = new DeviceBuffer(4);
    await kernel.dispatch({
      threads: 1024,
      buffers: { input: DeviceBuffer.from(new Float32Array(1024).fill(1)), output, params: DeviceBuffer.from(new Uint32Array([100, floatBits(2)])) },
    });
    expect(output.readFloat32()[0]).toBe(200);
  });
});

describe('prefix_scan: a scan across SIMD-groups', () => {
  const cases = [1024, 1000, 96, 32, 1];
  for (const threads of cases) {
    it(`matches a sequential inclusive prefix sum with ${threads} threads`, async () => {
      const kernel = await testKernel('prefix_scan');
      const input = randomUints(threads, threads, 1 << 20);
      let running = 0;
      const expected = Uint32Array.from(input, (v) => (running = (running + v) >>> 0));
      for (const seed of [1, 99]) {
        const output = new DeviceBuffer(threads * 4);
        await kernel.dispatch({ threads, seed, buffers: { input: DeviceBuffer.from(input), output } });
        expect(output.readUint32()).toEqual(expected);
      }
    });
  }
});

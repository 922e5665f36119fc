/**
 * Metal kernels written as Metal developers write them, not for this project: Apple's sample
 * shape, a threadgroup bitonic sort, a shuffle-down tree reduction with a template helper and
 * METAL_FUNC, a particle step with packed_float3. Each runs unmodified and matches a result
 * computed independently here.
 */
import { describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer } from '../../src/index.js';
import { randomUints } from '../helpers/kernels.js';

const kernelFile = (name: string) => `test/foreign/kernels/${name}.metal`;
const f = Math.fround;

describe('Metal kernels written elsewhere run unmodified', () => {
  it("add_arrays (Apple's sample shape: buffers numbered implicitly)", async () => {
    const kernel = (await compileKernel(kernelFile('add_arrays'))).kernel('add_arrays');
    expect(kernel.info.params.map((p) => [p.name, p.kind, p.index])).toEqual([
      ['inA', 'buffer', 0],
      ['inB', 'buffer', 1],
      ['result', 'buffer', 2],
      ['index', 'builtin', 3],
    ]);
    const a = Float32Array.from(randomUints(1024, 1, 1 << 20), (v) => v / 7);
    const b = Float32Array.from(randomUints(1024, 2, 1 << 20), (v) => v / 3);
    const result = new DeviceBuffer(4096);
    await kernel.dispatch({ threads: 1024, buffers: [DeviceBuffer.from(a), DeviceBuffer.from(b), result] });
    expect(result.readFloat32()).toEqual(a.map((x, i) => f(x + b[i]!)));
  });

  it('bitonicSortThreadgroup sorts ascending and descending, with padding', async () => {
    const kernel = (await compileKernel(kernelFile('bitonic_sort'))).kernel('bitonicSortThreadgroup');
    for (const [count, threads, descending] of [
      [1024, 512, 0],
      [1000, 256, 1],
      [37, 64, 0],
    ] as const) {
      const keys = Float32Array.from(randomUints(count, count, 100000), (v) => (v - 50000) / 8);
      const buffer = DeviceBuffer.from(keys);
      await kernel.dispatch({ threads, buffers: [buffer, DeviceBuffer.from(new Uint32Array([count, descending]))] });
      const expected = Array.from(keys).sort((x, y) => (descending ? y - x : x - y));
      expect(Array.from(buffer.readFloat32())).toEqual(expected);
    }
  });

  it('sum_of_squares: shuffle-down trees in a template helper', async () => {
    const kernel = (await compileKernel(kernelFile('simd_tree_reduce'))).kernel('sum_of_squares');
    const values = Float32Array.from(randomUints(4096, 9, 16), (v) => v - 8); // small integers: the sum is exact
    const expected = values.reduce((s, v) => s + v * v, 0);
    for (const threads of [1024, 256, 96]) {
      const out = new DeviceBuffer(4);
      await kernel.dispatch({
        threads,
        buffers: [DeviceBuffer.from(values), out, DeviceBuffer.from(new Uint32Array([values.length / 4]))],
      });
      expect(out.readFloat32()[0]).toBe(expected);
    }
  });

  it('integrate: structs with packed_float3 and float3, early return past the end', async () => {
    const kernel = (await compileKernel(kernelFile('particles'))).kernel('integrate');
    const count = 1000;
    // Particle: packed_float3 position (12) + float mass (4) + float3 velocity (16) = 32 bytes.
    const particles = new Float32Array(count * 8);
    for (let i = 0; i < count; i++) {
      particles.set([i * 0.5, (i % 7) * 0.01, -i * 0.25, 1 + i, (i % 5) - 2, -3 + (i % 3), 0.5, 0], i * 8);
    }
    // SimParams: float3 gravity (16) + dt + damping + count, padded to 32 bytes.
    const params = new ArrayBuffer(32);
    new Float32Array(params, 0, 6).set([0, -9.81, 0, 0, 1 / 60, 0.99]);
    new Uint32Array(params, 24, 1)[0] = count;
    const buffer = DeviceBuffer.from(particles);
    await kernel.dispatch({ threads: 1024, buffers: [buffer, DeviceBuffer.from(params)] });
    const out = buffer.readFloat32();
    const dt = f(1 / 60);
    for (let i = 0; i < count; i++) {
      const p = particles.subarray(i * 8, i * 8 + 8);
      const v = [0, 1, 2].map((axis) => f(f(p[4 + axis]! * f(0.99)) + f([0, f(-9.81), 0][axis]! * dt)));
      const x = [0, 1, 2].map((axis) => f(p[axis]! + f(v[axis]! * dt)));
      if (x[1]! < 0) {
        x[1] = -x[1]!;
        v[1] = f(-v[1]! * 0.5);
      }
      expect({ i, particle: Array.from(out.subarray(i * 8, i * 8 + 7)) }).toEqual({ i, particle: [...x, p[3]!, ...v] });
    }
  });
});

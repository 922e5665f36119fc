import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

// ThreadIds in thread_positions.metal: uint index, then uint3 members aligned to 16 bytes.
const STRIDE = 128;

describe('built-in kernel arguments', () => {
  it('gives every thread of a 3-D threadgroup its Metal ids', async () => {
    const kernel = await testKernel('thread_positions');
    const [x, y, z] = [8, 4, 5];
    const ids = new DeviceBuffer(x * y * z * STRIDE);
    await kernel.dispatch({ threads: [x, y, z], buffers: { ids } });
    const words = ids.readUint32();
    const bytes = ids.read();
    for (let t = 0; t < x * y * z; t++) {
      const w = (offset: number) => words[(t * STRIDE + offset) / 4]!;
      const v3 = (offset: number) => [w(offset), w(offset + 4), w(offset + 8)];
      const position = [t % x, Math.floor(t / x) % y, Math.floor(t / (x * y))];
      expect({ t, index: w(0), position: v3(16), grid: v3(32), threads: v3(48), group: v3(64), groups: v3(80) }).toEqual({
        t,
        index: t,
        position,
        grid: position,
        threads: [x, y, z],
        group: [0, 0, 0],
        groups: [1, 1, 1],
      });
      expect([w(96), w(100), w(104), w(108), w(112), w(116)]).toEqual([Math.floor(t / 32), t % 32, 32, Math.ceil((x * y * z) / 32), Math.floor(t / 4), t % 4]);
      const xy = new Uint16Array(bytes.buffer, bytes.byteOffset + t * STRIDE + 120, 2);
      expect(Array.from(xy)).toEqual(position.slice(0, 2));
    }
  });
});

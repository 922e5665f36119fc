import { describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer } from '../../src/index.js';

describe('smoke', () => {
  it('reduces', async () => {
    const library = await compileKernel('kernels/tests/reduce_sum.metal');
    const input = DeviceBuffer.from(Float32Array.from({ length: 1024 }, (_, i) => i));
    const output = new DeviceBuffer(4);
    const params = DeviceBuffer.from(new Uint32Array([1024, new Uint32Array(new Float32Array([0.5]).buffer)[0]!]));
    const result = await library.kernel().dispatch({ threads: 1024, buffers: { input, output, params } });
    expect(output.readFloat32()[0]).toBe(261888);
    expect(result.stats.threadgroupBarriers).toBe(1);
  });
});

/**
 * Half literals (`1.5h`) are rounded from their decimal value once (kernels/tests/msl_half_literals.metal).
 */
import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

describe('half literals', () => {
  it('round once from decimal, never through float', async () => {
    const kernel = await testKernel('msl_half_literals');
    const out = new DeviceBuffer(16);
    await kernel.dispatch({ threads: 1, buffers: [out] });
    const bits = Array.from(new Uint16Array(out.read().buffer));
    // Through float, 1.000488281250001 would become the tie 1 + 2^-11 and round to 1.0 (0x3c00).
    expect(bits[0]).toBe(0x3c01);
    expect(bits[0]).not.toBe(0x3c00);
    expect(bits.slice(1)).toEqual([0x3c00, 0x3c00, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x8000]);
  });
});

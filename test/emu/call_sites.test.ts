/**
 * A barrier or SIMD-group call inside a helper belongs to the call of the helper that reached it:
 * the translator brackets exactly the call, so calls in one expression never see each other.
 */
import { describe, expect, it } from 'vitest';

import { compileKernel, DeviceBuffer } from '../../src/index.js';

describe('synchronising helper calls', () => {
  it('are told apart per call even when one is conditional in the same expression', async () => {
    const library = await compileKernel({
      fileName: 'call_sites.metal',
      source: `#include <metal_stdlib>
using namespace metal;
uint lanes_sum(uint x) { return simd_sum(x); }
kernel void k(device uint* out [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {
  out[t] = (t < 16u ? lanes_sum(1u) : 0u) + lanes_sum(100u);
}
`,
    });
    const out = new DeviceBuffer(32 * 4);
    await library.kernel('k').dispatch({ threads: 32, buffers: [out] });
    // lanes_sum(1) runs in lanes 0-15 (sum 16); lanes_sum(100) in all 32 lanes (sum 3200), as on a
    // GPU. Had the first call's scope lasted to the end of the expression, the second would have
    // split into two sets of 16 lanes: 1616 and 1600.
    const expected = Array.from({ length: 32 }, (_, t) => (t < 16 ? 16 : 0) + 3200);
    expect(Array.from(out.readUint32())).toEqual(expected);
  });
});

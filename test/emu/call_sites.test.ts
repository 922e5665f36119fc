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

describe('call paths across dispatches', () => {
  it('a dispatch stopped inside a helper leaves no path open for a later dispatch on the same thread', async () => {
    const library = await compileKernel({
      fileName: 'stopped_in_helper.metal',
      source: `#include <metal_stdlib>
using namespace metal;
uint faulting_sum(device uint* o, uint t) {
  const uint s = simd_sum(1u);
  if (t == 900u) o[1024u + 16u] = s;  // past the end of the 4 KiB buffer: the dispatch stops here
  return s;
}
uint lanes_sum(uint x) { return simd_sum(x); }
kernel void stop_inside(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) { o[t] = faulting_sum(o, t); }
kernel void plain(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) { o[t] = t; }
kernel void sums(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) { o[t] = lanes_sum(t); }
`,
    });
    // dispatchSync: all three on this thread's executor, one after another.
    expect(() => library.kernel('stop_inside').dispatchSync({ threads: 1024, buffers: [new DeviceBuffer(4096)] })).toThrow(/thread 900 accessed buffer\(0\) at byte offset 4160, outside its 4096 bytes/);
    library.kernel('plain').dispatchSync({ threads: 32, buffers: [new DeviceBuffer(128)] });
    const out = new DeviceBuffer(4096);
    library.kernel('sums').dispatchSync({ threads: 1024, buffers: [out] });
    const expected = Array.from({ length: 1024 }, (_, t) => {
      const first = t - (t % 32);
      return 32 * first + (31 * 32) / 2; // first + (first + 1) + ... + (first + 31)
    });
    expect(Array.from(out.readUint32())).toEqual(expected);
  });
});

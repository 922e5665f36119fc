/** dispatch({ profile: true }): a timeline of barrier releases, with .metal sites, for per-phase profiles. */
import { describe, expect, it } from 'vitest';

import { compileKernel } from '../../src/kernel/compile.js';
import { DeviceBuffer } from '../../src/kernel/device_buffer.js';
import { InvalidArgumentError } from '../../src/errors.js';

const SOURCE = `#include <metal_stdlib>
using namespace metal;
kernel void phases(device uint* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
  threadgroup uint shared[64];
  shared[tid] = tid;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  for (uint round = 0; round < 3; ++round) {
    shared[tid] += round;
    threadgroup_barrier(mem_flags::mem_threadgroup);
  }
  out[tid] = shared[tid];
}
`;

describe('barrier profiles', () => {
  it('lists every released barrier in order with its source line, only when asked', async () => {
    const kernel = (await compileKernel({ source: SOURCE, fileName: 'phases.metal' })).kernel('phases');
    const out = new DeviceBuffer(256);
    const plain = await kernel.dispatch({ threads: 64, buffers: [out] });
    expect(plain.barrierTimeline).toBeUndefined();

    const profiled = await kernel.dispatch({ threads: 64, buffers: [out], profile: true });
    const timeline = profiled.barrierTimeline!;
    expect(timeline.map((mark) => [mark.file?.endsWith('phases.metal'), mark.line])).toEqual([
      [true, 6],
      [true, 9],
      [true, 9],
      [true, 9],
    ]);
    for (let i = 1; i < timeline.length; i++) expect(timeline[i]!.elapsedNs).toBeGreaterThanOrEqual(timeline[i - 1]!.elapsedNs);
    expect(timeline.at(-1)!.elapsedNs).toBeLessThanOrEqual(profiled.stats.elapsedNs);
    expect(profiled.stats.threadgroupBarriers).toBe(4);
    expect(() => kernel.dispatchSync({ threads: 64, buffers: [out], profile: 1 as unknown as boolean })).toThrow(InvalidArgumentError);
  });
});

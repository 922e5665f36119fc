// Must be rejected in strict mode: every lane reads lane 31, which does not exist when the
// threadgroup's last SIMD-group is partial (1000 threads: the last group has lanes 0-7). Metal
// leaves such a read undefined; on hardware it returns garbage without a word.
#include <metal_stdlib>
using namespace metal;

kernel void shuffle_inactive_lane(device const uint* input [[buffer(0)]],
                                  device uint* output [[buffer(1)]],
                                  uint tid [[thread_index_in_threadgroup]])
{
    uint inclusive = simd_prefix_inclusive_sum(input[tid]);
    output[tid] = simd_broadcast(inclusive, 31);
}

// `rounds` simd_sum calls per thread, each depending on the last so none can be skipped: the cost
// of one SIMD-group collective.
#include <metal_stdlib>
using namespace metal;

kernel void simd_sum_rounds(constant uint& rounds [[buffer(0)]],
                            device uint* sink [[buffer(1)]],
                            uint tid [[thread_index_in_threadgroup]])
{
    uint value = tid;
    for (uint round = 0; round < rounds; ++round) {
        value = simd_sum(value) + round;
    }
    sink[tid] = value;
}

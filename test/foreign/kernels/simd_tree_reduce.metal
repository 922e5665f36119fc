// Sum of squares in the style common in Metal ML kernels: a shuffle-down tree inside each
// SIMD-group, one partial per SIMD-group in threadgroup memory, a second pass by the first
// SIMD-group. Plain Metal, not written for gpuos-replay.
#include <metal_stdlib>
using namespace metal;

template <typename T>
METAL_FUNC T warpReduceSum(T val) {
    for (ushort offset = 16; offset > 0; offset /= 2) {
        val += simd_shuffle_down(val, offset);
    }
    return val;
}

kernel void sum_of_squares(const device float4* in [[buffer(0)]],
                           device float* out [[buffer(1)]],
                           constant uint& n4 [[buffer(2)]],
                           uint tid [[thread_index_in_threadgroup]],
                           uint tpg [[threads_per_threadgroup]],
                           ushort simd_lane [[thread_index_in_simdgroup]],
                           ushort simd_group [[simdgroup_index_in_threadgroup]])
{
    threadgroup float partials[32];
    float acc = 0.0f;
    for (uint i = tid; i < n4; i += tpg) {
        float4 v = in[i];
        acc += dot(v, v);
    }
    acc = warpReduceSum(acc);
    if (simd_lane == 0) {
        partials[simd_group] = acc;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (simd_group == 0) {
        float p = simd_lane < (tpg + 31) / 32 ? partials[simd_lane] : 0.0f;
        p = warpReduceSum(p);
        if (simd_lane == 0) {
            out[0] = p;
        }
    }
}

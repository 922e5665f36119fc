// Sum of 1024 floats: simd_sum within each SIMD-group, partial sums through threadgroup memory,
// then one more simd_sum in SIMD-group 0. Pins simd_sum, threadgroup variables and a barrier.
#include <metal_stdlib>
using namespace metal;

struct ReduceParams {
    uint count;
    float scale;
};

kernel void reduce_sum(device const float* input [[buffer(0)]],
                       device float* output [[buffer(1)]],
                       constant ReduceParams& params [[buffer(2)]],
                       uint tid [[thread_index_in_threadgroup]],
                       uint lane [[thread_index_in_simdgroup]],
                       uint group [[simdgroup_index_in_threadgroup]])
{
    threadgroup float partial[32];
    float value = tid < params.count ? input[tid] * params.scale : 0.0;
    float group_sum = simd_sum(value);
    if (lane == 0) {
        partial[group] = group_sum;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (group == 0) {
        float total = simd_sum(partial[lane]);
        if (lane == 0) {
            output[0] = total;
        }
    }
}

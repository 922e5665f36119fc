// The two sides of a divergent branch run a SIMD-group function separately: each simd_sum adds up
// only the lanes on its side, and simdgroup_barrier inside a branch is reached by part of the group.
#include <metal_stdlib>
using namespace metal;

kernel void simd_divergent_branches(device const int* input [[buffer(0)]],
                                    device int* output [[buffer(1)]],
                                    uint tid [[thread_index_in_threadgroup]],
                                    uint lane [[thread_index_in_simdgroup]])
{
    int value = input[tid];
    int sum;
    if (value % 3 == 0) {
        sum = simd_sum(value);
    } else {
        sum = simd_sum(value * 10);
    }
    // Reconverged: every lane again.
    int everyone = simd_sum(1);
    output[tid] = sum * 100 + everyone;
}

// A SIMD-group call inside a helper, called from a divergent branch and then again by every lane:
// two calls of the helper are two call sites, as two call instructions are on a GPU. Lanes 0-15
// sum 1s among themselves (16); then all 32 lanes sum 100s (3200).
#include <metal_stdlib>
using namespace metal;

static int wave_sum(int value) {
    return simd_sum(value);
}

template <typename T>
static T wave_sum_twice(T value) {
    return wave_sum(value) + wave_sum(value);
}

kernel void simd_helper_reconverge(device int* out [[buffer(0)]],
                                   uint lane [[thread_index_in_simdgroup]],
                                   uint tid [[thread_index_in_threadgroup]])
{
    int in_branch = 0;
    if (lane < 16) {
        in_branch = wave_sum(1);
    }
    int everyone = wave_sum(100);
    int nested = wave_sum_twice(lane < 8 ? 1 : 2);
    out[tid * 3 + 0] = in_branch;
    out[tid * 3 + 1] = everyone;
    out[tid * 3 + 2] = nested;
}

// Must be rejected in strict mode: simd_shuffle_down needs the same delta in every active lane,
// and here lanes pass different deltas.
#include <metal_stdlib>
using namespace metal;

kernel void shuffle_non_uniform(device const float* input [[buffer(0)]],
                                device float* output [[buffer(1)]],
                                uint tid [[thread_index_in_threadgroup]],
                                uint lane [[thread_index_in_simdgroup]])
{
    ushort delta = lane < 16 ? 1 : 2;
    output[tid] = simd_shuffle_down(input[tid], delta);
}

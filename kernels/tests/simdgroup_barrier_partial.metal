// Must be rejected in strict mode: only the even lanes reach the simdgroup_barrier.
#include <metal_stdlib>
using namespace metal;

kernel void simdgroup_barrier_partial(device uint* output [[buffer(0)]],
                                      uint tid [[thread_index_in_threadgroup]],
                                      uint lane [[thread_index_in_simdgroup]])
{
    if (lane % 2 == 0) {
        output[tid] = 1;
        simdgroup_barrier(mem_flags::mem_device);
    }
    output[tid] += 1;
}

// Must be rejected: the two halves of the threadgroup wait at different barriers, so neither
// barrier can ever release (on a GPU: a hang or undefined behaviour).
#include <metal_stdlib>
using namespace metal;

kernel void divergent_barrier(device uint* output [[buffer(0)]],
                              uint tid [[thread_index_in_threadgroup]])
{
    if (tid < 512) {
        output[tid] = 1;
        threadgroup_barrier(mem_flags::mem_device);
    } else {
        output[tid] = 2;
        threadgroup_barrier(mem_flags::mem_device);
    }
}

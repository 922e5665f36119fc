// Threads 512 and up return before the barrier. On Apple GPUs that is allowed: returned threads
// do not hold a barrier back. The rest write, pass the barrier and read a neighbour's value.
// Strict mode must report the early return; non-strict mode must run it and get this right.
#include <metal_stdlib>
using namespace metal;

kernel void early_return(device uint* output [[buffer(0)]],
                         uint tid [[thread_index_in_threadgroup]])
{
    threadgroup uint shared[512];
    if (tid >= 512) {
        return;
    }
    shared[tid] = tid * 3;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    output[tid] = shared[(tid + 1) % 512];
}

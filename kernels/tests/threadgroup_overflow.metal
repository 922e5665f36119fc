// Must be rejected: 32 KiB + 4 KiB of threadgroup memory, more than an Apple GPU threadgroup has.
#include <metal_stdlib>
using namespace metal;

kernel void threadgroup_overflow(device float* output [[buffer(0)]],
                                 uint tid [[thread_index_in_threadgroup]])
{
    threadgroup float tiles[8192];
    threadgroup float extra[1024];
    tiles[tid] = float(tid);
    extra[tid] = 1.0;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    output[tid] = tiles[1023 - tid] + extra[tid];
}

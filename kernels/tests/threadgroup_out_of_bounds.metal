// Must be rejected: an index far past a threadgroup array runs off the end of threadgroup memory.
#include <metal_stdlib>
using namespace metal;

kernel void threadgroup_out_of_bounds(device uint* output [[buffer(0)]],
                                      constant uint& stride [[buffer(1)]],
                                      uint tid [[thread_index_in_threadgroup]])
{
    threadgroup uint table[256];
    table[tid * stride] = tid;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    output[tid] = table[tid];
}

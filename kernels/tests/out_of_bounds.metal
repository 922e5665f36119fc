// Must be rejected: thread 1023 writes one element past the end of its 1024-element buffer.
#include <metal_stdlib>
using namespace metal;

kernel void out_of_bounds(device uint* output [[buffer(0)]],
                          uint tid [[thread_index_in_threadgroup]])
{
    uint index = tid == 1023 ? 1024 : tid;
    output[index] = tid;
}

// A kernel that declares the most threads it can run with.
#include <metal_stdlib>
using namespace metal;

[[max_total_threads_per_threadgroup(256)]]
kernel void bounded_threads(device uint* output [[buffer(0)]],
                            uint tid [[thread_index_in_threadgroup]])
{
    output[tid] = tid;
}

// Threadgroup memory sized by the host ([[threadgroup(0)]], Metal's setThreadgroupMemoryLength)
// next to a kernel-scope threadgroup array: both are shared by the whole threadgroup.
#include <metal_stdlib>
using namespace metal;

kernel void threadgroup_param(device uint* output [[buffer(0)]],
                              threadgroup uint* scratch [[threadgroup(0)]],
                              uint tid [[thread_index_in_threadgroup]],
                              uint threads [[threads_per_threadgroup]])
{
    threadgroup uint counts[4];
    scratch[tid] = tid * 2;
    if (tid < 4) {
        counts[tid] = tid + 100;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    output[tid] = scratch[threads - 1 - tid] + counts[tid % 4];
}

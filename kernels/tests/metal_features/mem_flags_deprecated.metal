// The deprecated mem_flags::mem_device_and_threadgroup, still in real kernels: both spaces.
#include <metal_stdlib>
using namespace metal;

kernel void reverse_through_threadgroup(device uint* data [[buffer(0)]],
                                        uint tid [[thread_index_in_threadgroup]],
                                        uint count [[threads_per_threadgroup]]) {
  threadgroup uint staging[1024];
  staging[tid] = data[tid];
  threadgroup_barrier(mem_flags::mem_device_and_threadgroup);
  data[tid] = staging[count - 1u - tid];
}

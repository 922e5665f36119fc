// Planted race in device memory: thread i writes data[i], then reads data[i + 1] after a barrier
// that orders threadgroup memory only. mem_threadgroup does not order device memory.
#include <metal_stdlib>
using namespace metal;

kernel void shift_left(device uint* data [[buffer(0)]],
                       device uint* out [[buffer(1)]],
                       uint tid [[thread_index_in_threadgroup]],
                       uint count [[threads_per_threadgroup]]) {
  data[tid] = tid * 7u;
  threadgroup_barrier(mem_flags::mem_threadgroup);  // should be mem_device
  out[tid] = data[(tid + 1u) % count];
}

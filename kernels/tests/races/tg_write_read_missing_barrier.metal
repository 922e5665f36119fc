// Planted race: each thread writes its slot, then reads its neighbour's with no barrier between.
#include <metal_stdlib>
using namespace metal;

kernel void neighbour_sum(device uint* out [[buffer(0)]],
                          uint tid [[thread_index_in_threadgroup]],
                          uint count [[threads_per_threadgroup]]) {
  threadgroup uint slots[1024];
  slots[tid] = tid * 3u;
  // missing: threadgroup_barrier(mem_flags::mem_threadgroup);
  out[tid] = slots[(tid + 1u) % count];
}

// Planted race between lanes of one SIMD-group: lane i writes its slot and reads lane i ^ 1's,
// trusting lockstep execution. A SIMD-group function between them exchanges values, not memory;
// only simdgroup_barrier orders the lanes' accesses. simd_sync_fixed shows the fix.
#include <metal_stdlib>
using namespace metal;

kernel void swap_pairs(device uint* out [[buffer(0)]],
                       uint tid [[thread_index_in_threadgroup]],
                       uint lane [[thread_index_in_simdgroup]]) {
  threadgroup uint slots[32];
  if (tid < 32u) {
    slots[lane] = lane * 11u;
    const uint total = simd_sum(lane);  // a rendezvous, but no memory ordering
    out[tid] = slots[lane ^ 1u] + total * 0u;
  }
}

kernel void simd_sync_fixed(device uint* out [[buffer(0)]],
                            uint tid [[thread_index_in_threadgroup]],
                            uint lane [[thread_index_in_simdgroup]]) {
  threadgroup uint slots[32];
  if (tid < 32u) {
    slots[lane] = lane * 11u;
    simdgroup_barrier(mem_flags::mem_threadgroup);
    out[tid] = slots[lane ^ 1u];
  }
}

// Planted race: two threads store different values to one threadgroup word in the same barrier
// interval; which value the reader after the barrier sees depends on which store landed last.
#include <metal_stdlib>
using namespace metal;

kernel void last_writer_wins(device uint* out [[buffer(0)]],
                             uint tid [[thread_index_in_threadgroup]]) {
  threadgroup uint winner;
  if (tid == 0u || tid == 5u) {
    winner = tid + 100u;
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  out[tid] = winner;
}

// Planted bug: a threadgroup counter that no thread zeroes before every thread adds to it.
#include <metal_stdlib>
using namespace metal;

kernel void count_odd(device uint* out [[buffer(0)]],
                      uint tid [[thread_index_in_threadgroup]]) {
  threadgroup atomic_uint counter;
  if ((tid & 1u) != 0u) atomic_fetch_add_explicit(&counter, 1u, memory_order_relaxed);
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (tid == 0u) out[0] = atomic_load_explicit(&counter, memory_order_relaxed);
}

// Planted atomicity violation: a check-then-act over two atomics. Each thread reserves a slot by
// reading the count, then bumps it with a separate atomic; two threads that read the same count
// take the same slot. Every access is atomic, so no race checker flags it; only schedules in
// which another thread's atomics fall between one thread's two expose it (the lost claim shows
// in `claims`, and out[] then holds a slot written twice).
#include <metal_stdlib>
using namespace metal;

kernel void reserve_slots(device atomic_uint* count [[buffer(0)]],
                          device atomic_uint* claims [[buffer(1)]],
                          uint tid [[thread_index_in_threadgroup]]) {
  if (tid < 4u) {
    const uint slot = atomic_load_explicit(count, memory_order_relaxed);
    atomic_store_explicit(count, slot + 1u, memory_order_relaxed);
    atomic_fetch_add_explicit(&claims[slot], 1u, memory_order_relaxed);
  }
}

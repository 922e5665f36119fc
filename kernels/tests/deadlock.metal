// Must be rejected: thread 0 spins until thread 1 sets a flag, but thread 1 only sets it after a
// barrier that thread 0 never reaches. No thread can make progress.
#include <metal_stdlib>
using namespace metal;

kernel void deadlock(device atomic_uint* flag [[buffer(0)]],
                     uint tid [[thread_index_in_threadgroup]])
{
    if (tid == 0) {
        while (atomic_load_explicit(flag, memory_order_relaxed) == 0) {
        }
    }
    threadgroup_barrier(mem_flags::mem_device);
    if (tid == 1) {
        atomic_store_explicit(flag, 1u, memory_order_relaxed);
    }
}

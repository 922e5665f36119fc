// Must be rejected: one helper with a barrier, called from both sides of a divergent branch.
// The two calls are two barriers; no thread can be released.
#include <metal_stdlib>
using namespace metal;

static void sync_all() {
    threadgroup_barrier(mem_flags::mem_threadgroup);
}

kernel void barrier_in_helper_divergent(device uint* out [[buffer(0)]],
                                        uint tid [[thread_index_in_threadgroup]])
{
    if (tid < 64) {
        out[tid] = 1;
        sync_all();
    } else {
        out[tid] = 2;
        sync_all();
    }
}

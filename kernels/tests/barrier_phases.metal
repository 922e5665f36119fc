// Phases separated by barriers, for the barrier observer: each phase writes values derived from
// thread ids into threadgroup and device memory, so what memory holds at every release is known
// exactly. One barrier is inside a helper (its release has a call path), one in a loop, and the
// second threadgroup array is declared only after the first barrier. At most 256 threads.
#include <metal_stdlib>
using namespace metal;

static void shifted_copy(threadgroup uint* a, threadgroup const uint* b, device uint* out, uint tid, uint n) {
    a[tid] = b[tid] + 7u;
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);  // phase 3: a = b + 7
    out[tid] = a[(tid + 5u) % n];
}

kernel void barrier_phases(device uint* out [[buffer(0)]],
                           uint tid [[thread_index_in_threadgroup]],
                           uint n [[threads_per_threadgroup]])
{
    threadgroup uint a[256];
    a[tid] = tid;
    out[tid] = tid + 1000u;
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);  // phase 1: a = tid, out = tid + 1000

    threadgroup uint b[256];
    b[tid] = a[n - 1u - tid] * 2u;
    out[tid] += a[(tid + 1u) % n];
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);  // phase 2: b = reversed a * 2

    shifted_copy(a, b, out, tid, n);
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);  // phase 4: out = a[tid + 5]

    for (uint round = 0; round < 2u; ++round) {
        b[tid] = a[tid] + round * 100u;
        threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);  // rounds: b = a + 100 * round
        out[tid] = b[(tid + round + 1u) % n];
        threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);  // rounds: out = b shifted
    }
}

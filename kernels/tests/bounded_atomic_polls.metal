// Not a deadlock: every thread reads the same atomic a few thousand times and then finishes.
// Millions of atomics in a row that change nothing must not be mistaken for a spin-wait that
// can never end.
#include <metal_stdlib>
using namespace metal;

kernel void bounded_atomic_polls(device atomic_uint* word [[buffer(0)]],
                                 device uint* out [[buffer(1)]],
                                 constant uint& rounds [[buffer(2)]],
                                 uint tid [[thread_index_in_threadgroup]])
{
    uint sum = 0;
    for (uint i = 0; i < rounds; ++i) {
        sum += atomic_load_explicit(word, memory_order_relaxed);
    }
    out[tid] = sum;
}

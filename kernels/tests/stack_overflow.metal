// Must be rejected: unbounded recursion overflows thread 7's stack.
#include <metal_stdlib>
using namespace metal;

static uint descend(device uint* sink, uint depth) {
    volatile uint frame[64];
    frame[depth % 64] = depth;
    sink[0] = frame[(depth * 7) % 64];
    return descend(sink, depth + 1) + frame[depth % 64];
}

kernel void stack_overflow(device uint* sink [[buffer(0)]],
                           uint tid [[thread_index_in_threadgroup]])
{
    if (tid == 7) {
        sink[1] = descend(sink, 0);
    }
}

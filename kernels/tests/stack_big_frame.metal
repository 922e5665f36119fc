// Must be rejected: one 48 KiB local array on a small stack. The frame is larger than a page, so
// the stack pointer jumps past a one-page guard in one step; only probes and a wide guard turn
// the first touch into a stack overflow instead of a write into the neighbouring thread's stack.
#include <metal_stdlib>
using namespace metal;

kernel void stack_big_frame(device uint* sink [[buffer(0)]],
                            uint tid [[thread_index_in_threadgroup]])
{
    volatile uint frame[12288];
    frame[tid] = tid;
    frame[12287 - tid] = tid;
    sink[tid] = frame[tid] + frame[12287 - tid];
}

// Must be stopped by the watchdog: thread 5 loops forever without reaching a barrier.
#include <metal_stdlib>
using namespace metal;

kernel void endless_loop(device uint* counter [[buffer(0)]],
                         uint tid [[thread_index_in_threadgroup]])
{
    if (tid == 5) {
        volatile device uint* spin = counter;
        while (spin[0] != 0xffffffffu) {
            spin[1] = spin[1] + 1;
        }
    }
    threadgroup_barrier(mem_flags::mem_device);
}

// Must be stopped by the watchdog even though the looping thread spends its time inside the
// emulator's runtime (a threadgroup declaration inside the loop calls it every iteration), where
// the watchdog signal is only noted, never acted on.
#include <metal_stdlib>
using namespace metal;

kernel void endless_loop_in_runtime(device int* flag [[buffer(0)]],
                                    uint tid [[thread_index_in_threadgroup]])
{
    while (flag[1] == 0) {
        threadgroup int scratch[4];
        scratch[tid % 4] = flag[0];
    }
}

// Reads threadgroup memory nobody wrote. On a GPU the value is whatever was there; the emulator
// fills threadgroup memory with noise drawn from the seed, so such a read shows up as a result
// that changes with the seed instead of passing silently as zero.
#include <metal_stdlib>
using namespace metal;

kernel void uninitialized_threadgroup(device uint* output [[buffer(0)]],
                                      uint tid [[thread_index_in_threadgroup]])
{
    threadgroup uint never_written[64];
    output[tid] = never_written[tid % 64];
}

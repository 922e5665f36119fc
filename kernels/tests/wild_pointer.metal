// Must be rejected: a pointer that belongs to no buffer.
#include <metal_stdlib>
using namespace metal;

kernel void wild_pointer(device uint* output [[buffer(0)]],
                         constant ulong& address [[buffer(1)]],
                         uint tid [[thread_index_in_threadgroup]])
{
    if (tid == 2) {
        device uint* wild = reinterpret_cast<device uint*>(address);
        output[0] = *wild;
    }
}

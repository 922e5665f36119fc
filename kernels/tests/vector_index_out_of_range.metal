// Must be rejected: a vector indexed outside its components (undefined behaviour in MSL). A GPU
// reads whatever register or bytes lie there; the emulator stops at the line that indexed.
#include <metal_stdlib>
using namespace metal;

kernel void vector_index_out_of_range(device const uint* component [[buffer(0)]],
                                      device float* output [[buffer(1)]],
                                      uint tid [[thread_index_in_threadgroup]])
{
    const float4 v = float4(1.0f, 2.0f, 3.0f, 4.0f);
    const packed_float3 p = packed_float3(5.0f, 6.0f, 7.0f);
    output[tid] = tid < 4 ? v[component[tid]] : p[component[tid]];
}

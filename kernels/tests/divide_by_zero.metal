// Must be rejected: integer division by a divisor that is zero for thread 3.
#include <metal_stdlib>
using namespace metal;

kernel void divide_by_zero(device const int* divisors [[buffer(0)]],
                           device int* output [[buffer(1)]],
                           uint tid [[thread_index_in_threadgroup]])
{
    output[tid] = 1000 / divisors[tid];
}

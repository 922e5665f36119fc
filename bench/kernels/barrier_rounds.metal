// `rounds` threadgroup barriers and nothing else: the cost of one barrier across the threadgroup.
#include <metal_stdlib>
using namespace metal;

kernel void barrier_rounds(constant uint& rounds [[buffer(0)]])
{
    for (uint round = 0; round < rounds; ++round) {
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
}

//
//  BitonicSort.metal
//
//  Sorts up to 1024 floats inside one threadgroup: load into threadgroup memory, run the bitonic
//  network with a barrier between steps, write back. Plain Metal, not written for gpuos-replay.
//

#include <metal_stdlib>
using namespace metal;

#define SORT_CAPACITY 1024

struct SortUniforms {
    uint count;
    uint descending;
};

kernel void bitonicSortThreadgroup(device float *keys [[ buffer(0) ]],
                                   constant SortUniforms &uniforms [[ buffer(1) ]],
                                   uint lid [[ thread_position_in_threadgroup ]],
                                   uint groupSize [[ threads_per_threadgroup ]])
{
    threadgroup float shared[SORT_CAPACITY];

    // Pad with +inf (or -inf) so the padding sorts to the end.
    for (uint i = lid; i < SORT_CAPACITY; i += groupSize) {
        const float pad = uniforms.descending ? -INFINITY : INFINITY;
        shared[i] = i < uniforms.count ? keys[i] : pad;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);

    for (uint k = 2; k <= SORT_CAPACITY; k <<= 1) {
        for (uint j = k >> 1; j > 0; j >>= 1) {
            for (uint i = lid; i < SORT_CAPACITY; i += groupSize) {
                const uint partner = i ^ j;
                if (partner > i) {
                    const bool up = ((i & k) == 0) != bool(uniforms.descending);
                    const float a = shared[i];
                    const float b = shared[partner];
                    if ((a > b) == up) {
                        shared[i] = b;
                        shared[partner] = a;
                    }
                }
            }
            threadgroup_barrier(mem_flags::mem_threadgroup);
        }
    }

    for (uint i = lid; i < uniforms.count; i += groupSize) {
        keys[i] = shared[i];
    }
}

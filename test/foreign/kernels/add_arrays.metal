/*
 * Array addition in the shape of Apple's "Performing Calculations on a GPU" sample: no buffer
 * attributes (Metal numbers the buffer arguments 0, 1, 2 in order) and a grid position built-in.
 * Kept exactly as a Metal developer writes it; nothing here is adapted to gpuos-replay.
 */
#include <metal_stdlib>
using namespace metal;

kernel void add_arrays(device const float* inA,
                       device const float* inB,
                       device float* result,
                       uint index [[thread_position_in_grid]])
{
    // the for-loop is replaced with a collection of threads, each of which
    // calls this function.
    result[index] = inA[index] + inB[index];
}

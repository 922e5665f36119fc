// Every thread adds its id to a threadgroup slot, then all threads pass `rounds` barriers in a
// loop, each round rotating which thread writes which slot. Pins barrier-in-a-loop semantics:
// after the final barrier every slot holds exactly the value of its last writer.
#include <metal_stdlib>
using namespace metal;

kernel void barrier_loop(device uint* output [[buffer(0)]],
                         constant uint& rounds [[buffer(1)]],
                         uint tid [[thread_index_in_threadgroup]],
                         uint threads [[threads_per_threadgroup]])
{
    threadgroup uint slots[1024];
    slots[tid] = tid;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (uint round = 0; round < rounds; ++round) {
        uint source = slots[(tid + 1) % threads];
        threadgroup_barrier(mem_flags::mem_threadgroup);
        slots[tid] = source;
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    output[tid] = slots[tid];
}

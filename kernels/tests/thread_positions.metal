// Every built-in kernel argument, for a 3-D threadgroup: positions, indices, sizes, SIMD-group
// and quad-group ids, in their scalar, 2- and 3-component forms.
#include <metal_stdlib>
using namespace metal;

struct ThreadIds {
    uint index;
    uint3 position;          // [[thread_position_in_threadgroup]]
    uint3 grid_position;     // [[thread_position_in_grid]]
    uint3 threads;           // [[threads_per_threadgroup]]
    uint3 group_position;    // [[threadgroup_position_in_grid]]
    uint3 groups;            // [[threadgroups_per_grid]]
    uint simd_index;
    uint lane;
    uint simd_width;
    uint simd_groups;
    uint quad_index;
    uint quad_lane;
    ushort2 position_xy;     // a 2-component ushort form
};

kernel void thread_positions(device ThreadIds* ids [[buffer(0)]],
                             uint index [[thread_index_in_threadgroup]],
                             uint3 position [[thread_position_in_threadgroup]],
                             uint3 grid_position [[thread_position_in_grid]],
                             uint3 threads [[threads_per_threadgroup]],
                             uint3 group_position [[threadgroup_position_in_grid]],
                             uint3 groups [[threadgroups_per_grid]],
                             ushort simd_index [[simdgroup_index_in_threadgroup]],
                             ushort lane [[thread_index_in_simdgroup]],
                             uint simd_width [[threads_per_simdgroup]],
                             uint simd_groups [[simdgroups_per_threadgroup]],
                             uint quad_index [[quadgroup_index_in_threadgroup]],
                             uint quad_lane [[thread_index_in_quadgroup]],
                             ushort2 position_xy [[thread_position_in_threadgroup]])
{
    ThreadIds out;
    out.index = index;
    out.position = position;
    out.grid_position = grid_position;
    out.threads = threads;
    out.group_position = group_position;
    out.groups = groups;
    out.simd_index = simd_index;
    out.lane = lane;
    out.simd_width = simd_width;
    out.simd_groups = simd_groups;
    out.quad_index = quad_index;
    out.quad_lane = quad_lane;
    out.position_xy = position_xy;
    ids[index] = out;
}

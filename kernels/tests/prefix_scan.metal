// Inclusive prefix sum of up to 1024 uints across the whole threadgroup: a scan inside each
// SIMD-group, the groups' totals scanned by SIMD-group 0 through threadgroup memory, then each
// group adds the total of the groups before it. Pins simd_prefix_inclusive_sum,
// simd_prefix_exclusive_sum, simd_sum and two barriers, in full and partial SIMD-groups.
#include <metal_stdlib>
using namespace metal;

kernel void prefix_scan(device const uint* input [[buffer(0)]],
                        device uint* output [[buffer(1)]],
                        uint tid [[thread_index_in_threadgroup]],
                        uint lane [[thread_index_in_simdgroup]],
                        uint group [[simdgroup_index_in_threadgroup]],
                        uint groups [[simdgroups_per_threadgroup]])
{
    threadgroup uint group_totals[32];
    uint value = input[tid];
    uint inclusive = simd_prefix_inclusive_sum(value);
    // (Broadcasting lane 31's inclusive sum would read a lane that does not exist in a partial
    // last group; see shuffle_inactive_lane.metal.)
    uint total = simd_sum(value);
    if (lane == 0) {
        group_totals[group] = total;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (group == 0) {
        uint mine = lane < groups ? group_totals[lane] : 0;
        uint before = simd_prefix_exclusive_sum(mine);
        if (lane < groups) {
            group_totals[lane] = before;
        }
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    output[tid] = inclusive + group_totals[group];
}

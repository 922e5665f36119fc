// A data race on purpose: every thread writes its id to the same word with no barrier or atomic.
// Which write lands last depends on the schedule, so the result must change with the seed (that
// is what makes a schedule-dependent bug reproducible from its seed) and never for a fixed seed.
#include <metal_stdlib>
using namespace metal;

kernel void racy_last_writer(device uint* output [[buffer(0)]],
                             uint tid [[thread_index_in_threadgroup]])
{
    output[0] = tid;
}

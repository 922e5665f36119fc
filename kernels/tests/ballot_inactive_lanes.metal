// SIMD-group votes where only some lanes take part. Lanes whose input has bit 0 set enter the
// branch; inside it, ballot / active mask / first lane / all / any / broadcast_first see only
// those lanes, and the lanes outside vote in a separate ballot of their own. Pins that inactive
// lanes contribute nothing and read as 0 in a ballot.
#include <metal_stdlib>
using namespace metal;

struct LaneVotes {
    uint ballot;        // simd_ballot(bit 1) among the lanes of this branch
    uint active;        // simd_active_threads_mask()
    uint is_first;      // simd_is_first()
    uint all_set;       // simd_all(bit 2)
    uint any_set;       // simd_any(bit 2)
    uint first_value;   // simd_broadcast_first(input)
    uint vote_all;      // simd_vote::all() of the bit-1 ballot
    uint vote_any;      // simd_vote::any() of the bit-1 ballot
};

kernel void ballot_inactive_lanes(device const uint* input [[buffer(0)]],
                                  device LaneVotes* votes [[buffer(1)]],
                                  uint tid [[thread_index_in_threadgroup]])
{
    uint bits = input[tid];
    LaneVotes out;
    if (bits & 1u) {
        simd_vote ballot = simd_ballot((bits & 2u) != 0);
        out.ballot = uint(simd_vote::vote_t(ballot));
        out.active = uint(simd_vote::vote_t(simd_active_threads_mask()));
        out.is_first = simd_is_first() ? 1 : 0;
        out.all_set = simd_all((bits & 4u) != 0) ? 1 : 0;
        out.any_set = simd_any((bits & 4u) != 0) ? 1 : 0;
        out.first_value = simd_broadcast_first(bits);
        out.vote_all = ballot.all() ? 1 : 0;
        out.vote_any = ballot.any() ? 1 : 0;
    } else {
        simd_vote ballot = simd_ballot((bits & 2u) != 0);
        out.ballot = uint(simd_vote::vote_t(ballot));
        out.active = uint(simd_vote::vote_t(simd_active_threads_mask()));
        out.is_first = simd_is_first() ? 1 : 0;
        out.all_set = simd_all((bits & 4u) != 0) ? 1 : 0;
        out.any_set = simd_any((bits & 4u) != 0) ? 1 : 0;
        out.first_value = simd_broadcast_first(bits);
        out.vote_all = ballot.all() ? 1 : 0;
        out.vote_any = ballot.any() ? 1 : 0;
    }
    votes[tid] = out;
}

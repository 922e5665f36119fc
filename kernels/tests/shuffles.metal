// Every SIMD-group data movement function on distinct per-lane values: shuffle by an arbitrary
// per-lane source, up, down, xor, rotate up and down, broadcast. Pins which lane each result
// comes from, and that up/down leave the lanes with no source unchanged.
#include <metal_stdlib>
using namespace metal;

struct ShuffleResults {
    float shuffled;     // simd_shuffle(v, source[tid])
    float up;           // simd_shuffle_up(v, 3)
    float down;         // simd_shuffle_down(v, 5)
    float xored;        // simd_shuffle_xor(v, 7)
    float rotated_up;   // simd_shuffle_rotate_up(v, 4)
    float rotated_down; // simd_shuffle_rotate_down(v, 30)
    float broadcast;    // simd_broadcast(v, 9)
    float pad;
    int4 vector_down;   // simd_shuffle_down(int4(...), 1)
};

kernel void shuffles(device const float* values [[buffer(0)]],
                     device const ushort* source [[buffer(1)]],
                     device ShuffleResults* results [[buffer(2)]],
                     uint tid [[thread_index_in_threadgroup]])
{
    float v = values[tid];
    ShuffleResults r;
    r.shuffled = simd_shuffle(v, source[tid]);
    r.up = simd_shuffle_up(v, 3);
    r.down = simd_shuffle_down(v, 5);
    r.xored = simd_shuffle_xor(v, 7);
    r.rotated_up = simd_shuffle_rotate_up(v, 4);
    r.rotated_down = simd_shuffle_rotate_down(v, 30);
    r.broadcast = simd_broadcast(v, 9);
    r.pad = 0;
    int4 packed = int4(int(tid), int(tid) * 2, -int(tid), 7);
    r.vector_down = simd_shuffle_down(packed, 1);
    results[tid] = r;
}

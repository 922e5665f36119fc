// A benign-looking race: every thread that finds a match stores the same value into one flag in
// the same barrier interval. Reported as W_SAME_VALUE_WRITE, a warning (docs/EMULATOR.md).
#include <metal_stdlib>
using namespace metal;

kernel void any_match(device const uint* values [[buffer(0)]],
                      device uint* found [[buffer(1)]],
                      uint tid [[thread_index_in_threadgroup]]) {
  if (values[tid] == 42u) found[0] = 1u;
}

// Planted race in device memory: every thread adds into one total with a plain read-modify-write.
#include <metal_stdlib>
using namespace metal;

kernel void plain_total(device uint* total [[buffer(0)]],
                        uint tid [[thread_index_in_threadgroup]]) {
  total[0] = total[0] + tid;
}

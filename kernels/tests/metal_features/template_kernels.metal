// Template kernels instantiated with [[host_name]], as real Metal libraries write them: one
// definition, an entry point per type.
#include <metal_stdlib>
using namespace metal;

template <typename T>
kernel void scale_add(device const T* input [[buffer(0)]],
                      device T* output [[buffer(1)]],
                      constant T& factor [[buffer(2)]],
                      uint tid [[thread_position_in_grid]]) {
  output[tid] = input[tid] * factor + T(1);
}

template [[host_name("scale_add_float")]] kernel void scale_add<float>(device const float*, device float*, constant float&, uint);
template [[host_name("scale_add_int")]] [[kernel]] void scale_add<int>(device const int* input, device int* output, constant int& factor, uint tid);

// MSL's atomic types, the same objects on every backend: a plain value the backend's atomic
// functions (native/msl/cpu/cpu_atomics.h, native/msl/cuda/cuda_atomics.h) operate on.
// Only memory_order_relaxed exists, as in MSL.
#pragma once

#include "msl_base.h"

namespace metal {

enum memory_order { memory_order_relaxed = 0 };

template <class T>
struct atomic {
  T value_;
};

typedef atomic<int> atomic_int;
typedef atomic<uint> atomic_uint;
typedef atomic<bool> atomic_bool;
typedef atomic<float> atomic_float;
typedef atomic<ulong> atomic_ulong;

}  // namespace metal

using metal::atomic_bool;
using metal::atomic_float;
using metal::atomic_int;
using metal::atomic_uint;
using metal::atomic_ulong;

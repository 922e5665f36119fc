// threadgroup_barrier and mem_flags on NVIDIA GPUs.
#pragma once

#include "../common/msl_base.h"
#include "../common/mem_flags.h"
#include "cuda_launch.h"

namespace metal {

// __syncthreads orders both shared and global memory within the block, which covers every
// mem_flags value. Threads that returned do not hold it back (as in Metal).
// The line (of the .metal source, through the translator's #line directives) names the barrier
// in a profile.
__device__ __forceinline__ void threadgroup_barrier(mem_flags, unsigned line = __builtin_LINE()) {
  __syncthreads();
  if (threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0) gpuos_glue::record_clock(line);
}

}  // namespace metal

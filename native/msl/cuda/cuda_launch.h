// What a translated kernel's CUDA wrapper calls: each thread's ids from the hardware's, its
// parameters bound from the launch record (gpuos_cuda_abi.h), the profiling clock. Not for
// kernel authors.
#pragma once

#include "../common/kernel_bindings.h"
#include "gpuos_cuda_abi.h"

namespace gpuos_glue {

// The launch's profiling clock, per block: set by thread 0 as the kernel starts (nothing reads it
// before the first barrier, which follows).
__shared__ unsigned long long* barrier_clock;
__shared__ unsigned int* barrier_clock_count;
__shared__ unsigned int barrier_clock_capacity;

__device__ __forceinline__ unsigned long long global_timer_ns() {
  unsigned long long ns;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

__device__ __forceinline__ void record_clock(unsigned line) {
  unsigned long long* clock = barrier_clock;
  if (clock == nullptr) return;
  const unsigned int at = *barrier_clock_count;
  if (at < barrier_clock_capacity) {
    clock[2 * at] = global_timer_ns();
    clock[2 * at + 1] = line;
  }
  *barrier_clock_count = at + 1u;
}

__device__ __forceinline__ void kernel_started(const gpuos_cuda_launch* launch) {
  if (threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0) {
    barrier_clock = launch->barrier_clock;
    barrier_clock_count = launch->barrier_clock_count;
    barrier_clock_capacity = launch->barrier_clock_capacity;
    record_clock(0);
  }
}

__device__ __forceinline__ gpuos_thread_ids thread_ids() {
  gpuos_thread_ids ids;
  ids.position[0] = threadIdx.x;
  ids.position[1] = threadIdx.y;
  ids.position[2] = threadIdx.z;
  // Metal and CUDA both number a threadgroup's threads x fastest, and cut SIMD-groups (warps) of
  // 32 from that order.
  ids.index = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  ids.simdgroup = ids.index / GPUOS_SIMD_WIDTH;
  ids.lane = ids.index % GPUOS_SIMD_WIDTH;
  return ids;
}

template <class P>
__device__ __forceinline__ P bind_buffer(const gpuos_cuda_launch* launch, uint index) {
  void* data = launch->buffers[index];
  if constexpr (param_info<P>::reference) {
    return *static_cast<typename remove_reference<P>::type*>(data);
  } else {
    return static_cast<P>(data);
  }
}

extern __shared__ unsigned char dynamic_threadgroup_memory[];

template <class P>
__device__ __forceinline__ P bind_threadgroup(const gpuos_cuda_launch* launch, uint index) {
  void* data = dynamic_threadgroup_memory + launch->threadgroup_offsets[index];
  if constexpr (param_info<P>::reference) {
    return *static_cast<typename remove_reference<P>::type*>(data);
  } else {
    return static_cast<P>(data);
  }
}

// A program-scope built-in variable (MSL 3.1) read where it is used: the running thread's value.
template <class P>
__device__ __forceinline__ P program_builtin(uint builtin) {
  const gpuos_thread_ids ids = thread_ids();
  struct {
    unsigned int threads_per_threadgroup[3];
  } launch{{blockDim.x, blockDim.y, blockDim.z}};
  return bind_builtin<P>(&launch, &ids, builtin);
}

}  // namespace gpuos_glue

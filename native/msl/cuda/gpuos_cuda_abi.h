/*
 * The launch record of a kernel built for the CUDA backend: what the host launcher
 * (native/cuda/) passes to a translated kernel's __global__ wrapper, by value. Plain C, included
 * by both sides; the layout is the contract.
 */
#ifndef GPUOS_CUDA_ABI_H
#define GPUOS_CUDA_ABI_H

/* Version of this record and of the wrappers the translator emits; part of the kernel cache key. */
#define GPUOS_CUDA_ABI_VERSION 1u

/* A kernel's default __launch_bounds__: every kernel may be dispatched with a full threadgroup. */
#define GPUOS_CUDA_MAX_THREADS 1024u
#define GPUOS_CUDA_MAX_BUFFER_BINDINGS 31u
#define GPUOS_CUDA_MAX_THREADGROUP_BINDINGS 31u

typedef struct gpuos_cuda_launch {
  void* buffers[GPUOS_CUDA_MAX_BUFFER_BINDINGS];                        /* device pointers, null when unbound */
  unsigned int threadgroup_offsets[GPUOS_CUDA_MAX_THREADGROUP_BINDINGS]; /* into dynamic shared memory */
  unsigned int threads_per_threadgroup[3];
  /*
   * Profiling (null when off): thread 0 writes an entry here as the kernel starts and after
   * every threadgroup barrier releases: two words, the GPU's global timer (ns) and the barrier's
   * .metal line (0 for the start). At most barrier_clock_capacity entries are kept;
   * barrier_clock_count (device memory) counts every one, kept or not.
   */
  unsigned long long* barrier_clock;
  unsigned int* barrier_clock_count;
  unsigned int barrier_clock_capacity;
} gpuos_cuda_launch;

#endif

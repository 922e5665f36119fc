// MSL SIMD-group functions on NVIDIA warps, with Metal's active-lane semantics.
//
// Metal's active lanes are the lanes of the SIMD-group executing the call together; under
// Volta's independent thread scheduling those are the lanes __activemask() reports at the call
// (the lanes that took this side of a branch are converged with each other, and with no other).
// Every collective below is a *_sync intrinsic over exactly that mask.
//
// Results are the emulator's bit for bit: a floating-point reduction gathers the active lanes'
// values and combines them in the same fixed tree (native/msl/common/simd_ops.h), and prefix
// operations go in lane order. Integer reductions, where order cannot matter, use the warp's own
// reduction instructions.
#pragma once

#include "../common/math_functions.h"
#include "../common/simd_ops.h"
#include "cuda_barriers.h"

namespace gpuos_glue {

__device__ __forceinline__ unsigned lane_id() {
  unsigned lane;
  asm volatile("mov.u32 %0, %%laneid;" : "=r"(lane));
  return lane;
}

// `value` of lane `source` (which must be in `mask`), any type of up to 32 bytes.
template <class T>
__device__ __forceinline__ T lane_read(unsigned mask, const T& value, unsigned source) {
  static_assert(sizeof(T) <= GPUOS_SIMD_SLOT_BYTES, "SIMD-group functions move at most 32 bytes per lane");
  constexpr unsigned kWords = (sizeof(T) + 3) / 4;
  unsigned words[kWords] = {};
  __builtin_memcpy(words, &value, sizeof(T));
#pragma unroll
  for (unsigned w = 0; w < kWords; ++w) words[w] = __shfl_sync(mask, words[w], source);
  T out;
  __builtin_memcpy(&out, words, sizeof(T));
  return out;
}

template <class T> struct is_word_integer { static constexpr bool value = metal::detail::is_same<T, uint>::value || metal::detail::is_same<T, int>::value; };

template <class T, class Op>
__device__ __forceinline__ T simd_reduce(T value, Op op) {
  const unsigned mask = __activemask();
  if constexpr (is_word_integer<T>::value && metal::detail::is_same<Op, add_op>::value) {
    return static_cast<T>(__reduce_add_sync(mask, static_cast<unsigned>(value)));
  } else if constexpr (is_word_integer<T>::value && metal::detail::is_same<Op, min_op>::value) {
    return __reduce_min_sync(mask, value);
  } else if constexpr (is_word_integer<T>::value && metal::detail::is_same<Op, max_op>::value) {
    return __reduce_max_sync(mask, value);
  } else if constexpr (is_word_integer<T>::value && metal::detail::is_same<Op, and_op>::value) {
    return static_cast<T>(__reduce_and_sync(mask, static_cast<unsigned>(value)));
  } else if constexpr (is_word_integer<T>::value && metal::detail::is_same<Op, or_op>::value) {
    return static_cast<T>(__reduce_or_sync(mask, static_cast<unsigned>(value)));
  } else if constexpr (is_word_integer<T>::value && metal::detail::is_same<Op, xor_op>::value) {
    return static_cast<T>(__reduce_xor_sync(mask, static_cast<unsigned>(value)));
  } else {
    T slot[GPUOS_SIMD_WIDTH];
    for (unsigned m = mask; m != 0; m &= m - 1) {
      const unsigned source = static_cast<unsigned>(__ffs(static_cast<int>(m)) - 1);
      slot[source] = lane_read(mask, value, source);
    }
    return simd_tree_reduce(slot, mask, op);
  }
}

template <class T, class Op, bool Inclusive>
__device__ __forceinline__ T simd_prefix(T value, Op op) {
  const unsigned mask = __activemask();
  const unsigned self = lane_id();
  T running = Op::template identity<T>();
  bool first = true;
  // Every active lane takes part in every read; each combines only the lanes before it (and
  // itself, inclusive), in lane order.
  for (unsigned m = mask; m != 0; m &= m - 1) {
    const unsigned source = static_cast<unsigned>(__ffs(static_cast<int>(m)) - 1);
    const T other = lane_read(mask, value, source);
    if (source < self || (Inclusive && source == self)) {
      running = first ? other : T(op(running, other));
      first = false;
    }
  }
  return running;
}

enum class source_rule { broadcast, shuffle, up, down, exclusive_or, rotate_up, rotate_down };

template <class T, source_rule Rule>
__device__ __forceinline__ T simd_move(T value, unsigned argument) {
  const unsigned mask = __activemask();
  const int self = static_cast<int>(lane_id());
  const int width = static_cast<int>(GPUOS_SIMD_WIDTH);
  int source = self;
  bool keep_own = false;
  switch (Rule) {
    case source_rule::broadcast:
    case source_rule::shuffle: source = static_cast<int>(argument); break;
    case source_rule::up:
      source = self - static_cast<int>(argument);
      keep_own = source < 0;  // "the lower delta lanes are unchanged"
      break;
    case source_rule::down:
      source = self + static_cast<int>(argument);
      keep_own = source >= width;  // "the upper delta lanes are unchanged"
      break;
    case source_rule::exclusive_or: source = self ^ static_cast<int>(argument); break;
    case source_rule::rotate_up: source = (self + width - static_cast<int>(argument % GPUOS_SIMD_WIDTH)) % width; break;
    case source_rule::rotate_down: source = (self + static_cast<int>(argument)) % width; break;
  }
  // Out of range reads are the kernel's bug (the emulator reports them); the hardware wraps.
  const T read = lane_read(mask, value, static_cast<unsigned>(source) & (GPUOS_SIMD_WIDTH - 1));
  return keep_own ? value : read;
}

}  // namespace gpuos_glue

namespace metal {

#define GPUOS_SIMD_REDUCTION(name, op) \
  template <class T>                   \
  __device__ __forceinline__ T name(T data) { return gpuos_glue::simd_reduce(data, gpuos_glue::op{}); }
GPUOS_SIMD_REDUCTION(simd_sum, add_op)
GPUOS_SIMD_REDUCTION(simd_product, multiply_op)
GPUOS_SIMD_REDUCTION(simd_min, min_op)
GPUOS_SIMD_REDUCTION(simd_max, max_op)
GPUOS_SIMD_REDUCTION(simd_and, and_op)
GPUOS_SIMD_REDUCTION(simd_or, or_op)
GPUOS_SIMD_REDUCTION(simd_xor, xor_op)
#undef GPUOS_SIMD_REDUCTION

#define GPUOS_SIMD_PREFIX(name, op, inclusive) \
  template <class T>                           \
  __device__ __forceinline__ T name(T data) { return gpuos_glue::simd_prefix<T, gpuos_glue::op, inclusive>(data, gpuos_glue::op{}); }
GPUOS_SIMD_PREFIX(simd_prefix_exclusive_sum, add_op, false)
GPUOS_SIMD_PREFIX(simd_prefix_inclusive_sum, add_op, true)
GPUOS_SIMD_PREFIX(simd_prefix_exclusive_product, multiply_op, false)
GPUOS_SIMD_PREFIX(simd_prefix_inclusive_product, multiply_op, true)
#undef GPUOS_SIMD_PREFIX

#define GPUOS_SIMD_MOVE(name, rule) \
  template <class T>                \
  __device__ __forceinline__ T name(T data, ushort argument) { return gpuos_glue::simd_move<T, gpuos_glue::source_rule::rule>(data, argument); }
GPUOS_SIMD_MOVE(simd_broadcast, broadcast)
GPUOS_SIMD_MOVE(simd_shuffle, shuffle)
GPUOS_SIMD_MOVE(simd_shuffle_up, up)
GPUOS_SIMD_MOVE(simd_shuffle_down, down)
GPUOS_SIMD_MOVE(simd_shuffle_xor, exclusive_or)
GPUOS_SIMD_MOVE(simd_shuffle_rotate_up, rotate_up)
GPUOS_SIMD_MOVE(simd_shuffle_rotate_down, rotate_down)
#undef GPUOS_SIMD_MOVE

template <class T>
__device__ __forceinline__ T simd_broadcast_first(T data) {
  const unsigned mask = __activemask();
  return gpuos_glue::lane_read(mask, data, static_cast<unsigned>(__ffs(static_cast<int>(mask)) - 1));
}

__device__ __forceinline__ simd_vote simd_ballot(bool expr) {
  const unsigned mask = __activemask();
  return simd_vote::with_active(__ballot_sync(mask, expr), mask);
}
__device__ __forceinline__ simd_vote simd_active_threads_mask() {
  const unsigned mask = __activemask();
  return simd_vote::with_active(mask, mask);
}
__device__ __forceinline__ bool simd_all(bool expr) { return __all_sync(__activemask(), expr) != 0; }
__device__ __forceinline__ bool simd_any(bool expr) { return __any_sync(__activemask(), expr) != 0; }
__device__ __forceinline__ bool simd_is_first() {
  return gpuos_glue::lane_id() == static_cast<unsigned>(__ffs(static_cast<int>(__activemask())) - 1);
}
// Compute dispatches have no helper threads.
__device__ __forceinline__ bool simd_is_helper_thread() { return false; }

// Orders the group's memory accesses; the lanes executing it meet here.
__device__ __forceinline__ void simdgroup_barrier(mem_flags) {
  __syncwarp(__activemask());
  __threadfence_block();
}

}  // namespace metal

// How a kernel's parameters are described and its built-in arguments computed, for every
// non-Metal backend: the CPU emulator's glue (native/msl/cpu/kernel_glue.h) and the CUDA glue
// (native/msl/cuda/cuda_launch.h) bind buffers their own way but compute built-ins the same way.
// A launch type has threads_per_threadgroup[3]; gpuos_thread_ids and the GPUOS_BUILTIN_ codes are
// the emulator ABI's (native/msl/cpu/gpuos_emu_abi.h).
#pragma once

#include "vector_types.h"
#include "../cpu/gpuos_emu_abi.h"

namespace gpuos_glue {

using metal::detail::bare_t;
using metal::detail::is_pointer;
using metal::detail::remove_cv;
using metal::detail::remove_reference;

template <class P>
struct param_info {
  template <class X> struct strip_pointer { using type = X; };
  template <class X> struct strip_pointer<X*> { using type = X; };
  template <class X> struct strip_pointer<X* const> { using type = X; };
  template <class X> struct strip_pointer<X* volatile> { using type = X; };
  template <class X> struct is_const_type { static constexpr bool value = false; };
  template <class X> struct is_const_type<const X> { static constexpr bool value = true; };
  template <class X> struct is_const_type<const volatile X> { static constexpr bool value = true; };
  template <class X> struct size_of { static constexpr unsigned long long value = sizeof(X); };
  template <class X> struct size_of<const X> : size_of<X> {};
  template <class X> struct size_of<volatile X> : size_of<X> {};
  template <class X> struct size_of<const volatile X> : size_of<X> {};
  template <class Unused> struct size_of_void { static constexpr unsigned long long value = 0; };
  template <class X> struct align_of { static constexpr unsigned long long value = alignof(X); };

  static constexpr bool reference = !metal::detail::is_same<P, typename remove_reference<P>::type>::value;
  using pointee = typename metal::detail::conditional<reference, typename remove_reference<P>::type,
                                                      typename strip_pointer<typename remove_cv<P>::type>::type>::type;
  static constexpr bool is_void = metal::detail::is_same<typename remove_cv<pointee>::type, void>::value;

  static constexpr unsigned is_reference = reference ? 1u : 0u;
  static constexpr unsigned is_const = is_const_type<pointee>::value ? 1u : 0u;
  static constexpr unsigned long long pointee_size =
      metal::detail::conditional<is_void, size_of_void<pointee>, size_of<pointee>>::type::value;
  static constexpr unsigned long long pointee_align =
      metal::detail::conditional<is_void, size_of_void<pointee>, align_of<typename remove_cv<pointee>::type>>::type::value;
};

struct builtin_triple {
  uint x, y, z;
};

template <class Launch>
GPUOS_FUNC builtin_triple builtin_value(const Launch* launch, const gpuos_thread_ids* ids, uint builtin) {
  const uint* size = launch->threads_per_threadgroup;
  const uint total = size[0] * size[1] * size[2];
  switch (builtin) {
    case GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP: return {ids->index, 0, 0};
    case GPUOS_BUILTIN_THREAD_POSITION_IN_THREADGROUP:
    case GPUOS_BUILTIN_THREAD_POSITION_IN_GRID: return {ids->position[0], ids->position[1], ids->position[2]};
    case GPUOS_BUILTIN_THREADS_PER_THREADGROUP:
    case GPUOS_BUILTIN_THREADS_PER_GRID:
    case GPUOS_BUILTIN_GRID_SIZE: return {size[0], size[1], size[2]};
    case GPUOS_BUILTIN_THREADGROUP_POSITION_IN_GRID:
    case GPUOS_BUILTIN_GRID_ORIGIN: return {0, 0, 0};
    case GPUOS_BUILTIN_THREADGROUPS_PER_GRID: return {1, 1, 1};
    case GPUOS_BUILTIN_SIMDGROUP_INDEX_IN_THREADGROUP: return {ids->simdgroup, 0, 0};
    case GPUOS_BUILTIN_THREAD_INDEX_IN_SIMDGROUP: return {ids->lane, 0, 0};
    case GPUOS_BUILTIN_THREADS_PER_SIMDGROUP: return {GPUOS_SIMD_WIDTH, 0, 0};
    case GPUOS_BUILTIN_SIMDGROUPS_PER_THREADGROUP: return {(total + GPUOS_SIMD_WIDTH - 1) / GPUOS_SIMD_WIDTH, 0, 0};
    case GPUOS_BUILTIN_QUADGROUP_INDEX_IN_THREADGROUP: return {ids->index / 4, 0, 0};
    case GPUOS_BUILTIN_THREAD_INDEX_IN_QUADGROUP: return {ids->index % 4, 0, 0};
    case GPUOS_BUILTIN_QUADGROUPS_PER_THREADGROUP: return {(total + 3) / 4, 0, 0};
    default: return {0, 0, 0};
  }
}

template <class P, class Launch>
GPUOS_FUNC P bind_builtin(const Launch* launch, const gpuos_thread_ids* ids, uint builtin) {
  using B = bare_t<P>;
  const builtin_triple value = builtin_value(launch, ids, builtin);
  using shape = metal::detail::operand<B>;
  if constexpr (shape::is_vector) {
    using E = typename shape::element;
    static_assert(shape::width <= 3, "built-in kernel arguments have at most 3 components");
    if constexpr (shape::width == 2) {
      return B(E(value.x), E(value.y));
    } else {
      return B(E(value.x), E(value.y), E(value.z));
    }
  } else {
    return B(value.x);
  }
}

}  // namespace gpuos_glue

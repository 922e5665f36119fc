// What the translator's generated code calls: binding a kernel's parameters from a launch, and
// kernel-scope threadgroup variables. Not for kernel authors.
#pragma once

#include "../common/vector_types.h"
#include "cpu_runtime_link.h"

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

template <class P>
GPUOS_FUNC P bind_buffer(const gpuos_launch* launch, uint index) {
  void* data = launch->buffers[index];
  if constexpr (param_info<P>::reference) {
    return *static_cast<typename remove_reference<P>::type*>(data);
  } else {
    return static_cast<P>(data);
  }
}

template <class P>
GPUOS_FUNC P bind_threadgroup(const gpuos_launch* launch, uint index) {
  void* data = launch->threadgroup_memory[index];
  if constexpr (param_info<P>::reference) {
    return *static_cast<typename remove_reference<P>::type*>(data);
  } else {
    return static_cast<P>(data);
  }
}

struct builtin_triple {
  uint x, y, z;
};

GPUOS_FUNC builtin_triple builtin_value(const gpuos_launch* launch, const gpuos_thread_ids* ids, uint builtin) {
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

template <class P>
GPUOS_FUNC P bind_builtin(const gpuos_launch* launch, const gpuos_thread_ids* ids, uint builtin) {
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

// A program-scope built-in variable (MSL 3.1) read where it is used: the running thread's value.
template <class P>
GPUOS_FUNC P program_builtin(uint builtin) {
  const gpuos_launch* launch = nullptr;
  const gpuos_thread_ids* ids = nullptr;
  runtime->current_thread(&launch, &ids);
  return bind_builtin<P>(launch, ids, builtin);
}

// The translator wraps each call of a synchronising user function as
// `::gpuos_glue::scoped_call(__builtin_source_location(), [&]() -> decltype(auto) { return helper(args); })`:
// the scope opens as the call starts and closes as it returns, so the emulator knows which call of
// the helper a barrier or SIMD-group call inside it belongs to. (A temporary bracketing the call
// would live to the end of the full expression: `(c ? f(a) : 0) + f(b)` would run the second call
// one level deeper in some threads than in others, and split its SIMD-group.)
struct CallScope {
  explicit GPUOS_FUNC CallScope(const void* call_site) {
    runtime->enter_call(static_cast<const gpuos_source_site*>(call_site));
  }
  GPUOS_FUNC ~CallScope() { runtime->leave_call(); }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;
};

template <class Call>
GPUOS_FUNC decltype(auto) scoped_call(const void* call_site, Call&& call) {
  CallScope scope(call_site);
  return call();
}

// A kernel-scope `threadgroup T name[...]`: one storage for the whole threadgroup, allocated the
// first time any thread reaches the declaration.
template <class T>
GPUOS_FUNC T& threadgroup_variable(uint slot, const char* name, GPUOS_CALL_SITE) {
  return *static_cast<T*>(runtime->threadgroup_variable(slot, sizeof(T), alignof(T), name, GPUOS_SITE));
}

}  // namespace gpuos_glue

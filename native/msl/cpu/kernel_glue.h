// What the translator's generated code calls: binding a kernel's parameters from a launch, and
// kernel-scope threadgroup variables. Not for kernel authors.
#pragma once

#include "../common/kernel_bindings.h"
#include "cpu_runtime_link.h"

namespace gpuos_glue {


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

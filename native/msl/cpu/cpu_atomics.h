// MSL atomics on the CPU emulator.
//
// The emulator runs one fiber at a time, so the operation itself is a plain read-modify-write.
// What makes it an atomic is what follows: every atomic operation is a preemption point where the
// seeded scheduler may run another thread, as a GPU interleaves atomics from many threads; and it
// tells the emulator whether memory changed, which is how a spin-wait that can never end is told
// apart from one that is making progress.
//
// Only memory_order_relaxed exists, as in MSL.
#pragma once

#include "../common/msl_base.h"
#include "../common/atomic_types.h"
#include "cpu_runtime_link.h"

namespace metal {


namespace detail {
template <class T>
struct identity {
  using type = T;
};
template <class T>
GPUOS_FUNC bool same_bits(const T& a, const T& b) {
  return __builtin_memcmp(&a, &b, sizeof(T)) == 0;
}
template <class T>
GPUOS_FUNC gpuos_u64 bits_of(const T& value) {
  gpuos_u64 bits = 0;
  __builtin_memcpy(&bits, &value, sizeof(T) < sizeof(bits) ? sizeof(T) : sizeof(bits));
  return bits;
}
// What an atomic does to its object, for the race checker.
constexpr uint kAtomicLoad = GPUOS_ACCESS_READ;
constexpr uint kAtomicStore = GPUOS_ACCESS_WRITE;
constexpr uint kAtomicReadModifyWrite = GPUOS_ACCESS_WRITE | GPUOS_ACCESS_RMW;

// The atomic's own load and store. In a race-checking build they are kept out of the
// instrumentation (not plain accesses: two atomics never race) and reported as atomic instead.
#if GPUOS_RACE_CHECK
template <class T>
__attribute__((noinline, no_sanitize("thread"))) T raw_read(const volatile atomic<T>* object) {
  return object->value_;
}
template <class T>
__attribute__((noinline, no_sanitize("thread"))) void raw_write(volatile atomic<T>* object, T value) {
  object->value_ = value;
}
template <class T>
GPUOS_FUNC void atomic_access(const volatile atomic<T>* object, uint kind, const void* site) {
  // Inlined, so no return address would name the caller: the call site record does.
  gpuos_glue::runtime->memory_access(object, sizeof(T), GPUOS_ACCESS_ATOMIC | GPUOS_ACCESS_AT_SITE | kind, site);
}
#else
template <class T>
GPUOS_FUNC T raw_read(const volatile atomic<T>* object) {
  return object->value_;
}
template <class T>
GPUOS_FUNC void raw_write(volatile atomic<T>* object, T value) {
  object->value_ = value;
}
template <class T>
GPUOS_FUNC void atomic_access(const volatile atomic<T>*, uint, const void*) {}
#endif
template <class T>
GPUOS_FUNC void atomic_done(bool changed, const void* site, const volatile atomic<T>* object, const T& observed) {
  gpuos_glue::runtime->atomic_performed(changed ? 1u : 0u, static_cast<const gpuos_source_site*>(site), object,
                                        bits_of(observed));
}
}  // namespace detail

template <class T>
GPUOS_FUNC void atomic_store_explicit(volatile atomic<T>* object, typename detail::identity<T>::type desired,
                                      memory_order, GPUOS_CALL_SITE) {
  detail::atomic_access(object, detail::kAtomicStore, gpuos_call_site);
  const T before = detail::raw_read(object);
  detail::raw_write<T>(object, desired);
  detail::atomic_done(!detail::same_bits(before, desired), gpuos_call_site, object, before);
}

template <class T>
GPUOS_FUNC T atomic_load_explicit(const volatile atomic<T>* object, memory_order, GPUOS_CALL_SITE) {
  detail::atomic_access(object, detail::kAtomicLoad, gpuos_call_site);
  const T value = detail::raw_read(object);
  detail::atomic_done(false, gpuos_call_site, object, value);
  return value;
}

template <class T>
GPUOS_FUNC T atomic_exchange_explicit(volatile atomic<T>* object, typename detail::identity<T>::type desired,
                                      memory_order, GPUOS_CALL_SITE) {
  detail::atomic_access(object, detail::kAtomicReadModifyWrite, gpuos_call_site);
  const T before = detail::raw_read(object);
  detail::raw_write<T>(object, desired);
  detail::atomic_done(!detail::same_bits(before, desired), gpuos_call_site, object, before);
  return before;
}

template <class T>
GPUOS_FUNC bool atomic_compare_exchange_weak_explicit(volatile atomic<T>* object, T* expected,
                                                      typename detail::identity<T>::type desired, memory_order,
                                                      memory_order, GPUOS_CALL_SITE) {
  const T before = detail::raw_read(object);
  const bool matched = detail::same_bits(before, *expected);
  // A compare-exchange that fails only loads (no other thread runs in between: one fiber at a time).
  detail::atomic_access(object, matched ? detail::kAtomicReadModifyWrite : detail::kAtomicLoad, gpuos_call_site);
  if (matched) {
    detail::raw_write<T>(object, desired);
  } else {
    *expected = before;
  }
  detail::atomic_done(matched && !detail::same_bits(before, desired), gpuos_call_site, object, before);
  return matched;
}

#define GPUOS_ATOMIC_FETCH(name, expression)                                                                  \
  template <class T>                                                                                          \
  GPUOS_FUNC T name(volatile atomic<T>* object, typename detail::identity<T>::type operand, memory_order,       \
                    GPUOS_CALL_SITE) {                                                                        \
    detail::atomic_access(object, detail::kAtomicReadModifyWrite, gpuos_call_site);                                                     \
    const T before = detail::raw_read(object);                                                                \
    const T after = static_cast<T>(expression);                                                               \
    detail::raw_write<T>(object, after);                                                                      \
    detail::atomic_done(!detail::same_bits(before, after), gpuos_call_site, object, before);                  \
    return before;                                                                                            \
  }
GPUOS_ATOMIC_FETCH(atomic_fetch_add_explicit, before + operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_sub_explicit, before - operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_and_explicit, before & operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_or_explicit, before | operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_xor_explicit, before ^ operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_min_explicit, operand < before ? operand : before)
GPUOS_ATOMIC_FETCH(atomic_fetch_max_explicit, operand > before ? operand : before)
#undef GPUOS_ATOMIC_FETCH

}  // namespace metal


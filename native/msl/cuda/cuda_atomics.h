// MSL atomics on NVIDIA GPUs: relaxed read-modify-writes on the hardware's atomics, in device
// or threadgroup memory alike (the generic-address atomics serve both).
#pragma once

#include "../common/msl_base.h"
#include "../common/atomic_types.h"

namespace metal {


namespace detail {
template <class T>
struct identity {
  using type = T;
};

// The hardware type an atomic of T operates on, and T's bits as it.
template <class T> struct atomic_word { using type = unsigned int; };
template <> struct atomic_word<ulong> { using type = unsigned long long; };
template <> struct atomic_word<long> { using type = unsigned long long; };

template <class T>
__device__ __forceinline__ typename atomic_word<T>::type* word_of(volatile atomic<T>* object) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "MSL atomics are of 32-bit types (and ulong)");
  return reinterpret_cast<typename atomic_word<T>::type*>(const_cast<atomic<T>*>(object));
}
template <class T>
__device__ __forceinline__ typename atomic_word<T>::type bits(T value) {
  return bit_cast<typename atomic_word<T>::type>(value);
}
template <class T>
__device__ __forceinline__ T from_bits(typename atomic_word<T>::type value) {
  return bit_cast<T>(value);
}

// The one primitive every operation without a hardware instruction is built from.
template <class T, class Update>
__device__ __forceinline__ T compare_exchange_loop(volatile atomic<T>* object, Update update) {
  auto* word = word_of(object);
  auto observed = *reinterpret_cast<volatile typename atomic_word<T>::type*>(word);
  for (;;) {
    const auto desired = bits<T>(update(from_bits<T>(observed)));
    const auto previous = atomicCAS(word, observed, desired);
    if (previous == observed) return from_bits<T>(previous);
    observed = previous;
  }
}
}  // namespace detail

template <class T>
__device__ __forceinline__ void atomic_store_explicit(volatile atomic<T>* object, typename detail::identity<T>::type desired, memory_order) {
  if constexpr (sizeof(T) == 1) {
    object->value_ = desired;
  } else {
    *reinterpret_cast<volatile typename detail::atomic_word<T>::type*>(detail::word_of(object)) = detail::bits<T>(desired);
  }
}

template <class T>
__device__ __forceinline__ T atomic_load_explicit(const volatile atomic<T>* object, memory_order) {
  return object->value_;
}

template <class T>
__device__ __forceinline__ T atomic_exchange_explicit(volatile atomic<T>* object, typename detail::identity<T>::type desired, memory_order) {
  return detail::from_bits<T>(atomicExch(detail::word_of(object), detail::bits<T>(desired)));
}

template <class T>
__device__ __forceinline__ bool atomic_compare_exchange_weak_explicit(volatile atomic<T>* object, T* expected,
                                                                      typename detail::identity<T>::type desired, memory_order,
                                                                      memory_order) {
  const auto want = detail::bits<T>(*expected);
  const auto previous = atomicCAS(detail::word_of(object), want, detail::bits<T>(desired));
  if (previous == want) return true;
  *expected = detail::from_bits<T>(previous);
  return false;
}

// Integer add/sub/and/or/xor wrap the same in any representation: the unsigned instruction serves
// signed types. min and max need the type's own order.
#define GPUOS_ATOMIC_FETCH(name, expression)                                                                  \
  template <class T>                                                                                          \
  __device__ __forceinline__ T name(volatile atomic<T>* object, typename detail::identity<T>::type operand,    \
                                    memory_order) {                                                           \
    return detail::compare_exchange_loop(object, [operand](T before) { return static_cast<T>(expression); }); \
  }
GPUOS_ATOMIC_FETCH(atomic_fetch_add_explicit, before + operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_sub_explicit, before - operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_and_explicit, before & operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_or_explicit, before | operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_xor_explicit, before ^ operand)
GPUOS_ATOMIC_FETCH(atomic_fetch_min_explicit, operand < before ? operand : before)
GPUOS_ATOMIC_FETCH(atomic_fetch_max_explicit, operand > before ? operand : before)
#undef GPUOS_ATOMIC_FETCH

// The common cases on their hardware instructions (same results as the loop above).
__device__ __forceinline__ uint atomic_fetch_add_explicit(volatile atomic<uint>* object, uint operand, memory_order) {
  return atomicAdd(detail::word_of(object), operand);
}
__device__ __forceinline__ int atomic_fetch_add_explicit(volatile atomic<int>* object, int operand, memory_order) {
  return static_cast<int>(atomicAdd(detail::word_of(object), static_cast<unsigned int>(operand)));
}
__device__ __forceinline__ uint atomic_fetch_or_explicit(volatile atomic<uint>* object, uint operand, memory_order) {
  return atomicOr(detail::word_of(object), operand);
}
__device__ __forceinline__ uint atomic_fetch_and_explicit(volatile atomic<uint>* object, uint operand, memory_order) {
  return atomicAnd(detail::word_of(object), operand);
}
__device__ __forceinline__ uint atomic_fetch_min_explicit(volatile atomic<uint>* object, uint operand, memory_order) {
  return atomicMin(detail::word_of(object), operand);
}
__device__ __forceinline__ uint atomic_fetch_max_explicit(volatile atomic<uint>* object, uint operand, memory_order) {
  return atomicMax(detail::word_of(object), operand);
}
__device__ __forceinline__ int atomic_fetch_min_explicit(volatile atomic<int>* object, int operand, memory_order) {
  return atomicMin(reinterpret_cast<int*>(const_cast<atomic<int>*>(object)), operand);
}
__device__ __forceinline__ int atomic_fetch_max_explicit(volatile atomic<int>* object, int operand, memory_order) {
  return atomicMax(reinterpret_cast<int*>(const_cast<atomic<int>*>(object)), operand);
}

}  // namespace metal


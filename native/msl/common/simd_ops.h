// What every backend's SIMD-group reductions share, so they combine lanes the same way and give
// bit-identical floating-point results: the operations, and the fixed pairwise tree over the
// active lanes ((0,1), (2,3), … then pairs of pairs, an inactive lane's slot taken by its partner).
#pragma once

#include "math_functions.h"

#ifndef GPUOS_SIMD_WIDTH
#define GPUOS_SIMD_WIDTH 32u
#endif

namespace metal {

// simd_ballot's result. The low 32 bits are the vote; the emulator keeps the active-lane mask in
// the high 32 bits so that all() can compare against the lanes that took part, and hides it from
// every conversion.
class simd_vote {
 public:
  typedef ulong vote_t;
  constexpr explicit GPUOS_FUNC simd_vote(vote_t v = 0) : bits_(v & 0xffffffffull) {}
  constexpr explicit GPUOS_FUNC operator vote_t() const { return bits_ & 0xffffffffull; }
  constexpr GPUOS_FUNC bool all() const {
    const vote_t active = bits_ >> 32;
    return (bits_ & 0xffffffffull) == (active ? active : 0xffffffffull);
  }
  constexpr GPUOS_FUNC bool any() const { return (bits_ & 0xffffffffull) != 0; }

  static constexpr GPUOS_FUNC simd_vote with_active(vote_t votes, vote_t active) {
    simd_vote v;
    v.bits_ = (votes & 0xffffffffull) | (active << 32);
    return v;
  }

 private:
  vote_t bits_;
};

}  // namespace metal

namespace gpuos_glue {

struct add_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(a + b); }
  template <class T>
  static GPUOS_FUNC T identity() { return T(0); }
};
struct multiply_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(a * b); }
  template <class T>
  static GPUOS_FUNC T identity() { return T(1); }
};
struct min_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(metal::min(a, b)); }
};
struct max_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(metal::max(a, b)); }
};
struct and_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(a & b); }
};
struct or_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(a | b); }
};
struct xor_op {
  template <class T>
  GPUOS_FUNC T operator()(const T& a, const T& b) const { return T(a ^ b); }
};

// `slot[lane]` holds each lane's value where `present` has the lane's bit; the other slots are
// never read. Returns the combination of the present lanes' values (present must not be 0).
template <class T, class Op>
GPUOS_FUNC T simd_tree_reduce(T (&slot)[GPUOS_SIMD_WIDTH], unsigned present, Op op) {
  for (unsigned stride = 1; stride < GPUOS_SIMD_WIDTH; stride *= 2) {
    for (unsigned i = 0; i + stride < GPUOS_SIMD_WIDTH; i += 2 * stride) {
      const unsigned j = i + stride;
      const bool has_i = (present >> i) & 1u;
      const bool has_j = (present >> j) & 1u;
      if (has_i && has_j) {
        slot[i] = op(slot[i], slot[j]);
      } else if (has_j) {
        slot[i] = slot[j];
        present |= 1u << i;
      }
      present &= ~(1u << j);
    }
  }
  return slot[0];
}

}  // namespace gpuos_glue

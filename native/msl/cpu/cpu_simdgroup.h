// MSL SIMD-group functions on the CPU emulator.
//
// A call deposits the lane's value with the emulator and waits until every live lane of the
// 32-lane group has stopped somewhere (here, at another call, at a barrier, or returned). The
// lanes waiting at this same call site are the active lanes; the emulator then runs this call's
// resolver once, which computes every active lane's result exactly as Metal defines it, and
// reports a lane that reads an inactive lane or passes a non-uniform argument.
//
// Reductions over floating-point values combine lanes in a fixed pairwise tree ((0,1), (2,3), …
// then pairs of pairs), prefix operations in lane order: deterministic on every host, not
// guaranteed to match Apple's hardware order bit for bit.
#pragma once

#include "../common/math_functions.h"
#include "../common/simd_ops.h"
#include "cpu_barriers.h"
#include "cpu_runtime_link.h"


namespace gpuos_glue {

template <class T>
GPUOS_FUNC T lane_value(const gpuos_simd_lanes* lanes, uint lane) {
  T value;
  __builtin_memcpy(static_cast<void*>(&value), lanes->values[lane], sizeof(T));
  return value;
}
template <class T>
GPUOS_FUNC void set_result(const gpuos_simd_lanes* lanes, uint lane, const T& value) {
  __builtin_memcpy(lanes->results[lane], static_cast<const void*>(&value), sizeof(T));
}
GPUOS_FUNC bool lane_active(const gpuos_simd_lanes* lanes, uint lane) {
  return lane < GPUOS_SIMD_WIDTH && ((lanes->active_mask >> lane) & 1u);
}

template <class R, class T>
GPUOS_FUNC R simd_invoke(const T& value, uint arg, gpuos_simd_resolver resolve, const char* operation,
                         const void* site) {
  static_assert(sizeof(T) <= GPUOS_SIMD_SLOT_BYTES && sizeof(R) <= GPUOS_SIMD_SLOT_BYTES,
                "SIMD-group functions move at most 32 bytes per lane");
  const gpuos_simd_call call{static_cast<const gpuos_source_site*>(site), operation, resolve, &value,
                             static_cast<uint>(sizeof(T)), arg};
  const void* result = runtime->simd_call(&call);
  R out;
  __builtin_memcpy(static_cast<void*>(&out), result, sizeof(R));
  return out;
}

// Every active lane must pass the same argument (shuffle delta, xor mask, broadcast lane).
GPUOS_FUNC uint check_uniform_argument(const gpuos_simd_lanes* lanes, gpuos_simd_problem* problem) {
  const uint first = static_cast<uint>(__builtin_ctz(lanes->active_mask));
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const uint lane = static_cast<uint>(__builtin_ctz(m));
    if (lanes->args[lane] != lanes->args[first]) {
      *problem = {GPUOS_SIMD_NON_UNIFORM_ARGUMENT, lane, lanes->args[lane]};
      return GPUOS_SIMD_NON_UNIFORM_ARGUMENT;
    }
  }
  return GPUOS_SIMD_OK;
}

template <class T, class Op>
GPUOS_FUNC T tree_reduce(const gpuos_simd_lanes* lanes, Op op) {
  T slot[GPUOS_SIMD_WIDTH];
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const uint lane = static_cast<uint>(__builtin_ctz(m));
    slot[lane] = lane_value<T>(lanes, lane);
  }
  return simd_tree_reduce(slot, lanes->active_mask, op);
}

template <class T, class Op>
uint resolve_reduce(const gpuos_simd_lanes* lanes, gpuos_simd_problem*) {
  const T total = tree_reduce<T>(lanes, Op{});
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) set_result(lanes, static_cast<uint>(__builtin_ctz(m)), total);
  return GPUOS_SIMD_OK;
}

template <class T, class Op, bool Inclusive>
uint resolve_prefix(const gpuos_simd_lanes* lanes, gpuos_simd_problem*) {
  T running = Op::template identity<T>();
  bool first = true;
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const uint lane = static_cast<uint>(__builtin_ctz(m));
    const T value = lane_value<T>(lanes, lane);
    if (!Inclusive) set_result(lanes, lane, running);
    running = first ? value : T(Op{}(running, value));
    first = false;
    if (Inclusive) set_result(lanes, lane, running);
  }
  return GPUOS_SIMD_OK;
}

inline uint resolve_ballot(const gpuos_simd_lanes* lanes, gpuos_simd_problem*) {
  ulong votes = 0;
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const uint lane = static_cast<uint>(__builtin_ctz(m));
    if (lane_value<bool>(lanes, lane)) votes |= 1ull << lane;
  }
  const metal::simd_vote vote = metal::simd_vote::with_active(votes, lanes->active_mask);
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) set_result(lanes, static_cast<uint>(__builtin_ctz(m)), vote);
  return GPUOS_SIMD_OK;
}

template <bool All>
uint resolve_vote(const gpuos_simd_lanes* lanes, gpuos_simd_problem*) {
  bool result = All;
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const bool value = lane_value<bool>(lanes, static_cast<uint>(__builtin_ctz(m)));
    result = All ? (result && value) : (result || value);
  }
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) set_result(lanes, static_cast<uint>(__builtin_ctz(m)), result);
  return GPUOS_SIMD_OK;
}

inline uint resolve_is_first(const gpuos_simd_lanes* lanes, gpuos_simd_problem*) {
  const uint first = static_cast<uint>(__builtin_ctz(lanes->active_mask));
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const uint lane = static_cast<uint>(__builtin_ctz(m));
    set_result(lanes, lane, lane == first);
  }
  return GPUOS_SIMD_OK;
}

// Strict: every lane the group was launched with must reach the barrier. Lanes that returned
// first are reported too, the rule strict mode applies to threadgroup barriers.
inline uint resolve_simdgroup_barrier(const gpuos_simd_lanes* lanes, gpuos_simd_problem* problem) {
  const uint launched = lanes->group_size >= GPUOS_SIMD_WIDTH ? ~0u : (1u << lanes->group_size) - 1u;
  const uint elsewhere = launched & ~lanes->active_mask;
  if (elsewhere != 0) {
    *problem = {GPUOS_SIMD_PARTIAL_GROUP_BARRIER, static_cast<uint>(__builtin_ctz(lanes->active_mask)), elsewhere};
    return GPUOS_SIMD_PARTIAL_GROUP_BARRIER;
  }
  return GPUOS_SIMD_OK;
}

// How a data-movement function picks the lane it reads.
enum class source_rule { broadcast, broadcast_first, shuffle, up, down, exclusive_or, rotate_up, rotate_down };

template <class T, source_rule Rule>
uint resolve_move(const gpuos_simd_lanes* lanes, gpuos_simd_problem* problem) {
  uint status = GPUOS_SIMD_OK;
  constexpr bool uniform = Rule != source_rule::shuffle && Rule != source_rule::broadcast_first;
  if (uniform) status = check_uniform_argument(lanes, problem);
  const uint first = static_cast<uint>(__builtin_ctz(lanes->active_mask));
  for (uint m = lanes->active_mask; m != 0; m &= m - 1) {
    const uint lane = static_cast<uint>(__builtin_ctz(m));
    const uint arg = lanes->args[lane];
    long source = lane;
    bool keep_own = false;
    switch (Rule) {
      case source_rule::broadcast:
      case source_rule::shuffle:
        source = arg;
        break;
      case source_rule::broadcast_first:
        source = first;
        break;
      case source_rule::up:
        source = static_cast<long>(lane) - static_cast<long>(arg);
        keep_own = source < 0;  // "the lower delta lanes are unchanged"
        break;
      case source_rule::down:
        source = static_cast<long>(lane) + static_cast<long>(arg);
        keep_own = source >= static_cast<long>(GPUOS_SIMD_WIDTH);  // "the upper delta lanes are unchanged"
        break;
      case source_rule::exclusive_or:
        source = static_cast<long>(lane ^ arg);
        break;
      case source_rule::rotate_up:
        source = static_cast<long>((lane + GPUOS_SIMD_WIDTH - (arg % GPUOS_SIMD_WIDTH)) % GPUOS_SIMD_WIDTH);
        break;
      case source_rule::rotate_down:
        source = static_cast<long>((lane + arg) % GPUOS_SIMD_WIDTH);
        break;
    }
    if (keep_own) {
      set_result(lanes, lane, lane_value<T>(lanes, lane));
      continue;
    }
    if (source < 0 || !lane_active(lanes, static_cast<uint>(source))) {
      if (status == GPUOS_SIMD_OK) {
        *problem = {GPUOS_SIMD_READ_INACTIVE_LANE, lane, static_cast<uint>(source)};
        status = GPUOS_SIMD_READ_INACTIVE_LANE;
      }
      // Undefined on the GPU; outside strict mode return what the slot last held.
      const uint fallback = source >= 0 && source < static_cast<long>(GPUOS_SIMD_WIDTH) ? static_cast<uint>(source) : lane;
      set_result(lanes, lane, lane_value<T>(lanes, fallback));
      continue;
    }
    set_result(lanes, lane, lane_value<T>(lanes, static_cast<uint>(source)));
  }
  return status;
}

}  // namespace gpuos_glue

namespace metal {

#define GPUOS_SIMD_REDUCTION(name, op)                                                                       \
  template <class T>                                                                                         \
  GPUOS_FUNC T name(T data, GPUOS_CALL_SITE) {                                                               \
    return gpuos_glue::simd_invoke<T>(data, 0, &gpuos_glue::resolve_reduce<T, gpuos_glue::op>, #name,        \
                                      gpuos_call_site);                                                      \
  }
GPUOS_SIMD_REDUCTION(simd_sum, add_op)
GPUOS_SIMD_REDUCTION(simd_product, multiply_op)
GPUOS_SIMD_REDUCTION(simd_min, min_op)
GPUOS_SIMD_REDUCTION(simd_max, max_op)
GPUOS_SIMD_REDUCTION(simd_and, and_op)
GPUOS_SIMD_REDUCTION(simd_or, or_op)
GPUOS_SIMD_REDUCTION(simd_xor, xor_op)
#undef GPUOS_SIMD_REDUCTION

#define GPUOS_SIMD_PREFIX(name, op, inclusive)                                                               \
  template <class T>                                                                                         \
  GPUOS_FUNC T name(T data, GPUOS_CALL_SITE) {                                                               \
    return gpuos_glue::simd_invoke<T>(data, 0, &gpuos_glue::resolve_prefix<T, gpuos_glue::op, inclusive>,    \
                                      #name, gpuos_call_site);                                               \
  }
GPUOS_SIMD_PREFIX(simd_prefix_exclusive_sum, add_op, false)
GPUOS_SIMD_PREFIX(simd_prefix_inclusive_sum, add_op, true)
GPUOS_SIMD_PREFIX(simd_prefix_exclusive_product, multiply_op, false)
GPUOS_SIMD_PREFIX(simd_prefix_inclusive_product, multiply_op, true)
#undef GPUOS_SIMD_PREFIX

#define GPUOS_SIMD_MOVE(name, rule)                                                                          \
  template <class T>                                                                                         \
  GPUOS_FUNC T name(T data, ushort argument, GPUOS_CALL_SITE) {                                              \
    return gpuos_glue::simd_invoke<T>(data, argument,                                                        \
                                      &gpuos_glue::resolve_move<T, gpuos_glue::source_rule::rule>, #name,    \
                                      gpuos_call_site);                                                      \
  }
GPUOS_SIMD_MOVE(simd_broadcast, broadcast)
GPUOS_SIMD_MOVE(simd_shuffle, shuffle)
GPUOS_SIMD_MOVE(simd_shuffle_up, up)
GPUOS_SIMD_MOVE(simd_shuffle_down, down)
GPUOS_SIMD_MOVE(simd_shuffle_xor, exclusive_or)
GPUOS_SIMD_MOVE(simd_shuffle_rotate_up, rotate_up)
GPUOS_SIMD_MOVE(simd_shuffle_rotate_down, rotate_down)
#undef GPUOS_SIMD_MOVE

template <class T>
GPUOS_FUNC T simd_broadcast_first(T data, GPUOS_CALL_SITE) {
  return gpuos_glue::simd_invoke<T>(data, 0, &gpuos_glue::resolve_move<T, gpuos_glue::source_rule::broadcast_first>,
                                    "simd_broadcast_first", gpuos_call_site);
}

GPUOS_FUNC simd_vote simd_ballot(bool expr, GPUOS_CALL_SITE) {
  return gpuos_glue::simd_invoke<simd_vote>(expr, 0, &gpuos_glue::resolve_ballot, "simd_ballot", gpuos_call_site);
}
GPUOS_FUNC simd_vote simd_active_threads_mask(GPUOS_CALL_SITE) {
  return gpuos_glue::simd_invoke<simd_vote>(true, 0, &gpuos_glue::resolve_ballot, "simd_active_threads_mask",
                                            gpuos_call_site);
}
GPUOS_FUNC bool simd_all(bool expr, GPUOS_CALL_SITE) {
  return gpuos_glue::simd_invoke<bool>(expr, 0, &gpuos_glue::resolve_vote<true>, "simd_all", gpuos_call_site);
}
GPUOS_FUNC bool simd_any(bool expr, GPUOS_CALL_SITE) {
  return gpuos_glue::simd_invoke<bool>(expr, 0, &gpuos_glue::resolve_vote<false>, "simd_any", gpuos_call_site);
}
GPUOS_FUNC bool simd_is_first(GPUOS_CALL_SITE) {
  return gpuos_glue::simd_invoke<bool>(true, 0, &gpuos_glue::resolve_is_first, "simd_is_first", gpuos_call_site);
}
// Compute dispatches have no helper threads.
GPUOS_FUNC bool simd_is_helper_thread() { return false; }

GPUOS_FUNC void simdgroup_barrier(mem_flags flags, GPUOS_CALL_SITE) {
  // The flags travel as the call's argument: the race checker orders the group's accesses to the
  // spaces they name (docs/EMULATOR.md).
  (void)gpuos_glue::simd_invoke<bool>(true, static_cast<uint>(flags), &gpuos_glue::resolve_simdgroup_barrier,
                                      "simdgroup_barrier", gpuos_call_site);
}

}  // namespace metal

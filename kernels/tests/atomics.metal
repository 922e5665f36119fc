// Atomics from 1024 threads, in threadgroup and device memory: a histogram with fetch_add, a
// running maximum and minimum, exchange, a compare-exchange loop (a float add built on CAS, the
// usual pattern), and fetch_and/or/xor. Every result is independent of the order the atomics
// land in, so every seed must give the same output.
#include <metal_stdlib>
using namespace metal;

struct AtomicTotals {
    atomic_uint maximum;
    atomic_uint minimum;
    atomic_uint and_bits;
    atomic_uint or_bits;
    atomic_uint xor_bits;
    atomic_uint float_sum_bits;   // a float accumulated with compare-exchange
    atomic_int signed_sum;
    atomic_uint exchanges;        // how many threads saw a nonzero value from exchange
};

kernel void atomics(device const uint* input [[buffer(0)]],
                    device uint* histogram_out [[buffer(1)]],
                    device AtomicTotals* totals [[buffer(2)]],
                    device atomic_uint* slot [[buffer(3)]],
                    uint tid [[thread_index_in_threadgroup]])
{
    threadgroup atomic_uint histogram[64];
    if (tid < 64) {
        atomic_store_explicit(&histogram[tid], 0u, memory_order_relaxed);
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);

    uint value = input[tid];
    atomic_fetch_add_explicit(&histogram[value % 64], 1u, memory_order_relaxed);
    atomic_fetch_max_explicit(&totals->maximum, value, memory_order_relaxed);
    atomic_fetch_min_explicit(&totals->minimum, value, memory_order_relaxed);
    atomic_fetch_and_explicit(&totals->and_bits, value | 0xff000000u, memory_order_relaxed);
    atomic_fetch_or_explicit(&totals->or_bits, value, memory_order_relaxed);
    atomic_fetch_xor_explicit(&totals->xor_bits, value, memory_order_relaxed);
    atomic_fetch_sub_explicit(&totals->signed_sum, int(value % 7), memory_order_relaxed);

    // A float add the way Metal code does it without atomic_float: compare-exchange until it sticks.
    float addend = float(value % 16);
    uint expected = atomic_load_explicit(&totals->float_sum_bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&totals->float_sum_bits, &expected,
                                                  as_type<uint>(as_type<float>(expected) + addend),
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }

    if (atomic_exchange_explicit(slot, tid + 1, memory_order_relaxed) != 0) {
        atomic_fetch_add_explicit(&totals->exchanges, 1u, memory_order_relaxed);
    }

    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (tid < 64) {
        histogram_out[tid] = atomic_load_explicit(&histogram[tid], memory_order_relaxed);
    }
}

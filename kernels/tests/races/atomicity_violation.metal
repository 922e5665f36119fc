// Planted atomicity violation: the ABA problem of a lock-free stack. Two related values, the top
// index and the top node's link, are read by separate atomic loads, then the top is swapped with a
// compare-exchange that only checks the top. If another thread pops A, B and C, pushes C and A
// back between them, the compare-exchange still succeeds and installs B, a node that thread holds: the
// stack is corrupt. Every access is atomic, so no race checker flags it; only a schedule that lets
// thread 1 run its whole pop-pop-pop-push-push between thread 0's load of A's link and its
// compare-exchange exposes it: about 15 atomics in a row without thread 0 running once, which a
// uniformly random schedule almost never does and PCT does with one well-placed change point.
//
// buffer(0): [0] top, [1..4] links of nodes 1..4 (0 ends the list), [5] the node thread 0 popped,
// [6] the node thread 1 kept. Start: top = 1, links 1 -> 2 -> 3 -> 4 -> 0.
#include <metal_stdlib>
using namespace metal;

static uint pop(device atomic_uint* stack) {
  uint top = atomic_load_explicit(&stack[0], memory_order_relaxed);
  while (top != 0u) {
    const uint next = atomic_load_explicit(&stack[top], memory_order_relaxed);
    if (atomic_compare_exchange_weak_explicit(&stack[0], &top, next, memory_order_relaxed, memory_order_relaxed)) break;
  }
  return top;
}

static void push(device atomic_uint* stack, uint node) {
  uint top = atomic_load_explicit(&stack[0], memory_order_relaxed);
  do {
    atomic_store_explicit(&stack[node], top, memory_order_relaxed);
  } while (!atomic_compare_exchange_weak_explicit(&stack[0], &top, node, memory_order_relaxed, memory_order_relaxed));
}

kernel void aba_stack(device atomic_uint* stack [[buffer(0)]],
                      uint tid [[thread_index_in_threadgroup]]) {
  if (tid == 0u) {
    atomic_store_explicit(&stack[5], pop(stack), memory_order_relaxed);
  } else if (tid == 1u) {
    const uint a = pop(stack);
    const uint b = pop(stack);
    const uint c = pop(stack);
    push(stack, c);
    push(stack, a);
    atomic_store_explicit(&stack[6], b, memory_order_relaxed);
  }
}

/*
 * The OS kernel's SIMD-group roles (PRD "Thread allocation"): which of the 32 SIMD-groups of the
 * 1024-thread threadgroup runs which phase, and the group and thread counts that follow.
 *
 * Plain preprocessor constants, so the kernel (through kernels/os/os_common.h) and native host code
 * (through kernels/os/os_scratch.h, whose array sizes use them) read them from this one place.
 * native/os/abi_layout.cpp exports them to TypeScript with os_scratch's layout.
 */
#ifndef GPUOS_OS_ROLES_H
#define GPUOS_OS_ROLES_H

/* The threadgroup: 32 SIMD-groups of 32 threads. Dispatch exactly this many threads. */
#define OS_SIMD_GROUPS 32u
#define OS_THREADS (OS_SIMD_GROUPS * 32u)

/* ---- SIMD-group roles; a phase's work runs on its groups ---- */
#define OS_SIMD_INPUT 0u
#define OS_SIMD_HIT_FIRST 1u        /* hit testing and event dispatch: SIMD-groups 1-2 */
#define OS_SIMD_HIT_LAST 2u
#define OS_SIMD_LAYOUT_FIRST 3u     /* layout: 3-6 */
#define OS_SIMD_LAYOUT_LAST 6u
#define OS_SIMD_STATE_FIRST 7u      /* animations, visibility and the draw-order sort: 7-10 */
#define OS_SIMD_STATE_LAST 10u
#define OS_SIMD_GEOMETRY_FIRST 11u  /* geometry: 11-20 */
#define OS_SIMD_GEOMETRY_LAST 20u
#define OS_SIMD_RENDER_FIRST 21u    /* tile rendering: 21-30 in the PRD; phase 7 uses all 32 (OS_KERNEL.md) */
#define OS_SIMD_RENDER_LAST 30u
#define OS_SIMD_FINALIZE 31u

#define OS_LAYOUT_THREADS ((OS_SIMD_LAYOUT_LAST - OS_SIMD_LAYOUT_FIRST + 1u) * 32u)
#define OS_STATE_THREADS ((OS_SIMD_STATE_LAST - OS_SIMD_STATE_FIRST + 1u) * 32u)
#define OS_GEOMETRY_THREADS ((OS_SIMD_GEOMETRY_LAST - OS_SIMD_GEOMETRY_FIRST + 1u) * 32u)
#define OS_RENDER_THREADS ((OS_SIMD_RENDER_LAST - OS_SIMD_RENDER_FIRST + 1u) * 32u)
#define OS_HIT_GROUPS (OS_SIMD_HIT_LAST - OS_SIMD_HIT_FIRST + 1u)
#define OS_LAYOUT_GROUPS (OS_SIMD_LAYOUT_LAST - OS_SIMD_LAYOUT_FIRST + 1u)
#define OS_STATE_GROUPS (OS_SIMD_STATE_LAST - OS_SIMD_STATE_FIRST + 1u)
#define OS_GEOMETRY_GROUPS (OS_SIMD_GEOMETRY_LAST - OS_SIMD_GEOMETRY_FIRST + 1u)
#define OS_RENDER_GROUPS (OS_SIMD_RENDER_LAST - OS_SIMD_RENDER_FIRST + 1u)

/* The one thread that applies events in order (the first lane of the hit-testing groups). */
#define OS_DISPATCH_THREAD (OS_SIMD_HIT_FIRST * 32u)

/* Exported to TypeScript by name with os_scratch (native/os/abi_layout.cpp). */
#define OS_ROLE_CONSTANTS(C)                                                                    \
  C(OS_SIMD_GROUPS) C(OS_THREADS)                                                               \
  C(OS_SIMD_INPUT) C(OS_SIMD_HIT_FIRST) C(OS_SIMD_HIT_LAST) C(OS_SIMD_LAYOUT_FIRST)              \
  C(OS_SIMD_LAYOUT_LAST) C(OS_SIMD_STATE_FIRST) C(OS_SIMD_STATE_LAST) C(OS_SIMD_GEOMETRY_FIRST) \
  C(OS_SIMD_GEOMETRY_LAST) C(OS_SIMD_RENDER_FIRST) C(OS_SIMD_RENDER_LAST) C(OS_SIMD_FINALIZE)    \
  C(OS_LAYOUT_THREADS) C(OS_STATE_THREADS) C(OS_GEOMETRY_THREADS) C(OS_RENDER_THREADS)          \
  C(OS_HIT_GROUPS) C(OS_LAYOUT_GROUPS) C(OS_STATE_GROUPS) C(OS_GEOMETRY_GROUPS)                 \
  C(OS_RENDER_GROUPS) C(OS_DISPATCH_THREAD)

#endif /* GPUOS_OS_ROLES_H */

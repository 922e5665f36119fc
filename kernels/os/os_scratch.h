/*
 * The OS kernel's threadgroup scratch (`os_scratch`): what one frame's phases hand each other in
 * threadgroup memory, per frame, well inside the 32 KiB an Apple threadgroup has. Nothing here
 * persists between frames (device memory, kernels/gpuos_abi.h, does that).
 *
 * Declared once, like the structs of gpuos_abi.h: the fields are an X-macro list, and the struct,
 * its pinned size and the layout exported to TypeScript are generated from it. Included by the
 * kernel (kernels/os/os_common.h declares `threadgroup os_scratch` memory's type from it) and by
 * native host code (native/os/abi_layout.cpp exports the layout; src/os/os_scratch.ts decodes a
 * barrier observer's copy of the kernel's `scratch` variable with it). Only fixed-size scalars and
 * gpuos_abi.h structs, no MSL-only types and no address-space qualifiers: the `threadgroup` is the
 * kernel's, at the variable's declaration (kernels/os_kernel.metal).
 *
 * The phases (kernels/os/phase_*.h) use these fields by name. A change here changes the pinned
 * size below and what test/os/abi_layout.test.ts and src/os/os_scratch.ts see; it does not touch
 * the device-memory ABI (GPUOS_ABI_VERSION, traces), since threadgroup memory lives one frame.
 */
#ifndef GPUOS_OS_SCRATCH_H
#define GPUOS_OS_SCRATCH_H

#include "../gpuos_abi.h"
#include "os_roles.h"

/*
 * FIELD, ARRAY and STRUCT_ARRAY as in gpuos_abi.h; ARRAY_2D(type, name, rows, columns) is
 * `type name[rows][columns]` (exported as rows * columns elements, with its column count).
 */
#define OS_SCRATCH_FIELDS(FIELD, ARRAY, STRUCT_ARRAY, ARRAY_2D)                                                     \
  STRUCT_ARRAY(gpuos_input_event, events, GPUOS_EVENTS_PER_FRAME) /* phase 1: this frame's valid events, in order */ \
  FIELD(uint32_t, event_count)                                                                                      \
  ARRAY(uint32_t, hit_key, OS_HIT_GROUPS)           /* per hit-testing SIMD-group: (z + 1) << 16 | widget, 0 = none */ \
  ARRAY(uint32_t, animating, OS_STATE_GROUPS)       /* per state SIMD-group: did any animation move this frame */   \
  FIELD(uint32_t, time_changes_pixels)              /* first frame, or the caret blinked (os_time_changes_pixels) */ \
  ARRAY(int16_t, preferred_w, GPUOS_MAX_WIDGETS)    /* layout: size each widget asks for (L2) */                    \
  ARRAY(int16_t, preferred_h, GPUOS_MAX_WIDGETS)                                                                    \
  ARRAY(uint16_t, subtree, GPUOS_MAX_WIDGETS)       /* widgets in each subtree, itself included */                  \
  /* Layout, written by the one thread that places a widget's container (so never shared): */                       \
  ARRAY_2D(int16_t, region, GPUOS_MAX_WIDGETS, 4)   /* what its parent lets through (V2): x0, y0, x1, y1 */         \
  ARRAY(int32_t, main_size, GPUOS_MAX_WIDGETS)      /* its size along its container's direction (L5) */             \
  ARRAY(uint8_t, grow_state, GPUOS_MAX_WIDGETS)     /* L5's freezing: OS_GROW_* bits */                             \
  ARRAY(uint8_t, placed, GPUOS_MAX_WIDGETS)         /* laid out this frame (V1, V3): its children get placed */     \
  ARRAY(uint32_t, depth_partial, OS_LAYOUT_THREADS / 32u) /* deepest level seen by each layout SIMD-group */         \
  FIELD(uint32_t, max_depth)                                                                                        \
  ARRAY(uint32_t, draw_order, GPUOS_MAX_WIDGETS)    /* phase 5: sorted keys (z << 16) | widget; invisible ones last */ \
  FIELD(uint32_t, visible_count)                                                                                    \
  FIELD(uint32_t, primitive_count)                                                                                  \
  ARRAY(uint32_t, tiles_rendered, OS_SIMD_GROUPS)   /* phase 7: tiles each SIMD-group's threads found changed */     \
  ARRAY(uint32_t, glyphs_drawn, OS_GEOMETRY_GROUPS) /* characters of text at least partly visible */

#define GPUOS_DECLARE_ARRAY_2D(type, name, rows, columns) type name[rows][columns];

typedef struct os_scratch {
  OS_SCRATCH_FIELDS(GPUOS_DECLARE_FIELD, GPUOS_DECLARE_ARRAY, GPUOS_DECLARE_STRUCT_ARRAY, GPUOS_DECLARE_ARRAY_2D)
} os_scratch;

/* Every threadgroup struct, for the layout export and the size checks (as GPUOS_ABI_STRUCTS). */
#define OS_SCRATCH_STRUCTS(STRUCT) STRUCT(os_scratch, OS_SCRATCH_FIELDS, 6884)

#define OS_SCRATCH_CHECK_SIZE(name, FIELDS, bytes) static_assert(sizeof(name) == (bytes), #name " changed size: update the pinned size (and docs/OS_KERNEL.md)");
OS_SCRATCH_STRUCTS(OS_SCRATCH_CHECK_SIZE)
#undef OS_SCRATCH_CHECK_SIZE
static_assert(sizeof(os_scratch) <= 32768u, "os_scratch must fit an Apple threadgroup's 32 KiB");

#endif /* GPUOS_OS_SCRATCH_H */

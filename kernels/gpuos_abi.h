/*
 * The ABI of the GPU-native OS: every struct the host and the kernel share, declared once.
 *
 * Included by the OS kernel (MSL, through kernels/os_kernel.metal) and by native host code
 * (native/os/abi_layout.cpp), which checks the layout at compile time and exports it to
 * TypeScript (src/os/abi.ts builds its typed views of device memory from that export, so the two
 * cannot drift apart). Each struct's fields are listed once, in an X-macro; the struct, its size
 * and offset checks, and the exported layout are all generated from that list.
 *
 * Only fixed-size scalars appear here (no vectors, pointers or bools): their size and alignment
 * are the same in MSL, C++ and CUDA. Fixed point where it matters for determinism: positions in
 * whole pixels, scroll offsets and animations in 1/256 and 1/65536 units, time in microseconds.
 * Bump GPUOS_ABI_VERSION on any change.
 */
#ifndef GPUOS_ABI_H
#define GPUOS_ABI_H

#ifdef __METAL_VERSION__
#define GPUOS_ATOMIC_U32 atomic_uint
#else
#include <stdint.h>
#define GPUOS_ATOMIC_U32 uint32_t
#endif

#define GPUOS_ABI_VERSION 1u

/* ---- limits (PRD "Scaling limits") ---- */
#define GPUOS_MAX_WIDGETS 256u
#define GPUOS_NO_WIDGET 0xffffu
#define GPUOS_MAX_DEPTH 8u              /* levels below the root */
#define GPUOS_INPUT_QUEUE_CAPACITY 256u
#define GPUOS_EVENTS_PER_FRAME 32u
#define GPUOS_TEXT_POOL_BYTES 32768u
#define GPUOS_MAX_FRAMEBUFFER_WIDTH 3840u
#define GPUOS_MAX_FRAMEBUFFER_HEIGHT 2160u
#define GPUOS_TILE_SIZE 16u
#define GPUOS_MAX_TILES ((GPUOS_MAX_FRAMEBUFFER_WIDTH / GPUOS_TILE_SIZE) * (GPUOS_MAX_FRAMEBUFFER_HEIGHT / GPUOS_TILE_SIZE))
#define GPUOS_PRIMITIVES_PER_WIDGET 4u
#define GPUOS_MAX_PRIMITIVES (GPUOS_MAX_WIDGETS * GPUOS_PRIMITIVES_PER_WIDGET + 1u) /* + the cursor */

/* ---- input events ---- */
#define GPUOS_EVENT_POINTER_MOVE 1u
#define GPUOS_EVENT_POINTER_DOWN 2u
#define GPUOS_EVENT_POINTER_UP 3u
#define GPUOS_EVENT_WHEEL 4u        /* x, y: scroll deltas in pixels (positive y scrolls content up) */
#define GPUOS_EVENT_KEY_DOWN 5u     /* code: GPUOS_KEY_* or a printable ASCII code */
#define GPUOS_EVENT_KEY_UP 6u
#define GPUOS_EVENT_TEXT 7u         /* code: a printable ASCII character typed */
#define GPUOS_EVENT_TYPE_LAST 7u

#define GPUOS_KEY_BACKSPACE 8u
#define GPUOS_KEY_TAB 9u
#define GPUOS_KEY_ENTER 13u
#define GPUOS_KEY_ESCAPE 27u
#define GPUOS_KEY_SPACE 32u
#define GPUOS_KEY_DELETE 127u
#define GPUOS_KEY_LEFT 0x100u
#define GPUOS_KEY_RIGHT 0x101u
#define GPUOS_KEY_UP 0x102u
#define GPUOS_KEY_DOWN 0x103u
#define GPUOS_KEY_HOME 0x104u
#define GPUOS_KEY_END 0x105u

#define GPUOS_MODIFIER_SHIFT 1u
#define GPUOS_MODIFIER_CONTROL 2u
#define GPUOS_MODIFIER_ALT 4u
#define GPUOS_MODIFIER_META 8u

#define GPUOS_BUTTON_PRIMARY 1u

/* ---- widgets ---- */
#define GPUOS_WIDGET_ROW 1u
#define GPUOS_WIDGET_COLUMN 2u
#define GPUOS_WIDGET_LABEL 3u
#define GPUOS_WIDGET_BUTTON 4u
#define GPUOS_WIDGET_TOGGLE 5u
#define GPUOS_WIDGET_SLIDER 6u
#define GPUOS_WIDGET_TEXT_FIELD 7u
#define GPUOS_WIDGET_SCROLL_VIEW 8u   /* a vertical column whose content scrolls and is clipped */
#define GPUOS_WIDGET_PROGRESS 9u
#define GPUOS_WIDGET_KIND_LAST 9u

#define GPUOS_WIDGET_HIDDEN 1u        /* flags, from the scene */
#define GPUOS_WIDGET_DISABLED 2u

#define GPUOS_STATE_HOVERED 1u        /* state, kept by the kernel */
#define GPUOS_STATE_PRESSED 2u
#define GPUOS_STATE_FOCUSED 4u
#define GPUOS_STATE_CHECKED 8u
#define GPUOS_STATE_DRAGGING 16u

#define GPUOS_ALIGN_START 0u
#define GPUOS_ALIGN_CENTER 1u
#define GPUOS_ALIGN_END 2u
#define GPUOS_ALIGN_STRETCH 3u        /* cross axis only */
#define GPUOS_ALIGN_SPACE_BETWEEN 4u  /* main axis only */

#define GPUOS_FONT_BODY 0u
#define GPUOS_FONT_TITLE 1u

#define GPUOS_AUTO_SIZE (-1)          /* width/height/max: no fixed size, no limit */

/* ---- frames ---- */
#define GPUOS_FRAME_FORCE_FULL_REDRAW 1u  /* frame_input.flags: run every phase and render every tile */
#define GPUOS_PHASES_ALL 0xffu            /* frame_state.phases_run when nothing was skipped */
#define GPUOS_PHASES_RETAINED 0x87u       /* phases 1-3 and 8: an unchanged frame (layout to rendering skipped) */

/* ---- render primitives ---- */
#define GPUOS_PRIMITIVE_FILL 1u     /* rounded rectangle, filled */
#define GPUOS_PRIMITIVE_STROKE 2u   /* rounded rectangle outline, `stroke` px wide */
#define GPUOS_PRIMITIVE_TEXT 3u     /* a run of text_length characters from the text pool */
#define GPUOS_PRIMITIVE_CHECK 4u    /* a check mark inside the bounds */
#define GPUOS_PRIMITIVE_CURSOR 5u   /* the pointer */

/*
 * Field lists. FIELD(type, name) is one scalar; ARRAY(type, name, count) a fixed array;
 * STRUCT_ARRAY(struct, name, count) an array of another ABI struct.
 */

#define GPUOS_INPUT_EVENT_FIELDS(FIELD, ARRAY, STRUCT_ARRAY) \
  FIELD(uint16_t, type)                                       \
  FIELD(uint16_t, modifiers)                                  \
  FIELD(uint32_t, code)     /* key code, character, or button */ \
  FIELD(float, x)                                             \
  FIELD(float, y)

/* Written by the host before each frame. */
#define GPUOS_FRAME_INPUT_FIELDS(FIELD, ARRAY, STRUCT_ARRAY) \
  FIELD(uint32_t, time_us_low)  /* session time, µs: the only clock the kernel knows */ \
  FIELD(uint32_t, time_us_high)                               \
  FIELD(uint32_t, delta_us)     /* since the previous frame */  \
  FIELD(uint32_t, flags)        /* GPUOS_FRAME_* */             \
  FIELD(uint32_t, width)        /* framebuffer size, fixed for a session */ \
  FIELD(uint32_t, height)

/* Kept by the kernel. */
#define GPUOS_FRAME_STATE_FIELDS(FIELD, ARRAY, STRUCT_ARRAY)                        \
  FIELD(uint32_t, frame_number_low)                                                  \
  FIELD(uint32_t, frame_number_high)                                                 \
  FIELD(uint32_t, time_us_low)                                                       \
  FIELD(uint32_t, time_us_high)                                                      \
  FIELD(float, time_seconds)                                                         \
  FIELD(float, delta_time)                                                           \
  FIELD(float, cursor_x)                                                             \
  FIELD(float, cursor_y)                                                             \
  FIELD(uint32_t, cursor_buttons)                                                    \
  FIELD(uint32_t, modifiers)                                                         \
  FIELD(uint16_t, focused)                                                           \
  FIELD(uint16_t, hovered)                                                           \
  FIELD(uint16_t, pressed)                                                           \
  FIELD(uint16_t, layout_depth)     /* deepest level laid out this frame */           \
  FIELD(uint32_t, events_processed) /* totals since the session started */           \
  FIELD(uint32_t, events_dropped)   /* malformed: unknown type, NaN or off-range */   \
  FIELD(uint32_t, queue_resets)     /* head/tail found corrupted and resynchronised */ \
  FIELD(uint32_t, events_pending)   /* left in the queue after this frame */         \
  FIELD(uint32_t, visible_widgets)  /* this frame */                                  \
  FIELD(uint32_t, primitives)                                                        \
  FIELD(uint32_t, tiles_total)                                                       \
  FIELD(uint32_t, tiles_rendered)                                                    \
  FIELD(uint32_t, glyphs_drawn)                                                      \
  FIELD(uint32_t, phases_run)       /* bit n-1 set: phase n ran this frame */

/* The input ring: the host writes events[head % capacity] and then head; the kernel reads up to
   GPUOS_EVENTS_PER_FRAME from tail and advances tail. Both wrap at 2^32. */
#define GPUOS_INPUT_QUEUE_FIELDS(FIELD, ARRAY, STRUCT_ARRAY) \
  FIELD(GPUOS_ATOMIC_U32, head)                               \
  FIELD(GPUOS_ATOMIC_U32, tail)                               \
  ARRAY(uint32_t, reserved, 2)                                \
  STRUCT_ARRAY(gpuos_input_event, events, GPUOS_INPUT_QUEUE_CAPACITY)

/* One widget: its description from the scene, then the state the kernel keeps for it. */
#define GPUOS_WIDGET_FIELDS(FIELD, ARRAY, STRUCT_ARRAY)                                   \
  FIELD(uint16_t, kind)                                                                    \
  FIELD(uint16_t, flags)                                                                   \
  FIELD(uint16_t, parent)         /* GPUOS_NO_WIDGET for the root */                        \
  FIELD(uint16_t, first_child)                                                             \
  FIELD(uint16_t, next_sibling)                                                            \
  FIELD(uint16_t, depth)          /* 0 for the root */                                      \
  FIELD(int16_t, width)           /* fixed size, or GPUOS_AUTO_SIZE */                      \
  FIELD(int16_t, height)                                                                   \
  FIELD(int16_t, min_width)                                                                \
  FIELD(int16_t, min_height)                                                               \
  FIELD(int16_t, max_width)       /* or GPUOS_AUTO_SIZE for none */                         \
  FIELD(int16_t, max_height)                                                               \
  FIELD(int16_t, padding_left)                                                             \
  FIELD(int16_t, padding_top)                                                              \
  FIELD(int16_t, padding_right)                                                            \
  FIELD(int16_t, padding_bottom)                                                           \
  FIELD(int16_t, gap)                                                                      \
  FIELD(uint8_t, main_align)      /* GPUOS_ALIGN_* along the container's direction */      \
  FIELD(uint8_t, cross_align)                                                              \
  FIELD(uint16_t, grow)           /* share of free space along the parent's main axis */    \
  FIELD(uint16_t, font)           /* GPUOS_FONT_* */                                        \
  FIELD(uint16_t, text_offset)    /* into the text pool */                                  \
  FIELD(uint16_t, text_length)                                                             \
  FIELD(uint16_t, text_capacity)  /* editable fields may grow up to this */                 \
  FIELD(uint16_t, caret)                                                                   \
  FIELD(int32_t, value)           /* slider and progress value */                           \
  FIELD(int32_t, value_min)                                                                \
  FIELD(int32_t, value_max)                                                                \
  FIELD(int32_t, value_step)                                                               \
  FIELD(uint32_t, background)     /* colours: RGBA8, R in the low byte, not premultiplied */ \
  FIELD(uint32_t, foreground)                                                              \
  FIELD(uint32_t, accent)                                                                  \
  FIELD(uint32_t, border_color)                                                            \
  FIELD(uint16_t, corner_radius)                                                           \
  FIELD(uint16_t, border_width)                                                            \
  FIELD(uint32_t, state)          /* GPUOS_STATE_* */                                        \
  FIELD(uint16_t, hover_anim)     /* 0..65535: eased towards hovered */                     \
  FIELD(uint16_t, press_anim)                                                              \
  FIELD(int32_t, scroll_target)   /* scroll views: 1/256 px */                              \
  FIELD(int32_t, scroll_offset)                                                            \
  FIELD(int32_t, display_value)   /* progress: value eased over time, 1/256 units */        \
  FIELD(uint32_t, activations)    /* buttons: clicks; toggles: flips */

/* Computed by the kernel each frame; kept for the next frame's hit testing. */
#define GPUOS_WIDGET_LAYOUT_FIELDS(FIELD, ARRAY, STRUCT_ARRAY)                 \
  FIELD(int16_t, x)                                                            \
  FIELD(int16_t, y)                                                            \
  FIELD(int16_t, w)                                                            \
  FIELD(int16_t, h)                                                            \
  FIELD(int16_t, clip_x0)    /* the part not clipped by scroll views or the screen */ \
  FIELD(int16_t, clip_y0)                                                      \
  FIELD(int16_t, clip_x1)                                                      \
  FIELD(int16_t, clip_y1)                                                      \
  FIELD(int16_t, content_w)  /* intrinsic size: what the content asks for */   \
  FIELD(int16_t, content_h)                                                    \
  FIELD(uint16_t, z)         /* paint order: depth-first index */              \
  FIELD(uint16_t, visible)   /* drawn this frame */

#define GPUOS_PRIMITIVE_FIELDS(FIELD, ARRAY, STRUCT_ARRAY)    \
  FIELD(uint16_t, kind)                                       \
  FIELD(uint16_t, widget)                                     \
  FIELD(int16_t, x0)                                          \
  FIELD(int16_t, y0)                                          \
  FIELD(int16_t, x1)                                          \
  FIELD(int16_t, y1)                                          \
  FIELD(int16_t, clip_x0)                                     \
  FIELD(int16_t, clip_y0)                                     \
  FIELD(int16_t, clip_x1)                                     \
  FIELD(int16_t, clip_y1)                                     \
  FIELD(uint32_t, color)       /* RGBA8, not premultiplied */ \
  FIELD(uint16_t, radius)      /* corner radius, px */        \
  FIELD(uint16_t, stroke)      /* outline width, px */        \
  FIELD(uint16_t, text_offset)                                \
  FIELD(uint16_t, text_length)                                \
  FIELD(uint16_t, font)                                       \
  FIELD(uint16_t, reserved)

/* Buffer 0: everything that persists between frames except pixels. */
#define GPUOS_OS_STATE_FIELDS(FIELD, ARRAY, STRUCT_ARRAY)                          \
  FIELD(uint32_t, abi_version)                                                      \
  FIELD(uint32_t, widget_count)                                                     \
  FIELD(uint32_t, root)                                                             \
  FIELD(uint32_t, text_used)                                                        \
  STRUCT_ARRAY(gpuos_frame_input, input, 1)                                         \
  STRUCT_ARRAY(gpuos_frame_state, frame, 1)                                         \
  STRUCT_ARRAY(gpuos_input_queue, queue, 1)                                         \
  STRUCT_ARRAY(gpuos_widget, widgets, GPUOS_MAX_WIDGETS)                            \
  STRUCT_ARRAY(gpuos_widget_layout, layout, GPUOS_MAX_WIDGETS)                      \
  STRUCT_ARRAY(gpuos_primitive, primitives, GPUOS_MAX_PRIMITIVES)                   \
  ARRAY(uint8_t, text, GPUOS_TEXT_POOL_BYTES)

/* Buffer 2 (sized per session): one damage signature per tile. */
#define GPUOS_TILE_STATE_FIELDS(FIELD, ARRAY, STRUCT_ARRAY) \
  FIELD(uint32_t, signature_low)                            \
  FIELD(uint32_t, signature_high)

/* Constants exported to TypeScript by name (their values come from the #defines above). */
#define GPUOS_ABI_CONSTANTS(C)                                                                       \
  C(GPUOS_ABI_VERSION) C(GPUOS_MAX_WIDGETS) C(GPUOS_NO_WIDGET) C(GPUOS_MAX_DEPTH)                  \
  C(GPUOS_INPUT_QUEUE_CAPACITY) C(GPUOS_EVENTS_PER_FRAME) C(GPUOS_TEXT_POOL_BYTES)                 \
  C(GPUOS_MAX_FRAMEBUFFER_WIDTH) C(GPUOS_MAX_FRAMEBUFFER_HEIGHT) C(GPUOS_TILE_SIZE) C(GPUOS_MAX_TILES) \
  C(GPUOS_PRIMITIVES_PER_WIDGET) C(GPUOS_MAX_PRIMITIVES)                                            \
  C(GPUOS_EVENT_POINTER_MOVE) C(GPUOS_EVENT_POINTER_DOWN) C(GPUOS_EVENT_POINTER_UP)                 \
  C(GPUOS_EVENT_WHEEL) C(GPUOS_EVENT_KEY_DOWN) C(GPUOS_EVENT_KEY_UP) C(GPUOS_EVENT_TEXT)            \
  C(GPUOS_KEY_BACKSPACE) C(GPUOS_KEY_TAB) C(GPUOS_KEY_ENTER) C(GPUOS_KEY_ESCAPE) C(GPUOS_KEY_SPACE) \
  C(GPUOS_KEY_DELETE) C(GPUOS_KEY_LEFT) C(GPUOS_KEY_RIGHT) C(GPUOS_KEY_UP) C(GPUOS_KEY_DOWN)        \
  C(GPUOS_KEY_HOME) C(GPUOS_KEY_END)                                                                \
  C(GPUOS_MODIFIER_SHIFT) C(GPUOS_MODIFIER_CONTROL) C(GPUOS_MODIFIER_ALT) C(GPUOS_MODIFIER_META)    \
  C(GPUOS_BUTTON_PRIMARY)                                                                           \
  C(GPUOS_WIDGET_ROW) C(GPUOS_WIDGET_COLUMN) C(GPUOS_WIDGET_LABEL) C(GPUOS_WIDGET_BUTTON)           \
  C(GPUOS_WIDGET_TOGGLE) C(GPUOS_WIDGET_SLIDER) C(GPUOS_WIDGET_TEXT_FIELD) C(GPUOS_WIDGET_SCROLL_VIEW) \
  C(GPUOS_WIDGET_PROGRESS) C(GPUOS_WIDGET_KIND_LAST) C(GPUOS_EVENT_TYPE_LAST) C(GPUOS_WIDGET_HIDDEN) C(GPUOS_WIDGET_DISABLED)                          \
  C(GPUOS_STATE_HOVERED) C(GPUOS_STATE_PRESSED) C(GPUOS_STATE_FOCUSED) C(GPUOS_STATE_CHECKED)       \
  C(GPUOS_STATE_DRAGGING)                                                                           \
  C(GPUOS_ALIGN_START) C(GPUOS_ALIGN_CENTER) C(GPUOS_ALIGN_END) C(GPUOS_ALIGN_STRETCH)              \
  C(GPUOS_ALIGN_SPACE_BETWEEN) C(GPUOS_FONT_BODY) C(GPUOS_FONT_TITLE) C(GPUOS_AUTO_SIZE)            \
  C(GPUOS_FRAME_FORCE_FULL_REDRAW) C(GPUOS_PHASES_ALL) C(GPUOS_PHASES_RETAINED)                                                                  \
  C(GPUOS_PRIMITIVE_FILL) C(GPUOS_PRIMITIVE_STROKE) C(GPUOS_PRIMITIVE_TEXT) C(GPUOS_PRIMITIVE_CHECK) \
  C(GPUOS_PRIMITIVE_CURSOR)

/* ---- the structs, generated from the lists ---- */
#define GPUOS_DECLARE_FIELD(type, name) type name;
#define GPUOS_DECLARE_ARRAY(type, name, count) type name[count];
#define GPUOS_DECLARE_STRUCT_ARRAY(type, name, count) type name[count];
#define GPUOS_DECLARE_STRUCT(name, FIELDS) \
  typedef struct name {                    \
    FIELDS(GPUOS_DECLARE_FIELD, GPUOS_DECLARE_ARRAY, GPUOS_DECLARE_STRUCT_ARRAY) \
  } name;

GPUOS_DECLARE_STRUCT(gpuos_input_event, GPUOS_INPUT_EVENT_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_frame_input, GPUOS_FRAME_INPUT_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_frame_state, GPUOS_FRAME_STATE_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_input_queue, GPUOS_INPUT_QUEUE_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_widget, GPUOS_WIDGET_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_widget_layout, GPUOS_WIDGET_LAYOUT_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_primitive, GPUOS_PRIMITIVE_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_os_state, GPUOS_OS_STATE_FIELDS)
GPUOS_DECLARE_STRUCT(gpuos_tile_state, GPUOS_TILE_STATE_FIELDS)

/* Every struct, for the layout export and the size checks. */
#define GPUOS_ABI_STRUCTS(STRUCT)                                   \
  STRUCT(gpuos_input_event, GPUOS_INPUT_EVENT_FIELDS, 16)           \
  STRUCT(gpuos_frame_input, GPUOS_FRAME_INPUT_FIELDS, 24)           \
  STRUCT(gpuos_frame_state, GPUOS_FRAME_STATE_FIELDS, 88)           \
  STRUCT(gpuos_input_queue, GPUOS_INPUT_QUEUE_FIELDS, 4112)         \
  STRUCT(gpuos_widget, GPUOS_WIDGET_FIELDS, 108)                    \
  STRUCT(gpuos_widget_layout, GPUOS_WIDGET_LAYOUT_FIELDS, 24)       \
  STRUCT(gpuos_primitive, GPUOS_PRIMITIVE_FIELDS, 36)               \
  STRUCT(gpuos_os_state, GPUOS_OS_STATE_FIELDS, 107700)             \
  STRUCT(gpuos_tile_state, GPUOS_TILE_STATE_FIELDS, 8)

/* The sizes above are part of the ABI: the same on every compiler, checked on every build. */
#define GPUOS_CHECK_SIZE(name, FIELDS, bytes) static_assert(sizeof(name) == (bytes), #name " changed size: update GPUOS_ABI_VERSION and the pinned size");
GPUOS_ABI_STRUCTS(GPUOS_CHECK_SIZE)
#undef GPUOS_CHECK_SIZE

#endif /* GPUOS_ABI_H */

// What every phase of the OS kernel shares: the SIMD-group roles, the threadgroup scratch, and
// integer helpers. Everything that decides a pixel or a layout position is integer or fixed-point
// arithmetic, so a frame is bit-identical on the CPU emulator, CUDA and Metal.
#pragma once

// The SIMD-group roles (OS_SIMD_*, OS_*_GROUPS, OS_*_THREADS, OS_DISPATCH_THREAD) and the
// threadgroup scratch are plain headers that native host code includes too (native/os/abi_layout.cpp
// exports os_scratch's layout to TypeScript).
#include "os_roles.h"
#include "os_scratch.h"

// The caret blinks with the frame's time: on for 530 ms, off for 530 ms.
#define OS_CARET_BLINK_US 530000u

// Whether a focused field's caret shows at time_us: on for one blink period, off for the next.
static inline bool os_caret_on(ulong time_us) { return (time_us / OS_CARET_BLINK_US) % 2ul == 0ul; }

// ---- threadgroup scratch: per frame, well inside the 32 KiB an Apple threadgroup has ----
// struct os_scratch is generated from its field list in kernels/os/os_scratch.h.

// ---- small integer helpers ----
static inline int os_min(int a, int b) { return a < b ? a : b; }
static inline int os_max(int a, int b) { return a > b ? a : b; }
static inline int os_clamp(int v, int lo, int hi) { return os_min(os_max(v, lo), hi); }

// Exact floor(sqrt(v)) for every 32-bit v, so every backend agrees: a float estimate, then
// corrected in integers. The estimate is within one of the answer (float(v) is within 2^-24 of v,
// and any sqrt within a few ulps of the true root keeps that), so each loop runs at most once; the
// loops make the result exact whatever the estimate. Checked against a bit-by-bit integer square
// root for all 2^32 inputs, with the float root moved 4 ulps either way.
static inline uint os_isqrt(uint v) {
  uint root = min(uint(sqrt(float(v))), 65535u);
  while (root * root > v) --root;
  while (root < 65535u && (root + 1u) * (root + 1u) <= v) ++root;
  return root;
}

// 64-bit time and frame counters travel as two 32-bit halves (portable across MSL, CUDA, C++).
static inline ulong os_u64(uint low, uint high) { return (ulong(high) << 32) | ulong(low); }

// ---- colour: RGBA8, R in the low byte ----
static inline uint os_channel(uint color, uint shift) { return (color >> shift) & 0xffu; }

static inline uint os_rgba(uint r, uint g, uint b, uint a) { return r | (g << 8) | (b << 16) | (a << 24); }

// Linear mix of two colours, t in 0..65535.
static inline uint os_mix_color(uint from, uint to, uint t) {
  uint out = 0;
  for (uint shift = 0; shift < 32; shift += 8) {
    const int a = int(os_channel(from, shift));
    const int b = int(os_channel(to, shift));
    out |= uint(a + (((b - a) * int(t)) >> 16)) << shift;
  }
  return out;
}

// Source-over blend of `color` (straight alpha) at coverage 0..255 onto an opaque pixel.
static inline uint os_blend(uint dst, uint color, uint coverage) {
  const uint alpha = (os_channel(color, 24) * coverage + 127u) / 255u;
  if (alpha == 0) return dst;
  // Opaque: keep is 0 and (c * 255 + 127) / 255 == c for every channel c, so the blend is the colour.
  if (alpha == 255u) return color | 0xff000000u;
  const uint keep = 255u - alpha;
  const uint r = (os_channel(color, 0) * alpha + os_channel(dst, 0) * keep + 127u) / 255u;
  const uint g = (os_channel(color, 8) * alpha + os_channel(dst, 8) * keep + 127u) / 255u;
  const uint b = (os_channel(color, 16) * alpha + os_channel(dst, 16) * keep + 127u) / 255u;
  return os_rgba(r, g, b, 255u);
}

// ---- tile signatures for damage tracking: a 64-bit mix of everything a tile's pixels depend on ----
static inline ulong os_hash_mix(ulong hash, uint value) {
  hash ^= ulong(value) + 0x9e3779b97f4a7c15ul + (hash << 6) + (hash >> 2);
  hash *= 0xbf58476d1ce4e5b9ul;
  return hash ^ (hash >> 31);
}

// ---- widget kinds ----
static inline bool os_is_container(uint kind) {
  return kind == GPUOS_WIDGET_ROW || kind == GPUOS_WIDGET_COLUMN || kind == GPUOS_WIDGET_SCROLL_VIEW;
}
static inline bool os_is_interactive(uint kind) {
  return kind == GPUOS_WIDGET_BUTTON || kind == GPUOS_WIDGET_TOGGLE || kind == GPUOS_WIDGET_SLIDER ||
         kind == GPUOS_WIDGET_TEXT_FIELD;
}
// Containers lay children out along x (row) or y (column, scroll view).
static inline bool os_horizontal(uint kind) { return kind == GPUOS_WIDGET_ROW; }

// ---- the built-in font ----
static inline int os_font_advance(uint font) { return font == GPUOS_FONT_TITLE ? GPUOS_FONT_TITLE_CELL_W : GPUOS_FONT_BODY_CELL_W; }
static inline int os_font_line(uint font) { return font == GPUOS_FONT_TITLE ? GPUOS_FONT_TITLE_CELL_H : GPUOS_FONT_BODY_CELL_H; }

// ---- untrusted values, made safe where they are used ----

// A widget's text, clamped to the pool: whatever offset, length and capacity memory holds, every
// read and write stays inside the 32 KiB text pool, and length never exceeds capacity.
struct os_text_span {
  uint offset;
  uint length;
  uint capacity;
};
static inline os_text_span os_widget_text(device const gpuos_widget& w) {
  os_text_span span;
  span.offset = min(uint(w.text_offset), GPUOS_TEXT_POOL_BYTES);
  span.capacity = min(uint(w.text_capacity), GPUOS_TEXT_POOL_BYTES - span.offset);
  span.length = min(uint(w.text_length), span.capacity);
  return span;
}

// A float position as a whole pixel in [lo, hi]: NaN and infinities become lo, so a corrupted
// cursor never reaches an undefined float-to-int conversion.
static inline int os_pixel(float v, int lo, int hi) {
  if (!(v >= float(lo))) return lo;  // NaN fails every comparison
  if (v >= float(hi)) return hi;
  return int(floor(v));
}

// A slider's drawn track, shared by the renderer and the pointer so a press lands where it is
// drawn: the thumb (a circle a line tall, at most the inner height) travels between `left` and
// `right`, its centre's x; the track's centre line is `y`.
struct os_slider_track {
  int left;
  int right;
  int y;
  int thumb;
};
static inline os_slider_track os_slider_geometry(device const gpuos_widget& w, device const gpuos_widget_layout& box) {
  const int x0 = box.x + max(int(w.padding_left), 0);
  const int x1 = max(int(box.x) + int(box.w) - max(int(w.padding_right), 0), x0);
  const int y0 = box.y + max(int(w.padding_top), 0);
  const int y1 = max(int(box.y) + int(box.h) - max(int(w.padding_bottom), 0), y0);
  os_slider_track track;
  track.thumb = min(y1 - y0, os_font_line(w.font) + 4);
  track.y = (y0 + y1) / 2;
  track.left = x0 + track.thumb / 2;
  track.right = max(x1 - track.thumb / 2, track.left);
  return track;
}

// A slider's or progress bar's range, and a value within it, in 64 bits so untrusted extremes
// cannot overflow.
static inline long os_value_range(device const gpuos_widget& w) {
  const long range = long(w.value_max) - long(w.value_min);
  return range > 0 ? range : 0;
}
static inline int os_value_in_range(device const gpuos_widget& w, long value) {
  const long lo = long(w.value_min);
  const long hi = lo + os_value_range(w);
  return int(value < lo ? lo : (value > hi ? hi : value));
}

// Phase 2, hit testing (SIMD-groups 1-2): the frontmost widget under a point.
//
// Each of the 64 lanes tests 4 widgets against last frame's layout (what the user saw when they
// clicked), honouring visibility (hidden widgets and everything clipped away by scroll views are
// not hit) and paint order (later in depth-first order is on top). simd_max picks the frontmost
// (0 when nothing was hit); the two groups' answers meet in threadgroup memory.
#pragma once

#define OS_WIDGETS_PER_HIT_LANE (GPUOS_MAX_WIDGETS / ((OS_SIMD_HIT_LAST - OS_SIMD_HIT_FIRST + 1u) * 32u))

static inline bool os_point_hits(device const gpuos_widget_layout& box, int x, int y) {
  return box.visible != 0 && x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h && x >= box.clip_x0 &&
         x < box.clip_x1 && y >= box.clip_y0 && y < box.clip_y1;
}

static void os_hit_test(device gpuos_os_state* os, threadgroup os_scratch& scratch, float px, float py, uint lane,
                        uint simd) {
  if (simd < OS_SIMD_HIT_FIRST || simd > OS_SIMD_HIT_LAST) return;
  const int x = os_pixel(px, -32768, 32767);  // the frame's cursor is untrusted memory
  const int y = os_pixel(py, -32768, 32767);
  const uint group = simd - OS_SIMD_HIT_FIRST;
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  uint best = 0;  // (z + 1) << 16 | widget; 0 = nothing hit
  for (uint i = 0; i < OS_WIDGETS_PER_HIT_LANE; ++i) {
    const uint widget = (group * 32u + lane) * OS_WIDGETS_PER_HIT_LANE + i;
    if (widget >= count) break;
    device const gpuos_widget_layout& box = os->layout[widget];
    if (os_point_hits(box, x, y)) best = max(best, ((uint(box.z) + 1u) << 16) | widget);
  }
  const uint frontmost = simd_max(best);  // 0 when no lane hit anything
  if (lane == 0) scratch.hit_key[group] = frontmost;
}

// After a barrier: the frontmost widget hit by either group, or GPUOS_NO_WIDGET.
static inline uint os_hit_result(threadgroup const os_scratch& scratch) {
  const uint key = max(scratch.hit_key[0], scratch.hit_key[1]);
  return key == 0 ? GPUOS_NO_WIDGET : (key & 0xffffu);
}

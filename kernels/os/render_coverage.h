// How much of a pixel each primitive covers, 0..255, from signed distances in 1/16 pixel units
// measured at the pixel's centre: an edge is anti-aliased over one pixel. Integer arithmetic with
// an exact integer square root, so coverage is bit-identical on every backend.
#pragma once

#define OS_SUBPIXELS 16

// Coverage from a signed distance (negative inside): 255 a half pixel inside, 0 a half pixel out.
static inline uint os_coverage_from_distance(int distance) {
  return uint(os_clamp(OS_SUBPIXELS / 2 - distance, 0, OS_SUBPIXELS) * 255 / OS_SUBPIXELS);
}

// Signed distance from the centre of pixel (px, py) to a rounded rectangle.
static inline int os_round_rect_distance(int px, int py, int x0, int y0, int x1, int y1, int radius) {
  const int half_w = (x1 - x0) * (OS_SUBPIXELS / 2);
  const int half_h = (y1 - y0) * (OS_SUBPIXELS / 2);
  const int r = min(radius * OS_SUBPIXELS, min(half_w, half_h));
  const int dx = abs(px * OS_SUBPIXELS + OS_SUBPIXELS / 2 - (x0 + x1) * (OS_SUBPIXELS / 2)) - (half_w - r);
  const int dy = abs(py * OS_SUBPIXELS + OS_SUBPIXELS / 2 - (y0 + y1) * (OS_SUBPIXELS / 2)) - (half_h - r);
  if (dx > 0 && dy > 0) {
    // Past a corner: the distance to the corner's circle. Far away is simply far (and keeps the
    // squares inside 32 bits).
    if (dx > 4096 || dy > 4096) return 4096;
    return int(os_isqrt(uint(dx * dx + dy * dy))) - r;
  }
  return max(dx, dy) - r;
}

static inline uint os_fill_coverage(device const gpuos_primitive& p, int px, int py) {
  if (p.radius == 0) return (px >= p.x0 && px < p.x1 && py >= p.y0 && py < p.y1) ? 255u : 0u;
  return os_coverage_from_distance(os_round_rect_distance(px, py, p.x0, p.y0, p.x1, p.y1, p.radius));
}

static inline uint os_stroke_coverage(device const gpuos_primitive& p, int px, int py) {
  const int outer = os_round_rect_distance(px, py, p.x0, p.y0, p.x1, p.y1, p.radius);
  const int s = p.stroke;
  const int inner = os_round_rect_distance(px, py, p.x0 + s, p.y0 + s, p.x1 - s, p.y1 - s, max(int(p.radius) - s, 0));
  const int outer_coverage = int(os_coverage_from_distance(outer));
  const int inner_coverage = (p.x1 - p.x0 > 2 * s && p.y1 - p.y0 > 2 * s) ? int(os_coverage_from_distance(inner)) : 0;
  return uint(max(outer_coverage - inner_coverage, 0));
}

static inline uint os_text_coverage(device const gpuos_os_state* os, device const gpuos_primitive& p, int px, int py) {
  if (px < p.x0 || px >= p.x1 || py < p.y0 || py >= p.y1) return 0;
  const bool title = p.font == GPUOS_FONT_TITLE;
  const int advance = title ? GPUOS_FONT_TITLE_CELL_W : GPUOS_FONT_BODY_CELL_W;
  const int column = (px - p.x0) / advance;
  const uint character = os->text[min(uint(p.text_offset) + uint(column), GPUOS_TEXT_POOL_BYTES - 1u)];
  if (character < GPUOS_FONT_FIRST_CHAR || character >= GPUOS_FONT_FIRST_CHAR + GPUOS_FONT_GLYPH_COUNT) return 0;
  const uint glyph = character - GPUOS_FONT_FIRST_CHAR;
  const uint gx = uint(px - p.x0 - column * advance);
  const uint gy = uint(py - p.y0);
  if (title) return gpuos_font_title[(glyph * GPUOS_FONT_TITLE_CELL_H + gy) * GPUOS_FONT_TITLE_CELL_W + gx];
  return gpuos_font_body[(glyph * GPUOS_FONT_BODY_CELL_H + gy) * GPUOS_FONT_BODY_CELL_W + gx];
}

// Squared distance (1/16 px units squared) from point (qx, qy) to segment a-b.
static inline uint os_segment_distance_squared(int qx, int qy, int ax, int ay, int bx, int by) {
  const long ex = bx - ax, ey = by - ay;
  const long wx = qx - ax, wy = qy - ay;
  const long length2 = ex * ex + ey * ey;
  long t_num = wx * ex + wy * ey;  // t = t_num / length2, clamped to 0..1
  t_num = t_num < 0 ? 0 : (t_num > length2 ? length2 : t_num);
  const long cx = ax + (length2 > 0 ? (ex * t_num) / length2 : 0);
  const long cy = ay + (length2 > 0 ? (ey * t_num) / length2 : 0);
  const long dx = qx - cx, dy = qy - cy;
  return uint(min(dx * dx + dy * dy, long(0x7fffffff)));
}

// A check mark drawn across the box: two strokes, round-capped.
static inline uint os_check_coverage(device const gpuos_primitive& p, int px, int py) {
  const int size = (p.x1 - p.x0) * OS_SUBPIXELS;
  const int qx = px * OS_SUBPIXELS + OS_SUBPIXELS / 2 - p.x0 * OS_SUBPIXELS;
  const int qy = py * OS_SUBPIXELS + OS_SUBPIXELS / 2 - p.y0 * OS_SUBPIXELS;
  const int ax = size * 22 / 100, ay = size * 52 / 100;
  const int bx = size * 42 / 100, by = size * 72 / 100;
  const int cx = size * 78 / 100, cy = size * 30 / 100;
  const uint d2 = min(os_segment_distance_squared(qx, qy, ax, ay, bx, by), os_segment_distance_squared(qx, qy, bx, by, cx, cy));
  const int half_width = max(size / 14, OS_SUBPIXELS);
  return os_coverage_from_distance(int(os_isqrt(d2)) - half_width);
}

// The arrow pointer, as a polygon with its tip at (x0 + 1, y0 + 1).
#define OS_CURSOR_POINTS 7
constant short os_cursor_polygon[OS_CURSOR_POINTS * 2] = {0, 0, 0, 16, 4, 12, 7, 18, 9, 17, 6, 11, 11, 11};

// Signed distance to the arrow polygon: negative inside.
static inline int os_cursor_distance(device const gpuos_primitive& p, int px, int py) {
  const int qx = px * OS_SUBPIXELS + OS_SUBPIXELS / 2 - (p.x0 + 1) * OS_SUBPIXELS;
  const int qy = py * OS_SUBPIXELS + OS_SUBPIXELS / 2 - (p.y0 + 1) * OS_SUBPIXELS;
  uint best = 0xffffffffu;
  bool inside = false;
  for (int i = 0, j = OS_CURSOR_POINTS - 1; i < OS_CURSOR_POINTS; j = i++) {
    const int ax = os_cursor_polygon[j * 2] * OS_SUBPIXELS, ay = os_cursor_polygon[j * 2 + 1] * OS_SUBPIXELS;
    const int bx = os_cursor_polygon[i * 2] * OS_SUBPIXELS, by = os_cursor_polygon[i * 2 + 1] * OS_SUBPIXELS;
    best = min(best, os_segment_distance_squared(qx, qy, ax, ay, bx, by));
    // Even-odd rule, on a horizontal ray; exact with integers.
    if ((by > qy) != (ay > qy) && long(qx - bx) * long(ay - by) * (ay > by ? 1 : -1) < long(ax - bx) * long(qy - by) * (ay > by ? 1 : -1)) {
      inside = !inside;
    }
  }
  const int distance = int(os_isqrt(best));
  return inside ? -distance : distance;
}

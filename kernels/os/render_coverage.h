// How much of a pixel each primitive covers, 0..255, from signed distances in 1/16 pixel units
// measured at the pixel's centre: an edge is anti-aliased over one pixel. Integer arithmetic with
// an exact integer square root, so coverage is bit-identical on every backend.
//
// Shapes are prepared once per primitive and tile (os_round_rect_prepare, os_check_prepare): the
// per-pixel functions only evaluate, and a thread that owns a column of pixels takes the column's
// part once (os_round_rect_dx). Where coverage is known without evaluating, the renderer does not
// evaluate: os_round_rect_core is where a rounded rectangle's coverage is exactly 255.
#pragma once

#define OS_SUBPIXELS 16

// Coverage from a signed distance (negative inside): 255 a half pixel inside, 0 a half pixel out.
static inline uint os_coverage_from_distance(int distance) {
  return uint(os_clamp(OS_SUBPIXELS / 2 - distance, 0, OS_SUBPIXELS) * 255 / OS_SUBPIXELS);
}

// A rounded rectangle, ready for distances: its centre (doubled, in subpixels), its half extents
// less the corner radius, and the radius (clamped to half the shorter side), all in subpixels.
struct os_round_rect {
  int centre_x, centre_y, straight_w, straight_h, radius;
};

static inline os_round_rect os_round_rect_prepare(int x0, int y0, int x1, int y1, int radius) {
  const int half_w = (x1 - x0) * (OS_SUBPIXELS / 2);
  const int half_h = (y1 - y0) * (OS_SUBPIXELS / 2);
  const int r = min(radius * OS_SUBPIXELS, min(half_w, half_h));
  os_round_rect shape = {(x0 + x1) * (OS_SUBPIXELS / 2), (y0 + y1) * (OS_SUBPIXELS / 2), half_w - r, half_h - r, r};
  return shape;
}

// The distance's horizontal part for pixel column px (positive: beyond the straight part).
static inline int os_round_rect_dx(thread const os_round_rect& shape, int px) {
  return abs(px * OS_SUBPIXELS + OS_SUBPIXELS / 2 - shape.centre_x) - shape.straight_w;
}

static inline int os_round_rect_dy(thread const os_round_rect& shape, int py) {
  return abs(py * OS_SUBPIXELS + OS_SUBPIXELS / 2 - shape.centre_y) - shape.straight_h;
}

// Signed distance from a pixel centre to the shape, from its two parts.
static inline int os_round_rect_distance(thread const os_round_rect& shape, int dx, int dy) {
  if (dx > 0 && dy > 0) {
    // Past a corner: the distance to the corner's circle. Far away is simply far (and keeps the
    // squares inside 32 bits).
    if (dx > 4096 || dy > 4096) return 4096;
    return int(os_isqrt(uint(dx * dx + dy * dy))) - shape.radius;
  }
  return max(dx, dy) - shape.radius;
}

// Whether pixel (px, py) lies where a rounded rectangle (x0, y0, x1, y1, radius) covers it fully:
// inside the rectangle and outside the corner squares. There the distance is at most -1/2 pixel,
// so os_coverage_from_distance would give exactly 255: the column's centre is at least half a
// pixel inside the straight part, and the radius (after clamping, no more than `radius` pixels)
// is subtracted from the other part.
static inline bool os_round_rect_core(int x0, int y0, int x1, int y1, int radius, int px, int py) {
  const bool inside = px >= x0 && px < x1 && py >= y0 && py < y1;
  return inside && ((px >= x0 + radius && px < x1 - radius) || (py >= y0 + radius && py < y1 - radius));
}

// The check mark's two round-capped strokes, in subpixels relative to the box's corner.
struct os_check_shape {
  int origin_x, origin_y, ax, ay, bx, by, cx, cy, half_width;
};

static inline os_check_shape os_check_prepare(thread const gpuos_primitive& p) {
  const int size = (p.x1 - p.x0) * OS_SUBPIXELS;
  os_check_shape shape = {p.x0 * OS_SUBPIXELS, p.y0 * OS_SUBPIXELS, size * 22 / 100, size * 52 / 100, size * 42 / 100,
                          size * 72 / 100, size * 78 / 100, size * 30 / 100, max(size / 14, OS_SUBPIXELS)};
  return shape;
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

static inline uint os_check_coverage(thread const os_check_shape& s, int px, int py) {
  const int qx = px * OS_SUBPIXELS + OS_SUBPIXELS / 2 - s.origin_x;
  const int qy = py * OS_SUBPIXELS + OS_SUBPIXELS / 2 - s.origin_y;
  const uint d2 = min(os_segment_distance_squared(qx, qy, s.ax, s.ay, s.bx, s.by), os_segment_distance_squared(qx, qy, s.bx, s.by, s.cx, s.cy));
  return os_coverage_from_distance(int(os_isqrt(d2)) - s.half_width);
}

// The glyph row table of the character text primitive p shows in pixel column px, or -1 where
// the column holds no printable character: the per-column half of text coverage.
static inline int os_text_column_glyph(device const gpuos_os_state* os, thread const gpuos_primitive& p, int px) {
  if (px < p.x0 || px >= p.x1) return -1;
  const int advance = os_font_advance(p.font);
  const int column = (px - p.x0) / advance;
  const uint character = os->text[min(uint(p.text_offset) + uint(column), GPUOS_TEXT_POOL_BYTES - 1u)];
  if (character < GPUOS_FONT_FIRST_CHAR || character >= GPUOS_FONT_FIRST_CHAR + GPUOS_FONT_GLYPH_COUNT) return -1;
  return int(character - GPUOS_FONT_FIRST_CHAR);
}

// Text coverage at row py of a column whose glyph and x within the glyph cell are known.
static inline uint os_text_coverage(thread const gpuos_primitive& p, int glyph, uint gx, int py) {
  if (glyph < 0 || py < p.y0 || py >= p.y1) return 0;
  const uint gy = uint(py - p.y0);
  if (p.font == GPUOS_FONT_TITLE) return gpuos_font_title[(uint(glyph) * GPUOS_FONT_TITLE_CELL_H + gy) * GPUOS_FONT_TITLE_CELL_W + gx];
  return gpuos_font_body[(uint(glyph) * GPUOS_FONT_BODY_CELL_H + gy) * GPUOS_FONT_BODY_CELL_W + gx];
}

// The arrow pointer, as a polygon with its tip at (x0 + 1, y0 + 1).
#define OS_CURSOR_POINTS 7
constant short os_cursor_polygon[OS_CURSOR_POINTS * 2] = {0, 0, 0, 16, 4, 12, 7, 18, 9, 17, 6, 11, 11, 11};

// Signed distance to the arrow polygon: negative inside.
static inline int os_cursor_distance(thread const gpuos_primitive& p, int px, int py) {
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

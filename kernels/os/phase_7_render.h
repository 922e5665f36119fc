// Phase 7, tile rendering (SIMD-groups 21-30): software rasterisation into the framebuffer, one
// 16x16 tile at a time.
//
// First each tile row collects the primitives that reach it (a thread a row); then each tile takes
// its own from its row's list, in draw order. Damage tracking: a tile's signature hashes
// everything its pixels depend on (every primitive that reaches it, the characters of text that
// crosses it, its position); when the signature equals last frame's the tile is already right and
// is skipped, so idle frames draw nothing and a moving cursor redraws two tiles. A frame with
// GPUOS_FRAME_FORCE_FULL_REDRAW draws every tile: the pixels must be the same either way.
//
// Drawing a tile starts from the topmost opaque primitive that covers all of it (everything under
// it is invisible), then blends each primitive above it with its anti-aliased coverage.
#pragma once

#define OS_CLEAR_COLOR 0xff000000u

// What a primitive can touch: its bounds (one pixel wider for anti-aliasing) within its clip.
static inline os_rect os_primitive_reach(device const gpuos_primitive& p) {
  os_rect r = {max(int(p.x0) - 1, int(p.clip_x0)), max(int(p.y0) - 1, int(p.clip_y0)), min(int(p.x1) + 1, int(p.clip_x1)),
               min(int(p.y1) + 1, int(p.clip_y1))};
  if (p.kind == GPUOS_PRIMITIVE_CURSOR) r = {p.x0, p.y0, p.x1, p.y1};
  return r;
}

// Does an opaque fill cover every pixel of the tile completely (corners included)?
static inline bool os_covers_tile(device const gpuos_primitive& p, os_rect tile) {
  if (p.kind != GPUOS_PRIMITIVE_FILL || (p.color >> 24) != 0xffu) return false;
  if (tile.x0 < p.clip_x0 || tile.y0 < p.clip_y0 || tile.x1 > p.clip_x1 || tile.y1 > p.clip_y1) return false;
  if (tile.x0 < p.x0 || tile.y0 < p.y0 || tile.x1 > p.x1 || tile.y1 > p.y1) return false;
  const int r = p.radius;
  return r == 0 || (tile.x0 >= p.x0 + r && tile.x1 <= p.x1 - r) || (tile.y0 >= p.y0 + r && tile.y1 <= p.y1 - r);
}

static ulong os_tile_signature(device const gpuos_os_state* os, os_rect tile, thread const ushort* list, uint count) {
  ulong hash = os_hash_mix(os_hash_mix(0x6770756f73ul, uint(tile.x0) | (uint(tile.y0) << 16)), count);
  for (uint i = 0; i < count; ++i) {
    device const gpuos_primitive& p = os->primitives[list[i]];
    hash = os_hash_mix(hash, uint(p.kind) | (uint(p.radius) << 16));
    hash = os_hash_mix(hash, uint(ushort(p.x0)) | (uint(ushort(p.y0)) << 16));
    hash = os_hash_mix(hash, uint(ushort(p.x1)) | (uint(ushort(p.y1)) << 16));
    hash = os_hash_mix(hash, uint(ushort(p.clip_x0)) | (uint(ushort(p.clip_y0)) << 16));
    hash = os_hash_mix(hash, uint(ushort(p.clip_x1)) | (uint(ushort(p.clip_y1)) << 16));
    hash = os_hash_mix(hash, p.color);
    hash = os_hash_mix(hash, uint(p.stroke) | (uint(p.font) << 16));
    if (p.kind == GPUOS_PRIMITIVE_TEXT) {
      // The characters whose cells reach into the tile.
      const int advance = os_font_advance(p.font);
      const int first = max((tile.x0 - p.x0) / advance, 0);
      const int last = min((tile.x1 - 1 - p.x0) / advance, int(p.text_length) - 1);
      for (int c = first; c <= last; ++c) hash = os_hash_mix(hash, os->text[min(uint(p.text_offset) + uint(c), GPUOS_TEXT_POOL_BYTES - 1u)]);
    }
  }
  return hash;
}

// Blends one primitive into one pixel.
static inline uint os_shade(device const gpuos_os_state* os, device const gpuos_primitive& p, int px, int py, uint color) {
  if (px < p.clip_x0 || px >= p.clip_x1 || py < p.clip_y0 || py >= p.clip_y1) return color;
  switch (p.kind) {
    case GPUOS_PRIMITIVE_FILL:
      return os_blend(color, p.color, os_fill_coverage(p, px, py));
    case GPUOS_PRIMITIVE_STROKE:
      return os_blend(color, p.color, os_stroke_coverage(p, px, py));
    case GPUOS_PRIMITIVE_TEXT:
      return os_blend(color, p.color, os_text_coverage(os, p, px, py));
    case GPUOS_PRIMITIVE_CHECK:
      return os_blend(color, p.color, os_check_coverage(p, px, py));
    case GPUOS_PRIMITIVE_CURSOR: {
      // White arrow with a one-pixel black outline.
      const int distance = os_cursor_distance(p, px, py);
      color = os_blend(color, 0xff000000u, os_coverage_from_distance(distance - OS_SUBPIXELS));
      return os_blend(color, 0xffffffffu, os_coverage_from_distance(distance));
    }
    default:
      return color;
  }
}

static void os_draw_tile(device const gpuos_os_state* os, device uint* pixels, uint width, os_rect tile,
                         thread const ushort* list, uint count) {
  uint base_color = OS_CLEAR_COLOR;
  uint first_layer = 0;
  for (int i = int(count) - 1; i >= 0; --i) {
    if (os_covers_tile(os->primitives[list[i]], tile)) {
      base_color = os->primitives[list[i]].color;
      first_layer = uint(i) + 1u;
      break;
    }
  }
  for (int py = tile.y0; py < tile.y1; ++py) {
    device uint* row = pixels + uint(py) * width;
    for (int px = tile.x0; px < tile.x1; ++px) {
      uint color = base_color;
      for (uint i = first_layer; i < count; ++i) color = os_shade(os, os->primitives[list[i]], px, py, color);
      row[px] = color;
    }
  }
}

static void os_phase_render(device gpuos_os_state* os, device uint* pixels, device gpuos_tile_state* tiles,
                            device ushort* row_lists, threadgroup os_scratch& scratch, uint tid, uint lane, uint simd) {
  const bool worker = simd >= OS_SIMD_RENDER_FIRST && simd <= OS_SIMD_RENDER_LAST;
  const uint width = min(os->input[0].width, GPUOS_MAX_FRAMEBUFFER_WIDTH);
  const uint height = min(os->input[0].height, GPUOS_MAX_FRAMEBUFFER_HEIGHT);
  const uint tiles_x = (width + GPUOS_TILE_SIZE - 1u) / GPUOS_TILE_SIZE;
  const uint tiles_y = (height + GPUOS_TILE_SIZE - 1u) / GPUOS_TILE_SIZE;
  const uint primitive_count = min(scratch.primitive_count, GPUOS_MAX_PRIMITIVES);
  const uint worker_index = tid - OS_SIMD_RENDER_FIRST * 32u;
  const uint stride = GPUOS_MAX_PRIMITIVES + 1u;  // a row list: its count, then the primitives

  // Each tile row's primitives, in draw order.
  if (worker) {
    for (uint row = worker_index; row < tiles_y; row += OS_RENDER_THREADS) {
      const int y0 = int(row * GPUOS_TILE_SIZE);
      const int y1 = min(y0 + int(GPUOS_TILE_SIZE), int(height));
      device ushort* list = row_lists + row * stride;
      uint n = 0;
      for (uint p = 0; p < primitive_count; ++p) {
        device const gpuos_primitive& primitive = os->primitives[p];
        if (primitive.kind == 0) continue;
        const os_rect reach = os_primitive_reach(primitive);
        if (reach.x1 > reach.x0 && reach.y0 < y1 && reach.y1 > y0) list[1u + n++] = ushort(p);
      }
      list[0] = ushort(n);
    }
  }
  threadgroup_barrier(mem_flags::mem_device);

  const bool full_redraw = (os->input[0].flags & GPUOS_FRAME_FORCE_FULL_REDRAW) != 0 ||
                           (os->frame[0].frame_number_low == 0 && os->frame[0].frame_number_high == 0);
  uint rendered = 0;
  if (worker) {
    ushort list[GPUOS_MAX_PRIMITIVES];
    for (uint tile_index = worker_index; tile_index < tiles_x * tiles_y; tile_index += OS_RENDER_THREADS) {
      const uint tx = tile_index % tiles_x;
      const uint ty = tile_index / tiles_x;
      const os_rect tile = {int(tx * GPUOS_TILE_SIZE), int(ty * GPUOS_TILE_SIZE),
                            min(int((tx + 1u) * GPUOS_TILE_SIZE), int(width)), min(int((ty + 1u) * GPUOS_TILE_SIZE), int(height))};
      device const ushort* row_list = row_lists + ty * stride;
      const uint row_count = min(uint(row_list[0]), GPUOS_MAX_PRIMITIVES);
      uint count = 0;
      for (uint i = 0; i < row_count; ++i) {
        const os_rect reach = os_primitive_reach(os->primitives[row_list[1u + i]]);
        if (reach.x0 < tile.x1 && reach.x1 > tile.x0) list[count++] = row_list[1u + i];
      }
      const ulong signature = os_tile_signature(os, tile, list, count);
      device gpuos_tile_state& state = tiles[tile_index];
      if (!full_redraw && os_u64(state.signature_low, state.signature_high) == signature) continue;
      os_draw_tile(os, pixels, width, tile, list, count);
      state.signature_low = uint(signature);
      state.signature_high = uint(signature >> 32);
      ++rendered;
    }
    rendered = simd_sum(rendered);
    if (lane == 0) scratch.tiles_rendered[simd - OS_SIMD_RENDER_FIRST] = rendered;
  }
  if (tid == OS_SIMD_RENDER_FIRST * 32u) os->frame[0].tiles_total = tiles_x * tiles_y;
}

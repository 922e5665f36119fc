// Phase 7, tile rendering: software rasterisation into the framebuffer, in 16x16 tiles, on all 32
// SIMD-groups (the PRD gives it groups 21-30; every earlier phase is done by now, so the others
// would only wait: docs/OS_KERNEL.md, "Phase 7 on every SIMD-group").
//
//   reach    a thread a primitive: the pixels it can change (its bounds, one pixel wider for
//            anti-aliasing, within its clip), into the scratch buffer (kernels/os/render_scratch.h)
//   rows     a thread a tile row: the primitives reaching the row, in draw order
//   damage   a thread a tile (every 1024th): its primitives, and a signature of everything its
//            pixels depend on (every primitive that reaches it, the characters of text that cross
//            it, its position); a tile whose signature equals last frame's is already right and is
//            skipped, so idle frames draw nothing and a moving cursor redraws two tiles. A frame
//            with GPUOS_FRAME_FORCE_FULL_REDRAW draws every tile: the pixels must be the same
//            either way. A changed tile gets its list of layers and its changed flag
//   dirty    a thread a run of tiles: the changed ones, in tile order, into the dirty list
//   draw     a SIMD-group two dirty tiles (consecutive in the dirty list, so usually side by
//            side), a thread a column of one of them: a store writes a 128-byte row of the pair
//
// Drawing a tile starts from the topmost opaque primitive that covers all of it (everything under
// it is invisible), then blends each primitive above it with its anti-aliased coverage, evaluated
// only over the pixels it can reach, and not at all where the answer is known: inside an outline's
// hole (coverage 0) or a rounded fill's core (coverage 255).
#pragma once

#include "render_scratch.h"

#define OS_CLEAR_COLOR 0xff000000u

static_assert(GPUOS_MAX_TILES <= OS_THREADS * 32u, "a thread's run of tiles must fit a 32-bit mask");
static_assert(GPUOS_TILE_SIZE == 16u, "the draw step gives each half of a SIMD-group one 16-column tile");

// What a primitive can touch: its bounds (one pixel wider for anti-aliasing) within its clip.
static inline os_rect os_primitive_reach(device const gpuos_primitive& p) {
  os_rect r = {max(int(p.x0) - 1, int(p.clip_x0)), max(int(p.y0) - 1, int(p.clip_y0)), min(int(p.x1) + 1, int(p.clip_x1)),
               min(int(p.y1) + 1, int(p.clip_y1))};
  if (p.kind == GPUOS_PRIMITIVE_CURSOR) r = {p.x0, p.y0, p.x1, p.y1};
  return r;
}

static inline os_rect os_stored_reach(device const short* reach, uint primitive) {
  device const short* r = reach + primitive * 4u;
  os_rect out = {r[0], r[1], r[2], r[3]};
  return out;
}

// Tile `index` of a framebuffer `tiles_x` tiles wide, cut by its right and bottom edges.
static inline os_rect os_tile_rect(uint index, uint tiles_x, uint width, uint height) {
  const uint tx = index % tiles_x;
  const uint ty = index / tiles_x;
  os_rect tile = {int(tx * GPUOS_TILE_SIZE), int(ty * GPUOS_TILE_SIZE), min(int((tx + 1u) * GPUOS_TILE_SIZE), int(width)),
                  min(int((ty + 1u) * GPUOS_TILE_SIZE), int(height))};
  return tile;
}

// A tile row's list of primitives (its count is the word before it).
static inline device const ushort* os_row_list(device const ushort* row_lists, uint tile_row) {
  return row_lists + tile_row * OS_ROW_LIST_STRIDE + 1u;
}

static inline uint os_row_count(device const ushort* row) { return min(uint(row[-1]), GPUOS_MAX_PRIMITIVES); }

// Does an opaque fill cover every pixel of the tile completely (corners included)?
static inline bool os_covers_tile(device const gpuos_primitive& p, os_rect tile) {
  if (p.kind != GPUOS_PRIMITIVE_FILL || (p.color >> 24) != 0xffu) return false;
  if (tile.x0 < p.clip_x0 || tile.y0 < p.clip_y0 || tile.x1 > p.clip_x1 || tile.y1 > p.clip_y1) return false;
  if (tile.x0 < p.x0 || tile.y0 < p.y0 || tile.x1 > p.x1 || tile.y1 > p.y1) return false;
  const int r = p.radius;
  return r == 0 || (tile.x0 >= p.x0 + r && tile.x1 <= p.x1 - r) || (tile.y0 >= p.y0 + r && tile.y1 <= p.y1 - r);
}

// Does a primitive of the tile's row list reach into the tile's columns?
static inline bool os_in_tile(device const short* reach, uint primitive, os_rect tile) {
  const os_rect r = os_stored_reach(reach, primitive);
  return r.x0 < tile.x1 && r.x1 > tile.x0;
}

static ulong os_tile_signature(device const gpuos_os_state* os, device const short* reach, os_rect tile, device const ushort* row, uint row_count,
                               uint count) {
  ulong hash = os_hash_mix(os_hash_mix(0x6770756f73ul, uint(tile.x0) | (uint(tile.y0) << 16)), count);
  for (uint i = 0; i < row_count; ++i) {
    if (!os_in_tile(reach, row[i], tile)) continue;
    device const gpuos_primitive& p = os->primitives[row[i]];
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

// The rows a thread of the draw step owns: one column of the tile, every row. (Unrolling the loops
// over them keeps the colours out of local memory but spills registers instead: measured slower
// on an H100, docs/CUDA.md.)
#define OS_ROWS_PER_THREAD 16

// Blends one primitive into a thread's pixels: column px, rows py0 + k, those inside `area` (the
// pixels of the tile the primitive can change). The loops run over the rows of `area` only.
// METAL_FUNC (always inline): nvcc inlines it anyway (the PTX is the same with or without), but the
// emulator's compiler kept it a call per layer and per thread, 5% of a full redraw there.
METAL_FUNC static void os_blend_layer(device const gpuos_os_state* os, thread const gpuos_primitive& p, os_rect area, int px, int py0,
                           thread uint* colors) {
  if (px < area.x0 || px >= area.x1) return;
  const int k0 = clamp(area.y0 - py0, 0, OS_ROWS_PER_THREAD);
  const int k1 = clamp(area.y1 - py0, 0, OS_ROWS_PER_THREAD);
  switch (p.kind) {
    case GPUOS_PRIMITIVE_FILL: {
      if (p.radius == 0) {
        // Coverage is 255 inside the rectangle and 0 outside it.
        if (px < p.x0 || px >= p.x1) return;
        const int fill_k1 = min(k1, int(p.y1) - py0);
        for (int k = max(k0, int(p.y0) - py0); k < fill_k1; ++k) colors[k] = os_blend(colors[k], p.color, 255u);
        return;
      }
      const os_round_rect shape = os_round_rect_prepare(p.x0, p.y0, p.x1, p.y1, p.radius);
      const int dx = os_round_rect_dx(shape, px);
      for (int k = k0; k < k1; ++k) {
        const int py = py0 + k;
        const uint coverage = os_round_rect_core(p.x0, p.y0, p.x1, p.y1, p.radius, px, py)
                                  ? 255u
                                  : os_coverage_from_distance(os_round_rect_distance(shape, dx, os_round_rect_dy(shape, py)));
        colors[k] = os_blend(colors[k], p.color, coverage);
      }
      return;
    }
    case GPUOS_PRIMITIVE_STROKE: {
      // The outline is the outer rounded rectangle less the inner one, which exists only where
      // the stroke leaves a hole; inside the inner one's core both cover fully and nothing shows.
      const int s = p.stroke;
      const int inner_radius = max(int(p.radius) - s, 0);
      const bool hollow = p.x1 - p.x0 > 2 * s && p.y1 - p.y0 > 2 * s;
      const os_round_rect outer = os_round_rect_prepare(p.x0, p.y0, p.x1, p.y1, p.radius);
      const os_round_rect inner = os_round_rect_prepare(p.x0 + s, p.y0 + s, p.x1 - s, p.y1 - s, inner_radius);
      const int outer_dx = os_round_rect_dx(outer, px);
      const int inner_dx = os_round_rect_dx(inner, px);
      for (int k = k0; k < k1; ++k) {
        const int py = py0 + k;
        if (hollow && os_round_rect_core(p.x0 + s, p.y0 + s, p.x1 - s, p.y1 - s, inner_radius, px, py)) continue;
        const int outer_coverage = int(os_coverage_from_distance(os_round_rect_distance(outer, outer_dx, os_round_rect_dy(outer, py))));
        const int inner_coverage = hollow ? int(os_coverage_from_distance(os_round_rect_distance(inner, inner_dx, os_round_rect_dy(inner, py)))) : 0;
        colors[k] = os_blend(colors[k], p.color, uint(max(outer_coverage - inner_coverage, 0)));
      }
      return;
    }
    case GPUOS_PRIMITIVE_TEXT: {
      const int glyph = os_text_column_glyph(os, p, px);
      if (glyph < 0) return;
      const uint gx = uint((px - p.x0) % os_font_advance(p.font));
      for (int k = k0; k < k1; ++k) {
        const int py = py0 + k;
        colors[k] = os_blend(colors[k], p.color, os_text_coverage(p, glyph, gx, py));
      }
      return;
    }
    case GPUOS_PRIMITIVE_CHECK: {
      const os_check_shape shape = os_check_prepare(p);
      for (int k = k0; k < k1; ++k) {
        const int py = py0 + k;
        colors[k] = os_blend(colors[k], p.color, os_check_coverage(shape, px, py));
      }
      return;
    }
    case GPUOS_PRIMITIVE_CURSOR: {
      // White arrow with a one-pixel black outline.
      for (int k = k0; k < k1; ++k) {
        const int py = py0 + k;
        const int distance = os_cursor_distance(p, px, py);
        const uint outlined = os_blend(colors[k], 0xff000000u, os_coverage_from_distance(distance - OS_SUBPIXELS));
        colors[k] = os_blend(outlined, 0xffffffffu, os_coverage_from_distance(distance));
      }
      return;
    }
    default:
      return;
  }
}

// One layer of a tile: the primitive, and the pixels of the tile it can change.
static inline void os_draw_layer(device const gpuos_os_state* os, device const short* reach, uint primitive, os_rect tile, int px, int py0,
                                 thread uint* colors) {
  device const gpuos_primitive& stored = os->primitives[primitive];
  const os_rect clip = {stored.clip_x0, stored.clip_y0, stored.clip_x1, stored.clip_y1};
  // The cursor's reach is its bounds: its clip applies here.
  const os_rect area = os_intersect(os_intersect(os_stored_reach(reach, primitive), tile), clip);
  if (px < area.x0 || px >= area.x1 || area.y0 >= area.y1) return;  // nothing of it in this column: no copy, no call
  const gpuos_primitive p = stored;  // read once, not once per pixel
  os_blend_layer(os, p, area, px, py0, colors);
}

// Half a SIMD-group draws one tile: this thread's column, every layer in draw order.
static void os_draw_tile(device const gpuos_os_state* os, device const short* reach, device uint* pixels, uint width, os_rect tile,
                         device const ushort* tile_list, device const ushort* row, uint lane) {
  const int px = tile.x0 + int(lane % 16u);
  const int py0 = tile.y0;
  const uint base = tile_list[OS_TILE_LIST_BASE];
  uint colors[OS_ROWS_PER_THREAD];
  const uint base_color = base == 0u ? OS_CLEAR_COLOR : os->primitives[base - 1u].color;
  for (int k = 0; k < OS_ROWS_PER_THREAD; ++k) colors[k] = base_color;
  const uint layers = tile_list[OS_TILE_LIST_LAYERS];
  if (layers <= OS_TILE_LIST_CAPACITY) {
    for (uint i = 0; i < layers; ++i) os_draw_layer(os, reach, tile_list[OS_TILE_LIST_HEADER + i], tile, px, py0, colors);
  } else {
    // More layers than a tile list holds: take them from the row list, as the damage step did.
    const uint first = tile_list[OS_TILE_LIST_FIRST];
    const uint row_count = os_row_count(row);
    uint seen = 0;
    for (uint i = 0; i < row_count; ++i) {
      if (!os_in_tile(reach, row[i], tile)) continue;
      if (seen++ >= first) os_draw_layer(os, reach, row[i], tile, px, py0, colors);
    }
  }
  if (px >= tile.x1) return;
  device uint* column = pixels + uint(py0) * width + uint(px);
  const int rows = min(tile.y1 - py0, OS_ROWS_PER_THREAD);
  for (int k = 0; k < rows; ++k) column[uint(k) * width] = colors[k];
}

// A tile's damage: its primitives, and the topmost that covers it all (the layers start above
// it), and its signature. A tile whose signature equals last frame's is already right: false.
// Otherwise its new signature is kept and its list of layers written: true.
static bool os_tile_damage(device const gpuos_os_state* os, device const short* reach, os_rect tile, device const ushort* row, bool full_redraw,
                           device gpuos_tile_state& state, device ushort* list) {
  const uint row_count = os_row_count(row);
  uint count = 0;
  uint first = 0;
  uint base = 0;
  for (uint i = 0; i < row_count; ++i) {
    if (!os_in_tile(reach, row[i], tile)) continue;
    ++count;
    if (os_covers_tile(os->primitives[row[i]], tile)) {
      first = count;
      base = uint(row[i]) + 1u;
    }
  }
  const ulong signature = os_tile_signature(os, reach, tile, row, row_count, count);
  if (!full_redraw && os_u64(state.signature_low, state.signature_high) == signature) return false;
  state.signature_low = uint(signature);
  state.signature_high = uint(signature >> 32);
  list[OS_TILE_LIST_LAYERS] = ushort(count - first);
  list[OS_TILE_LIST_BASE] = ushort(base);
  list[OS_TILE_LIST_FIRST] = ushort(first);
  if (count - first <= OS_TILE_LIST_CAPACITY) {
    uint seen = 0;
    uint n = 0;
    for (uint i = 0; i < row_count; ++i) {
      if (!os_in_tile(reach, row[i], tile)) continue;
      if (seen++ >= first) list[OS_TILE_LIST_HEADER + n++] = row[i];
    }
  }
  return true;
}

static void os_phase_render(device gpuos_os_state* os, device uint* pixels, device gpuos_tile_state* tiles,
                            device ushort* scratch_words, threadgroup os_scratch& scratch, uint tid, uint lane, uint simd) {
  const uint width = min(os->input[0].width, GPUOS_MAX_FRAMEBUFFER_WIDTH);
  const uint height = min(os->input[0].height, GPUOS_MAX_FRAMEBUFFER_HEIGHT);
  const uint tiles_x = (width + GPUOS_TILE_SIZE - 1u) / GPUOS_TILE_SIZE;
  const uint tiles_y = (height + GPUOS_TILE_SIZE - 1u) / GPUOS_TILE_SIZE;
  const uint tile_count = tiles_x * tiles_y;
  const uint primitive_count = min(scratch.primitive_count, GPUOS_MAX_PRIMITIVES);
  device short* reach = (device short*)scratch_words;
  device ushort* row_lists = scratch_words + OS_RENDER_REACH_WORDS;
  device ushort* tile_lists = row_lists + tiles_y * OS_ROW_LIST_STRIDE;
  device ushort* changed_tiles = tile_lists + tile_count * OS_TILE_LIST_STRIDE;
  device ushort* dirty_tiles = changed_tiles + tile_count;

  // Reach: a thread a primitive.
  for (uint p = tid; p < primitive_count; p += OS_THREADS) {
    device const gpuos_primitive& primitive = os->primitives[p];
    const os_rect r = primitive.kind == 0 ? os_rect{0, 0, 0, 0} : os_primitive_reach(primitive);
    reach[p * 4u + 0u] = short(r.x0);
    reach[p * 4u + 1u] = short(r.y0);
    reach[p * 4u + 2u] = short(r.x1);
    reach[p * 4u + 3u] = short(r.y1);
  }
  threadgroup_barrier(mem_flags::mem_device);

  // Rows: each tile row's primitives, in draw order.
  for (uint row = tid; row < tiles_y; row += OS_THREADS) {
    const int y0 = int(row * GPUOS_TILE_SIZE);
    const int y1 = min(y0 + int(GPUOS_TILE_SIZE), int(height));
    device ushort* list = row_lists + row * OS_ROW_LIST_STRIDE;
    uint n = 0;
    for (uint p = 0; p < primitive_count; ++p) {
      const os_rect r = os_stored_reach(reach, p);
      if (r.x1 > r.x0 && r.y0 < y1 && r.y1 > y0) list[1u + n++] = ushort(p);
    }
    list[0] = ushort(n);
  }
  threadgroup_barrier(mem_flags::mem_device);

  // Damage: thread t the tiles t, t + 1024, ...: neighbouring threads take neighbouring tiles of
  // one row (the same row list), and each thread's tiles lie rows apart, so a band of busy rows is
  // shared by every SIMD-group instead of falling to a few (measured: docs/CUDA.md).
  const bool full_redraw = (os->input[0].flags & GPUOS_FRAME_FORCE_FULL_REDRAW) != 0 ||
                           (os->frame[0].frame_number_low == 0 && os->frame[0].frame_number_high == 0);
  for (uint tile_index = tid; tile_index < tile_count; tile_index += OS_THREADS) {
    const os_rect tile = os_tile_rect(tile_index, tiles_x, width, height);
    changed_tiles[tile_index] =
        os_tile_damage(os, reach, tile, os_row_list(row_lists, tile_index / tiles_x), full_redraw, tiles[tile_index],
                       tile_lists + tile_index * OS_TILE_LIST_STRIDE)
            ? 1u
            : 0u;
  }
  threadgroup_barrier(mem_flags::mem_device);

  // The dirty list, in tile order: a thread reads the flags of a run of consecutive tiles; its
  // place is the count of changed tiles before its run (a prefix sum within the SIMD-group, then
  // over the groups' totals), so the order never depends on timing.
  const uint run = (tile_count + OS_THREADS - 1u) / OS_THREADS;
  const uint run_start = min(tid * run, tile_count);
  const uint run_end = min(run_start + run, tile_count);
  uint changed = 0;
  for (uint tile_index = run_start; tile_index < run_end; ++tile_index) changed |= uint(changed_tiles[tile_index]) << (tile_index - run_start);
  const uint mine = popcount(changed);
  const uint before_in_group = simd_prefix_exclusive_sum(mine);
  const uint group_total = simd_sum(mine);
  if (lane == 0) scratch.tiles_rendered[simd] = group_total;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  uint offset = before_in_group;
  uint dirty_count = 0;
  for (uint group = 0; group < OS_SIMD_GROUPS; ++group) {
    if (group < simd) offset += scratch.tiles_rendered[group];
    dirty_count += scratch.tiles_rendered[group];
  }
  for (uint bits = changed; bits != 0u; bits &= bits - 1u) dirty_tiles[offset++] = ushort(run_start + ctz(bits));
  threadgroup_barrier(mem_flags::mem_device);

  // Draw: a SIMD-group two dirty tiles, one per half. The dirty list is taken in rounds of
  // OS_SIMD_GROUPS pairs, a pair a group each round, so every group's tiles are spread over the
  // whole frame (busy tiles cluster; equal runs of the list were slower on the GPU). Group g takes
  // pair (g + round) % 32 of its round, not pair g: a group's successive tiles are then 66 tiles
  // apart rather than 64, so their rows (64 tiles of 64 bytes is 4 KiB) do not all fall in the
  // same few cache sets, on a GPU's L1 or a CPU's (docs/OS_KERNEL.md, "Phase 7").
  for (uint round = 0; round * OS_SIMD_GROUPS * 2u < dirty_count; ++round) {
    const uint pair = round * OS_SIMD_GROUPS + (simd + round) % OS_SIMD_GROUPS;
    const uint d = pair * 2u + lane / 16u;
    if (d < dirty_count) {  // the last pair may be one tile
      const uint tile_index = dirty_tiles[d];
      os_draw_tile(os, reach, pixels, width, os_tile_rect(tile_index, tiles_x, width, height), tile_lists + tile_index * OS_TILE_LIST_STRIDE,
                   os_row_list(row_lists, tile_index / tiles_x), lane);
    }
  }
  if (tid == 0u) os->frame[0].tiles_total = tile_count;
}

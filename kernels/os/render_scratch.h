/*
 * Buffer 3, the renderer's scratch (kernels/os/phase_7_render.h): device memory the kernel
 * rebuilds from nothing every frame it renders. Never digested, kept or checkpointed; the host
 * only sizes it, from os_render_scratch_words below (src/os/session.ts reads these constants
 * through the exported threadgroup layout, native/os/abi_layout.cpp).
 *
 * In 16-bit words, one region after another:
 *   reach        GPUOS_MAX_PRIMITIVES x 4: each primitive's reach (x0, y0, x1, y1: the pixels it
 *                can change; empty for an unused slot)
 *   row lists    tile rows x OS_ROW_LIST_STRIDE: a count, then the primitives reaching the tile
 *                row, in draw order
 *   tile lists   tiles x OS_TILE_LIST_STRIDE: for a tile drawn this frame, the layers to blend
 *                (OS_TILE_LIST_* below)
 *   changed      tiles: 1 for a tile drawn this frame, 0 for one whose pixels are already right
 *   dirty tiles  tiles: the tiles drawn this frame, in tile order
 */
#ifndef GPUOS_RENDER_SCRATCH_H
#define GPUOS_RENDER_SCRATCH_H

#include "../gpuos_abi.h"

#define OS_ROW_LIST_STRIDE (GPUOS_MAX_PRIMITIVES + 1u)
/* A tile list: how many layers to blend, the primitive under them (+1; 0: the clear colour), where
   the first of them is in the tile's own list (for a tile with more layers than fit, which then
   takes them from its row list), then up to OS_TILE_LIST_CAPACITY primitives. */
#define OS_TILE_LIST_LAYERS 0u
#define OS_TILE_LIST_BASE 1u
#define OS_TILE_LIST_FIRST 2u
#define OS_TILE_LIST_HEADER 3u
#define OS_TILE_LIST_CAPACITY 29u
#define OS_TILE_LIST_STRIDE (OS_TILE_LIST_HEADER + OS_TILE_LIST_CAPACITY)

#define OS_RENDER_REACH_WORDS (GPUOS_MAX_PRIMITIVES * 4u)
/* A tile's words: its list, its changed flag and its place in the dirty list. */
#define OS_RENDER_WORDS_PER_TILE (OS_TILE_LIST_STRIDE + 2u)
#define OS_RENDER_SCRATCH_WORDS(tiles_x, tiles_y) \
  (OS_RENDER_REACH_WORDS + (tiles_y) * OS_ROW_LIST_STRIDE + (tiles_x) * (tiles_y) * OS_RENDER_WORDS_PER_TILE)

/* Exported to TypeScript by name with os_scratch (native/os/abi_layout.cpp). */
#define OS_RENDER_SCRATCH_CONSTANTS(C) \
  C(OS_ROW_LIST_STRIDE) C(OS_TILE_LIST_STRIDE) C(OS_TILE_LIST_CAPACITY) C(OS_RENDER_REACH_WORDS) C(OS_RENDER_WORDS_PER_TILE)

#endif /* GPUOS_RENDER_SCRATCH_H */

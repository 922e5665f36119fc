// Phase 5, visibility and z-order (SIMD-groups 7-10 for keys, SIMD-group 7 for the sort).
//
// A widget is drawn when it and its ancestors are shown and some of it survives clipping (by the
// screen and by scroll views): layout already marked that. Each drawn widget gets the key
// (z << 16) | widget, every other slot 0xffffffff; SIMD-group 7 sorts the 256 keys with a bitonic
// network held in registers, so the draw order comes out sorted, drawn widgets first, with no
// barrier. Lane L holds keys 8L..8L+7: partners fewer than 8 apart are in the same lane; farther
// ones are in lane L ^ (stride / 8), and all 8 keys travel in one pair of uint4 shuffles, so a
// whole sort is 15 exchanges of two shuffles each.
#pragma once

#define OS_SORT_KEYS_PER_LANE (GPUOS_MAX_WIDGETS / 32u)
#define OS_NOT_DRAWN 0xffffffffu

static_assert(OS_SORT_KEYS_PER_LANE == 8u, "the sort moves a lane's keys as two uint4");

static void os_sort_keys(thread uint* keys, uint lane) {
  for (uint size = 2; size <= GPUOS_MAX_WIDGETS; size <<= 1) {
    for (uint stride = size >> 1; stride > 0; stride >>= 1) {
      if (stride >= OS_SORT_KEYS_PER_LANE) {
        // Every key's partner is in lane ^ lane_mask, same register; the direction is the lane's.
        const ushort lane_mask = ushort(stride / OS_SORT_KEYS_PER_LANE);
        const uint4 low = simd_shuffle_xor(uint4(keys[0], keys[1], keys[2], keys[3]), lane_mask);
        const uint4 high = simd_shuffle_xor(uint4(keys[4], keys[5], keys[6], keys[7]), lane_mask);
        // Component-wise, with no runtime vector indexing (which CUDA's uint4 lacks).
        const bool ascending = ((lane * OS_SORT_KEYS_PER_LANE) & size) == 0;
        const bool keep_min = ((lane & lane_mask) == 0) == ascending;
        const uint4 mine_low = uint4(keys[0], keys[1], keys[2], keys[3]);
        const uint4 mine_high = uint4(keys[4], keys[5], keys[6], keys[7]);
        const uint4 kept_low = keep_min ? min(mine_low, low) : max(mine_low, low);
        const uint4 kept_high = keep_min ? min(mine_high, high) : max(mine_high, high);
        keys[0] = kept_low.x;
        keys[1] = kept_low.y;
        keys[2] = kept_low.z;
        keys[3] = kept_low.w;
        keys[4] = kept_high.x;
        keys[5] = kept_high.y;
        keys[6] = kept_high.z;
        keys[7] = kept_high.w;
      } else {
        for (uint i = 0; i < OS_SORT_KEYS_PER_LANE; ++i) {
          const uint partner = i ^ stride;
          if (partner <= i) continue;
          const bool ascending = ((lane * OS_SORT_KEYS_PER_LANE + i) & size) == 0;
          const uint a = keys[i];
          const uint b = keys[partner];
          if ((a > b) == ascending) {
            keys[i] = b;
            keys[partner] = a;
          }
        }
      }
    }
  }
}

static void os_phase_visibility(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, uint lane, uint simd) {
  const bool worker = simd >= OS_SIMD_STATE_FIRST && simd <= OS_SIMD_STATE_LAST;
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  if (worker) {
    for (uint widget = tid - OS_SIMD_STATE_FIRST * 32u; widget < GPUOS_MAX_WIDGETS; widget += OS_STATE_THREADS) {
      const bool drawn = widget < count && os->layout[widget].visible != 0;
      scratch.draw_order[widget] = drawn ? ((uint(os->layout[widget].z) << 16) | widget) : OS_NOT_DRAWN;
    }
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (simd == OS_SIMD_STATE_FIRST) {
    uint keys[OS_SORT_KEYS_PER_LANE];
    for (uint i = 0; i < OS_SORT_KEYS_PER_LANE; ++i) keys[i] = scratch.draw_order[lane * OS_SORT_KEYS_PER_LANE + i];
    os_sort_keys(keys, lane);
    uint drawn = 0;
    for (uint i = 0; i < OS_SORT_KEYS_PER_LANE; ++i) {
      scratch.draw_order[lane * OS_SORT_KEYS_PER_LANE + i] = keys[i];
      drawn += keys[i] != OS_NOT_DRAWN ? 1u : 0u;
    }
    drawn = simd_sum(drawn);
    if (lane == 0) {
      scratch.visible_count = drawn;
      os->frame[0].visible_widgets = drawn;
    }
  }
}

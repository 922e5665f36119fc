// Phase 5, visibility and z-order (SIMD-groups 7-10 for keys, SIMD-group 7 for the sort).
//
// A widget is drawn when it and its ancestors are shown and some of it survives clipping (by the
// screen and by scroll views): layout already marked that. Each drawn widget gets the key
// (z << 16) | widget, every other slot 0xffffffff; SIMD-group 7 sorts the 256 keys with a bitonic
// network held in registers (8 keys a lane: partners under 32 apart via simd_shuffle_xor, farther
// ones within the lane), so the draw order comes out sorted, drawn widgets first, with no barrier.
#pragma once

#define OS_SORT_KEYS_PER_LANE (GPUOS_MAX_WIDGETS / 32u)
#define OS_NOT_DRAWN 0xffffffffu

static void os_sort_keys(thread uint* keys, uint lane) {
  for (uint size = 2; size <= GPUOS_MAX_WIDGETS; size <<= 1) {
    for (uint stride = size >> 1; stride > 0; stride >>= 1) {
      for (uint i = 0; i < OS_SORT_KEYS_PER_LANE; ++i) {
        const uint element = i * 32u + lane;
        const bool ascending = (element & size) == 0;
        if (stride < 32u) {
          // Partner in another lane, same register: exchange through the SIMD-group.
          const uint other = simd_shuffle_xor(keys[i], ushort(stride));
          const bool lower = (lane & stride) == 0;
          keys[i] = (lower == ascending) ? min(keys[i], other) : max(keys[i], other);
        } else {
          // Partner in this lane, another register.
          const uint partner = i ^ (stride / 32u);
          if (partner > i) {
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
    for (uint i = 0; i < OS_SORT_KEYS_PER_LANE; ++i) keys[i] = scratch.draw_order[i * 32u + lane];
    os_sort_keys(keys, lane);
    uint drawn = 0;
    for (uint i = 0; i < OS_SORT_KEYS_PER_LANE; ++i) {
      scratch.draw_order[i * 32u + lane] = keys[i];
      drawn += keys[i] != OS_NOT_DRAWN ? 1u : 0u;
    }
    drawn = simd_sum(drawn);
    if (lane == 0) {
      scratch.visible_count = drawn;
      os->frame[0].visible_widgets = drawn;
    }
  }
}

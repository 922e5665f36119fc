// Phase 8, frame finalisation (SIMD-group 31): the frame counter and the frame's time (taken from
// the host's frame input, never a clock), which phases ran, and this frame's rendering statistics.
#pragma once

static void os_phase_finalize(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, bool rendered_frame) {
  if (tid != OS_SIMD_FINALIZE * 32u) return;
  device gpuos_frame_state& frame = os->frame[0];
  device const gpuos_frame_input& input = os->input[0];
  const ulong frame_number = os_u64(frame.frame_number_low, frame.frame_number_high) + 1ul;
  frame.frame_number_low = uint(frame_number);
  frame.frame_number_high = uint(frame_number >> 32);
  frame.time_us_low = input.time_us_low;
  frame.time_us_high = input.time_us_high;
  frame.time_seconds = float(os_u64(input.time_us_low, input.time_us_high)) / 1000000.0f;
  frame.delta_time = float(input.delta_us) / 1000000.0f;
  frame.phases_run = rendered_frame ? GPUOS_PHASES_ALL : GPUOS_PHASES_RETAINED;
  if (!rendered_frame) {
    // Nothing was drawn; the primitives, and so the glyph count, are last frame's.
    frame.tiles_rendered = 0;
    return;
  }
  uint rendered = 0;
  uint glyphs = 0;
  for (uint group = 0; group < OS_SIMD_GROUPS; ++group) rendered += scratch.tiles_rendered[group];
  for (uint group = 0; group < OS_GEOMETRY_GROUPS; ++group) glyphs += scratch.glyphs_drawn[group];
  frame.tiles_rendered = rendered;
  frame.glyphs_drawn = glyphs;
}

// Reads both font atlases through MSL `constant` memory and copies them out, so
// test/font/font_atlas.test.ts can check that kernels see exactly the bytes the header holds.
#include <metal_stdlib>
#include "../../kernels/font_atlas.h"
using namespace metal;

kernel void font_atlas_probe(device uchar* out [[buffer(0)]],
                             uint tid [[thread_index_in_threadgroup]],
                             uint threads [[threads_per_threadgroup]]) {
  const uint body = GPUOS_FONT_GLYPH_COUNT * GPUOS_FONT_BODY_CELL_H * GPUOS_FONT_BODY_CELL_W;
  const uint title = GPUOS_FONT_GLYPH_COUNT * GPUOS_FONT_TITLE_CELL_H * GPUOS_FONT_TITLE_CELL_W;
  for (uint i = tid; i < body; i += threads) out[i] = gpuos_font_body[i];
  for (uint i = tid; i < title; i += threads) out[body + i] = gpuos_font_title[i];
}

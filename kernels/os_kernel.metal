// The GPU-native OS: one frame, in one 1024-thread threadgroup (../shared/PRD.md).
//
// Eight phases, in the PRD's order, separated by threadgroup barriers; each runs on its SIMD-groups
// (kernels/os/os_common.h) while the others wait. State lives in device memory between frames:
// buffer 0 the OS state (kernels/gpuos_abi.h), buffer 1 the framebuffer (RGBA8), buffer 2 one
// damage signature per tile, buffer 3 the renderer's scratch (kernels/os/render_scratch.h). Time
// comes from the frame input the host writes; nothing reads a clock.
//
// Dispatch exactly 1024 threads: the SIMD-group roles assume all 32 groups.
#include <metal_stdlib>
using namespace metal;

#include "gpuos_abi.h"
#include "font_atlas.h"
#include "os/os_common.h"
#include "os/phase_1_input.h"
#include "os/phase_2_hit_test.h"
#include "os/phase_3_dispatch.h"
#include "os/phase_4_layout.h"
#include "os/phase_5_visibility.h"
#include "os/phase_6_geometry.h"
#include "os/render_coverage.h"
#include "os/phase_7_render.h"
#include "os/phase_8_finalize.h"

[[max_total_threads_per_threadgroup(1024)]]
kernel void gpuos_os_frame(device gpuos_os_state* os [[buffer(0)]],
                           device uint* pixels [[buffer(1)]],
                           device gpuos_tile_state* tiles [[buffer(2)]],
                           device ushort* render_scratch [[buffer(3)]],
                           uint tid [[thread_index_in_threadgroup]],
                           uint lane [[thread_index_in_simdgroup]],
                           uint simd [[simdgroup_index_in_threadgroup]])
{
    threadgroup os_scratch scratch;

    // 1. Input: this frame's events, validated, into threadgroup memory.
    os_phase_input(os, scratch, lane, simd);
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);

    // 2-3. Hit testing and event dispatch, event by event; then animations.
    os_phase_dispatch(os, scratch, tid, lane, simd);
    os_phase_animate(os, scratch, tid, lane, simd);
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);

    // A frame that looks exactly like the last one keeps the last one's layout, primitives and
    // pixels (os_frame_changed says what counts). Uniform: every thread decides from the same
    // threadgroup memory, which nothing writes until the next frame on the path that skips.
    const bool changed = os_frame_changed(os, scratch);
    if (changed) {
        // 4. Layout, level by level.
        os_phase_layout(os, scratch, tid, simd);
        threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);

        // 5. Visibility and draw order.
        os_phase_visibility(os, scratch, tid, lane, simd);
        threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);

        // 6. Geometry: primitives for every drawn widget, and the cursor.
        os_phase_geometry(os, scratch, tid, lane, simd);
        threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);

        // 7. Tile rendering, with damage tracking.
        os_phase_render(os, pixels, tiles, render_scratch, scratch, tid, lane, simd);
        threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);
    }

    // 8. Frame bookkeeping.
    os_phase_finalize(os, scratch, tid, changed);
}

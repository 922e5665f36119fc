// The floor for a frame: one threadgroup of 1024 threads writing every pixel of a framebuffer
// once (16 bytes per store), nothing else. bench/gpu.bench.ts runs it beside the OS's frames.
#include <metal_stdlib>
using namespace metal;

kernel void framebuffer_fill(device uint4* pixels [[buffer(0)]],
                             constant uint& quads [[buffer(1)]],
                             uint tid [[thread_index_in_threadgroup]])
{
    for (uint i = tid; i < quads; i += 1024u) {
        pixels[i] = uint4(0xff336699u ^ i);
    }
}

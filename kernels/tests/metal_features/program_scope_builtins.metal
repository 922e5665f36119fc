// Program-scope built-in variables (MSL 3.1): declared once at file scope, read in any function,
// each thread seeing its own value.
#include <metal_stdlib>
using namespace metal;

uint tid [[thread_position_in_grid]];
uint lane [[thread_index_in_simdgroup]];
uint3 threads [[threads_per_threadgroup]];

static uint scaled() { return tid * 10u + lane % 2u; }

kernel void use_program_builtins(device uint* out [[buffer(0)]]) {
  out[tid] = scaled() + threads.x * 1000u;
}

// The first line of every kernel translated for the CUDA backend includes this: the whole
// Metal-compatible library on NVIDIA GPUs, in place of <metal_stdlib>. The scalar, vector, half
// and math code is the CPU emulator's own (native/msl/common); what differs is how threads meet:
// barriers are __syncthreads, SIMD-group functions are warp intrinsics over Metal's active lanes.
#pragma once

#include "../common/msl_base.h"
#include "../common/half.h"
#include "../common/vector_types.h"
#include "../common/math_functions.h"
// nvcc includes the host's <math.h> and <limits.h> (through cuda_runtime.h) before this: MSL's
// constants replace theirs.
#undef MAXFLOAT
#undef HUGE_VALF
#undef INFINITY
#undef NAN
#undef FLT_DIG
#undef FLT_MANT_DIG
#undef FLT_MAX_10_EXP
#undef FLT_MAX_EXP
#undef FLT_MIN_10_EXP
#undef FLT_MIN_EXP
#undef FLT_RADIX
#undef FLT_MAX
#undef FLT_MIN
#undef FLT_EPSILON
#undef HALF_MAX
#undef HALF_MIN
#undef HALF_EPSILON
#undef CHAR_BIT
#undef SCHAR_MAX
#undef SCHAR_MIN
#undef UCHAR_MAX
#undef CHAR_MAX
#undef CHAR_MIN
#undef SHRT_MAX
#undef SHRT_MIN
#undef USHRT_MAX
#undef INT_MAX
#undef INT_MIN
#undef UINT_MAX
#undef LONG_MAX
#undef LONG_MIN
#undef ULONG_MAX
#undef M_E_F
#undef M_LOG2E_F
#undef M_LOG10E_F
#undef M_LN2_F
#undef M_LN10_F
#undef M_PI_F
#undef M_PI_2_F
#undef M_PI_4_F
#undef M_1_PI_F
#undef M_2_PI_F
#undef M_2_SQRTPI_F
#undef M_SQRT2_F
#undef M_SQRT1_2_F
#undef M_E_H
#undef M_PI_H
#undef M_PI_2_H
#undef M_SQRT2_H
#undef GPUOS_INTEGER_LIMITS
#include "../common/constants.h"
#include "../cpu/gpuos_emu_abi.h"
#include "gpuos_cuda_abi.h"
#include "cuda_launch.h"
#include "cuda_barriers.h"
#include "cuda_simdgroup.h"
#include "cuda_atomics.h"

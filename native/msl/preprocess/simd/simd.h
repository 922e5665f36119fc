// Stand-in for Apple's <simd/simd.h> on the MSL side of a header shared with the host: the
// simd_ / vector_ type names as MSL vectors.
#pragma once
#define GPUOS_SIMD_NAMES(element, name) \
  typedef element##2 simd_##name##2; typedef element##3 simd_##name##3; typedef element##4 simd_##name##4; \
  typedef element##2 vector_##name##2; typedef element##3 vector_##name##3; typedef element##4 vector_##name##4;
GPUOS_SIMD_NAMES(float, float)
GPUOS_SIMD_NAMES(half, half)
GPUOS_SIMD_NAMES(int, int)
GPUOS_SIMD_NAMES(uint, uint)
GPUOS_SIMD_NAMES(short, short)
GPUOS_SIMD_NAMES(ushort, ushort)
GPUOS_SIMD_NAMES(char, char)
GPUOS_SIMD_NAMES(uchar, uchar)
#undef GPUOS_SIMD_NAMES
typedef float simd_float1;
typedef int simd_int1;
typedef uint simd_uint1;

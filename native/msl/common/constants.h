// MSL's numeric constants and limits (metal_math / metal_types): M_PI_F, FLT_MAX, INFINITY,
// metal::numeric_limits, … All float constants carry the f suffix: MSL has no double.
#pragma once

#include "half.h"

#define MAXFLOAT 0x1.fffffep+127f
#define HUGE_VALF __builtin_inff()
#define INFINITY __builtin_inff()
#define NAN __builtin_nanf("")
#define FLT_DIG 6
#define FLT_MANT_DIG 24
#define FLT_MAX_10_EXP 38
#define FLT_MAX_EXP 128
#define FLT_MIN_10_EXP (-37)
#define FLT_MIN_EXP (-125)
#define FLT_RADIX 2
#define FLT_MAX 0x1.fffffep+127f
#define FLT_MIN 0x1.0p-126f
#define FLT_EPSILON 0x1.0p-23f
#define HALF_MAX 65504.0f
#define HALF_MIN 0x1.0p-14f
#define HALF_EPSILON 0x1.0p-10f
#define CHAR_BIT 8
#define SCHAR_MAX 127
#define SCHAR_MIN (-128)
#define UCHAR_MAX 255
#define CHAR_MAX SCHAR_MAX
#define CHAR_MIN SCHAR_MIN
#define SHRT_MAX 32767
#define SHRT_MIN (-32768)
#define USHRT_MAX 65535
#define INT_MAX 2147483647
#define INT_MIN (-2147483647 - 1)
#define UINT_MAX 0xffffffffu
#define LONG_MAX 0x7fffffffffffffffL
#define LONG_MIN (-0x7fffffffffffffffL - 1)
#define ULONG_MAX 0xffffffffffffffffUL

#define M_E_F 2.71828182845904523536f
#define M_LOG2E_F 1.44269504088896340736f
#define M_LOG10E_F 0.434294481903251827651f
#define M_LN2_F 0.693147180559945309417f
#define M_LN10_F 2.30258509299404568402f
#define M_PI_F 3.14159265358979323846f
#define M_PI_2_F 1.57079632679489661923f
#define M_PI_4_F 0.785398163397448309616f
#define M_1_PI_F 0.318309886183790671538f
#define M_2_PI_F 0.636619772367581343076f
#define M_2_SQRTPI_F 1.12837916709551257390f
#define M_SQRT2_F 1.41421356237309504880f
#define M_SQRT1_2_F 0.707106781186547524401f
#define M_E_H half(2.71828182845904523536f)
#define M_PI_H half(3.14159265358979323846f)
#define M_PI_2_H half(1.57079632679489661923f)
#define M_SQRT2_H half(1.41421356237309504880f)

namespace metal {

template <class T>
struct numeric_limits;

#define GPUOS_INTEGER_LIMITS(T, lowest_value, max_value, is_signed_value, digit_count)   \
  template <>                                                                             \
  struct numeric_limits<T> {                                                              \
    static constexpr bool is_specialized = true;                                          \
    static constexpr bool is_signed = is_signed_value;                                    \
    static constexpr bool is_integer = true;                                              \
    static constexpr int digits = digit_count;                                            \
    static constexpr GPUOS_FUNC T min() { return lowest_value; }                          \
    static constexpr GPUOS_FUNC T lowest() { return lowest_value; }                       \
    static constexpr GPUOS_FUNC T max() { return max_value; }                             \
  };
GPUOS_INTEGER_LIMITS(bool, false, true, false, 1)
GPUOS_INTEGER_LIMITS(char, SCHAR_MIN, SCHAR_MAX, true, 7)
GPUOS_INTEGER_LIMITS(uchar, 0, UCHAR_MAX, false, 8)
GPUOS_INTEGER_LIMITS(short, SHRT_MIN, SHRT_MAX, true, 15)
GPUOS_INTEGER_LIMITS(ushort, 0, USHRT_MAX, false, 16)
GPUOS_INTEGER_LIMITS(int, INT_MIN, INT_MAX, true, 31)
GPUOS_INTEGER_LIMITS(uint, 0u, UINT_MAX, false, 32)
GPUOS_INTEGER_LIMITS(long, LONG_MIN, LONG_MAX, true, 63)
GPUOS_INTEGER_LIMITS(ulong, 0ul, ULONG_MAX, false, 64)
#undef GPUOS_INTEGER_LIMITS

template <>
struct numeric_limits<float> {
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr int digits = 24;
  static constexpr GPUOS_FUNC float min() { return FLT_MIN; }
  static constexpr GPUOS_FUNC float lowest() { return -FLT_MAX; }
  static constexpr GPUOS_FUNC float max() { return FLT_MAX; }
  static constexpr GPUOS_FUNC float epsilon() { return FLT_EPSILON; }
  static constexpr GPUOS_FUNC float infinity() { return __builtin_inff(); }
  static constexpr GPUOS_FUNC float quiet_NaN() { return __builtin_nanf(""); }
  static constexpr GPUOS_FUNC float denorm_min() { return 0x1.0p-149f; }
};

template <>
struct numeric_limits<half> {
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr int digits = 11;
  static constexpr GPUOS_FUNC half min() { return half::from_bits(0x0400); }
  static constexpr GPUOS_FUNC half lowest() { return half::from_bits(0xfbff); }
  static constexpr GPUOS_FUNC half max() { return half::from_bits(0x7bff); }
  static constexpr GPUOS_FUNC half epsilon() { return half::from_bits(0x1400); }
  static constexpr GPUOS_FUNC half infinity() { return half::from_bits(0x7c00); }
  static constexpr GPUOS_FUNC half quiet_NaN() { return half::from_bits(0x7e00); }
  static constexpr GPUOS_FUNC half denorm_min() { return half::from_bits(0x0001); }
};

}  // namespace metal

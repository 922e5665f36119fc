// MSL `half`: IEEE 754 binary16.
//
// Stored as its 16 bits. Every operation converts to float, computes, and rounds the result back
// to half (round to nearest, ties to even). For + - * / and sqrt that equals correctly rounded
// binary16 arithmetic, because float carries more than 2*11+2 significand bits, so the double
// rounding is harmless; and it gives the same bits on every host (no reliance on _Float16 or on
// the compiler's excess-precision rules). Mixed half/float expressions are float, half/integer
// expressions are half, as in C++'s usual arithmetic conversions with half ranked below float.
#pragma once

#include "msl_base.h"

namespace metal {
namespace detail {

constexpr GPUOS_FUNC ushort float_to_half_bits(float value) {
  const uint x = bit_cast<uint>(value);
  const uint sign = (x >> 16) & 0x8000u;
  const uint magnitude = x & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) {  // infinity or NaN; NaNs stay quiet NaNs with their payload top bits
    return static_cast<ushort>(sign | 0x7c00u | (magnitude > 0x7f800000u ? (0x200u | ((magnitude >> 13) & 0x3ffu)) : 0u));
  }
  if (magnitude >= 0x477ff000u) return static_cast<ushort>(sign | 0x7c00u);  // rounds past 65504
  if (magnitude < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    if (magnitude < 0x33000000u) return static_cast<ushort>(sign);  // below half the smallest subnormal
    const uint exponent = magnitude >> 23;
    const uint mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    const uint shift = 126u - exponent;  // 14..24
    uint result = mantissa >> shift;
    const uint remainder = mantissa & ((1u << shift) - 1u);
    const uint halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (result & 1u))) ++result;
    return static_cast<ushort>(sign | result);
  }
  uint result = (magnitude - 0x38000000u) >> 13;  // rebias the exponent from 127 to 15
  const uint remainder = magnitude & 0x1fffu;
  if (remainder > 0x1000u || (remainder == 0x1000u && (result & 1u))) ++result;  // may carry into inf
  return static_cast<ushort>(sign | result);
}

// A decimal literal with the h suffix is rounded to half once: the translator hands it over as a
// double (53 significand bits, more than the 2*11+2 that make decimal -> double -> half equal to
// decimal -> half), never as a float, whose rounding could land exactly on a half tie.
constexpr GPUOS_FUNC ushort double_to_half_bits(double value) {
  const unsigned long long x = bit_cast<unsigned long long>(value);
  const uint sign = static_cast<uint>(x >> 48) & 0x8000u;
  const unsigned long long magnitude = x & 0x7fffffffffffffffull;
  if (magnitude >= 0x7ff0000000000000ull) {
    return static_cast<ushort>(sign | 0x7c00u | (magnitude > 0x7ff0000000000000ull ? (0x200u | static_cast<uint>((magnitude >> 42) & 0x3ffu)) : 0u));
  }
  if (magnitude >= 0x40effe0000000000ull) return static_cast<ushort>(sign | 0x7c00u);  // rounds past 65504
  const int exponent = static_cast<int>(magnitude >> 52);
  const unsigned long long mantissa = (magnitude & 0xfffffffffffffull) | (exponent != 0 ? (1ull << 52) : 0ull);
  unsigned long long result = 0;
  unsigned long long remainder = 0;
  unsigned long long halfway = 0;
  if (exponent >= 1009) {  // a normal half: unbiased exponent >= -14
    result = (static_cast<unsigned long long>(exponent - 1008) << 10) | ((mantissa >> 42) & 0x3ffu);
    remainder = mantissa & ((1ull << 42) - 1);
    halfway = 1ull << 41;
  } else {  // a subnormal half, in units of 2^-24
    const int shift = 1051 - exponent;
    if (shift >= 64) return static_cast<ushort>(sign);
    result = mantissa >> shift;
    remainder = mantissa & ((1ull << shift) - 1);
    halfway = 1ull << (shift - 1);
  }
  if (remainder > halfway || (remainder == halfway && (result & 1u))) ++result;  // may carry into inf
  return static_cast<ushort>(sign | static_cast<uint>(result));
}

constexpr GPUOS_FUNC float half_bits_to_float(ushort bits) {
  const uint sign = static_cast<uint>(bits & 0x8000u) << 16;
  const uint exponent = (bits >> 10) & 0x1fu;
  const uint mantissa = bits & 0x3ffu;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;  // 2^-24, exact
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

}  // namespace detail
}  // namespace metal

struct half {
  ushort bits_;

  half() = default;
  constexpr GPUOS_FUNC half(float value) : bits_(metal::detail::float_to_half_bits(value)) {}
  template <class I, class = metal::detail::enable_if_t<metal::detail::is_integer<I>::value>>
  constexpr GPUOS_FUNC half(I value) : bits_(metal::detail::float_to_half_bits(static_cast<float>(value))) {}
  constexpr GPUOS_FUNC operator float() const { return metal::detail::half_bits_to_float(bits_); }

  // The translator writes `1.5h` as half::from_literal(1.5): one rounding, decimal to half.
  static constexpr GPUOS_FUNC half from_literal(double value) {
    return from_bits(metal::detail::double_to_half_bits(value));
  }

  static constexpr GPUOS_FUNC half from_bits(ushort bits) {
    half h{};
    h.bits_ = bits;
    return h;
  }

  // h op= x is h = h op x, so the operand's type decides the arithmetic, as for the binary
  // operators below: a float operand gives a float result rounded to half once (not the float
  // rounded to half first), an integer operand converts to half first.
#define GPUOS_HALF_COMPOUND(op)                                                                     \
  GPUOS_FUNC half& operator op##=(half o) { return *this = half(float(*this) op float(o)); }       \
  GPUOS_FUNC half& operator op##=(float o) { return *this = half(float(*this) op o); }             \
  template <class I, class = metal::detail::enable_if_t<metal::detail::is_integer<I>::value>>      \
  GPUOS_FUNC half& operator op##=(I o) {                                                           \
    return *this = half(float(*this) op float(half(o)));                                           \
  }
  GPUOS_HALF_COMPOUND(+)
  GPUOS_HALF_COMPOUND(-)
  GPUOS_HALF_COMPOUND(*)
  GPUOS_HALF_COMPOUND(/)
#undef GPUOS_HALF_COMPOUND
  GPUOS_FUNC half& operator++() { return *this += half(1.0f); }
  GPUOS_FUNC half& operator--() { return *this -= half(1.0f); }
  GPUOS_FUNC half operator++(int) {
    half before = *this;
    *this += half(1.0f);
    return before;
  }
  GPUOS_FUNC half operator--(int) {
    half before = *this;
    *this -= half(1.0f);
    return before;
  }
};

static_assert(sizeof(half) == 2 && alignof(half) == 2, "half must be 2 bytes, 2-aligned (MSL layout)");

GPUOS_FUNC half operator-(half a) { return half::from_bits(static_cast<ushort>(a.bits_ ^ 0x8000u)); }
GPUOS_FUNC half operator+(half a) { return a; }

#define GPUOS_HALF_ARITHMETIC(op)                                                                    \
  GPUOS_FUNC half operator op(half a, half b) { return half(float(a) op float(b)); }                \
  GPUOS_FUNC float operator op(half a, float b) { return float(a) op b; }                           \
  GPUOS_FUNC float operator op(float a, half b) { return a op float(b); }                           \
  template <class I, class = metal::detail::enable_if_t<metal::detail::is_integer<I>::value>>       \
  GPUOS_FUNC half operator op(half a, I b) {                                                        \
    return half(float(a) op float(half(b)));                                                        \
  }                                                                                                 \
  template <class I, class = metal::detail::enable_if_t<metal::detail::is_integer<I>::value>>       \
  GPUOS_FUNC half operator op(I a, half b) {                                                        \
    return half(float(half(a)) op float(b));                                                        \
  }
GPUOS_HALF_ARITHMETIC(+)
GPUOS_HALF_ARITHMETIC(-)
GPUOS_HALF_ARITHMETIC(*)
GPUOS_HALF_ARITHMETIC(/)
#undef GPUOS_HALF_ARITHMETIC

#define GPUOS_HALF_COMPARE(op)                                                                       \
  GPUOS_FUNC bool operator op(half a, half b) { return float(a) op float(b); }                      \
  GPUOS_FUNC bool operator op(half a, float b) { return float(a) op b; }                            \
  GPUOS_FUNC bool operator op(float a, half b) { return a op float(b); }                            \
  template <class I, class = metal::detail::enable_if_t<metal::detail::is_integer<I>::value>>       \
  GPUOS_FUNC bool operator op(half a, I b) {                                                        \
    return float(a) op float(b);                                                                    \
  }                                                                                                 \
  template <class I, class = metal::detail::enable_if_t<metal::detail::is_integer<I>::value>>       \
  GPUOS_FUNC bool operator op(I a, half b) {                                                        \
    return float(a) op float(b);                                                                    \
  }
GPUOS_HALF_COMPARE(==)
GPUOS_HALF_COMPARE(!=)
GPUOS_HALF_COMPARE(<)
GPUOS_HALF_COMPARE(<=)
GPUOS_HALF_COMPARE(>)
GPUOS_HALF_COMPARE(>=)
#undef GPUOS_HALF_COMPARE

namespace metal {
using ::half;
}

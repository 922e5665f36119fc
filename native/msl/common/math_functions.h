// MSL math, common, geometric, integer and relational functions, for scalars and vectors.
//
// Semantics follow the Metal specification's precise variants: fmin/fmax/min/max return the
// non-NaN operand, clamp is min(max(x, lo), hi), mix is x + (y - x) * a, fract is clamped below
// 1. Transcendental functions come from the host's libm (correctly rounded or nearly so), which
// is at least as accurate as Metal's and not bit-identical to it; see docs/KERNEL_SUBSET.md.
// `half` functions compute in float and round the result to half once.
//
// Vector forms apply the scalar function per component. Where MSL allows a scalar in place of a
// vector argument (clamp(v, 0.0, 1.0), mix(a, b, t), step(edge, v), max(v, 0)), so does this.
#pragma once

#include "vector_types.h"

namespace metal {
namespace detail {

template <class X>
struct is_float_operand {
  static constexpr bool value = is_floating<typename operand_of<X>::element>::value;
};
template <class X>
struct is_integer_operand {
  static constexpr bool value = is_integer<typename operand_of<X>::element>::value;
};

// The vector type of a call's arguments: the first vector argument decides, scalars broadcast.
template <class... X>
struct call_shape;
template <class X>
struct call_shape<X> {
  static constexpr bool any_vector = operand_of<X>::is_vector;
  using element = typename operand_of<X>::element;
  static constexpr int width = operand_of<X>::width;
};
template <class X, class... Rest>
struct call_shape<X, Rest...> {
  static constexpr bool any_vector = operand_of<X>::is_vector || call_shape<Rest...>::any_vector;
  using element = typename conditional<operand_of<X>::is_vector, typename operand_of<X>::element,
                                       typename call_shape<Rest...>::element>::type;
  static constexpr int width = operand_of<X>::is_vector ? operand_of<X>::width : call_shape<Rest...>::width;
};

template <class... X>
using enable_vector_call = enable_if_t<call_shape<X...>::any_vector, int>;

template <class F, class... X>
constexpr GPUOS_FUNC auto map(F f, const X&... args) {
  using shape = call_shape<X...>;
  using T = typename shape::element;
  static_assert(((!operand_of<X>::is_vector || operand_of<X>::width == shape::width) && ...),
                "vector arguments must have the same number of components");
  using R = decltype(f(static_cast<T>(component(args, 0))...));
  vec<R, shape::width> result{};
  for (int i = 0; i < shape::width; ++i) result.elements_[i] = f(static_cast<T>(component(args, i))...);
  return result;
}

// Scalar helpers the macros below build on; NaN-aware min/max without a libm call.
constexpr GPUOS_FUNC float fmin_float(float x, float y) { return (y < x || x != x) ? y : x; }
constexpr GPUOS_FUNC float fmax_float(float x, float y) { return (y > x || x != x) ? y : x; }
GPUOS_FUNC float fract_float(float x) {
  const float r = x - __builtin_floorf(x);
  return r < 0x1.fffffep-1f ? r : (r != r ? r : 0x1.fffffep-1f);
}
GPUOS_FUNC float smoothstep_float(float edge0, float edge1, float x) {
  const float t = fmin_float(fmax_float((x - edge0) / (edge1 - edge0), 0.0f), 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

// sin(πx), cos(πx) and tan(πx). Multiplying x by a rounded π first would miss every exact zero
// (sinpi(1) would be -8.7e-8) and lose all accuracy for large x; instead x = n/2 + r is split
// exactly (2x and its rounding are exact in double), so |r| <= 1/4, and sin/cos(πr) are computed
// in double and rounded once. Zeros follow the OpenCL rules Metal inherits: sinpi(n) and
// tanpi(n) have the sign the formulas give, cospi(n + 1/2) is +0, tanpi(n + 1/2) is ±inf.
GPUOS_FUNC void sincospi_double(float x, double& sine, double& cosine) {
  const double twice = 2.0 * static_cast<double>(x);
  const double n = __builtin_rint(twice);
  const double r = (twice - n) * 0.5;
  const double pi = 3.14159265358979323846;
  const double s = __builtin_sin(pi * r);
  const double c = __builtin_cos(pi * r);
  switch (static_cast<int>(__builtin_fmod(n, 4.0)) & 3) {
    case 0: sine = s; cosine = c; break;
    case 1: sine = c; cosine = -s; break;
    case 2: sine = -s; cosine = -c; break;
    default: sine = -c; cosine = s; break;
  }
}
GPUOS_FUNC float sinpi_float(float x) {
  if (!__builtin_isfinite(x)) return x - x;  // NaN
  double s, c;
  sincospi_double(x, s, c);
  return s == 0.0 ? __builtin_copysignf(0.0f, x) : static_cast<float>(s);
}
GPUOS_FUNC float cospi_float(float x) {
  if (!__builtin_isfinite(x)) return x - x;
  double s, c;
  sincospi_double(x, s, c);
  return c == 0.0 ? 0.0f : static_cast<float>(c);
}
GPUOS_FUNC float tanpi_float(float x) {
  if (!__builtin_isfinite(x)) return x - x;
  double s, c;
  sincospi_double(x, s, c);
  if (s == 0.0) s = __builtin_copysign(0.0, static_cast<double>(x));
  if (c == 0.0) c = 0.0;
  return static_cast<float>(s / c);
}

template <class T>
struct unsigned_of;
template <> struct unsigned_of<char> { using type = uchar; };
template <> struct unsigned_of<signed char> { using type = uchar; };
template <> struct unsigned_of<uchar> { using type = uchar; };
template <> struct unsigned_of<short> { using type = ushort; };
template <> struct unsigned_of<ushort> { using type = ushort; };
template <> struct unsigned_of<int> { using type = uint; };
template <> struct unsigned_of<uint> { using type = uint; };
template <> struct unsigned_of<long> { using type = ulong; };
template <> struct unsigned_of<ulong> { using type = ulong; };
template <> struct unsigned_of<bool> { using type = bool; };
template <class T>
using unsigned_t = typename unsigned_of<T>::type;

template <class T>
constexpr GPUOS_FUNC int bit_width() {
  return static_cast<int>(sizeof(T) * 8);
}
template <class T>
constexpr GPUOS_FUNC T lowest_of() {
  return is_signed_integer<T>::value ? T(T(1) << (bit_width<T>() - 1)) : T(0);
}
template <class T>
constexpr GPUOS_FUNC T highest_of() {
  return T(~lowest_of<T>());
}
template <class U>
constexpr GPUOS_FUNC U reverse_bits_of(U u) {
  U out = 0;
  for (int i = 0; i < bit_width<U>(); ++i) out = static_cast<U>(out | (((u >> i) & U(1)) << (bit_width<U>() - 1 - i)));
  return out;
}
template <class U>
constexpr GPUOS_FUNC U rotate_left(U x, int k) {
  return k == 0 ? x : static_cast<U>((x << k) | (x >> (bit_width<U>() - k)));
}
template <class T>
constexpr GPUOS_FUNC T multiply_high(T x, T y) {
  if constexpr (sizeof(T) == 8) {
    if constexpr (is_signed_integer<T>::value) {
      return static_cast<T>((static_cast<__int128>(x) * static_cast<__int128>(y)) >> 64);
    } else {
      return static_cast<T>((static_cast<unsigned __int128>(x) * static_cast<unsigned __int128>(y)) >> 64);
    }
  } else {
    return static_cast<T>((static_cast<long>(x) * static_cast<long>(y)) >> bit_width<T>());
  }
}
// (x + y) >> 1 and (x + y + 1) >> 1 without forming x + y, which overflows for 64-bit types:
// with x = 2a + p and y = 2b + q, the halved sum is a + b + (p & q), rounded up a + b + (p | q).
// >> on a negative value is arithmetic (floor), as GCC and Clang define it.
template <class T>
constexpr GPUOS_FUNC T halving_add(T x, T y) {
  return static_cast<T>((x >> 1) + (y >> 1) + (x & y & T(1)));
}
template <class T>
constexpr GPUOS_FUNC T rounding_halving_add(T x, T y) {
  return static_cast<T>((x >> 1) + (y >> 1) + ((x | y) & T(1)));
}
// x + y and x - y wrapped to T, and whether they overflowed T (__builtin_add_overflow, which
// nvcc lacks in device code).
template <class T>
constexpr GPUOS_FUNC bool add_overflows(T x, T y, T* out) {
#if defined(__CUDA_ARCH__)
  *out = static_cast<T>(static_cast<unsigned long long>(x) + static_cast<unsigned long long>(y));
  if constexpr (is_signed_integer<T>::value) return (x >= T(0)) == (y >= T(0)) && (*out >= T(0)) != (x >= T(0));
  return *out < x;
#else
  return __builtin_add_overflow(x, y, out);
#endif
}
template <class T>
constexpr GPUOS_FUNC bool sub_overflows(T x, T y, T* out) {
#if defined(__CUDA_ARCH__)
  *out = static_cast<T>(static_cast<unsigned long long>(x) - static_cast<unsigned long long>(y));
  if constexpr (is_signed_integer<T>::value) return (x >= T(0)) != (y >= T(0)) && (*out >= T(0)) != (x >= T(0));
  return y > x;
#else
  return __builtin_sub_overflow(x, y, out);
#endif
}
template <class T>
constexpr GPUOS_FUNC T saturating_add(T x, T y) {
  T out{};
  if (!add_overflows(x, y, &out)) return out;
  return (is_signed_integer<T>::value && x < T(0)) ? lowest_of<T>() : highest_of<T>();
}
template <class T>
constexpr GPUOS_FUNC T saturating_sub(T x, T y) {
  T out{};
  if (!sub_overflows(x, y, &out)) return out;
  if constexpr (is_signed_integer<T>::value) return x < T(0) ? lowest_of<T>() : highest_of<T>();
  return T(0);
}

}  // namespace detail

// Declares name(float), name(half) and the element-wise vector form.
#define GPUOS_FLOAT_FUNCTION_1(name, expression)                                          \
  GPUOS_FUNC float name(float x) { return expression; }                                  \
  GPUOS_FUNC half name(half h) {                                                          \
    const float x = float(h);                                                             \
    return half(expression);                                                              \
  }                                                                                       \
  template <class V, detail::enable_vector_call<V> = 0,                                   \
            detail::enable_if_t<detail::is_float_operand<V>::value, int> = 0>             \
  GPUOS_FUNC auto name(const V& v) {                                                      \
    return detail::map([](auto e) { return name(e); }, v);                                \
  }

#define GPUOS_FLOAT_FUNCTION_2(name, expression)                                          \
  GPUOS_FUNC float name(float x, float y) { return expression; }                         \
  GPUOS_FUNC half name(half hx, half hy) {                                                \
    const float x = float(hx), y = float(hy);                                             \
    return half(expression);                                                              \
  }                                                                                       \
  template <class A, class B, detail::enable_vector_call<A, B> = 0,                       \
            detail::enable_if_t<detail::is_float_operand<A>::value && detail::is_float_operand<B>::value, int> = 0> \
  GPUOS_FUNC auto name(const A& a, const B& b) {                                          \
    return detail::map([](auto p, auto q) { return name(p, q); }, a, b);                  \
  }

#define GPUOS_FLOAT_FUNCTION_3(name, expression)                                          \
  GPUOS_FUNC float name(float x, float y, float z) { return expression; }                \
  GPUOS_FUNC half name(half hx, half hy, half hz) {                                       \
    const float x = float(hx), y = float(hy), z = float(hz);                              \
    return half(expression);                                                              \
  }                                                                                       \
  template <class A, class B, class C, detail::enable_vector_call<A, B, C> = 0,           \
            detail::enable_if_t<detail::is_float_operand<A>::value && detail::is_float_operand<B>::value && \
                                    detail::is_float_operand<C>::value, int> = 0>         \
  GPUOS_FUNC auto name(const A& a, const B& b, const C& c) {                              \
    return detail::map([](auto p, auto q, auto r) { return name(p, q, r); }, a, b, c);    \
  }

// ---- math ----
GPUOS_FLOAT_FUNCTION_1(fabs, __builtin_fabsf(x))
GPUOS_FLOAT_FUNCTION_1(sqrt, __builtin_sqrtf(x))
GPUOS_FLOAT_FUNCTION_1(rsqrt, 1.0f / __builtin_sqrtf(x))
GPUOS_FLOAT_FUNCTION_1(floor, __builtin_floorf(x))
GPUOS_FLOAT_FUNCTION_1(ceil, __builtin_ceilf(x))
GPUOS_FLOAT_FUNCTION_1(trunc, __builtin_truncf(x))
GPUOS_FLOAT_FUNCTION_1(round, __builtin_roundf(x))
GPUOS_FLOAT_FUNCTION_1(rint, __builtin_rintf(x))
// fract is clamped below 1 in the result's own type: for half, rounding the float result (at most
// 0x1.fffffep-1) to half can give 1.0, so the half form clamps again, to 0x1.ffcp-1.
GPUOS_FUNC float fract(float x) { return detail::fract_float(x); }
GPUOS_FUNC half fract(half h) {
  const half r = half(detail::fract_float(float(h)));
  return r < half::from_bits(0x3bff) ? r : (r != r ? r : half::from_bits(0x3bff));
}
template <class V, detail::enable_vector_call<V> = 0, detail::enable_if_t<detail::is_float_operand<V>::value, int> = 0>
GPUOS_FUNC auto fract(const V& v) {
  return detail::map([](auto e) { return fract(e); }, v);
}
GPUOS_FLOAT_FUNCTION_1(sin, __builtin_sinf(x))
GPUOS_FLOAT_FUNCTION_1(cos, __builtin_cosf(x))
GPUOS_FLOAT_FUNCTION_1(tan, __builtin_tanf(x))
GPUOS_FLOAT_FUNCTION_1(asin, __builtin_asinf(x))
GPUOS_FLOAT_FUNCTION_1(acos, __builtin_acosf(x))
GPUOS_FLOAT_FUNCTION_1(atan, __builtin_atanf(x))
GPUOS_FLOAT_FUNCTION_1(sinh, __builtin_sinhf(x))
GPUOS_FLOAT_FUNCTION_1(cosh, __builtin_coshf(x))
GPUOS_FLOAT_FUNCTION_1(tanh, __builtin_tanhf(x))
GPUOS_FLOAT_FUNCTION_1(asinh, __builtin_asinhf(x))
GPUOS_FLOAT_FUNCTION_1(acosh, __builtin_acoshf(x))
GPUOS_FLOAT_FUNCTION_1(atanh, __builtin_atanhf(x))
GPUOS_FLOAT_FUNCTION_1(sinpi, detail::sinpi_float(x))
GPUOS_FLOAT_FUNCTION_1(cospi, detail::cospi_float(x))
GPUOS_FLOAT_FUNCTION_1(tanpi, detail::tanpi_float(x))
GPUOS_FLOAT_FUNCTION_1(exp, __builtin_expf(x))
GPUOS_FLOAT_FUNCTION_1(exp2, __builtin_exp2f(x))
GPUOS_FLOAT_FUNCTION_1(exp10, __builtin_powf(10.0f, x))
GPUOS_FLOAT_FUNCTION_1(log, __builtin_logf(x))
GPUOS_FLOAT_FUNCTION_1(log2, __builtin_log2f(x))
GPUOS_FLOAT_FUNCTION_1(log10, __builtin_log10f(x))
GPUOS_FLOAT_FUNCTION_1(saturate, detail::fmin_float(detail::fmax_float(x, 0.0f), 1.0f))
GPUOS_FLOAT_FUNCTION_1(sign, x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : (x == x ? x : 0.0f)))
GPUOS_FLOAT_FUNCTION_2(pow, __builtin_powf(x, y))
GPUOS_FLOAT_FUNCTION_2(powr, __builtin_powf(x, y))
GPUOS_FLOAT_FUNCTION_2(atan2, __builtin_atan2f(x, y))
GPUOS_FLOAT_FUNCTION_2(fmod, __builtin_fmodf(x, y))
GPUOS_FLOAT_FUNCTION_2(copysign, __builtin_copysignf(x, y))
GPUOS_FLOAT_FUNCTION_2(divide, x / y)
GPUOS_FLOAT_FUNCTION_2(fdim, x > y ? x - y : (x == x && y == y ? 0.0f : x + y))
// NaN-aware without a libm call: the non-NaN operand wins, as the MSL precise variants specify.
GPUOS_FLOAT_FUNCTION_2(fmin, detail::fmin_float(x, y))
GPUOS_FLOAT_FUNCTION_2(fmax, detail::fmax_float(x, y))
GPUOS_FLOAT_FUNCTION_2(step, y < x ? 0.0f : 1.0f)
GPUOS_FLOAT_FUNCTION_3(fma, __builtin_fmaf(x, y, z))
GPUOS_FLOAT_FUNCTION_3(mix, x + (y - x) * z)
GPUOS_FLOAT_FUNCTION_3(smoothstep, detail::smoothstep_float(x, y, z))

GPUOS_FUNC float abs(float x) { return __builtin_fabsf(x); }
GPUOS_FUNC half abs(half x) { return fabs(x); }
// abs(float4) and abs(half3) are MSL too; the integer vector form is declared further down.
template <class V, detail::enable_vector_call<V> = 0, detail::enable_if_t<detail::is_float_operand<V>::value, int> = 0>
GPUOS_FUNC auto abs(const V& v) {
  return detail::map([](auto e) { return fabs(e); }, v);
}
GPUOS_FUNC float ldexp(float x, int k) { return __builtin_ldexpf(x, k); }
GPUOS_FUNC float frexp(float x, int& exponent) { return __builtin_frexpf(x, &exponent); }
GPUOS_FUNC float modf(float x, float& integral) { return __builtin_modff(x, &integral); }
GPUOS_FUNC float nextafter(float x, float y) { return __builtin_nextafterf(x, y); }
GPUOS_FUNC float sincos(float x, float& cosine) {
  cosine = __builtin_cosf(x);
  return __builtin_sinf(x);
}

// ---- min / max / clamp / median3: floating point (NaN-aware) and integer ----
GPUOS_FUNC float min(float x, float y) { return fmin(x, y); }
GPUOS_FUNC float max(float x, float y) { return fmax(x, y); }
GPUOS_FUNC half min(half x, half y) { return fmin(x, y); }
GPUOS_FUNC half max(half x, half y) { return fmax(x, y); }
#define GPUOS_INTEGER_MIN_MAX(T)                                  \
  GPUOS_FUNC T min(T x, T y) { return y < x ? y : x; }            \
  GPUOS_FUNC T max(T x, T y) { return y > x ? y : x; }            \
  GPUOS_FUNC T clamp(T x, T lo, T hi) { return min(max(x, lo), hi); }
GPUOS_INTEGER_MIN_MAX(char)
GPUOS_INTEGER_MIN_MAX(uchar)
GPUOS_INTEGER_MIN_MAX(short)
GPUOS_INTEGER_MIN_MAX(ushort)
GPUOS_INTEGER_MIN_MAX(int)
GPUOS_INTEGER_MIN_MAX(uint)
GPUOS_INTEGER_MIN_MAX(long)
GPUOS_INTEGER_MIN_MAX(ulong)
#undef GPUOS_INTEGER_MIN_MAX
GPUOS_FUNC float clamp(float x, float lo, float hi) { return fmin(fmax(x, lo), hi); }
GPUOS_FUNC half clamp(half x, half lo, half hi) { return fmin(fmax(x, lo), hi); }

template <class T>
GPUOS_FUNC T min3(T x, T y, T z) {
  return min(min(x, y), z);
}
template <class T>
GPUOS_FUNC T max3(T x, T y, T z) {
  return max(max(x, y), z);
}
template <class T>
GPUOS_FUNC T median3(T x, T y, T z) {
  return max(min(x, y), min(max(x, y), z));
}

template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto min(const A& a, const B& b) {
  return detail::map([](auto p, auto q) { return min(p, q); }, a, b);
}
template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto max(const A& a, const B& b) {
  return detail::map([](auto p, auto q) { return max(p, q); }, a, b);
}
template <class A, class B, class C, detail::enable_vector_call<A, B, C> = 0>
GPUOS_FUNC auto clamp(const A& x, const B& lo, const C& hi) {
  return detail::map([](auto p, auto q, auto r) { return clamp(p, q, r); }, x, lo, hi);
}


#define GPUOS_INTEGER_FUNCTION_1(name, expression)                                               \
  template <class T, detail::enable_if_t<detail::is_integer<T>::value, int> = 0>                  \
  GPUOS_FUNC T name(T x) {                                                                        \
    using U = detail::unsigned_t<T>;                                                              \
    const U u = static_cast<U>(x);                                                                \
    (void)u;                                                                                      \
    return static_cast<T>(expression);                                                            \
  }                                                                                               \
  template <class V, detail::enable_vector_call<V> = 0,                                           \
            detail::enable_if_t<detail::is_integer_operand<V>::value, int> = 0>                   \
  GPUOS_FUNC auto name(const V& v) {                                                              \
    return detail::map([](auto e) { return name(e); }, v);                                        \
  }

GPUOS_INTEGER_FUNCTION_1(abs, x < 0 ? U(0) - u : u)
GPUOS_INTEGER_FUNCTION_1(popcount, GPUOS_POPCOUNTLL(static_cast<ulong>(u)))
GPUOS_INTEGER_FUNCTION_1(clz, u == 0 ? detail::bit_width<T>()
                                     : GPUOS_CLZLL(static_cast<ulong>(u)) - (64 - detail::bit_width<T>()))
GPUOS_INTEGER_FUNCTION_1(ctz, u == 0 ? detail::bit_width<T>() : GPUOS_CTZLL(static_cast<ulong>(u)))
GPUOS_INTEGER_FUNCTION_1(reverse_bits, detail::reverse_bits_of(u))
// ---- integer functions (two operands) ----

#define GPUOS_INTEGER_FUNCTION_2(name, expression)                                               \
  template <class T, detail::enable_if_t<detail::is_integer<T>::value, int> = 0>                  \
  GPUOS_FUNC T name(T x, T y) {                                                                   \
    using U [[maybe_unused]] = detail::unsigned_t<T>;                                             \
    return static_cast<T>(expression);                                                            \
  }                                                                                               \
  template <class A, class B, detail::enable_vector_call<A, B> = 0,                               \
            detail::enable_if_t<detail::is_integer_operand<A>::value && detail::is_integer_operand<B>::value, int> = 0> \
  GPUOS_FUNC auto name(const A& a, const B& b) {                                                  \
    return detail::map([](auto p, auto q) { return name(p, q); }, a, b);                          \
  }

GPUOS_INTEGER_FUNCTION_2(absdiff, x > y ? U(U(x) - U(y)) : U(U(y) - U(x)))
GPUOS_INTEGER_FUNCTION_2(hadd, detail::halving_add(x, y))
GPUOS_INTEGER_FUNCTION_2(rhadd, detail::rounding_halving_add(x, y))
GPUOS_INTEGER_FUNCTION_2(rotate, detail::rotate_left(U(x), static_cast<int>(U(y) % detail::bit_width<T>())))
GPUOS_INTEGER_FUNCTION_2(mulhi, detail::multiply_high(x, y))
GPUOS_INTEGER_FUNCTION_2(addsat, detail::saturating_add(x, y))
GPUOS_INTEGER_FUNCTION_2(subsat, detail::saturating_sub(x, y))


template <class T, detail::enable_if_t<detail::is_integer<T>::value, int> = 0>
GPUOS_FUNC T extract_bits(T x, uint offset, uint bits) {
  using U = detail::unsigned_t<T>;
  if (bits == 0) return T(0);
  const U field = static_cast<U>(static_cast<U>(x) >> offset);
  const U mask = bits >= uint(detail::bit_width<T>()) ? U(~U(0)) : U((U(1) << bits) - 1);
  U value = static_cast<U>(field & mask);
  if (detail::is_signed_integer<T>::value && bits < uint(detail::bit_width<T>()) && (value >> (bits - 1)) & U(1)) {
    value = static_cast<U>(value | static_cast<U>(~mask));  // sign-extend
  }
  return static_cast<T>(value);
}
template <class T, detail::enable_if_t<detail::is_integer<T>::value, int> = 0>
GPUOS_FUNC T insert_bits(T base, T insert, uint offset, uint bits) {
  using U = detail::unsigned_t<T>;
  if (bits == 0) return base;
  const U mask = static_cast<U>((bits >= uint(detail::bit_width<T>()) ? U(~U(0)) : U((U(1) << bits) - 1)) << offset);
  return static_cast<T>((static_cast<U>(base) & static_cast<U>(~mask)) | ((static_cast<U>(insert) << offset) & mask));
}
// The vector forms: the same field of every component.
template <class V, detail::enable_vector_call<V> = 0, detail::enable_if_t<detail::is_integer_operand<V>::value, int> = 0>
GPUOS_FUNC auto extract_bits(const V& x, uint offset, uint bits) {
  return detail::map([offset, bits](auto e) { return extract_bits(e, offset, bits); }, x);
}
template <class A, class B, detail::enable_vector_call<A, B> = 0,
          detail::enable_if_t<detail::is_integer_operand<A>::value && detail::is_integer_operand<B>::value, int> = 0>
GPUOS_FUNC auto insert_bits(const A& base, const B& insert, uint offset, uint bits) {
  return detail::map([offset, bits](auto p, auto q) { return insert_bits(p, q, offset, bits); }, base, insert);
}


// ---- geometric ----
template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto dot(const A& a, const B& b) {
  using shape = detail::call_shape<A, B>;
  using T = typename shape::element;
  T sum = T(T(detail::component(a, 0)) * T(detail::component(b, 0)));
  for (int i = 1; i < shape::width; ++i) sum = T(sum + T(T(detail::component(a, i)) * T(detail::component(b, i))));
  return sum;
}
template <class V, detail::enable_vector_call<V> = 0>
GPUOS_FUNC auto length_squared(const V& v) {
  return dot(v, v);
}
template <class V, detail::enable_vector_call<V> = 0>
GPUOS_FUNC auto length(const V& v) {
  return sqrt(dot(v, v));
}
template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto distance(const A& a, const B& b) {
  return length(a - b);
}
template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto distance_squared(const A& a, const B& b) {
  return length_squared(a - b);
}
template <class V, detail::enable_vector_call<V> = 0>
GPUOS_FUNC auto normalize(const V& v) {
  using T = typename detail::operand_of<V>::element;
  return v * T(rsqrt(dot(v, v)));
}
template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto cross(const A& p, const B& q) {
  using T = typename detail::call_shape<A, B>::element;
  static_assert(detail::call_shape<A, B>::width == 3, "cross takes 3-component vectors");
  const vec<T, 3> a(p), b(q);
  return vec<T, 3>(T(a.y * b.z - a.z * b.y), T(a.z * b.x - a.x * b.z), T(a.x * b.y - a.y * b.x));
}
template <class A, class B, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto reflect(const A& incident, const B& normal) {
  using T = typename detail::call_shape<A, B>::element;
  return incident - normal * T(T(2) * dot(normal, incident));
}
template <class A, class B, class E, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto refract(const A& incident, const B& normal, E eta) {
  using T = typename detail::call_shape<A, B>::element;
  const T cosine = dot(normal, incident);
  const T k = T(T(1) - T(eta) * T(eta) * T(T(1) - cosine * cosine));
  using R = vec<T, detail::call_shape<A, B>::width>;
  if (k < T(0)) return R(T(0));
  return R(incident * T(eta) - normal * T(T(eta) * cosine + sqrt(k)));
}
template <class A, class B, class C, detail::enable_vector_call<A, B, C> = 0>
GPUOS_FUNC auto faceforward(const A& n, const B& incident, const C& reference) {
  using R = vec<typename detail::call_shape<A, B, C>::element, detail::call_shape<A, B, C>::width>;
  return dot(reference, incident) < 0 ? R(n) : R(-n);
}

// ---- relational ----
GPUOS_FUNC bool all(bool b) { return b; }
GPUOS_FUNC bool any(bool b) { return b; }
template <class V, detail::enable_vector_call<V> = 0>
GPUOS_FUNC bool all(const V& v) {
  for (int i = 0; i < detail::operand_of<V>::width; ++i)
    if (!detail::component(v, i)) return false;
  return true;
}
template <class V, detail::enable_vector_call<V> = 0>
GPUOS_FUNC bool any(const V& v) {
  for (int i = 0; i < detail::operand_of<V>::width; ++i)
    if (detail::component(v, i)) return true;
  return false;
}

#define GPUOS_FLOAT_PREDICATE(name, expression)                                           \
  GPUOS_FUNC bool name(float x) { return expression; }                                   \
  GPUOS_FUNC bool name(half h) {                                                          \
    const float x = float(h);                                                             \
    return expression;                                                                    \
  }                                                                                       \
  template <class V, detail::enable_vector_call<V> = 0,                                   \
            detail::enable_if_t<detail::is_float_operand<V>::value, int> = 0>             \
  GPUOS_FUNC auto name(const V& v) {                                                      \
    return detail::map([](auto e) { return name(e); }, v);                                \
  }
GPUOS_FLOAT_PREDICATE(isnan, x != x)
GPUOS_FLOAT_PREDICATE(isinf, __builtin_isinf(x) != 0)
GPUOS_FLOAT_PREDICATE(isfinite, __builtin_isfinite(x) != 0)
GPUOS_FLOAT_PREDICATE(isnormal, __builtin_isnormal(x) != 0)
GPUOS_FLOAT_PREDICATE(signbit, __builtin_signbit(x) != 0)
#undef GPUOS_FLOAT_PREDICATE

GPUOS_FUNC bool isordered(float x, float y) { return x == x && y == y; }
GPUOS_FUNC bool isunordered(float x, float y) { return x != x || y != y; }

// select(a, b, c): c ? b : a, per component when c is a vector.
template <class T, detail::enable_if_t<detail::is_scalar<T>::value, int> = 0>
GPUOS_FUNC T select(T a, T b, bool c) {
  return c ? b : a;
}
template <class A, class B, class C, detail::enable_vector_call<A, B> = 0>
GPUOS_FUNC auto select(const A& a, const B& b, const C& c) {
  using shape = detail::call_shape<A, B>;
  using T = typename shape::element;
  vec<T, shape::width> result{};
  for (int i = 0; i < shape::width; ++i) {
    result.elements_[i] = detail::component(c, i) ? T(detail::component(b, i)) : T(detail::component(a, i));
  }
  return result;
}

// as_type<T>(x): reinterpret the bits. A copy of the bytes, not detail::bit_cast: vectors are not
// trivially copyable (their swizzle members need a user-provided assignment), and
// __builtin_bit_cast rejects them. The sizes must match, as in MSL (float4 -> float3 is allowed:
// both are 16 bytes).
template <class To, class From>
GPUOS_FUNC To as_type(const From& from) {
  static_assert(sizeof(To) == sizeof(From), "as_type needs types of the same size");
  To to;
  __builtin_memcpy(static_cast<void*>(&to), static_cast<const void*>(&from), sizeof(To));
  return to;
}

#undef GPUOS_FLOAT_FUNCTION_1
#undef GPUOS_FLOAT_FUNCTION_2
#undef GPUOS_FLOAT_FUNCTION_3
#undef GPUOS_INTEGER_FUNCTION_1
#undef GPUOS_INTEGER_FUNCTION_2

// MSL's precise:: and fast:: variants: the emulator always computes the precise result, so fast::
// code gets results at least as accurate as on the GPU (not bit-identical to it).
#define GPUOS_MATH_VARIANT_NAMES                                                                          \
  using metal::acos; using metal::acosh; using metal::asin; using metal::asinh; using metal::atan;        \
  using metal::atan2; using metal::atanh; using metal::ceil; using metal::clamp; using metal::copysign;   \
  using metal::cos; using metal::cosh; using metal::cospi; using metal::divide; using metal::exp;         \
  using metal::exp10; using metal::exp2; using metal::fabs; using metal::fdim; using metal::floor;        \
  using metal::fma; using metal::fmax; using metal::fmin; using metal::fmod; using metal::fract;          \
  using metal::log; using metal::log10; using metal::log2; using metal::max; using metal::min;            \
  using metal::pow; using metal::powr; using metal::rint; using metal::round; using metal::rsqrt;         \
  using metal::saturate; using metal::sin; using metal::sincos; using metal::sinh; using metal::sinpi;    \
  using metal::sqrt; using metal::tan; using metal::tanh; using metal::tanpi; using metal::trunc;         \
  using metal::normalize; using metal::length; using metal::distance; using metal::smoothstep;            \
  using metal::step; using metal::mix; using metal::sign;
namespace precise {
GPUOS_MATH_VARIANT_NAMES
}  // namespace precise
namespace fast {
GPUOS_MATH_VARIANT_NAMES
}  // namespace fast
#undef GPUOS_MATH_VARIANT_NAMES

}  // namespace metal

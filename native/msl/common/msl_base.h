// Foundation of the Metal-compatible headers: function qualifiers, MSL's scalar type names and
// the few type traits the vector and math code needs.
//
// Shared by every non-Metal build of a kernel (the CPU emulator now, CUDA later), so it uses no
// system header at all: translated kernels compile hermetically and fast.
#pragma once

#if defined(__CUDACC__)
#define GPUOS_FUNC __host__ __device__ __forceinline__
// Between a lambda's parameters and its return type (the translator's wrapped calls).
#define GPUOS_LAMBDA __host__ __device__
#else
#define GPUOS_FUNC inline __attribute__((always_inline))
#define GPUOS_LAMBDA __attribute__((always_inline))
#endif

// Bit counts on 64-bit values (x != 0 for the first two). nvcc has no __builtin_ctzll or
// __builtin_clzll in device code; the hardware instructions give the same answers.
#if defined(__CUDA_ARCH__)
#define GPUOS_CTZLL(x) (__ffsll(static_cast<long long>(x)) - 1)
#define GPUOS_CLZLL(x) __clzll(static_cast<long long>(x))
#define GPUOS_POPCOUNTLL(x) __popcll(x)
#else
#define GPUOS_CTZLL(x) __builtin_ctzll(x)
#define GPUOS_CLZLL(x) __builtin_clzll(x)
#define GPUOS_POPCOUNTLL(x) __builtin_popcountll(x)
#endif

// MSL scalar type names (Metal Shading Language specification, "Scalar data types").
typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;

static_assert(sizeof(ulong) == 8 && sizeof(long) == 8, "MSL long/ulong are 64-bit; build on an LP64 host");
static_assert(sizeof(int) == 4 && sizeof(short) == 2, "MSL int is 32-bit and short 16-bit");
static_assert(static_cast<char>(-1) < 0, "MSL char is signed; compile kernels with -fsigned-char");

struct half;

namespace metal {
namespace detail {

template <bool B, class T = void>
struct enable_if {};
template <class T>
struct enable_if<true, T> {
  using type = T;
};
template <bool B, class T = void>
using enable_if_t = typename enable_if<B, T>::type;

template <bool B, class T, class F>
struct conditional {
  using type = T;
};
template <class T, class F>
struct conditional<false, T, F> {
  using type = F;
};

template <class A, class B>
struct is_same {
  static constexpr bool value = false;
};
template <class A>
struct is_same<A, A> {
  static constexpr bool value = true;
};

template <class T> struct remove_cv { using type = T; };
template <class T> struct remove_cv<const T> { using type = T; };
template <class T> struct remove_cv<volatile T> { using type = T; };
template <class T> struct remove_cv<const volatile T> { using type = T; };
template <class T> struct remove_reference { using type = T; };
template <class T> struct remove_reference<T&> { using type = T; };
template <class T> struct remove_reference<T&&> { using type = T; };
template <class T>
using bare_t = typename remove_cv<typename remove_reference<T>::type>::type;

template <class T> struct is_pointer { static constexpr bool value = false; };
template <class T> struct is_pointer<T*> { static constexpr bool value = true; };
template <class T> struct is_pointer<T* const> { static constexpr bool value = true; };
template <class T> struct is_pointer<T* volatile> { static constexpr bool value = true; };
template <class T> struct is_pointer<T* const volatile> { static constexpr bool value = true; };

// Integer scalar types MSL has (plus the C++ spellings of them).
template <class T> struct is_integer { static constexpr bool value = false; };
template <> struct is_integer<bool> { static constexpr bool value = true; };
template <> struct is_integer<char> { static constexpr bool value = true; };
template <> struct is_integer<signed char> { static constexpr bool value = true; };
template <> struct is_integer<unsigned char> { static constexpr bool value = true; };
template <> struct is_integer<short> { static constexpr bool value = true; };
template <> struct is_integer<unsigned short> { static constexpr bool value = true; };
template <> struct is_integer<int> { static constexpr bool value = true; };
template <> struct is_integer<unsigned int> { static constexpr bool value = true; };
template <> struct is_integer<long> { static constexpr bool value = true; };
template <> struct is_integer<unsigned long> { static constexpr bool value = true; };
template <> struct is_integer<long long> { static constexpr bool value = true; };
template <> struct is_integer<unsigned long long> { static constexpr bool value = true; };

template <class T> struct is_floating { static constexpr bool value = false; };
template <> struct is_floating<float> { static constexpr bool value = true; };
template <> struct is_floating<half> { static constexpr bool value = true; };
// double exists only as the type of a stray expression; MSL has no double. It is accepted here so
// such an expression fails loudly in the type that rejects it rather than in a trait.
template <> struct is_floating<double> { static constexpr bool value = true; };

template <class T> struct is_signed_integer { static constexpr bool value = static_cast<T>(-1) < static_cast<T>(0); };

template <class T>
struct is_scalar {
  static constexpr bool value = is_integer<bare_t<T>>::value || is_floating<bare_t<T>>::value;
};

template <class T>
T&& declval();

template <int... I>
struct index_list {};
template <int N, int... I>
struct make_index_list : make_index_list<N - 1, N - 1, I...> {};
template <int... I>
struct make_index_list<0, I...> {
  using type = index_list<I...>;
};

template <int... I>
struct all_distinct;
template <>
struct all_distinct<> {
  static constexpr bool value = true;
};
template <int First, int... Rest>
struct all_distinct<First, Rest...> {
  static constexpr bool value = ((First != Rest) && ...) && all_distinct<Rest...>::value;
};

// Bit-for-bit reinterpretation (MSL as_type, and the float/half encoders).
template <class To, class From>
constexpr GPUOS_FUNC To bit_cast(const From& from) {
  static_assert(sizeof(To) == sizeof(From), "as_type needs types of the same size");
  return __builtin_bit_cast(To, from);
}

}  // namespace detail
}  // namespace metal

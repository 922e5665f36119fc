// MSL vector types: booln, charn, ucharn, shortn, ushortn, intn, uintn, longn, ulongn, halfn,
// floatn (n = 2, 3, 4), their packed_ forms, swizzles, and element-wise operators.
//
// Layout matches the Metal specification ("Vector data types" and "Packed vector types"): a
// 3-component vector is as large and as aligned as a 4-component one (float3: 16 bytes), a
// packed one is just its components. The ABI structs shared with the host depend on this.
//
// Swizzles (`v.xy`, `v.zyx`, `c.rgba`, …) are union members overlaying the vector's components,
// so they read as values and assign as lvalues (`v.xy = p;`, `v.zw += d;`) exactly as in MSL.
// Assigning to a swizzle with a repeated component (`v.xx = …`) is a compile error, as in MSL.
#pragma once

#include "half.h"

namespace metal {

template <class T, int N>
struct vec;
template <class T, int N>
struct packed_vec;
template <class T, int N, int... I>
struct swizzle;

namespace detail {

// What an operand of a vector expression is: a scalar, or a vector of `width` `element`s.
template <class X>
struct operand {
  static constexpr bool is_vector = false;
  static constexpr bool is_scalar = detail::is_scalar<X>::value;
  using element = X;
  static constexpr int width = 1;
};
template <class T, int N>
struct operand<vec<T, N>> {
  static constexpr bool is_vector = true;
  static constexpr bool is_scalar = false;
  using element = T;
  static constexpr int width = N;
};
template <class T, int N, int... I>
struct operand<swizzle<T, N, I...>> {
  static constexpr bool is_vector = true;
  static constexpr bool is_scalar = false;
  using element = T;
  static constexpr int width = sizeof...(I);
};
template <class T, int N>
struct operand<packed_vec<T, N>> {
  static constexpr bool is_vector = true;
  static constexpr bool is_scalar = false;
  using element = T;
  static constexpr int width = N;
};
template <class X>
using operand_of = operand<bare_t<X>>;

// Component i of an operand; a scalar is its own every component.
template <class X, enable_if_t<!operand_of<X>::is_vector, int> = 0>
constexpr GPUOS_FUNC const X& component(const X& x, int) {
  return x;
}
template <class T, int N>
constexpr GPUOS_FUNC T component(const vec<T, N>& v, int i) {
  return v.elements_[i];
}
template <class T, int N, int... I>
constexpr GPUOS_FUNC T component(const swizzle<T, N, I...>& s, int i) {
  return s[i];
}
template <class T, int N>
constexpr GPUOS_FUNC T component(const packed_vec<T, N>& p, int i) {
  return p.elements_[i];
}

template <class... X>
struct component_count {
  static constexpr int value = (operand_of<X>::width + ... + 0);
};

template <class... X>
struct are_vector_parts {
  static constexpr bool value = ((operand_of<X>::is_vector || operand_of<X>::is_scalar) && ...);
};

template <class T, int N>
struct array {
  T values[N];
};

template <class T, int N>
constexpr GPUOS_FUNC array<T, N> broadcast(T scalar) {
  array<T, N> out{};
  for (int i = 0; i < N; ++i) out.values[i] = scalar;
  return out;
}

// The components of a constructor's arguments, in order: float4(p.xy, 0, 1).
template <class T, int N, class... X>
constexpr GPUOS_FUNC array<T, N> flatten(const X&... parts) {
  array<T, N> out{};
  int next = 0;
  auto append = [&](const auto& part) {
    for (int i = 0; i < operand_of<decltype(part)>::width; ++i) out.values[next++] = static_cast<T>(component(part, i));
  };
  (append(parts), ...);
  return out;
}

// Copies a whole vector with one load and one store where a GPU has an instruction of that size
// and the vector is aligned for it; returns false where it did not (the caller copies components).
template <class V>
GPUOS_FUNC bool copy_whole(V* to, const V* from) {
#if defined(__CUDA_ARCH__)
  // Only vectors without padding: a float3 store writes its 12 bytes, never the 4 after them.
  constexpr bool padded = sizeof(V) != sizeof(typename V::element_type) * V::size;
  if constexpr (!padded && sizeof(V) == 16 && alignof(V) == 16) {
    *reinterpret_cast<::uint4*>(to) = *reinterpret_cast<const ::uint4*>(from);
    return true;
  } else if constexpr (!padded && sizeof(V) == 8 && alignof(V) == 8) {
    *reinterpret_cast<::uint2*>(to) = *reinterpret_cast<const ::uint2*>(from);
    return true;
  }
#endif
  (void)to;
  (void)from;
  return false;
}

// A component index. One outside the vector is undefined behaviour in MSL: the emulator traps
// (E_INVALID_ACCESS, at the kernel's line) instead of quietly reading whatever lies beside the
// vector; a GPU build indexes as the hardware does.
constexpr GPUOS_FUNC int component_index(int i, int n) {
#if !defined(__CUDACC__)
  if (static_cast<unsigned>(i) >= static_cast<unsigned>(n)) __builtin_trap();
#endif
  return i;
}

template <class T, int N>
struct vector_alignment {
  static constexpr int value = static_cast<int>(sizeof(T)) * (N == 3 ? 4 : N);
};

}  // namespace detail

// A swizzle: a view of some components of the vector it lives in (as a union member).
template <class T, int N, int... I>
struct swizzle {
  T elements_[N];

  static constexpr int width = sizeof...(I);
  using vector_type = vec<T, width>;

  constexpr GPUOS_FUNC operator vector_type() const { return vector_type(elements_[I]...); }
  constexpr GPUOS_FUNC T operator[](int i) const {
    constexpr int source[] = {I...};
    return elements_[source[detail::component_index(i, width)]];
  }

  GPUOS_FUNC swizzle& operator=(const vector_type& value) {
    static_assert(detail::all_distinct<I...>::value, "cannot assign to a swizzle that repeats a component");
    constexpr int target[] = {I...};
    for (int k = 0; k < width; ++k) elements_[target[k]] = value.elements_[k];
    return *this;
  }
  GPUOS_FUNC swizzle& operator=(const swizzle& other) { return *this = vector_type(other); }
  GPUOS_FUNC swizzle& operator=(T value) { return *this = vector_type(value); }

#define GPUOS_SWIZZLE_COMPOUND(op)                                                                            \
  GPUOS_FUNC swizzle& operator op##=(const vector_type& rhs) { return *this = vector_type(*this) op rhs; } \
  GPUOS_FUNC swizzle& operator op##=(T rhs) { return *this = vector_type(*this) op rhs; }
  GPUOS_SWIZZLE_COMPOUND(+)
  GPUOS_SWIZZLE_COMPOUND(-)
  GPUOS_SWIZZLE_COMPOUND(*)
  GPUOS_SWIZZLE_COMPOUND(/)
  GPUOS_SWIZZLE_COMPOUND(%)
  GPUOS_SWIZZLE_COMPOUND(&)
  GPUOS_SWIZZLE_COMPOUND(|)
  GPUOS_SWIZZLE_COMPOUND(^)
  GPUOS_SWIZZLE_COMPOUND(<<)
  GPUOS_SWIZZLE_COMPOUND(>>)
#undef GPUOS_SWIZZLE_COMPOUND
};

// Members every vector width shares. Component storage is `elements_`; x/y/z/w, r/g/b/a and the
// swizzles are other union members over the same bytes.
#define GPUOS_VECTOR_MEMBERS(N)                                                                                \
  using element_type = T;                                                                                      \
                                                                                                               \
  vec() = default;                                                                                             \
  vec(const vec&) = default;                                                                                   \
  /* Broadcast: float4(1.0f), and `float4 v = 0;` (MSL splats scalars into vectors). */                        \
  constexpr GPUOS_FUNC vec(T scalar) : vec(detail::broadcast<T, N>(scalar)) {}                               \
  /* Components from scalars and smaller vectors: float4(p.xy, 0, 1). */                                       \
  template <class A, class B, class... Rest,                                                                   \
            class = detail::enable_if_t<detail::are_vector_parts<A, B, Rest...>::value &&                      \
                                        detail::component_count<A, B, Rest...>::value == N>>                   \
  constexpr GPUOS_FUNC vec(const A& a, const B& b, const Rest&... rest)                                        \
      : vec(detail::flatten<T, N>(a, b, rest...)) {}                                                           \
  /* Element-wise conversion from another element type is explicit, as in MSL: float4(i4). */                  \
  template <class U, class = detail::enable_if_t<!detail::is_same<U, T>::value>>                              \
  constexpr explicit GPUOS_FUNC vec(const vec<U, N>& other) : vec(detail::flatten<T, N>(other)) {}             \
  constexpr GPUOS_FUNC vec(const packed_vec<T, N>& packed) : vec(detail::flatten<T, N>(packed)) {}             \
  constexpr GPUOS_FUNC vec(const detail::array<T, N>& parts) : vec(parts, detail::make_index_list<N>::type{}) {} \
  template <int... K>                                                                                          \
  constexpr GPUOS_FUNC vec(const detail::array<T, N>& parts, detail::index_list<K...>)                         \
      : elements_{parts.values[K]...} {}                                                                       \
                                                                                                               \
  /* On a GPU a 16- or 8-byte vector is copied with one store (detail::copy_whole): component stores */      \
  /* would cost a warp two or four times the memory transactions for the same bytes. */                       \
  GPUOS_FUNC vec& operator=(const vec& other) {                                                                \
    if (!detail::copy_whole(this, &other)) {                                                                   \
      for (int i = 0; i < N; ++i) elements_[i] = other.elements_[i];                                           \
    }                                                                                                          \
    return *this;                                                                                              \
  }                                                                                                            \
  constexpr GPUOS_FUNC T& operator[](int i) { return elements_[detail::component_index(i, N)]; }               \
  constexpr GPUOS_FUNC const T& operator[](int i) const { return elements_[detail::component_index(i, N)]; }   \
                                                                                                               \
  GPUOS_VECTOR_COMPOUND(+)                                                                                     \
  GPUOS_VECTOR_COMPOUND(-)                                                                                     \
  GPUOS_VECTOR_COMPOUND(*)                                                                                     \
  GPUOS_VECTOR_COMPOUND(/)                                                                                     \
  GPUOS_VECTOR_COMPOUND(%)                                                                                     \
  GPUOS_VECTOR_COMPOUND(&)                                                                                     \
  GPUOS_VECTOR_COMPOUND(|)                                                                                     \
  GPUOS_VECTOR_COMPOUND(^)                                                                                     \
  GPUOS_VECTOR_COMPOUND(<<)                                                                                    \
  GPUOS_VECTOR_COMPOUND(>>)                                                                                    \
  GPUOS_FUNC vec& operator++() { return *this += T(1); }                                                       \
  GPUOS_FUNC vec& operator--() { return *this -= T(1); }                                                       \
  GPUOS_FUNC vec operator++(int) {                                                                             \
    vec before = *this;                                                                                        \
    *this += T(1);                                                                                             \
    return before;                                                                                             \
  }                                                                                                            \
  GPUOS_FUNC vec operator--(int) {                                                                             \
    vec before = *this;                                                                                        \
    *this -= T(1);                                                                                             \
    return before;                                                                                             \
  }

#define GPUOS_VECTOR_COMPOUND(op)                                                       \
  GPUOS_FUNC vec& operator op##=(const vec& rhs) {                                      \
    for (int i = 0; i < size; ++i) elements_[i] = T(elements_[i] op rhs.elements_[i]); \
    return *this;                                                                       \
  }                                                                                     \
  GPUOS_FUNC vec& operator op##=(T rhs) {                                               \
    for (int i = 0; i < size; ++i) elements_[i] = T(elements_[i] op rhs);               \
    return *this;                                                                       \
  }

#define GPUOS_SWIZZLE(name, ...) swizzle<T, size, __VA_ARGS__> name;

template <class T>
struct alignas(detail::vector_alignment<T, 2>::value) vec<T, 2> {
  static constexpr int size = 2;
  union {
    T elements_[2];
    struct {
      T x, y;
    };
    struct {
      T r, g;
    };
#include "swizzles_2.inc"
  };
  GPUOS_VECTOR_MEMBERS(2)
};

template <class T>
struct alignas(detail::vector_alignment<T, 3>::value) vec<T, 3> {
  static constexpr int size = 3;
  union {
    T elements_[3];
    struct {
      T x, y, z;
    };
    struct {
      T r, g, b;
    };
#include "swizzles_3.inc"
  };
  GPUOS_VECTOR_MEMBERS(3)
};

template <class T>
struct alignas(detail::vector_alignment<T, 4>::value) vec<T, 4> {
  static constexpr int size = 4;
  union {
    T elements_[4];
    struct {
      T x, y, z, w;
    };
    struct {
      T r, g, b, a;
    };
#include "swizzles_4.inc"
  };
  GPUOS_VECTOR_MEMBERS(4)
};

#undef GPUOS_SWIZZLE
#undef GPUOS_VECTOR_MEMBERS
#undef GPUOS_VECTOR_COMPOUND

// packed_floatN and friends: the components only, aligned like one component.
#define GPUOS_PACKED_VECTOR(N, ...)                                                                     \
  template <class T>                                                                                    \
  struct packed_vec<T, N> {                                                                             \
    union {                                                                                             \
      T elements_[N];                                                                                   \
      struct {                                                                                          \
        T __VA_ARGS__;                                                                                  \
      };                                                                                                \
    };                                                                                                  \
    packed_vec() = default;                                                                             \
    constexpr GPUOS_FUNC packed_vec(const vec<T, N>& v) : packed_vec(v, detail::make_index_list<N>::type{}) {} \
    template <class A, class B, class... Rest,                                                          \
              class = detail::enable_if_t<detail::are_vector_parts<A, B, Rest...>::value &&             \
                                          detail::component_count<A, B, Rest...>::value == N>>          \
    constexpr GPUOS_FUNC packed_vec(const A& a, const B& b, const Rest&... rest)                        \
        : packed_vec(vec<T, N>(a, b, rest...)) {}                                                       \
    template <int... K>                                                                                 \
    constexpr GPUOS_FUNC packed_vec(const vec<T, N>& v, detail::index_list<K...>)                       \
        : elements_{v.elements_[K]...} {}                                                               \
    constexpr GPUOS_FUNC operator vec<T, N>() const { return vec<T, N>(*this); }                        \
    constexpr GPUOS_FUNC T& operator[](int i) { return elements_[detail::component_index(i, N)]; }      \
    constexpr GPUOS_FUNC const T& operator[](int i) const { return elements_[detail::component_index(i, N)]; } \
  };
GPUOS_PACKED_VECTOR(2, x, y)
GPUOS_PACKED_VECTOR(3, x, y, z)
GPUOS_PACKED_VECTOR(4, x, y, z, w)
#undef GPUOS_PACKED_VECTOR

// ---------------------------------------------------------------------------------------------
// Element-wise operators on vectors, swizzles and packed vectors, with a scalar on either side.

namespace detail {

template <class A, class B>
struct binary_operands {
  using left = operand_of<A>;
  using right = operand_of<B>;
  static constexpr bool valid =
      (left::is_vector || right::is_vector) && (left::is_vector || left::is_scalar) && (right::is_vector || right::is_scalar);
  using element = typename conditional<left::is_vector, typename left::element, typename right::element>::type;
  static constexpr int width = left::is_vector ? left::width : right::width;
  using scalar_side = typename conditional<left::is_vector, typename right::element, typename left::element>::type;

  static constexpr GPUOS_FUNC void check() {
    static_assert(!(left::is_vector && right::is_vector) || left::width == right::width,
                  "vector operands must have the same number of components");
    static_assert(!(left::is_vector && right::is_vector) ||
                      is_same<typename left::element, typename right::element>::value,
                  "vector operands must have the same element type; convert one explicitly, e.g. float4(v)");
    static_assert(left::is_vector == right::is_vector || !is_integer<element>::value ||
                      !is_floating<scalar_side>::value,
                  "a floating-point scalar would be truncated to the integer vector's element type; MSL rejects "
                  "this, so convert explicitly");
  }
};

template <class A, class B>
using enable_vector_binary = enable_if_t<binary_operands<A, B>::valid, int>;

}  // namespace detail

#define GPUOS_VECTOR_BINARY(op)                                                                            \
  template <class A, class B, detail::enable_vector_binary<A, B> = 0>                                      \
  constexpr GPUOS_FUNC auto operator op(const A& a, const B& b) {                                          \
    using operands = detail::binary_operands<A, B>;                                                        \
    using T = typename operands::element;                                                                  \
    operands::check();                                                                                     \
    vec<T, operands::width> result{};                                                                      \
    for (int i = 0; i < operands::width; ++i)                                                              \
      result.elements_[i] = T(T(detail::component(a, i)) op T(detail::component(b, i)));                  \
    return result;                                                                                         \
  }
GPUOS_VECTOR_BINARY(+)
GPUOS_VECTOR_BINARY(-)
GPUOS_VECTOR_BINARY(*)
GPUOS_VECTOR_BINARY(/)
GPUOS_VECTOR_BINARY(%)
GPUOS_VECTOR_BINARY(&)
GPUOS_VECTOR_BINARY(|)
GPUOS_VECTOR_BINARY(^)
GPUOS_VECTOR_BINARY(<<)
GPUOS_VECTOR_BINARY(>>)
#undef GPUOS_VECTOR_BINARY

#define GPUOS_VECTOR_COMPARE(op)                                                                           \
  template <class A, class B, detail::enable_vector_binary<A, B> = 0>                                      \
  constexpr GPUOS_FUNC auto operator op(const A& a, const B& b) {                                          \
    using operands = detail::binary_operands<A, B>;                                                        \
    using T = typename operands::element;                                                                  \
    operands::check();                                                                                     \
    vec<bool, operands::width> result{};                                                                   \
    for (int i = 0; i < operands::width; ++i)                                                              \
      result.elements_[i] = T(detail::component(a, i)) op T(detail::component(b, i));                    \
    return result;                                                                                         \
  }
GPUOS_VECTOR_COMPARE(==)
GPUOS_VECTOR_COMPARE(!=)
GPUOS_VECTOR_COMPARE(<)
GPUOS_VECTOR_COMPARE(<=)
GPUOS_VECTOR_COMPARE(>)
GPUOS_VECTOR_COMPARE(>=)
GPUOS_VECTOR_COMPARE(&&)
GPUOS_VECTOR_COMPARE(||)
#undef GPUOS_VECTOR_COMPARE

template <class V, detail::enable_if_t<detail::operand_of<V>::is_vector, int> = 0>
constexpr GPUOS_FUNC auto operator-(const V& v) {
  using T = typename detail::operand_of<V>::element;
  vec<T, detail::operand_of<V>::width> result{};
  for (int i = 0; i < result.size; ++i) result.elements_[i] = T(-detail::component(v, i));
  return result;
}
template <class V, detail::enable_if_t<detail::operand_of<V>::is_vector, int> = 0>
constexpr GPUOS_FUNC auto operator+(const V& v) {
  return vec<typename detail::operand_of<V>::element, detail::operand_of<V>::width>(v);
}
template <class V, detail::enable_if_t<detail::operand_of<V>::is_vector, int> = 0>
constexpr GPUOS_FUNC auto operator~(const V& v) {
  using T = typename detail::operand_of<V>::element;
  vec<T, detail::operand_of<V>::width> result{};
  for (int i = 0; i < result.size; ++i) result.elements_[i] = T(~detail::component(v, i));
  return result;
}
template <class V, detail::enable_if_t<detail::operand_of<V>::is_vector, int> = 0>
constexpr GPUOS_FUNC auto operator!(const V& v) {
  vec<bool, detail::operand_of<V>::width> result{};
  for (int i = 0; i < result.size; ++i) result.elements_[i] = !detail::component(v, i);
  return result;
}

}  // namespace metal

// The MSL type names: global, as in Metal. The CUDA headers already have global float2 and the
// like (plain structs), so a CUDA build keeps them in namespace metal, and the translator writes
// metal::float2 in kernel code (native/translate/translator.cpp).
#if defined(__CUDACC__)
namespace metal {
#endif
#define GPUOS_VECTOR_TYPEDEFS(element, name)            \
  typedef metal::vec<element, 2> name##2;               \
  typedef metal::vec<element, 3> name##3;               \
  typedef metal::vec<element, 4> name##4;               \
  typedef metal::packed_vec<element, 2> packed_##name##2; \
  typedef metal::packed_vec<element, 3> packed_##name##3; \
  typedef metal::packed_vec<element, 4> packed_##name##4;
GPUOS_VECTOR_TYPEDEFS(bool, bool)
GPUOS_VECTOR_TYPEDEFS(char, char)
GPUOS_VECTOR_TYPEDEFS(uchar, uchar)
GPUOS_VECTOR_TYPEDEFS(short, short)
GPUOS_VECTOR_TYPEDEFS(ushort, ushort)
GPUOS_VECTOR_TYPEDEFS(int, int)
GPUOS_VECTOR_TYPEDEFS(uint, uint)
GPUOS_VECTOR_TYPEDEFS(long, long)
GPUOS_VECTOR_TYPEDEFS(ulong, ulong)
GPUOS_VECTOR_TYPEDEFS(half, half)
GPUOS_VECTOR_TYPEDEFS(float, float)
#undef GPUOS_VECTOR_TYPEDEFS
#if defined(__CUDACC__)
}  // namespace metal
using metal::bool2;
using metal::bool3;
using metal::bool4;
using metal::half2;
using metal::half3;
using metal::half4;
#endif

static_assert(sizeof(metal::vec<float, 3>) == 16 && alignof(metal::vec<float, 3>) == 16, "float3 is 16 bytes, 16-aligned in MSL");
static_assert(sizeof(metal::vec<float, 2>) == 8 && alignof(metal::vec<float, 2>) == 8, "float2 is 8 bytes, 8-aligned in MSL");
static_assert(sizeof(metal::vec<half, 3>) == 8 && alignof(metal::vec<half, 3>) == 8, "half3 is 8 bytes, 8-aligned in MSL");
static_assert(sizeof(metal::vec<uchar, 3>) == 4 && alignof(metal::vec<uchar, 3>) == 4, "uchar3 is 4 bytes, 4-aligned in MSL");
static_assert(sizeof(metal::packed_vec<float, 3>) == 12 && alignof(metal::packed_vec<float, 3>) == 4, "packed_float3 is 12 bytes, 4-aligned");

// Pins MSL `half` (IEEE binary16) in the emulator's headers (native/msl/common/half.h):
//   - float -> half rounds to nearest, ties to even, through subnormals and into infinity;
//   - half -> float -> half is the identity on every non-NaN bit pattern (a sweep of all 65536);
//   - every half operation rounds its result to half, mixed half/float expressions are float,
//     half/int expressions are half; half vectors and `h` literals.
// 1024 threads: the conversion and sweep loops stride by the thread count; each arithmetic case
// is evaluated by one thread.
#include <metal_stdlib>
using namespace metal;

struct HalfCase {
    uint op;
    half a;
    half b;
    half c;
    half unused;
    float f;
};

struct HalfResult {
    half4 h;
    float4 f;
};

// The op numbers test/msl/half.test.ts uses.
enum HalfOp : uint {
    OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_SQRT = 4, OP_NEG = 5,
    OP_COMPOUND_FLOAT = 6, OP_MIXED_FLOAT = 7, OP_PLUS_INT = 8, OP_COMPARE = 9, OP_INCREMENT = 10,
    OP_VECTOR = 11, OP_FROM_FLOAT4 = 12, OP_DOT = 13, OP_MIN_MAX = 14, OP_LITERALS = 15,
    OP_FROM_INT = 16, OP_TO_INT = 17, OP_COMPOUND_HALF = 18, OP_FRACT = 19,
};

static HalfResult evaluate(HalfCase c)
{
    const half a = c.a;
    const half b = c.b;
    const half z = c.c;
    const float f = c.f;
    HalfResult r;
    r.h = half4(0.0h);
    r.f = float4(0.0);
    half h;
    switch (c.op) {
    case OP_ADD: r.h.x = a + b; break;
    case OP_SUB: r.h.x = a - b; break;
    case OP_MUL: r.h.x = a * b; break;
    case OP_DIV: r.h.x = a / b; break;
    case OP_SQRT: r.h.x = sqrt(a); break;
    case OP_NEG: r.h.x = -a; break;
    case OP_COMPOUND_FLOAT:        // h += f is h = h + f: a float sum, rounded to half once
        h = a; h += f; r.h.x = h;
        h = a; h -= f; r.h.y = h;
        h = a; h *= f; r.h.z = h;
        h = a; h /= f; r.h.w = h;
        break;
    case OP_COMPOUND_HALF:         // with half operands every step rounds to half
        h = a; h += b; h *= z; h -= b; h /= z; r.h.x = h;
        break;
    case OP_MIXED_FLOAT:           // half op float is float: no rounding to half
        r.f = float4(a + f, f - a, a * f, f / a);
        break;
    case OP_PLUS_INT:              // half op int is half: the int converts to half first
        r.h = half4(a + 2049, 2049 + a, a * 3, a - 1);
        break;
    case OP_COMPARE:
        r.f = float4(a == b, a < b, a == f, a > 1);
        break;
    case OP_INCREMENT:
        h = a; h++; ++h; r.h.x = h;
        h = a; r.h.y = h--; r.h.z = h;
        break;
    case OP_VECTOR:
        r.h = half4(a, b, z, a) * b + half4(z);
        r.f = float4(half4(a, b, z, a) - 1);
        break;
    case OP_FROM_FLOAT4:
        r.h = half4(float4(f, -f, f * 65536.0, f / 65536.0));
        break;
    case OP_DOT:
        r.h.x = dot(half4(a, b, z, a), half4(b, z, a, b));
        r.h.y = length(half2(a, b));
        break;
    case OP_MIN_MAX:
        r.h = half4(min(a, b), max(a, b), fmin(b, a), fmax(b, a));
        break;
    case OP_LITERALS:
        r.h = half4(0.5h, 0.1h, 65504.0h, -0.0h);
        r.f = float4(sizeof(0.5h), 1e-7h, HALF_MAX, float(numeric_limits<half>::max()));
        break;
    case OP_FROM_INT:
        r.h = half4(half(int(f)), half(int(f) + 1), half(-int(f)), half(uint(f) * 2u));
        break;
    case OP_TO_INT:
        r.f = float4(int(a), int(-a), uint(a), short(a));
        break;
    case OP_FRACT:                 // clamped below 1 in half, not only in float
        r.h = half4(fract(a), fract(b), fract(z), fract(-a));
        r.f = float4(float4(fract(half4(a, b, z, -a))) == float4(r.h));
        break;
    default:
        r.f = float4(NAN);
        break;
    }
    return r;
}

kernel void msl_half(device const float* floats [[buffer(0)]],
                     device ushort* converted [[buffer(1)]],
                     device uint* widened [[buffer(2)]],
                     device ushort* narrowed [[buffer(3)]],
                     device const HalfCase* cases [[buffer(4)]],
                     device HalfResult* results [[buffer(5)]],
                     device const uint* counts [[buffer(6)]],
                     uint tid [[thread_index_in_threadgroup]])
{
    // float -> half for every test float
    for (uint i = tid; i < counts[0]; i += 1024) {
        converted[i] = as_type<ushort>(half(floats[i]));
    }
    // every half bit pattern -> float -> half
    for (uint bits = tid; bits < 65536; bits += 1024) {
        const half h = as_type<half>(ushort(bits));
        const float wide = h;
        widened[bits] = as_type<uint>(wide);
        narrowed[bits] = as_type<ushort>(half(wide));
    }
    if (tid < counts[1]) {
        results[tid] = evaluate(cases[tid]);
    }
}

// Pins the MSL math, common and geometric functions of the emulator's headers
// (native/msl/common/math_functions.h, constants.h): NaN handling of min/max, the formulas of
// clamp/mix/step/smoothstep, the rounding functions, fma against an unfused multiply-add (no
// contraction), libm-backed functions, as_type and the numeric constants.
//
// Table-driven: each thread evaluates one case, an operation (op) on scalar arguments x y z or
// vector arguments p q, and writes a float4 value and a uint4 of raw bits.
#include <metal_stdlib>
using namespace metal;

struct MathCase {
    uint op;
    float x;
    float y;
    float z;
    float4 p;
    float4 q;
};

struct MathResult {
    float4 value;
    uint4 bits;
};

// The op numbers test/msl/math.test.ts uses.
enum MathOp : uint {
    OP_MIN = 0, OP_MAX = 1, OP_FMIN = 2, OP_FMAX = 3, OP_CLAMP = 4, OP_MIX = 5, OP_STEP = 6,
    OP_SMOOTHSTEP = 7, OP_SATURATE = 8, OP_SIGN = 9, OP_FRACT = 10, OP_FLOOR = 11, OP_CEIL = 12,
    OP_ROUND = 13, OP_RINT = 14, OP_TRUNC = 15, OP_SQRT = 16, OP_RSQRT = 17, OP_FMA = 18,
    OP_MUL_ADD = 19, OP_ABS = 20, OP_FABS = 21, OP_COPYSIGN = 22, OP_FMOD = 23, OP_POW = 24,
    OP_EXP = 25, OP_LOG = 26, OP_SIN = 27, OP_COS = 28, OP_EXP2 = 29, OP_LOG2 = 30, OP_SINPI = 31,
    OP_COSPI = 32, OP_TANPI = 33,
    OP_DOT = 40, OP_LENGTH = 41, OP_DISTANCE = 42, OP_NORMALIZE = 43, OP_CROSS = 44, OP_REFLECT = 45,
    OP_MIN_V = 46, OP_MAX_V_SCALAR = 47, OP_CLAMP_V_SCALAR = 48, OP_MIX_V = 49, OP_STEP_V = 50,
    OP_SMOOTHSTEP_V = 51, OP_ABS_V = 52, OP_FRACT_V = 53, OP_SIGN_V = 54, OP_ROUND_V = 55,
    OP_LENGTH_SWIZZLE = 56, OP_FMAX_V = 57,
    OP_AS_TYPE_SCALAR = 60, OP_AS_TYPE_VECTOR = 61, OP_AS_TYPE_HALF = 62,
    OP_CONSTANTS_A = 70, OP_CONSTANTS_B = 71,
};

static MathResult evaluate(MathCase c)
{
    const float x = c.x;
    const float y = c.y;
    const float z = c.z;
    const float4 p = c.p;
    const float4 q = c.q;
    MathResult r;
    r.value = float4(0);
    r.bits = uint4(0);
    switch (c.op) {
    case OP_MIN: r.value.x = min(x, y); break;
    case OP_MAX: r.value.x = max(x, y); break;
    case OP_FMIN: r.value.x = fmin(x, y); break;
    case OP_FMAX: r.value.x = fmax(x, y); break;
    case OP_CLAMP: r.value.x = clamp(x, y, z); break;
    case OP_MIX: r.value.x = mix(x, y, z); break;
    case OP_STEP: r.value.x = step(x, y); break;           // edge x, value y
    case OP_SMOOTHSTEP: r.value.x = smoothstep(x, y, z); break;
    case OP_SATURATE: r.value.x = saturate(x); break;
    case OP_SIGN: r.value.x = sign(x); break;
    case OP_FRACT: r.value.x = fract(x); break;
    case OP_FLOOR: r.value.x = floor(x); break;
    case OP_CEIL: r.value.x = ceil(x); break;
    case OP_ROUND: r.value.x = round(x); break;
    case OP_RINT: r.value.x = rint(x); break;
    case OP_TRUNC: r.value.x = trunc(x); break;
    case OP_SQRT: r.value.x = sqrt(x); break;
    case OP_RSQRT: r.value.x = rsqrt(x); break;
    case OP_FMA: r.value.x = fma(x, y, z); break;
    case OP_MUL_ADD: r.value.x = x * y + z; break;         // must not be contracted into an fma
    case OP_ABS: r.value.x = abs(x); break;
    case OP_FABS: r.value.x = fabs(x); break;
    case OP_COPYSIGN: r.value.x = copysign(x, y); break;
    case OP_FMOD: r.value.x = fmod(x, y); break;
    case OP_POW: r.value.x = pow(x, y); break;
    case OP_EXP: r.value.x = exp(x); break;
    case OP_LOG: r.value.x = log(x); break;
    case OP_SIN: r.value.x = sin(x); break;
    case OP_COS: r.value.x = cos(x); break;
    case OP_EXP2: r.value.x = exp2(x); break;
    case OP_LOG2: r.value.x = log2(x); break;
    case OP_SINPI: r.value.x = sinpi(x); break;
    case OP_COSPI: r.value.x = cospi(x); break;
    case OP_TANPI: r.value.x = tanpi(x); break;

    case OP_DOT: r.value.x = dot(p, q); break;
    case OP_LENGTH: r.value.x = length(p); break;
    case OP_DISTANCE: r.value.x = distance(p, q); break;
    case OP_NORMALIZE: r.value = normalize(p); break;
    case OP_CROSS: r.value = float4(cross(p.xyz, q.xyz), 0); break;
    case OP_REFLECT: r.value = reflect(p, q); break;
    case OP_MIN_V: r.value = min(p, q); break;
    case OP_MAX_V_SCALAR: r.value = max(p, x); break;
    case OP_CLAMP_V_SCALAR: r.value = clamp(p, x, y); break;
    case OP_MIX_V: r.value = mix(p, q, x); break;
    case OP_STEP_V: r.value = step(x, p); break;
    case OP_SMOOTHSTEP_V: r.value = smoothstep(x, y, p); break;
    case OP_ABS_V: r.value = abs(p); break;
    case OP_FRACT_V: r.value = fract(p); break;
    case OP_SIGN_V: r.value = sign(p); break;
    case OP_ROUND_V: r.value = round(p); break;
    case OP_LENGTH_SWIZZLE: r.value = float4(length(p.xy), dot(p.zw, q.xy), distance(p.xyz, q.xyz), 0); break;
    case OP_FMAX_V: r.value = fmax(p, q); break;

    case OP_AS_TYPE_SCALAR:
        r.bits = uint4(as_type<uint>(x), as_type<uint>(y), uint(as_type<int>(x) >> 31), 0);
        r.value.x = as_type<float>(as_type<uint>(x) + 1u);        // the next float up from a positive x
        r.value.y = as_type<float>(as_type<int>(y) ^ INT_MIN);    // y with its sign flipped
        break;
    case OP_AS_TYPE_VECTOR:
        r.bits = as_type<uint4>(p);
        r.value = as_type<float4>(as_type<uint4>(p) ^ uint4(0x80000000u, 0, 0x80000000u, 0));
        break;
    case OP_AS_TYPE_HALF:
        r.bits.x = as_type<uint>(half2(x, y));                    // x in the low 16 bits
        r.bits.y = as_type<ushort>(half(x));
        r.value.x = float(as_type<half2>(as_type<uint>(x)).y);    // the high 16 bits of x as a half
        break;

    case OP_CONSTANTS_A:
        r.value = float4(M_PI_F, FLT_MAX, INFINITY, -INFINITY);
        r.bits = uint4(as_type<uint>(FLT_MIN), as_type<uint>(FLT_EPSILON), as_type<uint>(M_E_F), as_type<uint>(MAXFLOAT));
        break;
    case OP_CONSTANTS_B:
        r.value = float4(M_PI_2_F, M_SQRT2_F, M_LN2_F, HALF_MAX);
        r.bits = uint4(isinf(INFINITY), isnan(NAN), uint(INT_MAX), UINT_MAX);
        break;
    default:
        r.value = float4(NAN);
        break;
    }
    return r;
}

kernel void msl_math(device const MathCase* cases [[buffer(0)]],
                     device MathResult* results [[buffer(1)]],
                     uint tid [[thread_index_in_threadgroup]])
{
    results[tid] = evaluate(cases[tid]);
}

// Pins MSL vector semantics in the emulator's headers (native/msl/common/vector_types.h): the
// constructors, swizzle reads and writes, element access, element-wise operators with a scalar
// on either side, comparisons into bool vectors, select/all/any, ++, and the sizes and
// alignments the host ABI depends on. One thread computes every row; the test names each row.
// Inputs come from buffers so the compiler cannot fold the arithmetic away.
#include <metal_stdlib>
using namespace metal;

struct ThreeFloats {      // float3 is 16-aligned: v starts at byte 16, the struct is 32 bytes
    float head;
    float3 v;
};
struct ThreePackedFloats { // packed_float3 is 4-aligned: v starts at byte 4, the struct is 16 bytes
    float head;
    packed_float3 v;
};

kernel void msl_vectors(device const float4* fin [[buffer(0)]],
                        device const int4* iin [[buffer(1)]],
                        device const packed_float3* packed [[buffer(2)]],
                        device float4* fout [[buffer(3)]],
                        device int4* iout [[buffer(4)]],
                        device uint* layout [[buffer(5)]],
                        device float3* f3out [[buffer(6)]],
                        uint tid [[thread_index_in_threadgroup]])
{
    const float4 a = fin[0];
    const float4 b = fin[1];
    const float s = fin[2].x;
    const int k = iin[3].x;            // a run-time index
    const int4 p = iin[0];
    const int4 q = iin[1];
    const uint4 u = uint4(iin[2]);

    // ---- constructors ----
    fout[0] = float4(1.0);                     // broadcast of a literal
    fout[1] = float4(s);                       // broadcast of a variable
    fout[2] = float4(a.xy, 0, 1);              // a swizzle and two integer literals
    fout[3] = float4(float3(a.xy, s), 9.0);    // float3(v2, z), then float4(v3, w)
    fout[4] = float4(p);                       // explicit element conversion int4 -> float4
    fout[5] = float4(a.x, b.yz, s);            // scalar, swizzle, scalar
    float4 zero = 0;                           // a scalar initialiser splats
    fout[6] = zero;

    // ---- swizzle reads ----
    fout[7] = float4(a.zw, a.xy);
    fout[8] = float4(a.rgb, 0);
    fout[9] = a.rgba;
    fout[10] = float4(a.yx, b.yx);
    fout[11] = a.wzyx;
    fout[12] = a.xxxx;
    fout[13] = float4(a.zyx, b.w);

    // ---- swizzle writes ----
    float4 c = a;
    c.xy = b.zw;
    fout[14] = c;
    c = a;
    c.zw += b.xy;
    fout[15] = c;
    c = a;
    c.rgb *= 2;
    fout[16] = c;
    c = a;
    c.wx = b.xy;                               // writes in swizzle order: w = b.x, x = b.y
    fout[17] = c;
    c = a;
    c.yzw = c.xxx;                             // reads the old x before writing
    fout[18] = c;
    c = a;
    c.x = 5;
    c[2] = 6;
    fout[19] = c;
    fout[20] = float4(a[0], a[3], a[k], b[k + 1]);   // element reads, constant and run-time index
    c = a;
    c.yx = c.xy;                               // a swap through a swizzle of the same vector
    fout[21] = c;

    // ---- arithmetic ----
    fout[22] = a + b;
    fout[23] = a - b;
    fout[24] = a * b;
    fout[25] = a / b;
    fout[26] = a + s;                          // scalar on the right
    fout[27] = s - a;                          // scalar on the left
    fout[28] = a * 2;                          // integer scalar converts to float
    fout[29] = 1 / a;
    fout[30] = -a;
    c = a;
    fout[31] = ++c;                            // pre-increment: the new value
    c = a;
    fout[32] = c++;                            // post-increment: the old value...
    fout[33] = c;                              // ...and the vector is incremented
    fout[34] = float4(a.xy * b.zw, a.zw / s);
    c = a;
    c += b;
    c *= 0.5;
    c -= 1;
    c /= s;
    fout[35] = c;
    fout[36] = select(a, b, a < b);            // per component: a < b ? b : a

    // ---- integer vectors ----
    iout[0] = p + q;
    iout[1] = p - q;
    iout[2] = p * q;
    iout[3] = p / q;                           // truncates toward zero
    iout[4] = p % q;                           // takes the sign of the dividend
    iout[5] = p & q;
    iout[6] = p | q;
    iout[7] = p ^ q;
    iout[8] = p << 3;
    iout[9] = p >> 1;                          // arithmetic shift of signed values
    iout[10] = int4(u >> 4);                   // logical shift of unsigned values
    iout[11] = int4(u << uint4(1, 2, 3, 4));
    iout[12] = int4(~u);
    iout[13] = 100 - p;
    iout[14] = 2 * p;
    iout[15] = -p;
    iout[16] = p % 5;
    int4 m = p;
    m++;
    ++m;
    iout[17] = m;
    m = p;
    m <<= 2;
    m |= 1;
    m ^= q;
    iout[18] = m;

    // ---- comparisons, select, all, any ----
    iout[19] = int4(a < b);
    iout[20] = int4(a >= b);
    iout[21] = int4(p == q);
    iout[22] = int4(p != q);
    iout[23] = int4(p > 0);
    iout[24] = int4(a == s);
    iout[25] = int4(all(a < 10), any(a > 10), all(p != 0), any(p == 12));
    iout[26] = int4(all(bool4(true, true, false, true)), any(bool4(false)), all(bool4(true)), any(a.xy == b.xy));
    iout[27] = select(p, q, p > q);
    iout[28] = int4(!(p > 0));
    iout[29] = int4((p > 0) && (q > 0));
    iout[30] = int4((p > 0) || (q > 0));
    iout[31] = int4(float4(a * 10));           // float -> int truncates toward zero

    // ---- packed vectors and float3 in memory ----
    fout[37] = float4(float3(packed[1]), 0);   // packed_float3 elements are 12 bytes apart
    f3out[1] = a.xyz;                          // float3 elements are 16 bytes apart

    // ---- sizes and alignments (Metal Shading Language specification, tables 2.3 and 2.4) ----
    uint n = 0;
    layout[n++] = sizeof(float2);        layout[n++] = alignof(float2);
    layout[n++] = sizeof(float3);        layout[n++] = alignof(float3);
    layout[n++] = sizeof(float4);        layout[n++] = alignof(float4);
    layout[n++] = sizeof(half3);         layout[n++] = alignof(half3);
    layout[n++] = sizeof(uchar3);        layout[n++] = alignof(uchar3);
    layout[n++] = sizeof(packed_float3); layout[n++] = alignof(packed_float3);
    layout[n++] = sizeof(bool4);         layout[n++] = alignof(bool4);
    layout[n++] = sizeof(int3);          layout[n++] = alignof(int3);
    layout[n++] = sizeof(short3);        layout[n++] = alignof(short3);
    layout[n++] = sizeof(half4);         layout[n++] = alignof(half4);
    layout[n++] = sizeof(packed_half3);  layout[n++] = alignof(packed_half3);
    layout[n++] = sizeof(long3);         layout[n++] = alignof(long3);
    layout[n++] = sizeof(ThreeFloats);   layout[n++] = sizeof(ThreePackedFloats);
}

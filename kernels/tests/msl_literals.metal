// Pins that an unsuffixed floating literal is a float, not a double (MSL has no double): the
// translator appends the f suffix, so `x * 0.1` is a float multiply by 0.1f, rounded once to
// float, never a double multiply by 0.1 rounded at the end. Also pins sizeof on literals, hex
// and exponent-only forms, a program-scope constant, and that integer literals stay integers.
#include <metal_stdlib>
using namespace metal;

constant float one_tenth = 0.1;

kernel void msl_literals(device const float* in [[buffer(0)]],
                         device float* out [[buffer(1)]],
                         uint tid [[thread_index_in_threadgroup]])
{
    const float x = in[0];        // 13: x * 0.1 differs between float and double evaluation
    const float small = in[1];    // 5.5: so does small * 1e-3
    const float five_sevenths = in[2];    // 5/7: so does five_sevenths * 1.1 * 3.3
    out[0] = x * 0.1;
    out[1] = 0.1 * x;
    out[2] = small * 1e-3;
    out[3] = (x * 0.1) * 10.0;
    out[4] = five_sevenths * 1.1 * 3.3;
    out[5] = sizeof(0.1);
    out[6] = sizeof(1e10);
    out[7] = sizeof(x * 0.1);
    out[8] = 0x1.8p1;             // hexadecimal floating literal: 3
    out[9] = x * one_tenth;
    out[10] = x * .5 + 2.;        // leading and trailing dots
    out[11] = 3.0e+2 + 25e-1;     // exponent with and without a dot
    const float3 scaled = float3(0.1, 0.2, 0.3) * x;
    out[12] = scaled.x;
    out[13] = scaled.z;
    out[14] = sizeof(x > 0 ? 0.1 : 0.2);
    out[15] = min(x, 0.1);        // only compiles if 0.1 is a float: min(float, double) is ambiguous
    out[16] = 7 / 2;              // integer literals stay integers: 3
    out[17] = x / 2;              // and convert to float next to a float: 6.5
    out[18] = sizeof(0.5h);
    out[19] = 1.5f * x;           // an explicit f suffix is left alone
}

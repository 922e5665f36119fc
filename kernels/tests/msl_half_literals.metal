// Pins that a half literal is rounded from its decimal value once. 1.000488281250001 lies just
// above the tie between 1 and 1 + 2^-10: the nearest float is the tie itself, so rounding through
// float would land on the tie and round to even (1.0); rounded once it is 1 + 2^-10.
#include <metal_stdlib>
using namespace metal;

kernel void msl_half_literals(device ushort* out [[buffer(0)]])
{
    out[0] = as_type<ushort>(1.000488281250001h);   // just above a tie: rounds up
    out[1] = as_type<ushort>(1.000488281249999h);   // just below it: rounds down
    out[2] = as_type<ushort>(1.00048828125h);       // the tie itself: to even
    out[3] = as_type<ushort>(65504.0h);             // the largest half
    out[4] = as_type<ushort>(65520.0h);             // rounds past it: infinity
    out[5] = as_type<ushort>(5.9604644775390625e-8h); // 2^-24, the smallest subnormal
    out[6] = as_type<ushort>(2.9802322387695312e-8h); // 2^-25, a tie with zero: to even (0)
    out[7] = as_type<ushort>(-0.0h);
}

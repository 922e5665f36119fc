// Does nothing: the fixed cost of a dispatch (fiber setup, threadgroup memory fill, scheduling).
#include <metal_stdlib>
using namespace metal;

kernel void empty(device uint* sink [[buffer(0)]])
{
}

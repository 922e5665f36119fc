// One Euler step of a particle system, the way a Metal app's compute pass does it: a struct with
// packed_float3 and float3 fields, a uniforms struct, an early return for the threads past the
// end, and vector math. Plain Metal, not written for gpuos-replay.
#include <metal_stdlib>
using namespace metal;

struct Particle {
    packed_float3 position;
    float mass;
    float3 velocity;
};

struct SimParams {
    float3 gravity;
    float dt;
    float damping;
    uint count;
};

kernel void integrate(device Particle* particles [[buffer(0)]],
                      constant SimParams& params [[buffer(1)]],
                      uint id [[thread_position_in_grid]])
{
    if (id >= params.count) {
        return;
    }
    Particle p = particles[id];
    float3 v = p.velocity * params.damping + params.gravity * params.dt;
    float3 x = float3(p.position) + v * params.dt;
    if (x.y < 0.0) {
        x.y = -x.y;
        v.y = -v.y * 0.5;
    }
    p.position = packed_float3(x);
    p.velocity = v;
    particles[id] = p;
}

// The raw cost of the context switch, measured by ping-pong between the calling thread and one
// fiber. The emulator's other figures (barrier, SIMD call, dispatch) are measured on real kernels
// by bench/emulator.bench.ts.
#pragma once

#include <cstdint>

namespace gpuos::emu {

// Nanoseconds per one-way switch over `round_trips` round trips (two switches each).
double measure_context_switch_ns(std::uint64_t round_trips);

}  // namespace gpuos::emu

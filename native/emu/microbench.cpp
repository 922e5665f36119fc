#include "microbench.h"

#include <chrono>

#include "context_switch.h"
#include "guarded_memory.h"

namespace gpuos::emu {

namespace {

struct PingPong {
  void* caller_sp = nullptr;
  void* fiber_sp = nullptr;
  std::uint64_t bounces = 0;
};

[[noreturn]] void bounce(void* argument) {
  auto* state = static_cast<PingPong*>(argument);
  for (;;) {
    ++state->bounces;
    gpuos_context_switch(&state->fiber_sp, state->caller_sp);
  }
}

}  // namespace

double measure_context_switch_ns(std::uint64_t round_trips) {
  GuardedRegion stack;
  if (round_trips == 0 || !stack.allocate(64 * 1024)) return -1.0;
  PingPong state;
  state.fiber_sp = context_prepare(static_cast<char*>(stack.data()) + stack.size(), &bounce, &state);
  gpuos_context_switch(&state.caller_sp, state.fiber_sp);  // warm up: the first entry runs the trampoline
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < round_trips; ++i) gpuos_context_switch(&state.caller_sp, state.fiber_sp);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  // The fiber is abandoned mid-loop; its stack is unmapped with `stack`.
  return ns / (2.0 * static_cast<double>(round_trips));
}

}  // namespace gpuos::emu

// The barrier observer: at each threadgroup barrier release the dispatch pauses and a caller's
// function looks at memory while every live thread waits at that barrier.
//
// The fiber that released the barrier switches to the dispatching thread's own context
// (run_fibers), which calls the observer on its real stack and then switches back into the
// paused fiber. The observer never runs on a fiber stack: it may run JavaScript, which needs a
// thread's full stack and must not be interrupted by a context switch.
#include <algorithm>
#include <chrono>

#include "context_switch.h"
#include "executor.h"
#include "faults.h"

namespace gpuos::emu {

// On the fiber that released the barrier, with every waiter already runnable again.
void Executor::pause_for_observer(const gpuos_source_site* site, const Fiber& waiter) {
  const CallPath& path = call_paths_[waiter.index];
  const auto* arena = static_cast<const unsigned char*>(threadgroup_arena_.data());
  observed_variables_.reserve(GPUOS_MAX_THREADGROUP_VARIABLES);  // allocates once per executor
  observed_variables_.clear();
  for (std::uint32_t i = 0; i < threadgroup_variables_touched_; ++i) {
    const ThreadgroupVariable& variable = threadgroup_variables_[i];
    if (!variable.storage) continue;  // a slot whose declaration no thread has reached yet
    const auto offset = static_cast<std::size_t>(static_cast<const unsigned char*>(variable.storage) - arena);
    observed_variables_.push_back({variable.name, offset, variable.size});
  }
  observed_.index = stats_.threadgroup_barriers - 1;
  observed_.site = site;
  observed_call_path_.reserve(CallPath::kCapacity);  // allocates once per executor
  path.copy_sites(observed_call_path_);
  observed_.call_path = observed_call_path_.data();
  observed_.call_depth = static_cast<std::uint32_t>(observed_call_path_.size());
  observed_.threadgroup_memory = arena;
  observed_.threadgroup_bytes = threadgroup_used_;
  observed_.variables = observed_variables_.data();
  observed_.variable_count = static_cast<std::uint32_t>(observed_variables_.size());
  // run_fibers sees paused_sp_ set, calls the observer, and switches back here (or abandons this
  // fiber if the observer stopped the dispatch, as any stop does).
  gpuos_context_switch(&paused_sp_, main_sp_);
}

// On the dispatching thread's own stack, in run_fibers. Returns false when the observer stopped
// the dispatch.
bool Executor::observe_paused_barrier() {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point paused_at = Clock::now();
  // The watchdog times the kernel, not the observer: disarmed now, re-armed below with what was
  // left of its time. A signal it sent just before is ignored while in_fibers_ is false, and the
  // flag it set still stops the dispatch when the threads resume (its deadline had passed).
  watchdog_disarm(watchdog_token_);
  // A fault while the observer runs is not the kernel's (V8 handles SIGSEGV for its own traps):
  // with in_fibers_ false our handlers pass it on instead of jumping into this dispatch.
  in_fibers_ = false;
  const bool go_on = request_->observer.call(request_->observer.context, observed_);
  in_fibers_ = true;
  const Clock::time_point now = Clock::now();
  // Elapsed times (stats, the profile timeline) and the watchdog's deadline, which is
  // started_ + watchdogMs, leave out the time spent observing.
  started_ += now - paused_at;
  if (!go_on) {
    if (stop_reason_ == StopReason::kNone) stop_reason_ = StopReason::kObserverStopped;
    return false;
  }
  arm_watchdog(started_ + std::chrono::milliseconds(request_->watchdog_ms) - now);
  return true;
}

void Executor::arm_watchdog(std::chrono::steady_clock::duration timeout) {
  const long long ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  watchdog_token_ = watchdog_arm(watchdog_flag(), static_cast<std::uint32_t>(std::clamp<long long>(ms, 1, 0xffffffffll)));
}

}  // namespace gpuos::emu

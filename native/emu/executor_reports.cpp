// Turning a stopped dispatch into a finding: who was where, and what to do about it. Runs on the
// dispatching thread after the fibers stopped, so it may allocate freely.
#include <dlfcn.h>
#include <signal.h>

#include <cstring>

#include "executor.h"

namespace gpuos::emu {

namespace {

std::string describe_group(const ThreadGroupReport& group) {
  std::string out = "  " + std::string(group.threads.size() == 1 ? "thread " : "threads ") +
                    format_thread_set(group.threads) + ": ";
  out += group.operation;
  if (group.site) out += " at " + format_site_with_path(group.site, group.call_path);
  return out;
}

std::string describe_groups(const std::vector<ThreadGroupReport>& groups) {
  std::string out;
  for (const ThreadGroupReport& group : groups) out += "\n" + describe_group(group);
  return out;
}

std::string lanes_text(std::uint32_t mask) {
  std::vector<std::uint32_t> lanes;
  for (std::uint32_t m = mask; m != 0; m &= m - 1) lanes.push_back(static_cast<std::uint32_t>(__builtin_ctz(m)));
  return lanes.empty() ? std::string("none") : format_thread_set(lanes);
}

}  // namespace

std::string Executor::seed_note() const { return "seed " + std::to_string(request_->seed); }

std::vector<const gpuos_source_site*> Executor::call_path_of(const Fiber& fiber) const {
  return call_paths_[fiber.index].sites();
}

std::vector<ThreadGroupReport> Executor::group_threads_by_wait() const {
  std::vector<ThreadGroupReport> groups;
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    const Fiber& fiber = fibers_[t];
    std::string operation;
    const gpuos_source_site* site = nullptr;
    std::vector<const gpuos_source_site*> path;
    switch (state_of(fiber)) {
      case FiberState::kAtBarrier:
      case FiberState::kAtSimdCall:
        operation = std::string("waiting at ") + fiber.wait_operation;
        site = fiber.wait_site;
        path = call_path_of(fiber);
        break;
      case FiberState::kExited:
        operation = "returned";
        break;
      case FiberState::kRunnable:
      case FiberState::kRunning:
        if (stop_reason_ == StopReason::kSpinDeadlock && spinning(&fiber)) {
          operation = "spinning on an atomic";
          site = spins_[fiber.index].site;
          path = call_path_of(fiber);
        } else if (state_of(fiber) == FiberState::kRunning) {
          operation = "running";
        } else {
          operation = "ready to run";
        }
        break;
    }
    ThreadGroupReport* match = nullptr;
    for (ThreadGroupReport& group : groups) {
      if (group.site == site && group.operation == operation && group.call_path == path) {
        match = &group;
        break;
      }
    }
    if (!match) {
      groups.push_back({{}, operation, site, path});
      match = &groups.back();
    }
    match->threads.push_back(t);
  }
  return groups;
}

Finding Executor::report_stop() const {
  switch (stop_reason_) {
    case StopReason::kBarrierDivergence:
      return report_barrier_divergence();
    case StopReason::kSpinDeadlock:
      return report_stuck(code::kDeadlock,
                          "no thread can make progress: every runnable thread keeps polling atomics whose values "
                          "nothing changes any more");
    case StopReason::kStuck:
      return report_stuck(code::kDeadlock, "no thread can make progress");
    case StopReason::kExitBeforeBarrier:
      return report_exit_before_barrier();
    case StopReason::kSimdProblem:
      return report_simd_problem();
    case StopReason::kThreadgroupMemoryLimit:
    case StopReason::kTooManyThreadgroupVariables:
      return report_threadgroup_memory();
    case StopReason::kCallTooDeep: {
      Finding finding;
      finding.code = code::kCallTooDeep;
      finding.groups = group_threads_by_wait();
      finding.message = "kernel '" + std::string(kernel_->name) + "': calls of helpers that synchronise nest deeper than " +
                        std::to_string(CallPath::kCapacity) + " (at " + format_site(pending_variable_.site) + "; " +
                        seed_note() + "). Deep recursion through a function with barriers or SIMD-group calls is "
                                      "not supported.";
      return finding;
    }
    case StopReason::kFault:
      return report_fault();
    case StopReason::kWatchdog: {
      Finding finding;
      finding.code = code::kWatchdog;
      finding.groups = group_threads_by_wait();
      finding.fault_pc = fault_.pc;
      finding.message = "kernel '" + std::string(kernel_->name) + "' ran past its " +
                        std::to_string(request_->watchdog_ms) + " ms watchdog (" + seed_note() + "):" +
                        describe_groups(finding.groups) +
                        "\nA running thread that never reaches a barrier or returns is usually an endless loop or a "
                        "spin-wait on memory no other thread will write. Raise watchdogMs if the work is simply long.";
      return finding;
    }
    case StopReason::kObserverStopped: {
      Finding finding;
      finding.code = code::kObserverStopped;
      finding.groups = group_threads_by_wait();
      finding.message = "kernel '" + std::string(kernel_->name) + "': the barrier observer stopped the dispatch at " +
                        format_site_with_path(observed_.site, std::vector<const gpuos_source_site*>(
                                                                  observed_.call_path, observed_.call_path + observed_.call_depth)) +
                        ", release " + std::to_string(observed_.index) + " (" + seed_note() + ")";
      return finding;
    }
    case StopReason::kNone:
    case StopReason::kCompleted:
      break;
  }
  Finding finding;
  finding.code = code::kInternal;
  finding.message = "the emulator stopped without a reason; this is a bug in gpuos-replay";
  return finding;
}

Finding Executor::report_barrier_divergence() const {
  Finding finding;
  finding.code = code::kBarrierDivergence;
  finding.groups = group_threads_by_wait();
  finding.message = "kernel '" + std::string(kernel_->name) +
                    "': threads wait at different threadgroup_barrier calls, so none can be released (" + seed_note() +
                    "):" + describe_groups(finding.groups) +
                    "\nEvery live thread must reach the same threadgroup_barrier call. A barrier inside a branch "
                    "must be reached by all threads or by none: move it out of the branch, or make the condition "
                    "uniform.";
  return finding;
}

Finding Executor::report_stuck(const char* finding_code, std::string headline) const {
  Finding finding;
  finding.code = finding_code;
  finding.groups = group_threads_by_wait();
  finding.message = "kernel '" + std::string(kernel_->name) + "': " + headline + " (" + seed_note() + "):" +
                    describe_groups(finding.groups) +
                    "\nA thread that waits for memory only a blocked thread would write never finishes on a GPU "
                    "either. Pass the value through threadgroup memory across a barrier instead of spinning.";
  return finding;
}

Finding Executor::report_exit_before_barrier() const {
  Finding finding;
  finding.code = code::kExitBeforeBarrier;
  finding.groups = group_threads_by_wait();
  std::vector<std::uint32_t> returned;
  std::vector<std::uint32_t> waiting;
  std::vector<const gpuos_source_site*> barrier_path;
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    if (state_of(fibers_[t]) == FiberState::kExited) returned.push_back(t);
    if (state_of(fibers_[t]) == FiberState::kAtBarrier) {
      if (waiting.empty()) barrier_path = call_path_of(fibers_[t]);
      waiting.push_back(t);
    }
  }
  finding.message = "kernel '" + std::string(kernel_->name) + "': " +
                    (returned.size() == 1 ? "thread " : "threads ") + format_thread_set(returned) +
                    " returned before threadgroup_barrier at " + format_site_with_path(barrier_site_, barrier_path) + ", where " +
                    (waiting.size() == 1 ? "thread " : "threads ") + format_thread_set(waiting) + " wait (" +
                    seed_note() +
                    ").\nApple GPUs release a barrier without the threads that returned; strict mode reports it "
                    "because it usually means those threads skipped work the others rely on. Keep every thread "
                    "alive to the last barrier (guard the work, not the barrier), or dispatch with strict: false "
                    "to accept it.";
  return finding;
}

Finding Executor::report_simd_problem() const {
  Finding finding;
  const gpuos_simd_problem& problem = simd_problem_.problem;
  const gpuos_simd_call* call = simd_problem_.call;
  const std::uint32_t base = simd_problem_.simdgroup * GPUOS_SIMD_WIDTH;
  const std::string where = std::string(call->operation) + " at " +
                            format_site_with_path(call->site, call_path_of(fibers_[base + problem.lane]));
  const std::string lane = "lane " + std::to_string(problem.lane) + " (thread " + std::to_string(base + problem.lane) +
                           ") of SIMD-group " + std::to_string(simd_problem_.simdgroup);
  finding.groups.push_back({{}, std::string("in ") + call->operation, call->site, call_path_of(fibers_[base + problem.lane])});
  for (std::uint32_t m = simd_problem_.active_mask; m != 0; m &= m - 1) {
    finding.groups.back().threads.push_back(base + static_cast<std::uint32_t>(__builtin_ctz(m)));
  }
  const std::string active = "active lanes: " + lanes_text(simd_problem_.active_mask);
  switch (problem.code) {
    case GPUOS_SIMD_READ_INACTIVE_LANE:
      finding.code = code::kSimdInactiveLane;
      finding.message = "kernel '" + std::string(kernel_->name) + "': " + lane + " read lane " +
                        std::to_string(problem.detail) + " in " + where + ", but that lane is not active there (" +
                        active + "; " + seed_note() +
                        ").\nMetal leaves the value undefined. Read only lanes that take part in the call, or "
                        "dispatch with strict: false to accept it.";
      break;
    case GPUOS_SIMD_NON_UNIFORM_ARGUMENT:
      finding.code = code::kSimdNonUniform;
      finding.message = "kernel '" + std::string(kernel_->name) + "': " + where +
                        " needs the same argument in every active lane, but " + lane + " passed " +
                        std::to_string(problem.detail) + " while lane " +
                        std::to_string(__builtin_ctz(simd_problem_.active_mask)) + " passed " +
                        std::to_string(simd_problem_.reference_arg) + " (" + active + "; " + seed_note() + ").";
      break;
    default:
      finding.code = code::kSimdPartialBarrier;
      finding.message = "kernel '" + std::string(kernel_->name) + "': " + where + " was reached by lanes " +
                        lanes_text(simd_problem_.active_mask) + " of SIMD-group " +
                        std::to_string(simd_problem_.simdgroup) + ", while lanes " + lanes_text(problem.detail) +
                        " are elsewhere or returned (" + seed_note() +
                        ").\nEvery lane of the SIMD-group must reach the same simdgroup_barrier.";
      break;
  }
  return finding;
}

Finding Executor::report_threadgroup_memory() const {
  Finding finding;
  finding.code = code::kThreadgroupMemoryLimit;
  const ThreadgroupVariable& failed = pending_variable_;
  if (stop_reason_ == StopReason::kTooManyThreadgroupVariables) {
    finding.message = "kernel '" + std::string(kernel_->name) + "' declares more than " +
                      std::to_string(GPUOS_MAX_THREADGROUP_VARIABLES) + " threadgroup variables";
    return finding;
  }
  std::size_t total = failed.size;
  std::string listing;
  for (std::uint32_t i = 0; i < threadgroup_variables_touched_; ++i) {
    const ThreadgroupVariable& variable = threadgroup_variables_[i];
    if (!variable.storage) continue;
    total += variable.size;
    listing += "\n  '" + std::string(variable.name) + "': " + std::to_string(variable.size) + " bytes at " +
               format_site(variable.site);
  }
  listing += "\n  '" + std::string(failed.name ? failed.name : "?") + "': " + std::to_string(failed.size) +
             " bytes at " + format_site(failed.site) + "  <- does not fit";
  std::size_t bound_bytes = 0;
  for (std::uint32_t bytes : request_->threadgroup_memory_bytes) bound_bytes += bytes;
  if (bound_bytes) listing += "\n  [[threadgroup(n)]] buffers: " + std::to_string(bound_bytes) + " bytes";
  total += bound_bytes;
  finding.groups.push_back({{}, "declaring threadgroup memory", failed.site, {}});
  finding.message = "kernel '" + std::string(kernel_->name) + "' needs at least " + std::to_string(total) +
                    " bytes of threadgroup memory, more than the " + std::to_string(threadgroup_limit_) +
                    " bytes an Apple GPU threadgroup has:" + listing +
                    "\nShrink the arrays, reuse one buffer across phases, or keep the data in device memory.";
  return finding;
}

Finding Executor::report_fault() const {
  Finding finding;
  finding.fault_address = fault_.address;
  finding.fault_pc = fault_.pc;
  Dl_info info{};
  if (fault_.pc && dladdr(reinterpret_cast<void*>(fault_.pc), &info) && info.dli_fname) {
    finding.fault_library = info.dli_fname;
    finding.fault_pc_offset = fault_.pc - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  }
  const std::int64_t thread = fault_.fiber;
  const std::string who = thread >= 0 ? "thread " + std::to_string(thread) : std::string("the emulator");
  std::string after;
  if (thread >= 0) {
    finding.groups.push_back({{static_cast<std::uint32_t>(thread)}, "faulted", nullptr, {}});
    const gpuos_source_site* last = fibers_[static_cast<std::size_t>(thread)].last_site;
    after = last ? " after " + format_site(last) : std::string(" before its first barrier");
  }
  const std::string context = " (" + seed_note() + ")";
  const auto address = static_cast<std::uintptr_t>(fault_.address);

  if (fault_.signal == SIGFPE) {
    finding.code = code::kArithmeticFault;
    finding.message = "kernel '" + std::string(kernel_->name) + "': " + who +
                      " divided an integer by zero (or INT_MIN by -1)" + after + context +
                      ".\nA GPU returns an undefined value here; guard the divisor.";
    return finding;
  }
  if (fault_.signal == SIGILL || fault_.signal == SIGTRAP) {
    finding.code = code::kInvalidAccess;
    finding.message = "kernel '" + std::string(kernel_->name) + "': " + who + " reached a trap instruction" + after +
                      context +
                      ": undefined behaviour in the kernel: an index outside a vector's components (v[i] with i "
                      "negative or not below its width), or a function with a return type that ends without "
                      "returning a value.";
    return finding;
  }

  const std::int64_t stack_owner = stacks_.guard_owner(address);
  if (stack_owner >= 0) {
    finding.code = code::kStackOverflow;
    finding.message = "kernel '" + std::string(kernel_->name) + "': thread " + std::to_string(stack_owner) +
                      " overflowed its " + std::to_string(stacks_.stack_bytes()) + "-byte stack" + after + context +
                      ".\nLarge local arrays or deep recursion; move big arrays to threadgroup or device memory, "
                      "or dispatch with a larger stackBytes.";
    return finding;
  }
  for (std::uint32_t i = 0; i < GPUOS_MAX_BUFFER_BINDINGS; ++i) {
    const BufferBinding& binding = request_->buffers[i];
    if (!binding.region || !binding.region->in_guard(address)) continue;
    finding.code = code::kOutOfBounds;
    finding.buffer_index = static_cast<std::int32_t>(i);
    finding.buffer_offset = binding.region->offset_of(address);
    finding.buffer_size = binding.size;
    finding.message = "kernel '" + std::string(kernel_->name) + "': " + who + " accessed buffer(" + std::to_string(i) +
                      ") at byte offset " + std::to_string(finding.buffer_offset) + ", outside its " +
                      std::to_string(binding.size) + " bytes" + after + context +
                      ".\nOn a GPU this reads garbage or corrupts another allocation silently.";
    return finding;
  }
  if (threadgroup_arena_.in_guard(address)) {
    finding.code = code::kOutOfBounds;
    finding.buffer_offset = threadgroup_arena_.offset_of(address);
    finding.message = "kernel '" + std::string(kernel_->name) + "': " + who +
                      " accessed threadgroup memory at byte offset " + std::to_string(finding.buffer_offset) +
                      ", outside the " + std::to_string(threadgroup_limit_) + " bytes a threadgroup has" + after +
                      context + ".";
    return finding;
  }
  finding.code = code::kInvalidAccess;
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(address));
  finding.message = "kernel '" + std::string(kernel_->name) + "': " + who + " accessed address " + hex +
                    ", which belongs to no buffer" + after + context +
                    ".\nA null or dangling pointer, or an index far outside a buffer.";
  return finding;
}

}  // namespace gpuos::emu

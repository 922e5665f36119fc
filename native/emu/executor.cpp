#include "executor.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

#include "context_switch.h"
#include "dispatch_validation.h"
#include "faults.h"

namespace gpuos::emu {

namespace {

// Atomic operations in a row, across the threadgroup, with nothing changing anywhere (no memory
// change by an atomic, no thread blocking, returning or being released). Past this, if every
// runnable thread is polling, the threadgroup is deadlocked on a spin-wait.
constexpr std::uint32_t kQuietAtomicLimit = 1u << 24;
// A runnable thread is polling once it has seen the same value at the same word from the same
// atomic this many times in a row. High enough that a bounded loop of loads is not mistaken for a
// spin-wait; a real deadlock is still reported in well under a second.
constexpr std::uint32_t kPollingThreshold = 1u << 16;
// Threadgroup arrays are indexed by thread id times a stride: a whole megabyte of guard catches
// such overruns however far they reach into it.
constexpr std::size_t kThreadgroupGuardBytes = 1024 * 1024;
// Stack pools up to this size per fiber stay mapped between dispatches (the OS kernel's frames
// reuse them); larger ones are unmapped after the dispatch that asked for them.
constexpr std::size_t kKeptStackBytes = 1024 * 1024;
// 16 offsets of 256 bytes spread the fibers' stack tops over a whole 4 KiB page of cache sets.
constexpr std::uint32_t kStackColours = 16;
constexpr std::uintptr_t kStackColourBytes = 256;
// Cache lines of the next thread's stack fetched ahead of its switch: its saved registers and the
// runtime frames above them (measured: 3 to 8 lines give the same, 1 too few, 16 too many).
constexpr int kPrefetchStackLines = 4;

std::uint32_t lowest_lane(std::uint32_t mask) { return static_cast<std::uint32_t>(__builtin_ctz(mask)); }

void fiber_entry(void* fiber) { tls_running->run_fiber(static_cast<Fiber*>(fiber)); }

}  // namespace

__thread Executor* tls_running __attribute__((tls_model("initial-exec"))) = nullptr;

Executor& thread_executor() {
  // Heap-allocated: the executor is ~80 KB, and this module's TLS must fit the small static TLS
  // block because of tls_running's initial-exec model.
  thread_local std::unique_ptr<Executor> executor;
  if (!executor) executor = std::make_unique<Executor>();
  return *executor;
}

Executor::Executor() = default;
Executor::~Executor() = default;

DispatchOutcome Executor::dispatch(const DispatchRequest& request) {
  if (dispatching_) {
    // Only a barrier observer can get here (it runs while this executor's dispatch is paused),
    // and the addon refuses that first; running it would overwrite the paused dispatch's fibers.
    DispatchOutcome outcome;
    Finding finding;
    finding.code = code::kInternal;
    finding.message = "a dispatch was started on a thread whose dispatch is paused in a barrier observer";
    outcome.findings.push_back(std::move(finding));
    return outcome;
  }
  struct Dispatching {
    bool& flag;
    explicit Dispatching(bool& f) : flag(f) { flag = true; }
    ~Dispatching() { flag = false; }
  } dispatching(dispatching_);
  return run_dispatch(request);
}

DispatchOutcome Executor::run_dispatch(const DispatchRequest& request) {
  started_ = std::chrono::steady_clock::now();
  barrier_timeline_.clear();
  DispatchOutcome outcome;
  if (!prepare(request, outcome)) return outcome;

  install_fault_handlers();
  ensure_alternate_signal_stack();
  watchdog_fired_ = false;
  // Faults and the watchdog find the executor of their OS thread in a fixed table: without a slot,
  // a fault would kill the process and an endless loop never stop, so the dispatch is refused.
  if (!register_running_executor(this)) {
    Finding finding;
    finding.code = code::kInternal;
    finding.message = "more dispatches are running at once than the emulator tracks (256 threads); lower UV_THREADPOOL_SIZE";
    outcome.findings.push_back(std::move(finding));
    return outcome;
  }
  arm_watchdog(std::chrono::milliseconds(request.watchdog_ms));
  tls_running = this;
  run_fibers();
  tls_running = nullptr;
  watchdog_disarm(watchdog_token_);
  unregister_running_executor();

  collect(outcome);
  stats_.elapsed_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started_).count());
  // Stacks larger than usual are unmapped once the dispatch is over (the report above has used
  // them): what a deep kernel touched does not stay resident in the process.
  if (stacks_.stack_bytes() > kKeptStackBytes) stacks_.release();
  outcome.stats = stats_;
  outcome.barrier_timeline = std::move(barrier_timeline_);
  return outcome;
}

bool Executor::prepare(const DispatchRequest& request, DispatchOutcome& outcome) {
  Finding invalid;
  if (!validate_dispatch(request, invalid)) {
    outcome.findings.push_back(std::move(invalid));
    return false;
  }
  request_ = &request;
  kernel_ = request.kernel;
  thread_count_ = request.threads[0] * request.threads[1] * request.threads[2];

  // Which mapping failed decides the advice: the stacks (lower stackBytes) or the arena.
  const bool stacks_mapped = stacks_.ensure(thread_count_, request.stack_bytes);
  if (!stacks_mapped ||
      (!threadgroup_arena_.data() && !threadgroup_arena_.allocate(threadgroup_limit_, kThreadgroupGuardBytes))) {
    Finding finding;
    finding.code = code::kInternal;
    finding.message = !stacks_mapped
                          ? "could not map memory for " + std::to_string(thread_count_) + " fiber stacks of " + std::to_string(request.stack_bytes) +
                                " bytes; lower stackBytes or raise the process's address-space limit"
                          : std::string("could not map the threadgroup memory arena; raise the process's address-space limit");
    outcome.findings.push_back(std::move(finding));
    return false;
  }
  if (fibers_.empty()) {
    fibers_.resize(GPUOS_MAX_THREADS_PER_THREADGROUP);
    thread_ids_.resize(GPUOS_MAX_THREADS_PER_THREADGROUP);
    call_paths_.resize(GPUOS_MAX_THREADS_PER_THREADGROUP);
    spins_.resize(GPUOS_MAX_THREADS_PER_THREADGROUP);
    runnable_.resize(GPUOS_MAX_THREADS_PER_THREADGROUP);
    barrier_waiters_.resize(GPUOS_MAX_THREADS_PER_THREADGROUP);
  }

  const std::uint32_t width = request.threads[0];
  const std::uint32_t height = request.threads[1];
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    Fiber& fiber = fibers_[t];
    fiber = Fiber{};
    fiber.index = t;
    fiber.simdgroup = static_cast<std::uint16_t>(t / GPUOS_SIMD_WIDTH);
    fiber.lane = static_cast<std::uint8_t>(t % GPUOS_SIMD_WIDTH);
    gpuos_thread_ids& ids = thread_ids_[t];
    ids.index = t;
    ids.position[0] = t % width;
    ids.position[1] = (t / width) % height;
    ids.position[2] = t / (width * height);
    ids.simdgroup = fiber.simdgroup;
    ids.lane = fiber.lane;
    // Stack colouring: stacks sit a multiple of the page size apart, so without an offset every
    // fiber's hot stack top would map to the same few cache sets and evict the others.
    char* top = static_cast<char*>(stacks_.stack_high(t)) - (t % kStackColours) * kStackColourBytes;
    fiber.sp = context_prepare(top, &fiber_entry, &fiber);
  }
  runnable_count_ = thread_count_;
  runnable_groups_ = 0;
  turn_ended_ = false;
  live_count_ = thread_count_;

  group_count_ = (thread_count_ + GPUOS_SIMD_WIDTH - 1) / GPUOS_SIMD_WIDTH;
  for (std::uint32_t g = 0; g < group_count_; ++g) {
    SimdGroup& group = groups_[g];
    group.size = std::min(GPUOS_SIMD_WIDTH, thread_count_ - g * GPUOS_SIMD_WIDTH);
    group.live_mask = group.size == 32 ? ~0u : (1u << group.size) - 1;
    group.running = group.size;
    group.waiting_mask = 0;
    group.runnable_mask = group.live_mask;
    group.descending = false;
    runnable_groups_ |= 1u << g;
    // A non-strict read of an inactive lane returns what its slot holds: make that the same for
    // every dispatch, not whatever the previous dispatch on this OS thread left there. (Strict
    // dispatches stop at such a read, so they never see it.)
    if (!request.strict) std::memset(group.values, 0, sizeof group.values);
  }
  // A stopped dispatch can leave paths open, in any of the pool's threads, not only this
  // dispatch's (a 32-thread dispatch after a 1024-thread one must not keep thread 900's).
  if (call_paths_used_) {
    for (CallPath& path : call_paths_) path.depth = 0;
    call_paths_used_ = false;
  }

  rng_.reseed(request.seed);
  prepare_schedule(request.schedule);
  // The epoch only ever grows, across dispatches too, so spin state left by an earlier dispatch
  // can never look current and needs no reset.
  ++epoch_;
  quiet_atomics_ = 0;
  barrier_waiting_ = 0;
  barrier_site_ = nullptr;
  barrier_path_hash_ = 0;
  barrier_mixed_ = false;
  stop_reason_ = StopReason::kNone;
  simd_problem_ = {};
  fault_ = {};
  stats_ = {};

  // Threadgroup memory starts as seeded noise, never zeros: a kernel that reads it before
  // writing gets values that change with the seed, which the determinism checks then catch.
  auto* arena = static_cast<unsigned char*>(threadgroup_arena_.data());
  std::uint64_t fill_state = request.seed ^ 0x7467'6d65'6d6f'7279ull;  // "tgmemory"
  for (std::size_t offset = 0; offset < threadgroup_limit_; offset += sizeof(std::uint64_t)) {
    const std::uint64_t word = splitmix64(fill_state);
    std::memcpy(arena + offset, &word, sizeof word);
  }
  threadgroup_used_ = 0;
  for (std::uint32_t i = 0; i < GPUOS_MAX_THREADGROUP_BINDINGS; ++i) {
    threadgroup_pointers_[i] = nullptr;
    if (request.threadgroup_memory_bytes[i] == 0) continue;
    threadgroup_pointers_[i] = arena + threadgroup_used_;
    threadgroup_used_ += (request.threadgroup_memory_bytes[i] + 15u) & ~15u;
  }
  for (std::uint32_t i = 0; i < threadgroup_variables_touched_; ++i) threadgroup_variables_[i] = {};
  threadgroup_variables_touched_ = 0;

  for (std::uint32_t i = 0; i < GPUOS_MAX_BUFFER_BINDINGS; ++i) buffer_pointers_[i] = request.buffers[i].data;
  launch_.buffers = buffer_pointers_;
  launch_.threadgroup_memory = threadgroup_pointers_;
  for (int axis = 0; axis < 3; ++axis) launch_.threads_per_threadgroup[axis] = request.threads[axis];
  barrier_flags_ = 0;
  race_active_ = false;
  return !request.race || start_race_check(outcome);
}

void Executor::run_fibers() {
  in_runtime_ = true;
  if (sigsetjmp(fault_jump_, 1) == 0) {
    in_fibers_ = true;
    Fiber* first = pick_runnable(nullptr, Handover::kBlocked);
    current_ = first;
    ++stats_.context_switches;
    gpuos_context_switch(&main_sp_, first->sp);
    // A fiber that released a barrier with an observer set comes back here paused: the observer
    // runs on this stack, then that fiber goes on. This frame (and fault_jump_) stays live
    // throughout, so faults after the pause are caught exactly as before it.
    while (paused_sp_ && observe_paused_barrier()) {
      void* const paused = paused_sp_;
      paused_sp_ = nullptr;
      gpuos_context_switch(&main_sp_, paused);
    }
  }
  // Back on the dispatching thread's own stack: every fiber returned, or something stopped them.
  in_fibers_ = false;
  current_ = nullptr;
  paused_sp_ = nullptr;  // an observer that stopped the dispatch abandons the paused fiber
}

void Executor::collect(DispatchOutcome& outcome) {
  stats_.threadgroup_memory_bytes = static_cast<std::uint32_t>(threadgroup_used_);
  outcome.ok = stop_reason_ == StopReason::kCompleted;
  if (!outcome.ok) outcome.findings.push_back(report_stop());
  if (race_active_) collect_races(outcome);
  outcome.decision_count = decision_count_;
  outcome.decisions = std::move(decisions_);
  outcome.decisions_truncated = decisions_truncated_;
  outcome.barrier_digests = std::move(barrier_digests_);
  outcome.barrier_digest_sites = std::move(barrier_digest_sites_);
}

// ---------------------------------------------------------------------------------------------
// scheduling

// Runs on every switch between threads. The common case, a blocked thread handing over to the
// next lane of its group under the random schedule (choose_random's first rule), stays inline;
// everything else goes through pick_runnable_otherwise.
inline Fiber* Executor::pick_runnable(Fiber* self, Handover handover) {
  Fiber* fiber = nullptr;
  if (plain_random_ && continues_turn(self, handover) && runnable_count_ > 1) fiber = next_in_group(self);
  if (fiber) {
    ++decision_count_;
  } else {
    fiber = pick_runnable_otherwise(self, handover);
  }
  turn_ended_ = false;
  take_runnable(fiber);
  fiber->state = FiberState::kRunning;
  return fiber;
}

__attribute__((noinline)) Fiber* Executor::pick_runnable_otherwise(Fiber* self, Handover handover) {
  if (runnable_count_ == 1) return nth_runnable(0);
  if (plain_random_) {
    ++decision_count_;
    return choose_random(self, handover);
  }
  return choose(self, handover);
}

void Executor::make_runnable(Fiber* fiber) {
  fiber->state = FiberState::kRunnable;
  group_of(fiber).runnable_mask |= 1u << fiber->lane;
  runnable_groups_ |= 1u << fiber->simdgroup;
  ++runnable_count_;
}

inline void Executor::take_runnable(Fiber* fiber) {
  SimdGroup& group = group_of(fiber);
  group.runnable_mask &= ~(1u << fiber->lane);
  if (group.runnable_mask == 0) runnable_groups_ &= ~(1u << fiber->simdgroup);
  --runnable_count_;
}

// The n-th runnable thread in thread order.
Fiber* Executor::nth_runnable(std::uint32_t n) {
  for (std::uint32_t groups = runnable_groups_; groups != 0; groups &= groups - 1) {
    const std::uint32_t g = lowest_lane(groups);
    std::uint32_t lanes = groups_[g].runnable_mask;
    const std::uint32_t count = static_cast<std::uint32_t>(__builtin_popcount(lanes));
    if (n >= count) {
      n -= count;
      continue;
    }
    for (; n > 0; --n) lanes &= lanes - 1;
    return &fibers_[g * GPUOS_SIMD_WIDTH + lowest_lane(lanes)];
  }
  return nullptr;  // unreachable: n < runnable_count_
}

// runnable_: every runnable thread, in thread order.
void Executor::collect_runnable() {
  std::uint32_t n = 0;
  each_runnable([&](std::uint32_t thread) {
    runnable_[n++] = &fibers_[thread];
    return true;
  });
}

void Executor::switch_away(Fiber* self, Handover handover) {
  if (stop_reason_ != StopReason::kNone) stop(stop_reason_);
  if (watchdog_fired_) stop(StopReason::kWatchdog);
  if (runnable_count_ == 0) {
    if (live_count_ == 0) stop(StopReason::kCompleted);
    stop(barrier_mixed_ ? StopReason::kBarrierDivergence : StopReason::kStuck);
  }
  Fiber* next = pick_runnable(self, handover);
  if (next == self) return;
  // The thread likely to run after `next` (the next lane of its group) gets its stack top on its
  // way into the cache now, while `next` runs: a resumed fiber's first touches are its stack.
  if (Fiber* after = next_in_group(next)) {
    const char* top = static_cast<const char*>(after->sp);
    for (int line = 0; line < kPrefetchStackLines; ++line) __builtin_prefetch(top + 64 * line, 1);
  }
  current_ = next;
  ++stats_.context_switches;
  gpuos_context_switch(&self->sp, next->sp);
}

void Executor::stop(StopReason reason) {
  if (stop_reason_ == StopReason::kNone || reason == StopReason::kFault) stop_reason_ = reason;
  void* abandoned_sp = nullptr;
  Fiber* self = current_;
  current_ = nullptr;
  // The fiber is never resumed: its stack stays untouched until the next dispatch reuses it,
  // so the report can still read the records its blocked call left there.
  gpuos_context_switch(self ? &self->sp : &abandoned_sp, main_sp_);
  __builtin_unreachable();
}

void Executor::run_fiber(Fiber* fiber) {
  in_runtime_ = false;
  kernel_->entry(&launch_, &thread_ids_[fiber->index]);
  in_runtime_ = true;
  fiber_exited(fiber);
}

void Executor::fiber_exited(Fiber* self) {
  race_settle();
  self->state = FiberState::kExited;
  self->wait_site = nullptr;
  self->wait_operation = "returned";
  --live_count_;
  group_of(self).live_mask &= ~(1u << self->lane);
  progress();
  lane_blocked(self);
  // Apple's rule: threads that returned do not hold a barrier back.
  if (barrier_waiting_ > 0 && barrier_waiting_ == live_count_ && !barrier_mixed_) release_barrier();
  switch_away(self, Handover::kBlocked);
  __builtin_unreachable();
}

// ---------------------------------------------------------------------------------------------
// threadgroup barriers

void Executor::threadgroup_barrier(std::uint32_t mem_flags, const gpuos_source_site* site) {
  Fiber* self = current_;
  self->state = FiberState::kAtBarrier;
  self->wait_site = site;
  self->wait_operation = "threadgroup_barrier";
  if (barrier_waiting_ == 0) {
    barrier_site_ = site;
    barrier_path_hash_ = self->path_hash;
    barrier_flags_ = mem_flags;
  } else if (site != barrier_site_ || self->path_hash != barrier_path_hash_) {
    barrier_mixed_ = true;
  }
  barrier_flags_ &= mem_flags;
  barrier_waiters_[barrier_waiting_++] = self;
  progress();
  lane_blocked(self);
  if (barrier_waiting_ == live_count_ && !barrier_mixed_) release_barrier();
  switch_away(self, Handover::kBlocked);
  self->last_site = site;
}

void Executor::release_barrier() {
  if (request_->strict && live_count_ < thread_count_) {
    // Leave the waiters where they are: the report lists them beside the threads that returned.
    if (stop_reason_ == StopReason::kNone) stop_reason_ = StopReason::kExitBeforeBarrier;
    return;
  }
  // Every live thread waits here, so every live lane becomes runnable: whole groups at a time. A
  // released fiber's own state still says where it waited until it runs (state_of() tells).
  for (std::uint32_t g = 0; g < group_count_; ++g) {
    SimdGroup& group = groups_[g];
    if (group.live_mask == 0) continue;
    group.runnable_mask |= group.live_mask;
    group.running += static_cast<std::uint32_t>(__builtin_popcount(group.live_mask));
    runnable_groups_ |= 1u << g;
  }
  runnable_count_ += barrier_waiting_;
  barrier_waiting_ = 0;
  turn_ended_ = true;
  if (request_->profile && barrier_timeline_.size() < kMaxBarrierMarks) {
    const auto now = std::chrono::steady_clock::now();
    barrier_timeline_.push_back({barrier_site_, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - started_).count())});
  }
  ++stats_.threadgroup_barriers;
  if (race_active_) race_.barrier(barrier_flags_, barrier_site_);
  if (request_->schedule.digest_barriers) digest_barrier(barrier_site_);
  progress();
  // Every waiter shares the barrier's site and call path, so the first one's path is the barrier's.
  if (request_->observer.call && stop_reason_ == StopReason::kNone) pause_for_observer(barrier_site_, *barrier_waiters_[0]);
  barrier_site_ = nullptr;
  barrier_path_hash_ = 0;
  barrier_mixed_ = false;
}

// ---------------------------------------------------------------------------------------------
// SIMD-group functions

const void* Executor::simd_call(const gpuos_simd_call* call) {
  Fiber* self = current_;
  const std::uint32_t lane = self->lane;
  SimdGroup& group = group_of(self);
  std::memcpy(group.values[lane], call->value, call->size < GPUOS_SIMD_SLOT_BYTES ? call->size : GPUOS_SIMD_SLOT_BYTES);
  group.args[lane] = call->arg;
  group.calls[lane] = call;
  group.path_hashes[lane] = self->path_hash;
  group.waiting_mask |= 1u << lane;
  self->state = FiberState::kAtSimdCall;
  self->wait_site = call->site;
  self->wait_operation = call->operation;
  progress();
  lane_blocked(self);
  switch_away(self, Handover::kBlocked);
  self->last_site = call->site;
  return group.results[lane];
}

void Executor::lane_blocked(Fiber* fiber) {
  SimdGroup& group = group_of(fiber);
  // Lanes execute a SIMD-group function together, and only the lanes that reach the same call
  // are active in it. A lane still running might yet reach it, so nothing resolves until every
  // live lane of the group has blocked somewhere.
  if (--group.running == 0 && group.waiting_mask != 0) resolve_simd_calls(group, fiber->simdgroup);
}

namespace {

// Source order of two call sites: file, then line, then column.
int compare_sites(const gpuos_source_site* a, const gpuos_source_site* b) {
  if (a == b) return 0;
  if (!a || !b) return a ? 1 : -1;
  if (a->file != b->file) {
    const int by_file = std::strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (by_file != 0) return by_file;
  }
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  if (a->column != b->column) return a->column < b->column ? -1 : 1;
  return 0;
}

}  // namespace

// Which waiting call comes first in program order: the calls leading to it (outermost first),
// then the call site itself, each in source order.
bool Executor::earlier_in_program(const Fiber& a, const gpuos_source_site* site_a, const Fiber& b,
                                  const gpuos_source_site* site_b) const {
  const CallPath& path_a = call_paths_[a.index];
  const CallPath& path_b = call_paths_[b.index];
  const std::uint32_t depth_a = std::min(path_a.depth, CallPath::kCapacity);
  const std::uint32_t depth_b = std::min(path_b.depth, CallPath::kCapacity);
  for (std::uint32_t i = 0; i < depth_a && i < depth_b; ++i) {
    const int order = compare_sites(path_a.levels[i].site, path_b.levels[i].site);
    if (order != 0) return order < 0;
  }
  // One path is a prefix of the other: compare the site against the next call on the longer one.
  const gpuos_source_site* next_a = depth_a > depth_b ? path_a.levels[depth_b].site : site_a;
  const gpuos_source_site* next_b = depth_b > depth_a ? path_b.levels[depth_a].site : site_b;
  return compare_sites(next_a, next_b) < 0;
}

void Executor::resolve_simd_calls(SimdGroup& group, std::uint32_t simdgroup) {
  // Lanes waiting at different calls: run only the call that comes first in program order, the
  // way SIMT hardware runs the lowest-addressed path first. Its lanes then go on, and the ones
  // headed for a later call (reconverging after a branch) reach it before it runs, as on a GPU.
  Fiber* base = &fibers_[simdgroup * GPUOS_SIMD_WIDTH];
  std::uint32_t first = lowest_lane(group.waiting_mask);
  bool one_site = true;  // the common case: every waiting lane at the same call
  for (std::uint32_t pending = group.waiting_mask & (group.waiting_mask - 1); pending != 0 && one_site; pending &= pending - 1) {
    const std::uint32_t lane = lowest_lane(pending);
    one_site = group.calls[lane]->site == group.calls[first]->site && group.path_hashes[lane] == group.path_hashes[first];
  }
  for (std::uint32_t pending = group.waiting_mask & (group.waiting_mask - 1); pending != 0 && !one_site; pending &= pending - 1) {
    const std::uint32_t lane = lowest_lane(pending);
    if (earlier_in_program(base[lane], group.calls[lane]->site, base[first], group.calls[first]->site)) first = lane;
  }
  const gpuos_simd_call* reference = group.calls[first];
  const std::uint64_t reference_path = group.path_hashes[first];
  std::uint32_t active = 0;
  for (std::uint32_t pending = group.waiting_mask; pending != 0; pending &= pending - 1) {
    const std::uint32_t lane = lowest_lane(pending);
    const gpuos_simd_call* call = group.calls[lane];
    // The same call site, reached through the same helper calls, instantiated for the same
    // type: lanes at different call sites (the two sides of a divergent branch, two calls of
    // one helper) run as separate instructions with separate active sets.
    if (call->site == reference->site && group.path_hashes[lane] == reference_path &&
        call->resolve == reference->resolve && call->size == reference->size) {
      active |= 1u << lane;
    }
  }
  const gpuos_simd_lanes lanes{active, group.live_mask, group.size, group.values, group.args, group.results};
  gpuos_simd_problem problem{};
  if (reference->resolve(&lanes, &problem) != GPUOS_SIMD_OK && request_->strict && stop_reason_ == StopReason::kNone) {
    simd_problem_ = {problem, reference, simdgroup, active, group.args[lowest_lane(active)]};
    stop_reason_ = StopReason::kSimdProblem;
  }
  // Only a barrier every live lane reached orders the group (a partial one is E_SIMD_PARTIAL_BARRIER
  // in strict mode; without it, the lanes that did not come are not ordered by it).
  if (race_active_ && active == group.live_mask && std::strcmp(reference->operation, "simdgroup_barrier") == 0) {
    race_.simd_barrier(simdgroup, group.args[lowest_lane(active)]);  // the barrier's mem_flags
  }
  group.waiting_mask &= ~active;
  group.running += static_cast<std::uint32_t>(__builtin_popcount(active));
  turn_ended_ = true;
  ++stats_.simd_rendezvous;
  for (std::uint32_t m = active; m != 0; m &= m - 1) make_runnable(base + lowest_lane(m));
  progress();
}

// ---------------------------------------------------------------------------------------------
// threadgroup memory

void* Executor::threadgroup_variable(std::uint32_t slot, std::size_t size, std::size_t align, const char* name,
                                     const gpuos_source_site* site) {
  if (slot >= GPUOS_MAX_THREADGROUP_VARIABLES) {
    pending_variable_ = {nullptr, size, name, site};
    stop(StopReason::kTooManyThreadgroupVariables);
  }
  ThreadgroupVariable& variable = threadgroup_variables_[slot];
  if (variable.storage) return variable.storage;
  if (align < 4) align = 4;
  const std::size_t offset = (threadgroup_used_ + align - 1) & ~(align - 1);
  if (size > threadgroup_limit_ || offset + size > threadgroup_limit_) {
    pending_variable_ = {nullptr, size, name, site};
    stop(StopReason::kThreadgroupMemoryLimit);
  }
  variable = {static_cast<unsigned char*>(threadgroup_arena_.data()) + offset, size, name, site};
  threadgroup_used_ = offset + size;
  threadgroup_variables_touched_ = std::max(threadgroup_variables_touched_, slot + 1);
  return variable.storage;
}

// ---------------------------------------------------------------------------------------------
// atomics: preemption points and spin-wait detection

void Executor::atomic_performed(std::uint32_t changed_memory, const gpuos_source_site* site,
                                const volatile void* address, std::uint64_t observed) {
  ++stats_.atomic_operations;
  if (!decisions_.empty()) decisions_.back().atomic_after = true;
  Fiber* self = current_;
  if (changed_memory) {
    progress();
  } else {
    SpinState& spin = spins_[self->index];
    if (spin.epoch == epoch_ && spin.site == site && spin.address == address && spin.value == observed) {
      ++spin.repeats;
    } else {
      spin = SpinState{epoch_, site, address, observed, 1};
    }
    if (++quiet_atomics_ >= kQuietAtomicLimit && (quiet_atomics_ & 4095u) == 0 && all_runnable_spinning()) {
      stop(StopReason::kSpinDeadlock);
    }
  }
  if (watchdog_fired_) stop(StopReason::kWatchdog);
  if (runnable_count_ == 0) return;
  // A preemption point: on a GPU other threads' atomics interleave with this one's, so let the
  // seed decide who runs next.
  make_runnable(self);
  switch_away(self, Handover::kPreempted);
}

bool Executor::spinning(const Fiber* fiber) const { return polled_unchanged(fiber, kPollingThreshold); }

bool Executor::all_runnable_spinning() const {
  if (current_ && !spinning(current_)) return false;
  return each_runnable([&](std::uint32_t thread) { return spinning(&fibers_[thread]); });
}

// ---------------------------------------------------------------------------------------------
// call paths through synchronising helpers

void Executor::enter_call(const gpuos_source_site* call_site) {
  call_paths_used_ = true;
  Fiber* self = current_;
  CallPath& path = call_paths_[self->index];
  if (path.depth >= CallPath::kCapacity) {
    pending_variable_ = {nullptr, 0, nullptr, call_site};
    stop(StopReason::kCallTooDeep);
  }
  const std::uint64_t outer = self->path_hash;  // the hash through the call it is in, 0 at kernel scope
  path.levels[path.depth].site = call_site;
  std::uint64_t mix = outer ^ reinterpret_cast<std::uintptr_t>(call_site);
  path.levels[path.depth].hash = splitmix64(mix);
  self->path_hash = path.levels[path.depth++].hash;
}

void Executor::leave_call() {
  Fiber* self = current_;
  CallPath& path = call_paths_[self->index];
  if (path.depth > 0) --path.depth;
  self->path_hash = path.depth == 0 ? 0 : path.levels[path.depth - 1].hash;
}

// ---------------------------------------------------------------------------------------------
// faults (called from signal handlers on this thread's alternate stack)

void Executor::jump_out_of_fault(int signal, int signal_code, std::uintptr_t address, std::uintptr_t pc) {
  fault_.signal = signal;
  fault_.signal_code = signal_code;
  fault_.address = address;
  fault_.pc = pc;
  fault_.fiber = current_ ? static_cast<std::int64_t>(current_->index) : -1;
  stop_reason_ = StopReason::kFault;
  siglongjmp(fault_jump_, 1);
}

void Executor::jump_out_for_watchdog(std::uintptr_t pc) {
  fault_.pc = pc;
  fault_.fiber = current_ ? static_cast<std::int64_t>(current_->index) : -1;
  stop_reason_ = StopReason::kWatchdog;
  siglongjmp(fault_jump_, 1);
}

}  // namespace gpuos::emu

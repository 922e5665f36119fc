// The CPU executor: one threadgroup of up to 1024 GPU threads, each a stackful fiber, all on the
// calling OS thread.
//
// Fibers run until they block (a barrier, a SIMD-group function) or reach an atomic operation (a
// preemption point); which runnable fiber resumes next is drawn from the dispatch's seed, so any
// schedule-dependent result replays from its seed. See docs/EMULATOR.md for the semantics and
// why each rule is what it is.
#pragma once

#include <chrono>
#include <csetjmp>
#include <cstdint>
#include <string>
#include <vector>

#include "../msl/cpu/gpuos_emu_abi.h"
#include "findings.h"
#include "guarded_memory.h"
#include "race_checker.h"
#include "schedule_rng.h"

namespace gpuos::emu {

struct BufferBinding {
  void* data = nullptr;
  std::uint64_t size = 0;
  const GuardedRegion* region = nullptr;  // lets a fault inside its guard pages name the buffer
};

// A kernel-scope threadgroup variable as a barrier observer sees it: where it lies in the
// threadgroup memory in use (offsets from the start of BarrierRelease::threadgroup_memory).
struct ThreadgroupVariableView {
  const char* name = nullptr;
  std::size_t offset = 0;
  std::size_t size = 0;
};

// One released threadgroup barrier, as the observer sees it. Every pointer is valid only during
// the observer's call: the dispatch is paused, every live thread waiting at this barrier, so
// device and threadgroup memory hold still.
struct BarrierRelease {
  std::uint64_t index = 0;  // 0-based ordinal of the release in the dispatch
  const gpuos_source_site* site = nullptr;
  const gpuos_source_site* const* call_path = nullptr;  // synchronising helper calls, outermost first
  std::uint32_t call_depth = 0;
  const unsigned char* threadgroup_memory = nullptr;  // the threadgroup arena, as it is now
  std::size_t threadgroup_bytes = 0;  // in use: [[threadgroup(n)]] bindings, then variables declared so far
  const ThreadgroupVariableView* variables = nullptr;
  std::uint32_t variable_count = 0;
};

// Called at every barrier release, on the dispatching thread's own stack (never a fiber's: the
// observer may run JavaScript, which must not run on a 128 KiB fiber stack). Returns false to
// stop the dispatch (E_OBSERVER_STOPPED). A plain function pointer keeps the executor free of
// N-API and costs one null test per barrier when there is no observer.
struct BarrierObserver {
  bool (*call)(void* context, const BarrierRelease& release) = nullptr;
  void* context = nullptr;
};

// How the next runnable thread is chosen at each scheduling decision (docs/EMULATOR.md, schedule
// exploration). A decision is any point where more than one thread could run next: after an
// atomic (a preemption point: the thread that did it is one of the choices) or when a thread
// blocks or returns.
enum class ScheduleStrategy : std::uint8_t {
  kRandom = 0,    // from the seed: a SIMD-group's lanes in a drawn rotation, turns and atomics uniform
  kPct = 1,       // probabilistic concurrency testing: random priorities, depth-1 change points
  kScripted = 2,  // the choices given (script), then the default: the same thread, else the lowest index
};

struct ScheduleOptions {
  ScheduleStrategy strategy = ScheduleStrategy::kRandom;
  std::uint32_t pct_depth = 3;   // d: the bug depth PCT targets (d - 1 priority change points)
  std::uint64_t pct_steps = 0;   // k: change points fall on decisions 1..k (0: 1000)
  // kScripted: the option taken at each decision, as an index into its options: the thread that
  // just did an atomic first (when it is one of them), then the others by thread index.
  std::vector<std::uint16_t> script;
  bool record_decisions = false;  // DispatchOutcome::decisions
  bool digest_barriers = false;   // DispatchOutcome::barrier_digests
};

// One scheduling decision as it was taken (ScheduleOptions::record_decisions).
struct ScheduleDecision {
  std::uint16_t options = 0;  // how many threads could have run
  std::uint16_t chosen = 0;   // the option taken (see ScheduleOptions::script)
  bool preemption = false;    // the thread that just did an atomic could have gone on (option 0)
  // The thread chosen did an atomic before the next decision. Where it did not, every other choice
  // gives an equivalent run (what it ran touches no memory another thread could see in this
  // interval, for a race-free kernel), so exhaustive exploration need not try them.
  bool atomic_after = false;
};

// A recorded run keeps at most this many decisions; a longer one is marked truncated.
inline constexpr std::size_t kMaxRecordedDecisions = std::size_t{1} << 20;

struct DispatchRequest {
  const gpuos_kernel_desc* kernel = nullptr;
  BufferBinding buffers[GPUOS_MAX_BUFFER_BINDINGS];
  std::uint32_t threadgroup_memory_bytes[GPUOS_MAX_THREADGROUP_BINDINGS] = {};  // 0 = not set
  std::uint32_t threads[3] = {1, 1, 1};
  std::uint64_t seed = 1;
  bool strict = true;
  std::uint32_t watchdog_ms = 20000;
  std::size_t stack_bytes = 128 * 1024;
  // Record when each threadgroup barrier released (for per-phase profiles; costs a clock read
  // per barrier, so it is off by default).
  bool profile = false;
  BarrierObserver observer;  // none by default
  // Check every access for data races and uninitialised threadgroup reads (race_checker.h). The
  // kernel library must be built for it (gpuos_kernel_library::race_instrumented).
  bool race = false;
  ScheduleOptions schedule;
};

// One released barrier: where it is in the source and when it released, since the dispatch began.
struct BarrierMark {
  const gpuos_source_site* site = nullptr;
  std::uint64_t elapsed_ns = 0;
};

// A profile keeps at most this many marks; a kernel looping over barriers does not grow it further.
inline constexpr std::size_t kMaxBarrierMarks = 1u << 16;

struct DispatchStats {
  std::uint64_t context_switches = 0;
  std::uint64_t threadgroup_barriers = 0;  // completed barrier instances
  std::uint64_t simd_rendezvous = 0;       // completed SIMD-group calls (one per participating set)
  std::uint64_t atomic_operations = 0;
  std::uint32_t threadgroup_memory_bytes = 0;
  std::uint64_t elapsed_ns = 0;
};

struct DispatchOutcome {
  bool ok = false;
  std::vector<Finding> findings;  // when !ok, findings[0] is why
  // Reports that do not fail a dispatch: unordered writes of the same value (W_SAME_VALUE_WRITE).
  std::vector<Finding> warnings;
  std::uint64_t race_checked_accesses = 0;  // loads and stores the race checker saw (race: true)
  std::uint64_t decision_count = 0;         // scheduling decisions taken (every strategy)
  std::vector<ScheduleDecision> decisions;  // with schedule.record_decisions
  bool decisions_truncated = false;
  // With schedule.digest_barriers: a digest of every bound buffer and the threadgroup memory in
  // use at each barrier release, and that barrier's site (where two runs' memory parts ways).
  std::vector<std::uint64_t> barrier_digests;
  std::vector<const gpuos_source_site*> barrier_digest_sites;
  DispatchStats stats;
  std::vector<BarrierMark> barrier_timeline;  // when request.profile
};

enum class FiberState : std::uint8_t { kRunnable, kRunning, kAtBarrier, kAtSimdCall, kExited };

// One GPU thread. Exactly one cache line: the scheduler touches a fiber on every switch, and
// 1024 of them must stay cache-resident. Its ids, call path and spin state live apart.
struct alignas(64) Fiber {
  void* sp = nullptr;
  const gpuos_source_site* wait_site = nullptr;   // where it is blocked
  const char* wait_operation = nullptr;
  const gpuos_source_site* last_site = nullptr;   // last synchronisation point it passed
  // The call path it is at: 0 at kernel scope, else a hash of the call sites of the synchronising
  // helpers it is inside. A barrier or SIMD-group call is identified by (site, path_hash).
  std::uint64_t path_hash = 0;
  std::uint32_t index = 0;
  std::uint16_t simdgroup = 0;
  std::uint8_t lane = 0;
  FiberState state = FiberState::kRunnable;
};
static_assert(sizeof(Fiber) == 64, "a fiber's scheduling state is one cache line");

// Calls of synchronising helpers a thread is inside, outermost first.
struct CallPath {
  static constexpr std::uint32_t kCapacity = 64;
  struct Level {
    const gpuos_source_site* site = nullptr;
    // The path's hash through this call, so entering and leaving a helper costs one mix, not a
    // rehash of the whole path (helpers are called on every OS frame's hot paths).
    std::uint64_t hash = 0;
  };
  std::uint32_t depth = 0;
  // Each call's site beside its hash: a shallow path is one cache line.
  Level levels[kCapacity] = {};

  // The sites, outermost first, into `out` (cleared first: a reserved vector does not allocate).
  void copy_sites(std::vector<const gpuos_source_site*>& out) const {
    out.clear();
    for (std::uint32_t i = 0; i < depth && i < kCapacity; ++i) out.push_back(levels[i].site);
  }
  std::vector<const gpuos_source_site*> sites() const {
    std::vector<const gpuos_source_site*> out;
    copy_sites(out);
    return out;
  }
};

// What a thread's last atomics looked like, for telling a hopeless spin-wait from progress.
struct SpinState {
  std::uint64_t epoch = 0;  // the threadgroup epoch the repeats were counted in
  const gpuos_source_site* site = nullptr;
  const volatile void* address = nullptr;
  std::uint64_t value = 0;
  std::uint32_t repeats = 0;  // consecutive atomics at this site on this word seeing this value
};

struct SimdGroup {
  std::uint32_t size = 0;          // lanes (32, fewer in a partial last group)
  std::uint32_t live_mask = 0;     // lanes that have not returned
  std::uint32_t running = 0;       // live lanes not blocked anywhere
  std::uint32_t waiting_mask = 0;  // lanes blocked in a SIMD-group call
  std::uint32_t runnable_mask = 0; // lanes that can run (the runnable set is these masks)
  bool descending = false;         // random schedule: the lane order of the group's current turn
  const gpuos_simd_call* calls[GPUOS_SIMD_WIDTH] = {};
  std::uint64_t path_hashes[GPUOS_SIMD_WIDTH] = {};
  alignas(64) unsigned char values[GPUOS_SIMD_WIDTH][GPUOS_SIMD_SLOT_BYTES] = {};
  std::uint32_t args[GPUOS_SIMD_WIDTH] = {};
  alignas(64) unsigned char results[GPUOS_SIMD_WIDTH][GPUOS_SIMD_SLOT_BYTES] = {};
};

// Why the fibers stopped running.
enum class StopReason : std::uint8_t {
  kNone,
  kCompleted,
  kBarrierDivergence,
  kStuck,
  kSpinDeadlock,
  kExitBeforeBarrier,
  kSimdProblem,
  kThreadgroupMemoryLimit,
  kTooManyThreadgroupVariables,
  kCallTooDeep,
  kFault,
  kWatchdog,
  kObserverStopped,
};

class Executor {
 public:
  Executor();
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs one threadgroup to completion (or to the first error) on the calling thread. A dispatch
  // started while this executor is running one (from a barrier observer) is refused.
  DispatchOutcome dispatch(const DispatchRequest& request);
  bool dispatching() const { return dispatching_; }

  // ---- runtime entry points: called from kernel code, on fiber stacks ----
  void threadgroup_barrier(std::uint32_t mem_flags, const gpuos_source_site* site);
  const void* simd_call(const gpuos_simd_call* call);
  void* threadgroup_variable(std::uint32_t slot, std::size_t size, std::size_t align, const char* name,
                             const gpuos_source_site* site);
  void atomic_performed(std::uint32_t changed_memory, const gpuos_source_site* site, const volatile void* address,
                        std::uint64_t observed);
  void enter_call(const gpuos_source_site* call_site);
  void leave_call();
  void memory_access(const volatile void* address, std::size_t size, std::uint32_t flags, const void* where) {
    if (race_active_) race_.access(address, size, flags, where, current_->index);
  }
  void current_thread(const gpuos_launch** launch, const gpuos_thread_ids** ids) const {
    *launch = &launch_;
    *ids = &thread_ids_[current_->index];
  }
  // Entering runtime code: the last access of the thread has happened (race_checker.h, settle).
  void race_settle() {
    if (race_active_) race_.settle();
  }
  // Leaving runtime code: a watchdog that fired while it ran takes effect here.
  void check_watchdog() {
    if (watchdog_fired_) stop(StopReason::kWatchdog);
  }

  [[noreturn]] void stop(StopReason reason);

  // ---- used by the signal handlers (faults.cpp); async-signal-safe ----
  bool running_fibers() const { return in_fibers_; }
  bool in_runtime_code() const { return in_runtime_; }
  bool watchdog_fired() const { return watchdog_fired_; }
  [[noreturn]] void jump_out_of_fault(int signal, int signal_code, std::uintptr_t address, std::uintptr_t pc);
  [[noreturn]] void jump_out_for_watchdog(std::uintptr_t pc);
  volatile bool* watchdog_flag() { return &watchdog_fired_; }

  // Fiber entry (context trampoline target).
  [[noreturn]] void run_fiber(Fiber* fiber);
  void set_in_runtime(bool value) { in_runtime_ = value; }

 private:
  struct ThreadgroupVariable {
    void* storage = nullptr;
    std::size_t size = 0;
    const char* name = nullptr;
    const gpuos_source_site* site = nullptr;
  };
  struct SimdProblemRecord {
    gpuos_simd_problem problem{};
    const gpuos_simd_call* call = nullptr;
    std::uint32_t simdgroup = 0;
    std::uint32_t active_mask = 0;
    std::uint32_t reference_arg = 0;  // the argument the group's lowest active lane passed
  };
  struct FaultRecord {
    int signal = 0;
    int signal_code = 0;
    std::uintptr_t address = 0;
    std::uintptr_t pc = 0;
    std::int64_t fiber = -1;
  };

  DispatchOutcome run_dispatch(const DispatchRequest& request);
  bool prepare(const DispatchRequest& request, DispatchOutcome& outcome);
  void run_fibers();
  void collect(DispatchOutcome& outcome);

  // scheduling (executor_schedule.cpp)
  void prepare_schedule(const ScheduleOptions& options);
  // Why a thread hands over the CPU: it blocked (a barrier, a SIMD-group call) or returned, or it
  // reached a preemption point (an atomic) and could go on.
  enum class Handover : std::uint8_t { kBlocked, kPreempted };
  Fiber* pick_runnable(Fiber* self, Handover handover);
  Fiber* pick_runnable_otherwise(Fiber* self, Handover handover);
  Fiber* choose(Fiber* self, Handover handover);
  Fiber* choose_random(const Fiber* self, Handover handover);
  Fiber* nth_runnable(std::uint32_t n);
  // The runnable lane after this thread in its group's order for this turn, or null.
  Fiber* next_in_group(const Fiber* fiber);
  // Whether the random schedule goes on with this thread's group (choose_random's first rule).
  bool continues_turn(const Fiber* self, Handover handover) const { return self && handover == Handover::kBlocked && !turn_ended_; }
  // Calls visit(thread index) for every runnable thread in thread order while it returns true;
  // false if a visit did.
  template <class Visit>
  bool each_runnable(Visit visit) const;
  void collect_runnable();
  std::uint32_t choose_scripted(Fiber* self, std::uint32_t option);
  std::uint32_t choose_pct(Fiber* self, bool preemption);
  void digest_barrier(const gpuos_source_site* site);
  void make_runnable(Fiber* fiber);
  void take_runnable(Fiber* fiber);
  void switch_away(Fiber* self, Handover handover);
  void progress() {
    ++epoch_;
    quiet_atomics_ = 0;
  }

  // SIMD groups
  SimdGroup& group_of(const Fiber* fiber) { return groups_[fiber->simdgroup]; }
  const SimdGroup& group_of(const Fiber* fiber) const { return groups_[fiber->simdgroup]; }
  bool is_runnable(const Fiber* fiber) const { return (group_of(fiber).runnable_mask >> fiber->lane) & 1u; }
  // Where a thread is: its state, except that a thread a barrier released is runnable before its
  // state says so (release_barrier does not touch each fiber).
  FiberState state_of(const Fiber& fiber) const { return is_runnable(&fiber) ? FiberState::kRunnable : fiber.state; }
  void lane_blocked(Fiber* fiber);
  void resolve_simd_calls(SimdGroup& group, std::uint32_t simdgroup);
  bool earlier_in_program(const Fiber& a, const gpuos_source_site* site_a, const Fiber& b,
                          const gpuos_source_site* site_b) const;
  void release_barrier();
  // barrier observer (executor_observer.cpp)
  void pause_for_observer(const gpuos_source_site* site, const Fiber& waiter);
  bool observe_paused_barrier();
  void arm_watchdog(std::chrono::steady_clock::duration timeout);
  [[noreturn]] void fiber_exited(Fiber* fiber);
  bool all_runnable_spinning() const;
  bool spinning(const Fiber* fiber) const;
  // The thread's last `repeats` atomics (or more) all saw the same value at the same call, with
  // nothing changing anywhere since: it polls in vain.
  bool polled_unchanged(const Fiber* fiber, std::uint32_t repeats) const {
    const SpinState& spin = spins_[fiber->index];
    return spin.epoch == epoch_ && spin.repeats >= repeats;
  }

  // race checking (executor_races.cpp)
  bool start_race_check(DispatchOutcome& outcome);
  void collect_races(DispatchOutcome& outcome);
  Finding race_finding(const RaceReport& report) const;
  std::string describe_race_place(const RaceReport& report, RaceDetails& details) const;

  // reports
  Finding report_stop() const;
  Finding report_barrier_divergence() const;
  Finding report_stuck(const char* code, std::string headline) const;
  Finding report_exit_before_barrier() const;
  Finding report_simd_problem() const;
  Finding report_threadgroup_memory() const;
  Finding report_fault() const;
  std::vector<ThreadGroupReport> group_threads_by_wait() const;
  std::vector<const gpuos_source_site*> call_path_of(const Fiber& fiber) const;
  std::string seed_note() const;

  const DispatchRequest* request_ = nullptr;
  const gpuos_kernel_desc* kernel_ = nullptr;
  gpuos_launch launch_{};
  void* buffer_pointers_[GPUOS_MAX_BUFFER_BINDINGS] = {};
  void* threadgroup_pointers_[GPUOS_MAX_THREADGROUP_BINDINGS] = {};

  StackPool stacks_;
  std::vector<Fiber> fibers_;
  std::vector<gpuos_thread_ids> thread_ids_;
  std::vector<CallPath> call_paths_;
  bool call_paths_used_ = true;  // the last dispatch entered a helper call (paths may be open)
  std::vector<SpinState> spins_;
  // The runnable threads: a lane mask per SIMD-group, and which groups have any. runnable_ lists
  // them, in thread order, only for the strategies that look at them all (collect_runnable).
  std::uint32_t runnable_groups_ = 0;
  // Set when a barrier releases or a SIMD-group call completes: the next pick starts a new turn
  // (a uniform draw) instead of going on with the blocking thread's group, so every phase after a
  // barrier, and every step after a SIMD-group call, has its own drawn order.
  bool turn_ended_ = false;
  std::uint32_t runnable_count_ = 0;
  std::vector<Fiber*> runnable_;
  std::uint32_t thread_count_ = 0;
  std::uint32_t live_count_ = 0;
  SimdGroup groups_[GPUOS_MAX_THREADS_PER_THREADGROUP / GPUOS_SIMD_WIDTH];
  std::uint32_t group_count_ = 0;
  ScheduleRng rng_;
  // the schedule strategy's state for this dispatch
  std::uint64_t decision_count_ = 0;
  bool plain_random_ = true;  // the random strategy, nothing recorded: the fiber switch's fast path
  std::vector<ScheduleDecision> decisions_;
  bool decisions_truncated_ = false;
  std::vector<std::int64_t> priorities_;            // PCT: per thread, higher runs first
  std::int64_t lowest_priority_ = 0;                // PCT: below every priority given so far
  std::vector<std::uint64_t> change_points_;        // PCT: decision numbers, ascending
  std::size_t next_change_point_ = 0;
  std::vector<std::uint32_t> option_scratch_;       // scripted: the options of a decision
  std::vector<std::uint64_t> barrier_digests_;
  std::vector<const gpuos_source_site*> barrier_digest_sites_;
  std::uint64_t epoch_ = 1;           // advances whenever anything in the threadgroup changes
  std::uint32_t quiet_atomics_ = 0;   // atomics since it last advanced

  // the barrier in progress
  std::vector<Fiber*> barrier_waiters_;
  std::uint32_t barrier_waiting_ = 0;
  const gpuos_source_site* barrier_site_ = nullptr;
  std::uint64_t barrier_path_hash_ = 0;
  bool barrier_mixed_ = false;
  std::uint32_t barrier_flags_ = 0;  // mem_flags every waiter passed (intersection)

  // race checking
  RaceChecker race_;
  bool race_active_ = false;
  std::string race_library_;  // the kernel library's path, for the code addresses reports hold

  // threadgroup memory
  GuardedRegion threadgroup_arena_;
  std::size_t threadgroup_used_ = 0;
  std::size_t threadgroup_limit_ = GPUOS_THREADGROUP_MEMORY_LIMIT_BYTES;
  ThreadgroupVariable threadgroup_variables_[GPUOS_MAX_THREADGROUP_VARIABLES];
  std::uint32_t threadgroup_variables_touched_ = 0;
  ThreadgroupVariable pending_variable_{};  // the declaration that did not fit

  // control
  Fiber* current_ = nullptr;
  void* main_sp_ = nullptr;
  StopReason stop_reason_ = StopReason::kNone;
  SimdProblemRecord simd_problem_{};
  FaultRecord fault_{};
  sigjmp_buf fault_jump_;
  volatile bool in_fibers_ = false;
  volatile bool in_runtime_ = true;
  volatile bool watchdog_fired_ = false;
  DispatchStats stats_{};
  std::chrono::steady_clock::time_point started_{};
  std::vector<BarrierMark> barrier_timeline_;
  bool dispatching_ = false;
  std::uint64_t watchdog_token_ = 0;

  // the barrier observer: the release it is shown, and the fiber paused for it (null when none)
  BarrierRelease observed_{};
  std::vector<ThreadgroupVariableView> observed_variables_;
  std::vector<const gpuos_source_site*> observed_call_path_;
  void* paused_sp_ = nullptr;
};

// The random schedule (the default strategy). A thread that blocks or returns hands over to the
// next runnable lane of its own SIMD-group, in the order drawn for the group's turn (ascending or
// descending lane index, wrapping around), the way a GPU keeps a SIMD-group's lanes together; when
// none of its lanes can run, at a preemption point, and when its arrival released a barrier or
// completed a SIMD-group call (turn_ended_), the next thread is drawn uniformly from all the
// runnable ones, and the lane order of its group's new turn with it. Running a group's lanes
// back to back keeps their stacks and the memory they share in cache (docs/EMULATOR.md,
// "Scheduling"). Every pair of threads still runs in either order, the seed deciding which.
inline Fiber* Executor::next_in_group(const Fiber* fiber) {
  const SimdGroup& group = groups_[fiber->simdgroup];
  const std::uint32_t lanes = group.runnable_mask;
  if (lanes == 0) return nullptr;
  const std::uint32_t lane = fiber->lane;
  std::uint32_t next;
  if (group.descending) {
    const std::uint32_t below = lanes & ((1u << lane) - 1u);
    next = 31u - static_cast<std::uint32_t>(__builtin_clz(below != 0 ? below : lanes));
  } else {
    const std::uint32_t above = lane == 31u ? 0u : lanes & (~0u << (lane + 1u));
    next = static_cast<std::uint32_t>(__builtin_ctz(above != 0 ? above : lanes));
  }
  return &fibers_[fiber->simdgroup * GPUOS_SIMD_WIDTH + next];
}

inline Fiber* Executor::choose_random(const Fiber* self, Handover handover) {
  if (continues_turn(self, handover)) {
    if (Fiber* next = next_in_group(self)) return next;
  }
  Fiber* fiber = nth_runnable(rng_.below(runnable_count_));
  groups_[fiber->simdgroup].descending = (rng_.next() >> 63) != 0;
  return fiber;
}

template <class Visit>
bool Executor::each_runnable(Visit visit) const {
  for (std::uint32_t groups = runnable_groups_; groups != 0; groups &= groups - 1) {
    const std::uint32_t g = static_cast<std::uint32_t>(__builtin_ctz(groups));
    for (std::uint32_t lanes = groups_[g].runnable_mask; lanes != 0; lanes &= lanes - 1) {
      if (!visit(g * GPUOS_SIMD_WIDTH + static_cast<std::uint32_t>(__builtin_ctz(lanes)))) return false;
    }
  }
  return true;
}

// The executor running on this OS thread (one per thread, created on first use).
Executor& thread_executor();
// The executor whose fibers run on this OS thread. initial-exec: one instruction to read, which
// matters because kernel code reaches the runtime through it on every barrier, SIMD call and (race
// checking) every load and store.
extern __thread Executor* tls_running __attribute__((tls_model("initial-exec")));
// The executor whose fibers are running on this OS thread right now, or null. Kernel code calls
// the runtime through this.
inline Executor* running_executor() { return tls_running; }

// Function table handed to kernel libraries.
const gpuos_emu_runtime* emulator_runtime();

}  // namespace gpuos::emu

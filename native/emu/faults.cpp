#include "faults.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#if defined(__APPLE__)
#include <sys/ucontext.h>  // <ucontext.h> insists on _XOPEN_SOURCE for its deprecated routines
#else
#include <ucontext.h>
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include "executor.h"

#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif

namespace gpuos::emu {

namespace {

constexpr int kTrapSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
constexpr std::size_t kAlternateStackBytes = 64 * 1024;

int watchdog_signal() {
#if defined(SIGRTMIN)
  // A real-time signal: Node and libuv leave these alone (SIGUSR1 is Node's inspector).
  return SIGRTMIN + 3;
#else
  return SIGUSR2;
#endif
}

struct sigaction previous_actions[NSIG];

// Executors with fibers running, by OS thread. Written only by their own thread around a
// dispatch, read lock-free by signal handlers.
constexpr int kMaxRunningExecutors = 256;
struct RunningExecutor {
  std::atomic<std::uintptr_t> thread{0};
  std::atomic<Executor*> executor{nullptr};
};
RunningExecutor running_executors[kMaxRunningExecutors];

std::uintptr_t thread_key() {
  pthread_t self = pthread_self();
  std::uintptr_t key = 0;
  static_assert(sizeof(self) <= sizeof(key), "pthread_t must fit in a word");
  __builtin_memcpy(&key, &self, sizeof(self));
  return key;
}

Executor* executor_for_this_thread() {
  const std::uintptr_t key = thread_key();
  for (RunningExecutor& slot : running_executors) {
    if (slot.thread.load(std::memory_order_acquire) == key) return slot.executor.load(std::memory_order_acquire);
  }
  return nullptr;
}

// Watchdog signals sent and not yet taken by our handler: anything else arriving on that signal
// (on macOS it is SIGUSR2, which applications use too) belongs to whoever handled it before us.
std::atomic<int> watchdog_signals_in_flight{0};

std::uintptr_t faulting_pc(void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
#if defined(__linux__) && defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__linux__) && defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.pc);
#elif defined(__APPLE__) && defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext->__ss.__rip);
#elif defined(__APPLE__) && defined(__aarch64__) && defined(__darwin_arm_thread_state64_get_pc)
  return static_cast<std::uintptr_t>(__darwin_arm_thread_state64_get_pc(uc->uc_mcontext->__ss));
#elif defined(__APPLE__) && defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext->__ss.__pc);
#else
  (void)uc;
  return 0;
#endif
}

void pass_to_previous_handler(int signal, siginfo_t* info, void* context) {
  const struct sigaction& previous = previous_actions[signal];
  if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  // Restore the default action and return: the faulting instruction runs again and the process
  // ends the way it would have without the emulator loaded.
  ::signal(signal, SIG_DFL);
}

void on_trap(int signal, siginfo_t* info, void* context) {
  Executor* executor = executor_for_this_thread();
  if (executor && executor->running_fibers()) {
    executor->jump_out_of_fault(signal, info->si_code, reinterpret_cast<std::uintptr_t>(info->si_addr),
                                faulting_pc(context));
  }
  pass_to_previous_handler(signal, info, context);
}

void on_watchdog(int signal, siginfo_t* info, void* context) {
  int in_flight = watchdog_signals_in_flight.load();
  bool ours = false;
  while (in_flight > 0 && !(ours = watchdog_signals_in_flight.compare_exchange_weak(in_flight, in_flight - 1))) {
  }
  if (!ours) {
    pass_to_previous_handler(signal, info, context);
    return;
  }
  Executor* executor = executor_for_this_thread();
  // Inside the runtime's own code the jump could leave the scheduler half-updated; the runtime
  // honours the flag when it returns to kernel code instead (RuntimeScope).
  if (executor && executor->running_fibers() && executor->watchdog_fired() && !executor->in_runtime_code()) {
    executor->jump_out_for_watchdog(faulting_pc(context));
  }
}

// One thread for the whole process that signals dispatches past their deadline.
class Watchdog {
 public:
  std::uint64_t arm(volatile bool* fired, std::uint32_t timeout_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) {
      std::thread([this] { loop(); }).detach();
      started_ = true;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    arms_.push_back({next_token_, deadline, pthread_self(), fired});
    // Wake the watchdog only when it would sleep past this deadline. Dispatches arm with the
    // same timeout one after another, so the thread is usually already due to wake earlier and
    // re-reads the list then: no futex wake (microseconds) on every dispatch.
    if (deadline < waiting_until_) wake_.notify_one();
    return next_token_++;
  }

  void disarm(std::uint64_t token) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = arms_.begin(); it != arms_.end(); ++it) {
      if (it->token == token) {
        arms_.erase(it);
        return;
      }
    }
  }

 private:
  struct Arm {
    std::uint64_t token;
    std::chrono::steady_clock::time_point deadline;  // the next time to signal
    pthread_t thread;
    volatile bool* fired;
  };
  // A fired watchdog signals again at this interval until the dispatch is disarmed: one signal
  // can land while the fiber is inside runtime code, where it is only noted.
  static constexpr std::chrono::milliseconds kResignal{50};

  std::chrono::steady_clock::time_point earliest_deadline() const {
    auto earliest = arms_.front().deadline;
    for (const Arm& arm : arms_) earliest = std::min(earliest, arm.deadline);
    return earliest;
  }

  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (arms_.empty()) {
        waiting_until_ = std::chrono::steady_clock::time_point::max();
        wake_.wait(lock);
        continue;
      }
      waiting_until_ = earliest_deadline();
      wake_.wait_until(lock, waiting_until_);
      const auto now = std::chrono::steady_clock::now();
      for (Arm& arm : arms_) {
        if (arm.deadline > now) continue;
        *arm.fired = true;
        watchdog_signals_in_flight.fetch_add(1);
        if (pthread_kill(arm.thread, watchdog_signal()) != 0) watchdog_signals_in_flight.fetch_sub(1);
        arm.deadline = now + kResignal;
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Arm> arms_;
  std::uint64_t next_token_ = 1;
  bool started_ = false;
  // When the watchdog thread will next look at arms_ by itself (max: only when woken).
  std::chrono::steady_clock::time_point waiting_until_ = std::chrono::steady_clock::time_point::max();
};

// Never destroyed: its detached thread may still be waiting on it while the process exits.
Watchdog& watchdog() {
  static Watchdog* instance = new Watchdog();
  return *instance;
}

}  // namespace

void install_fault_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Each handler blocks the other's signals, so a watchdog signal cannot interrupt a fault
    // being recorded (and overwrite it), nor the other way round.
    struct sigaction action {};
    action.sa_sigaction = &on_trap;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, watchdog_signal());
    for (int signal : kTrapSignals) sigaction(signal, &action, &previous_actions[signal]);

    struct sigaction wake {};
    wake.sa_sigaction = &on_watchdog;
    wake.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&wake.sa_mask);
    for (int signal : kTrapSignals) sigaddset(&wake.sa_mask, signal);
    sigaction(watchdog_signal(), &wake, &previous_actions[watchdog_signal()]);
  });
}

void ensure_alternate_signal_stack() {
  thread_local bool done = false;
  if (done) return;
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
      current.ss_size >= kAlternateStackBytes) {
    done = true;
    return;
  }
  void* memory = mmap(nullptr, kAlternateStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;
  stack_t stack{};
  stack.ss_sp = memory;
  stack.ss_size = kAlternateStackBytes;
  stack.ss_flags = 0;
  // The memory lives as long as the thread may take signals: it is never unmapped.
  done = sigaltstack(&stack, nullptr) == 0;
}

bool register_running_executor(Executor* executor) {
  const std::uintptr_t key = thread_key();
  for (RunningExecutor& slot : running_executors) {
    std::uintptr_t expected = 0;
    if (slot.thread.compare_exchange_strong(expected, key)) {
      slot.executor.store(executor, std::memory_order_release);
      return true;
    }
  }
  return false;
}

void unregister_running_executor() {
  const std::uintptr_t key = thread_key();
  for (RunningExecutor& slot : running_executors) {
    if (slot.thread.load(std::memory_order_acquire) == key) {
      slot.executor.store(nullptr, std::memory_order_release);
      slot.thread.store(0, std::memory_order_release);
      return;
    }
  }
}

std::uint64_t watchdog_arm(volatile bool* fired, std::uint32_t timeout_ms) { return watchdog().arm(fired, timeout_ms); }

void watchdog_disarm(std::uint64_t token) { watchdog().disarm(token); }

}  // namespace gpuos::emu

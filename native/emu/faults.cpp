#include "faults.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#if defined(__APPLE__)
#include <sys/ucontext.h>  // <ucontext.h> insists on _XOPEN_SOURCE for its deprecated routines
#else
#include <ucontext.h>
#endif

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
  Executor* executor = running_executor();
  if (executor && executor->running_fibers()) {
    executor->jump_out_of_fault(signal, info->si_code, reinterpret_cast<std::uintptr_t>(info->si_addr),
                                faulting_pc(context));
  }
  pass_to_previous_handler(signal, info, context);
}

void on_watchdog(int, siginfo_t*, void* context) {
  Executor* executor = running_executor();
  // Inside the runtime's own code the jump could leave the scheduler half-updated; the runtime
  // sees the flag at its next scheduling point instead.
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
    const bool earliest = arms_.empty() || deadline < earliest_deadline();
    arms_.push_back({next_token_, deadline, pthread_self(), fired});
    if (earliest) wake_.notify_one();
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
    std::chrono::steady_clock::time_point deadline;
    pthread_t thread;
    volatile bool* fired;
  };

  std::chrono::steady_clock::time_point earliest_deadline() const {
    auto earliest = arms_.front().deadline;
    for (const Arm& arm : arms_) earliest = std::min(earliest, arm.deadline);
    return earliest;
  }

  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (arms_.empty()) {
        wake_.wait(lock);
        continue;
      }
      wake_.wait_until(lock, earliest_deadline());
      const auto now = std::chrono::steady_clock::now();
      for (auto it = arms_.begin(); it != arms_.end();) {
        if (it->deadline <= now) {
          *it->fired = true;
          pthread_kill(it->thread, watchdog_signal());
          it = arms_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Arm> arms_;
  std::uint64_t next_token_ = 1;
  bool started_ = false;
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
    struct sigaction action {};
    action.sa_sigaction = &on_trap;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int signal : kTrapSignals) sigaction(signal, &action, &previous_actions[signal]);

    struct sigaction wake {};
    wake.sa_sigaction = &on_watchdog;
    wake.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&wake.sa_mask);
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

std::uint64_t watchdog_arm(volatile bool* fired, std::uint32_t timeout_ms) { return watchdog().arm(fired, timeout_ms); }

void watchdog_disarm(std::uint64_t token) { watchdog().disarm(token); }

}  // namespace gpuos::emu

// The function table kernel libraries call into. Each entry marks the thread as inside runtime
// code while it runs, so a watchdog signal never jumps out of a half-finished scheduler update.
#include "executor.h"

namespace gpuos::emu {

namespace {

class RuntimeScope {
 public:
  explicit RuntimeScope(Executor* executor) : executor_(executor) {
    executor_->set_in_runtime(true);
    executor_->race_settle();
  }
  ~RuntimeScope() {
    // The watchdog only jumps out of kernel code; a signal that landed in here is honoured now,
    // before the thread goes back to a loop that may never call the runtime again.
    executor_->check_watchdog();
    executor_->set_in_runtime(false);
  }
  RuntimeScope(const RuntimeScope&) = delete;
  RuntimeScope& operator=(const RuntimeScope&) = delete;

 private:
  Executor* executor_;
};

void rt_threadgroup_barrier(gpuos_u32 mem_flags, const gpuos_source_site* site) {
  Executor* executor = running_executor();
  RuntimeScope scope(executor);
  executor->threadgroup_barrier(mem_flags, site);
}

const void* rt_simd_call(const gpuos_simd_call* call) {
  Executor* executor = running_executor();
  RuntimeScope scope(executor);
  return executor->simd_call(call);
}

void* rt_threadgroup_variable(gpuos_u32 slot, gpuos_size size, gpuos_size align, const char* name,
                              const gpuos_source_site* site) {
  Executor* executor = running_executor();
  RuntimeScope scope(executor);
  return executor->threadgroup_variable(slot, size, align, name, site);
}

void rt_atomic_performed(gpuos_u32 changed_memory, const gpuos_source_site* site, const volatile void* address,
                         gpuos_u64 observed) {
  Executor* executor = running_executor();
  RuntimeScope scope(executor);
  executor->atomic_performed(changed_memory, site, address, observed);
}

void rt_enter_call(const gpuos_source_site* call_site) {
  Executor* executor = running_executor();
  RuntimeScope scope(executor);
  executor->enter_call(call_site);
}

void rt_leave_call() {
  Executor* executor = running_executor();
  RuntimeScope scope(executor);
  executor->leave_call();
}

// Called before every load and store of a race-instrumented library: no RuntimeScope (it is the
// hottest path there is, and never schedules), so a watchdog signal may land in the checker; the
// dispatch then stops, and the checker's reports never reallocate, so they stay readable.
void rt_memory_access(const volatile void* address, gpuos_size size, gpuos_u32 flags, const void* where) {
  running_executor()->memory_access(address, size, flags, where);
}

void rt_current_thread(const gpuos_launch** launch, const gpuos_thread_ids** ids) {
  running_executor()->current_thread(launch, ids);
}

const gpuos_emu_runtime kRuntime = {
    GPUOS_EMU_ABI_VERSION, &rt_threadgroup_barrier, &rt_simd_call,     &rt_threadgroup_variable, &rt_atomic_performed,
    &rt_enter_call,        &rt_leave_call,          &rt_memory_access, &rt_current_thread,
};

}  // namespace

const gpuos_emu_runtime* emulator_runtime() { return &kRuntime; }

}  // namespace gpuos::emu

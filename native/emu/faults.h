// Hardware traps inside kernel code (guard-page hits, division by zero) and the watchdog.
//
// A fault on an emulator thread while its fibers run is turned into a finding: the handler runs
// on the thread's alternate signal stack (the faulting fiber's stack may be the thing that
// overflowed), records what happened and jumps back to the dispatch. Every other fault is passed
// to whatever handler was installed before ours (V8's WebAssembly trap handler, Node's default),
// so the emulator never swallows a crash that is not its own.
#pragma once

#include <cstdint>

namespace gpuos::emu {

class Executor;

// Installs the process-wide handlers once; later calls do nothing.
void install_fault_handlers();
// Gives the calling thread an alternate signal stack if it has none.
void ensure_alternate_signal_stack();

// Registers `executor` as running fibers on the calling thread, so the signal handlers can find it
// without touching thread-local storage (whose first use may allocate on some platforms, which a
// signal handler must not). Returns false when all slots are taken (then faults are not caught).
bool register_running_executor(Executor* executor);
void unregister_running_executor();

// Arms the watchdog for the calling thread: after timeout_ms it sets *fired and signals the
// thread so that a fiber stuck in an endless loop is stopped. Returns a token for disarm.
std::uint64_t watchdog_arm(volatile bool* fired, std::uint32_t timeout_ms);
void watchdog_disarm(std::uint64_t token);

}  // namespace gpuos::emu

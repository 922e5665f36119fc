// Stackful fiber context switch: the primitive the emulator runs 1024 GPU threads on.
//
// Hand-written per architecture (context_switch_x86_64.S, context_switch_arm64.S) because
// ucontext costs ~650 ns per switch pair (it saves the signal mask with a system call); these
// save only the callee-saved registers the C ABI requires and cost a few nanoseconds.
#pragma once

#include <cstddef>

extern "C" {

// Saves the current callee-saved registers on the current stack, stores the resulting stack
// pointer into *save_sp, then loads load_sp and resumes whatever context saved it. Returns when
// some other context switches back to *save_sp.
void gpuos_context_switch(void** save_sp, void* load_sp);

// Entry trampoline (assembly): the first "return address" of a new context. It calls
// gpuos_context_entry_thunk(arg) with arg taken from a callee-saved register and traps if
// that ever returns.
void gpuos_context_trampoline();
}

namespace gpuos::emu {

using ContextEntry = void (*)(void* arg);

// Writes an initial register frame just below stack_hi (a fiber's stack top) so that the first
// gpuos_context_switch() into the returned stack pointer calls entry(arg) on that stack.
// entry must never return (it switches away for good instead).
void* context_prepare(void* stack_hi, ContextEntry entry, void* arg);

}  // namespace gpuos::emu

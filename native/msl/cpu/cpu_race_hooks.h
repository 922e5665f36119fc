// The race checker's memory hooks, for a kernel library built with GPUOS_RACE_CHECK.
//
// Such a library is compiled with the compiler's ThreadSanitizer instrumentation
// (-fsanitize=thread), which puts a call before every load and store the optimised code still
// makes: __tsan_read4(address) before a 4-byte load, __tsan_write_range(address, size) before a
// struct copy, and so on. No ThreadSanitizer runtime is linked: the hooks are defined here, in the
// library itself, and hand each access to the emulator (gpuos_emu_runtime::memory_access), which
// checks it against its shadow of threadgroup and device memory (native/emu/race_checker.h).
// What the instrumentation cannot see is listed in docs/EMULATOR.md (race checking).
//
// The hooks themselves must not be instrumented (no_sanitize), or each would call itself.
#pragma once

#include "cpu_runtime_link.h"

#if GPUOS_RACE_CHECK

#define GPUOS_RACE_HOOK extern "C" __attribute__((no_sanitize("thread"), visibility("hidden"), used))

namespace gpuos_glue {
// The caller's return address less one: an address inside the access's own instruction's line.
#define GPUOS_ACCESS_PC (static_cast<const char*>(__builtin_return_address(0)) - 1)
__attribute__((no_sanitize("thread"), always_inline)) inline void report_access(const volatile void* address, gpuos_size size,
                                                                               gpuos_u32 flags, const void* pc) {
  runtime->memory_access(address, size, flags, pc);
}
}  // namespace gpuos_glue

#define GPUOS_RACE_SIZED_HOOKS(n)                                                                             \
  GPUOS_RACE_HOOK void __tsan_read##n(void* address) {                                                        \
    gpuos_glue::report_access(address, n, GPUOS_ACCESS_READ, GPUOS_ACCESS_PC);                                \
  }                                                                                                           \
  GPUOS_RACE_HOOK void __tsan_write##n(void* address) {                                                       \
    gpuos_glue::report_access(address, n, GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);                               \
  }                                                                                                           \
  GPUOS_RACE_HOOK void __tsan_unaligned_read##n(void* address) {                                              \
    gpuos_glue::report_access(address, n, GPUOS_ACCESS_READ, GPUOS_ACCESS_PC);                                \
  }                                                                                                           \
  GPUOS_RACE_HOOK void __tsan_unaligned_write##n(void* address) {                                             \
    gpuos_glue::report_access(address, n, GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);                               \
  }                                                                                                           \
  GPUOS_RACE_HOOK void __tsan_volatile_read##n(void* address) {                                               \
    gpuos_glue::report_access(address, n, GPUOS_ACCESS_READ, GPUOS_ACCESS_PC);                                \
  }                                                                                                           \
  GPUOS_RACE_HOOK void __tsan_volatile_write##n(void* address) {                                              \
    gpuos_glue::report_access(address, n, GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);                               \
  }

GPUOS_RACE_SIZED_HOOKS(1)
GPUOS_RACE_SIZED_HOOKS(2)
GPUOS_RACE_SIZED_HOOKS(4)
GPUOS_RACE_SIZED_HOOKS(8)
GPUOS_RACE_SIZED_HOOKS(16)
#undef GPUOS_RACE_SIZED_HOOKS

// Accesses of other sizes (struct copies), as GCC emits them; Clang calls these too.
GPUOS_RACE_HOOK void __tsan_read_range(void* address, long size) {
  gpuos_glue::report_access(address, static_cast<gpuos_size>(size), GPUOS_ACCESS_READ, GPUOS_ACCESS_PC);
}
GPUOS_RACE_HOOK void __tsan_write_range(void* address, long size) {
  gpuos_glue::report_access(address, static_cast<gpuos_size>(size), GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);
}

// Clang turns memcpy, memmove and memset intrinsics into these calls: do the copy, report both.
GPUOS_RACE_HOOK void* __tsan_memcpy(void* to, const void* from, gpuos_size size) {
  gpuos_glue::report_access(from, size, GPUOS_ACCESS_READ, GPUOS_ACCESS_PC);
  gpuos_glue::report_access(to, size, GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);
  return __builtin_memmove(to, from, size);
}
GPUOS_RACE_HOOK void* __tsan_memmove(void* to, const void* from, gpuos_size size) {
  gpuos_glue::report_access(from, size, GPUOS_ACCESS_READ, GPUOS_ACCESS_PC);
  gpuos_glue::report_access(to, size, GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);
  return __builtin_memmove(to, from, size);
}
GPUOS_RACE_HOOK void* __tsan_memset(void* to, int value, gpuos_size size) {
  gpuos_glue::report_access(to, size, GPUOS_ACCESS_WRITE, GPUOS_ACCESS_PC);
  return __builtin_memset(to, value, size);
}

// The module constructor calls __tsan_init; function entry and exit are only instrumented if the
// flag that turns them off is ignored. Nothing to do for any of them.
GPUOS_RACE_HOOK void __tsan_init(void) {}
GPUOS_RACE_HOOK void __tsan_func_entry(void*) {}
GPUOS_RACE_HOOK void __tsan_func_exit(void) {}

#undef GPUOS_ACCESS_PC
#undef GPUOS_RACE_HOOK

#define GPUOS_RACE_INSTRUMENTED 1u
#else
#define GPUOS_RACE_INSTRUMENTED 0u
#endif

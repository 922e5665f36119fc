// How kernel code reaches the emulator: one pointer to its function table, stored in the kernel
// library by the loader before any kernel runs (gpuos_kernel_library::runtime_slot).
#pragma once

#include "gpuos_emu_abi.h"

namespace gpuos_glue {

inline const gpuos_emu_runtime* runtime = nullptr;

// The record __builtin_source_location() returns has exactly gpuos_source_site's layout; GCC and
// Clang look the type up by this name.
}  // namespace gpuos_glue

namespace std {
struct source_location {
  struct __impl {
    const char* _M_file_name;
    const char* _M_function_name;
    unsigned _M_line;
    unsigned _M_column;
  };
};
}  // namespace std

static_assert(sizeof(std::source_location::__impl) == sizeof(gpuos_source_site),
              "__builtin_source_location's record must match gpuos_source_site");

// Every barrier, SIMD-group function and atomic takes its call site as a defaulted last argument,
// so the emulator can tell call sites apart and name them in reports.
#define GPUOS_CALL_SITE const void* gpuos_call_site = __builtin_source_location()
#define GPUOS_SITE static_cast<const gpuos_source_site*>(gpuos_call_site)

// Checks a dispatch against the kernel's declared parameters before any thread runs: the
// thread count, every buffer and threadgroup binding the kernel uses, and the executor limits.
#pragma once

#include "executor.h"

namespace gpuos::emu {

// Returns true when the request can run; otherwise fills `error` (code E_INVALID_DISPATCH or
// E_THREADGROUP_MEMORY_LIMIT) with a message that says what to change.
bool validate_dispatch(const DispatchRequest& request, Finding& error);

inline constexpr std::size_t kMinStackBytes = 16 * 1024;
inline constexpr std::size_t kMaxStackBytes = 64 * 1024 * 1024;
inline constexpr std::uint32_t kMaxWatchdogMs = 24u * 3600u * 1000u;

}  // namespace gpuos::emu

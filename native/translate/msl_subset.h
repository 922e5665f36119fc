// The MSL subset the CPU emulator runs: which identifiers and attributes are rejected and why,
// and the kernel-argument attributes it understands. docs/KERNEL_SUBSET.md is the prose version
// of these tables; keep the two in step.
#pragma once

#include <string>

namespace gpuos::translate {

// Why `identifier` cannot be used (a texture type, `double`, …), or null when it can.
const char* unsupported_identifier_reason(const std::string& identifier);

// The ABI's gpuos_builtin name for a kernel-argument attribute such as
// thread_index_in_threadgroup ("GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP"), or null.
const char* builtin_attribute_constant(const std::string& attribute);

// Attributes that may appear outside kernel signatures because they change nothing the emulator
// models (maybe_unused, likely, …).
bool is_passive_attribute(const std::string& attribute);

}  // namespace gpuos::translate

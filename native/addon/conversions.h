// Conversions between the emulator's C++ structs and plain JavaScript objects, and the one way
// this addon reports a misuse: an Error with a `code` the TypeScript layer maps to a typed error.
#pragma once

#include <napi.h>

#include <string>

#include "../emu/executor.h"

namespace gpuos::addon {

// Throws (as a JS exception) an Error carrying `code`, e.g. E_INVALID_ARGUMENT.
[[noreturn]] void throw_error(Napi::Env env, const char* code, const std::string& message);

Napi::Object site_to_js(Napi::Env env, const gpuos_source_site* site);
Napi::Object outcome_to_js(Napi::Env env, const gpuos::emu::DispatchOutcome& outcome);

// Type tags for the wrapped classes (N-API 8): a plain object or another class's instance passed
// where a DeviceBuffer or KernelLibrary is expected is refused instead of reinterpreted.
extern const napi_type_tag kDeviceBufferTag;
extern const napi_type_tag kKernelLibraryTag;
// The wrapped instance behind `value` if it carries `tag`, else throws E_INVALID_ARGUMENT naming `what`.
void check_tag(Napi::Value value, const napi_type_tag& tag, const std::string& what);

// Reads a non-negative integer property, or `fallback` when it is undefined.
std::uint64_t read_unsigned(Napi::Object object, const char* key, std::uint64_t fallback, std::uint64_t max);

}  // namespace gpuos::addon

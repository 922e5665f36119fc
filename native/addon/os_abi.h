// osAbiLayout(): the OS ABI's structs (sizes, fields, offsets) and constants, as compiled.
// osThreadgroupLayout(): the same for the OS kernel's threadgroup scratch (os_scratch) and the
// SIMD-group role constants; kept apart because it is not device memory (traces digest only the ABI).
#pragma once

#include <napi.h>

namespace gpuos::addon {

Napi::Value os_abi_layout(const Napi::CallbackInfo& info);
Napi::Value os_threadgroup_layout(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

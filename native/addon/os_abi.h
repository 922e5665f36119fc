// osAbiLayout(): the OS ABI's structs (sizes, fields, offsets) and constants, as compiled.
#pragma once

#include <napi.h>

namespace gpuos::addon {

Napi::Value os_abi_layout(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

// digest64(bytes): XXH64 of a Uint8Array, as a BigInt (the digest traces store).
#pragma once

#include <napi.h>

namespace gpuos::addon {

Napi::Value digest64(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

#include "digest.h"

#include "../digest/xxhash64.h"
#include "conversions.h"

namespace gpuos::addon {

Napi::Value digest64(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw_error(env, "E_INVALID_ARGUMENT", "digest64(bytes: Uint8Array)");
  Napi::TypedArray bytes = info[0].As<Napi::TypedArray>();
  const auto* data = static_cast<const unsigned char*>(bytes.ArrayBuffer().Data()) + bytes.ByteOffset();
  return Napi::BigInt::New(env, static_cast<std::uint64_t>(digest::xxh64(data, bytes.ByteLength())));
}

}  // namespace gpuos::addon

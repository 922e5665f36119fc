// DeviceBuffer: memory a kernel reads and writes through a [[buffer(n)]] binding. Guard pages
// sit right after its last byte (and before its first), so an out-of-bounds access faults and is
// reported with the buffer's index and the offending offset.
#pragma once

#include <napi.h>

#include "../emu/guarded_memory.h"

namespace gpuos::addon {

class DeviceBuffer : public Napi::ObjectWrap<DeviceBuffer> {
 public:
  static constexpr std::uint64_t kMaxBytes = 1ull << 30;  // 1 GiB: a 4K framebuffer is 33 MB

  static Napi::Function define(Napi::Env env);
  explicit DeviceBuffer(const Napi::CallbackInfo& info);
  void Finalize(Napi::Env env) override;

  const gpuos::emu::GuardedRegion& region() const { return region_; }
  bool released() const { return region_.data() == nullptr; }
  // Dispatches in flight that bind this buffer; reads, writes and release wait for zero.
  int in_flight = 0;
  // The dispatch binding it is paused in a barrier observer: its threads all wait at a barrier,
  // so reads (copies, digests) are safe until the observer returns; writes still are not.
  bool paused = false;

 private:
  Napi::Value byte_length(const Napi::CallbackInfo& info);
  Napi::Value write(const Napi::CallbackInfo& info);
  Napi::Value read(const Napi::CallbackInfo& info);
  Napi::Value fill(const Napi::CallbackInfo& info);
  Napi::Value release(const Napi::CallbackInfo& info);
  Napi::Value digest(const Napi::CallbackInfo& info);
  Napi::Value tile_digests(const Napi::CallbackInfo& info);
  void check_usable(Napi::Env env, const char* action) const;
  void check_readable(Napi::Env env, const char* action) const;
  // Tells V8 about the mapping, so a program that drops buffers gets them collected.
  void account(Napi::Env env, bool mapped);
  std::int64_t accounted_bytes_ = 0;

  gpuos::emu::GuardedRegion region_;
};

}  // namespace gpuos::addon

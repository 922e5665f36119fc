#include "device_buffer.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../digest/xxhash64.h"
#include "conversions.h"

namespace gpuos::addon {

Napi::Function DeviceBuffer::define(Napi::Env env) {
  return DefineClass(env, "DeviceBuffer",
                     {InstanceAccessor<&DeviceBuffer::byte_length>("byteLength"),
                      InstanceMethod<&DeviceBuffer::write>("write"), InstanceMethod<&DeviceBuffer::read>("read"),
                      InstanceMethod<&DeviceBuffer::fill>("fill"), InstanceMethod<&DeviceBuffer::release>("release"),
                      InstanceMethod<&DeviceBuffer::digest>("digest"), InstanceMethod<&DeviceBuffer::tile_digests>("tileDigests")});
}

DeviceBuffer::DeviceBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DeviceBuffer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw_error(env, "E_INVALID_ARGUMENT", "DeviceBuffer(byteLength) needs a number");
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  if (!(bytes >= 1) || bytes > static_cast<double>(kMaxBytes) || bytes != static_cast<double>(static_cast<std::uint64_t>(bytes))) {
    throw_error(env, "E_INVALID_ARGUMENT", "byteLength must be an integer from 1 to " + std::to_string(kMaxBytes));
  }
  if (!region_.allocate(static_cast<std::size_t>(bytes))) {
    throw_error(env, "E_OUT_OF_MEMORY", "could not map " + std::to_string(static_cast<std::uint64_t>(bytes)) + " bytes");
  }
  info.This().As<Napi::Object>().TypeTag(&kDeviceBufferTag);
  account(env, true);
}

void DeviceBuffer::account(Napi::Env env, bool mapped) {
  const std::int64_t bytes = mapped ? static_cast<std::int64_t>(region_.size()) : 0;
  if (bytes != accounted_bytes_) Napi::MemoryManagement::AdjustExternalMemory(env, bytes - accounted_bytes_);
  accounted_bytes_ = bytes;
}

void DeviceBuffer::Finalize(Napi::Env env) { account(env, false); }

void DeviceBuffer::check_usable(Napi::Env env, const char* action) const {
  if (released()) throw_error(env, "E_BUFFER_RELEASED", std::string("cannot ") + action + " a released DeviceBuffer");
  if (in_flight > 0 && paused) {
    throw_error(env, "E_BUFFER_BUSY",
                std::string("cannot ") + action +
                    " a DeviceBuffer bound to a dispatch paused in its barrier observer: the kernel is mid-flight "
                    "(reading it is allowed until the observer returns)");
  }
  if (in_flight > 0) {
    throw_error(env, "E_BUFFER_BUSY",
                std::string("cannot ") + action + " a DeviceBuffer while a dispatch that binds it is running; await it first");
  }
}

// Reads are also allowed while the dispatch binding the buffer is paused in a barrier observer.
void DeviceBuffer::check_readable(Napi::Env env, const char* action) const {
  if (!(in_flight > 0 && paused) || released()) check_usable(env, action);
}

Napi::Value DeviceBuffer::byte_length(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(region_.size()));
}

// write(bytes: Uint8Array, offset: number)
Napi::Value DeviceBuffer::write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check_usable(env, "write");
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    throw_error(env, "E_INVALID_ARGUMENT", "write(bytes: Uint8Array, offset: number)");
  }
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  const double offset = info[1].As<Napi::Number>().DoubleValue();
  if (!(offset >= 0) || offset + static_cast<double>(bytes.ByteLength()) > static_cast<double>(region_.size())) {
    throw_error(env, "E_INVALID_ARGUMENT",
                "writing " + std::to_string(bytes.ByteLength()) + " bytes at offset " + std::to_string(offset) +
                    " overruns the " + std::to_string(region_.size()) + "-byte buffer");
  }
  std::memcpy(static_cast<unsigned char*>(region_.data()) + static_cast<std::size_t>(offset), bytes.Data(), bytes.ByteLength());
  return env.Undefined();
}

// read(offset: number, length: number): Uint8Array (a copy)
Napi::Value DeviceBuffer::read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check_readable(env, "read");
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    throw_error(env, "E_INVALID_ARGUMENT", "read(offset: number, length: number)");
  }
  const double offset = info[0].As<Napi::Number>().DoubleValue();
  const double length = info[1].As<Napi::Number>().DoubleValue();
  if (!(offset >= 0) || !(length >= 0) || offset + length > static_cast<double>(region_.size())) {
    throw_error(env, "E_INVALID_ARGUMENT",
                "reading " + std::to_string(length) + " bytes at offset " + std::to_string(offset) + " overruns the " +
                    std::to_string(region_.size()) + "-byte buffer");
  }
  Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<std::size_t>(length));
  std::memcpy(out.Data(), static_cast<unsigned char*>(region_.data()) + static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  return out;
}

// fill(byte: number)
Napi::Value DeviceBuffer::fill(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check_usable(env, "fill");
  if (info.Length() < 1 || !info[0].IsNumber()) throw_error(env, "E_INVALID_ARGUMENT", "fill(byte: number)");
  std::memset(region_.data(), static_cast<int>(info[0].As<Napi::Number>().Uint32Value() & 0xffu), region_.size());
  return env.Undefined();
}

Napi::Value DeviceBuffer::release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (in_flight > 0) check_usable(env, "release");
  account(env, false);
  region_.release();
  return env.Undefined();
}

// digest(offset: number, length: number): bigint — XXH64 of the bytes, without copying them out.
Napi::Value DeviceBuffer::digest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check_readable(env, "digest");
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) throw_error(env, "E_INVALID_ARGUMENT", "digest(offset: number, length: number)");
  const double offset = info[0].As<Napi::Number>().DoubleValue();
  const double length = info[1].As<Napi::Number>().DoubleValue();
  if (!(offset >= 0) || !(length >= 0) || offset + length > static_cast<double>(region_.size())) {
    throw_error(env, "E_INVALID_ARGUMENT", "the digested range overruns the " + std::to_string(region_.size()) + "-byte buffer");
  }
  const auto* base = static_cast<const unsigned char*>(region_.data()) + static_cast<std::size_t>(offset);
  return Napi::BigInt::New(env, static_cast<std::uint64_t>(digest::xxh64(base, static_cast<std::size_t>(length))));
}

// tileDigests(width, height, tileSize, tiles: Uint32Array): Uint32Array — for each tile index (row
// major, tiles of tileSize x tileSize RGBA8 pixels, the last row and column cut by the image's
// edge), the low 32 bits of XXH64 over the tile's rows, top to bottom, concatenated.
Napi::Value DeviceBuffer::tile_digests(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check_readable(env, "digest");
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsTypedArray()) {
    throw_error(env, "E_INVALID_ARGUMENT", "tileDigests(width, height, tileSize, tiles: Uint32Array)");
  }
  const std::uint32_t width = info[0].As<Napi::Number>().Uint32Value();
  const std::uint32_t height = info[1].As<Napi::Number>().Uint32Value();
  const std::uint32_t tile = info[2].As<Napi::Number>().Uint32Value();
  Napi::TypedArray array = info[3].As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_uint32_array) throw_error(env, "E_INVALID_ARGUMENT", "tiles must be a Uint32Array");
  if (width == 0 || height == 0 || tile == 0 || tile > 256 || static_cast<std::uint64_t>(width) * height * 4 > region_.size()) {
    throw_error(env, "E_INVALID_ARGUMENT", "tileDigests: the image does not fit the buffer");
  }
  Napi::Uint32Array tiles = array.As<Napi::Uint32Array>();
  const std::uint32_t tiles_x = (width + tile - 1) / tile;
  const std::uint32_t tiles_y = (height + tile - 1) / tile;
  Napi::Uint32Array out = Napi::Uint32Array::New(env, tiles.ElementLength());
  std::vector<unsigned char> scratch(static_cast<std::size_t>(tile) * tile * 4);
  const auto* pixels = static_cast<const unsigned char*>(region_.data());
  for (std::size_t i = 0; i < tiles.ElementLength(); ++i) {
    const std::uint32_t index = tiles[i];
    if (index >= tiles_x * tiles_y) throw_error(env, "E_INVALID_ARGUMENT", "tile index " + std::to_string(index) + " is outside the image");
    const std::uint32_t x0 = (index % tiles_x) * tile;
    const std::uint32_t y0 = (index / tiles_x) * tile;
    const std::uint32_t w = std::min(tile, width - x0);
    const std::uint32_t h = std::min(tile, height - y0);
    for (std::uint32_t row = 0; row < h; ++row) {
      std::memcpy(scratch.data() + static_cast<std::size_t>(row) * w * 4, pixels + (static_cast<std::size_t>(y0 + row) * width + x0) * 4, static_cast<std::size_t>(w) * 4);
    }
    out[i] = static_cast<std::uint32_t>(digest::xxh64(scratch.data(), static_cast<std::size_t>(w) * h * 4));
  }
  return out;
}

}  // namespace gpuos::addon

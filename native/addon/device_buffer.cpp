#include "device_buffer.h"

#include <cstring>

#include "conversions.h"

namespace gpuos::addon {

Napi::Function DeviceBuffer::define(Napi::Env env) {
  return DefineClass(env, "DeviceBuffer",
                     {InstanceAccessor<&DeviceBuffer::byte_length>("byteLength"),
                      InstanceMethod<&DeviceBuffer::write>("write"), InstanceMethod<&DeviceBuffer::read>("read"),
                      InstanceMethod<&DeviceBuffer::fill>("fill"), InstanceMethod<&DeviceBuffer::release>("release")});
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
  if (in_flight > 0) {
    throw_error(env, "E_BUFFER_BUSY",
                std::string("cannot ") + action + " a DeviceBuffer while a dispatch that binds it is running; await it first");
  }
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
  check_usable(env, "read");
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
  if (in_flight > 0) throw_error(env, "E_BUFFER_BUSY", "cannot release a DeviceBuffer while a dispatch that binds it is running");
  account(env, false);
  region_.release();
  return env.Undefined();
}

}  // namespace gpuos::addon

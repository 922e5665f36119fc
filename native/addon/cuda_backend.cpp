#include "cuda_backend.h"

#include <memory>
#include <string>
#include <vector>

#include "conversions.h"

#if GPUOS_WITH_CUDA
#include "../cuda/cuda_driver.h"
#endif

namespace gpuos::addon {

#if GPUOS_WITH_CUDA

namespace {

const napi_type_tag kCudaBufferTag = {0x6770756f73637564ull, 0x6166666572303031ull};

[[noreturn]] void throw_cuda(Napi::Env env, const gpuos::cuda::Error& error) {
  throw_error(env, error.sticky ? "E_GPU_FAULT" : "E_CUDA", error.message);
}

// Device memory; freed by release() or when collected.
class CudaBuffer : public Napi::ObjectWrap<CudaBuffer> {
 public:
  static constexpr std::size_t kMaxBytes = std::size_t{1} << 32;

  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "CudaBuffer",
                       {InstanceAccessor<&CudaBuffer::byte_length>("byteLength"), InstanceMethod<&CudaBuffer::write>("write"),
                        InstanceMethod<&CudaBuffer::read>("read"), InstanceMethod<&CudaBuffer::release>("release")});
  }

  explicit CudaBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CudaBuffer>(info) {
    Napi::Env env = info.Env();
    const double bytes = info.Length() >= 1 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
    if (!(bytes >= 1) || bytes > static_cast<double>(kMaxBytes) || bytes != static_cast<double>(static_cast<std::uint64_t>(bytes))) {
      throw_error(env, "E_INVALID_ARGUMENT", "CudaBuffer(byteLength): an integer from 1 to " + std::to_string(kMaxBytes));
    }
    gpuos::cuda::Error error;
    if (!buffer_.allocate(static_cast<std::size_t>(bytes), &error)) throw_cuda(env, error);
    info.This().As<Napi::Object>().TypeTag(&kCudaBufferTag);
  }

  const gpuos::cuda::Buffer& buffer() const { return buffer_; }

 private:
  Napi::Value byte_length(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(buffer_.size())); }

  void check_range(Napi::Env env, double offset, double length) const {
    if (buffer_.released()) throw_error(env, "E_BUFFER_RELEASED", "the CudaBuffer was released");
    const double size = static_cast<double>(buffer_.size());
    if (!(offset >= 0) || !(length >= 0) || offset + length > size || offset != static_cast<double>(static_cast<std::uint64_t>(offset)) ||
        length != static_cast<double>(static_cast<std::uint64_t>(length))) {
      throw_error(env, "E_INVALID_ARGUMENT", "range out of bounds of a " + std::to_string(buffer_.size()) + "-byte CudaBuffer");
    }
  }

  // write(bytes: Uint8Array, offset = 0)
  Napi::Value write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw_error(env, "E_INVALID_ARGUMENT", "CudaBuffer.write(bytes: Uint8Array, offset?)");
    }
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    const double offset = info.Length() >= 2 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
    check_range(env, offset, static_cast<double>(bytes.ByteLength()));
    gpuos::cuda::Error error;
    if (!buffer_.write(bytes.Data(), bytes.ByteLength(), static_cast<std::size_t>(offset), &error)) throw_cuda(env, error);
    return env.Undefined();
  }

  // read(offset = 0, length = rest): Uint8Array
  Napi::Value read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const double offset = info.Length() >= 1 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
    const double length = info.Length() >= 2 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue()
                                                                     : static_cast<double>(buffer_.size()) - offset;
    check_range(env, offset, length);
    Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<std::size_t>(length));
    gpuos::cuda::Error error;
    if (!buffer_.read(out.Data(), out.ByteLength(), static_cast<std::size_t>(offset), &error)) throw_cuda(env, error);
    return out;
  }

  Napi::Value release(const Napi::CallbackInfo& info) {
    buffer_.release();
    return info.Env().Undefined();
  }

  gpuos::cuda::Buffer buffer_;
};

// A loaded kernel image (a cubin for this GPU).
class CudaModule : public Napi::ObjectWrap<CudaModule> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "CudaModule", {InstanceMethod<&CudaModule::launch>("launch"), InstanceMethod<&CudaModule::attributes>("attributes")});
  }

  explicit CudaModule(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CudaModule>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw_error(env, "E_INVALID_ARGUMENT", "CudaModule(image: Uint8Array)");
    }
    Napi::Uint8Array image = info[0].As<Napi::Uint8Array>();
    std::vector<unsigned char> bytes(image.Data(), image.Data() + image.ByteLength());
    gpuos::cuda::Error error;
    if (!module_.load(bytes, &error)) throw_cuda(env, error);
  }

 private:
  // launch(entry, { threads: [x, y, z], buffers: (CudaBuffer | null)[], threadgroupBytes: number[],
  //                 profileCapacity?, timeoutSeconds? }): { gpuMs, barrierCount, barrierClock?: (ns, line) pairs }
  Napi::Value launch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsObject()) throw_error(env, "E_INVALID_ARGUMENT", "CudaModule.launch(entry, options)");
    const std::string entry = info[0].As<Napi::String>().Utf8Value();
    Napi::Object options = info[1].As<Napi::Object>();
    gpuos::cuda::LaunchRequest request;
    Napi::Value threads = options.Get("threads");
    if (!threads.IsArray() || threads.As<Napi::Array>().Length() != 3) throw_error(env, "E_INVALID_ARGUMENT", "launch: threads must be [x, y, z]");
    for (unsigned d = 0; d < 3; ++d) {
      const double value = threads.As<Napi::Array>().Get(d).ToNumber().DoubleValue();
      if (!(value >= 1 && value <= 1024)) throw_error(env, "E_INVALID_ARGUMENT", "launch: threads out of range");
      request.threads[d] = static_cast<unsigned>(value);
    }
    Napi::Value buffers = options.Get("buffers");
    if (buffers.IsArray()) {
      Napi::Array list = buffers.As<Napi::Array>();
      if (list.Length() > GPUOS_CUDA_MAX_BUFFER_BINDINGS) throw_error(env, "E_INVALID_ARGUMENT", "launch: at most 31 buffers");
      for (unsigned i = 0; i < list.Length(); ++i) {
        Napi::Value value = list.Get(i);
        if (value.IsNull() || value.IsUndefined()) continue;
        const bool tagged = value.IsObject() && value.As<Napi::Object>().CheckTypeTag(&kCudaBufferTag);
        if (!tagged) throw_error(env, "E_INVALID_ARGUMENT", "launch: buffers[" + std::to_string(i) + "] is not a CudaBuffer");
        const CudaBuffer* buffer = CudaBuffer::Unwrap(value.As<Napi::Object>());
        if (buffer->buffer().released()) throw_error(env, "E_BUFFER_RELEASED", "launch: buffers[" + std::to_string(i) + "] was released");
        request.buffers[i] = &buffer->buffer();
      }
    }
    Napi::Value threadgroup = options.Get("threadgroupBytes");
    if (threadgroup.IsArray()) {
      Napi::Array list = threadgroup.As<Napi::Array>();
      if (list.Length() > GPUOS_CUDA_MAX_THREADGROUP_BINDINGS) throw_error(env, "E_INVALID_ARGUMENT", "launch: at most 31 threadgroup arguments");
      for (unsigned i = 0; i < list.Length(); ++i) {
        const double bytes = list.Get(i).ToNumber().DoubleValue();
        if (!(bytes >= 0 && bytes <= 256 * 1024)) throw_error(env, "E_INVALID_ARGUMENT", "launch: threadgroupBytes out of range");
        request.threadgroup_bytes[i] = static_cast<std::size_t>(bytes);
      }
    }
    request.barrier_clock_capacity = static_cast<unsigned>(read_unsigned(options, "profileCapacity", 0, 1u << 20));
    if (options.Has("timeoutSeconds")) request.timeout_seconds = options.Get("timeoutSeconds").ToNumber().DoubleValue();
    gpuos::cuda::LaunchResult result;
    gpuos::cuda::Error error;
    if (!module_.launch(entry, request, &result, &error)) throw_cuda(env, error);
    Napi::Object out = Napi::Object::New(env);
    out.Set("gpuMs", result.gpu_ms);
    out.Set("barrierCount", result.barrier_count);
    if (request.barrier_clock_capacity > 0) {
      Napi::BigUint64Array clock = Napi::BigUint64Array::New(env, result.barrier_clock.size());
      for (std::size_t i = 0; i < result.barrier_clock.size(); ++i) clock[i] = result.barrier_clock[i];
      out.Set("barrierClock", clock);
    }
    return out;
  }

  Napi::Value attributes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw_error(env, "E_INVALID_ARGUMENT", "CudaModule.attributes(entry)");
    int registers = 0, local = 0, shared = 0;
    gpuos::cuda::Error error;
    if (!module_.attributes(info[0].As<Napi::String>().Utf8Value(), &registers, &local, &shared, &error)) throw_cuda(env, error);
    Napi::Object out = Napi::Object::New(env);
    out.Set("registers", registers);
    out.Set("localBytes", local);
    out.Set("sharedBytes", shared);
    return out;
  }

  gpuos::cuda::Module module_;
};

}  // namespace

Napi::Value cuda_status(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const gpuos::cuda::Availability& a = gpuos::cuda::availability();
  Napi::Object out = Napi::Object::New(env);
  out.Set("built", true);
  out.Set("available", a.available);
  if (!a.reason.empty()) out.Set("reason", a.reason);
  if (!a.device.name.empty()) {
    Napi::Object device = Napi::Object::New(env);
    device.Set("name", a.device.name);
    device.Set("computeCapability", std::to_string(a.device.compute_major) + "." + std::to_string(a.device.compute_minor));
    device.Set("driverVersion", std::to_string(a.device.driver_version / 1000) + "." + std::to_string(a.device.driver_version % 1000 / 10));
    device.Set("memoryBytes", static_cast<double>(a.device.memory_bytes));
    device.Set("maxSharedBytesPerBlock", a.device.max_shared_bytes_per_block);
    out.Set("device", device);
  }
  return out;
}

void register_cuda_classes(Napi::Env env, Napi::Object exports) {
  exports.Set("CudaBuffer", CudaBuffer::define(env));
  exports.Set("CudaModule", CudaModule::define(env));
}

#else

Napi::Value cuda_status(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("built", false);
  out.Set("available", false);
  out.Set("reason", GPUOS_CUDA_MISSING_REASON);
  return out;
}

void register_cuda_classes(Napi::Env, Napi::Object) {}

#endif

}  // namespace gpuos::addon

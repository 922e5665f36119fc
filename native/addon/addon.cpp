// The addon's entry point registers; each binding lives in its own file and does its own work.
#include <napi.h>

#include "../msl/cpu/gpuos_emu_abi.h"
#include "barrier_observer.h"
#include "cuda_backend.h"
#include "device_buffer.h"
#include "digest.h"
#include "dispatch.h"
#include "kernel_library.h"
#include "microbench.h"
#include "os_abi.h"
#include "translate.h"

namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("DeviceBuffer", gpuos::addon::DeviceBuffer::define(env));
  exports.Set("KernelLibrary", gpuos::addon::KernelLibrary::define(env));
  exports.Set("dispatchAsync", Napi::Function::New(env, gpuos::addon::dispatch_async, "dispatchAsync"));
  exports.Set("dispatchSync", Napi::Function::New(env, gpuos::addon::dispatch_sync, "dispatchSync"));
  exports.Set("abandonBarrierObservers",
              Napi::Function::New(env, gpuos::addon::abandon_barrier_observers_js, "abandonBarrierObservers"));
  exports.Set("translate", Napi::Function::New(env, gpuos::addon::translate, "translate"));
  exports.Set("measureContextSwitch", Napi::Function::New(env, gpuos::addon::measure_context_switch, "measureContextSwitch"));
  exports.Set("digest64", Napi::Function::New(env, gpuos::addon::digest64, "digest64"));
  exports.Set("osAbiLayout", Napi::Function::New(env, gpuos::addon::os_abi_layout, "osAbiLayout"));
  exports.Set("osThreadgroupLayout", Napi::Function::New(env, gpuos::addon::os_threadgroup_layout, "osThreadgroupLayout"));
  exports.Set("emulatorAbiVersion", Napi::Number::New(env, GPUOS_EMU_ABI_VERSION));
  exports.Set("cudaStatus", Napi::Function::New(env, gpuos::addon::cuda_status, "cudaStatus"));
  gpuos::addon::register_cuda_classes(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(gpuos_native, init)

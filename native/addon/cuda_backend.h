// The CUDA backend's bindings: cudaStatus(), CudaBuffer (device memory) and CudaModule (a loaded
// kernel image and its launches). Built only where the CUDA toolkit's headers were found
// (CMakeLists.txt); elsewhere cudaStatus() alone exists and says why.
#pragma once

#include <napi.h>

namespace gpuos::addon {

// cudaStatus(): { built, available, reason?, device? }
Napi::Value cuda_status(const Napi::CallbackInfo& info);

// Adds CudaBuffer and CudaModule to the exports when the backend is built.
void register_cuda_classes(Napi::Env env, Napi::Object exports);

}  // namespace gpuos::addon

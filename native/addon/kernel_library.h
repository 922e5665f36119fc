// KernelLibrary: a compiled kernel library (shared object) loaded into the process, and the
// kernels it describes.
#pragma once

#include <napi.h>

#include "../emu/kernel_library.h"

namespace gpuos::addon {

class KernelLibrary : public Napi::ObjectWrap<KernelLibrary> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit KernelLibrary(const Napi::CallbackInfo& info);  // (path: string)

  const gpuos::emu::KernelLibrary& library() const { return library_; }

 private:
  Napi::Value kernels(const Napi::CallbackInfo& info);
  Napi::Value race_instrumented(const Napi::CallbackInfo& info);

  gpuos::emu::KernelLibrary library_;
};

}  // namespace gpuos::addon

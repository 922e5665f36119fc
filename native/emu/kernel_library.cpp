#include "kernel_library.h"

#include <dlfcn.h>

#include "executor.h"

namespace gpuos::emu {

bool KernelLibrary::load(const std::string& path, std::string& error) {
  // Never dlclose'd: kernel code and its static call-site records must outlive every report that
  // points at them, and reloading the same path returns the same handle anyway.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    error = "cannot load kernel library " + path + ": " + (reason ? reason : "unknown error");
    return false;
  }
  auto entry = reinterpret_cast<gpuos_kernel_library_fn>(dlsym(handle, GPUOS_KERNEL_LIBRARY_SYMBOL));
  if (!entry) {
    error = path + " is not a gpuos kernel library (no " GPUOS_KERNEL_LIBRARY_SYMBOL " symbol)";
    return false;
  }
  path_ = path;
  return attach(entry(), error);
}

bool KernelLibrary::attach(const gpuos_kernel_library* library, std::string& error) {
  if (!library) {
    error = "kernel library descriptor is missing";
    return false;
  }
  if (library->abi_version != GPUOS_EMU_ABI_VERSION) {
    error = "kernel library " + path_ + " was built for emulator ABI " + std::to_string(library->abi_version) +
            " but this build speaks ABI " + std::to_string(GPUOS_EMU_ABI_VERSION) +
            "; delete the kernel cache so it is rebuilt";
    return false;
  }
  if (!library->runtime_slot) {
    error = "kernel library has no runtime slot";
    return false;
  }
  *library->runtime_slot = emulator_runtime();
  library_ = library;
  return true;
}

const gpuos_kernel_desc* KernelLibrary::find(const std::string& name) const {
  if (!library_) return nullptr;
  for (gpuos_u32 i = 0; i < library_->kernel_count; ++i) {
    if (name == library_->kernels[i].name) return &library_->kernels[i];
  }
  return nullptr;
}

}  // namespace gpuos::emu

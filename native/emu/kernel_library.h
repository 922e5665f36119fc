// A compiled kernel library: the shared object a translated .metal file was built into (loaded
// with dlopen), or one linked statically into a test binary. Either way the emulator reaches it
// through its gpuos_kernel_library descriptor.
#pragma once

#include <string>

#include "../msl/cpu/gpuos_emu_abi.h"

namespace gpuos::emu {

class KernelLibrary {
 public:
  // Loads a shared object and checks its ABI. On failure returns false and sets `error`.
  bool load(const std::string& path, std::string& error);
  // Uses a descriptor linked into the process. On failure returns false and sets `error`.
  bool attach(const gpuos_kernel_library* library, std::string& error);

  const gpuos_kernel_library* descriptor() const { return library_; }
  const gpuos_kernel_desc* find(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  const gpuos_kernel_library* library_ = nullptr;
  std::string path_;
};

}  // namespace gpuos::emu

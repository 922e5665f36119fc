// MSL's mem_flags, the argument of every barrier: the same values on every backend (the
// emulator's GPUOS_MEM_ bits, native/msl/cpu/gpuos_emu_abi.h).
#pragma once

#include "msl_base.h"
#include "../cpu/gpuos_emu_abi.h"

namespace metal {

enum class mem_flags : uint {
  mem_none = 0,
  mem_device = GPUOS_MEM_DEVICE,
  mem_threadgroup = GPUOS_MEM_THREADGROUP,
  // Deprecated in Apple's headers, still in real kernels: both spaces.
  mem_device_and_threadgroup = GPUOS_MEM_DEVICE | GPUOS_MEM_THREADGROUP,
  mem_texture = 4,
  mem_threadgroup_imageblock = 8,
  mem_object_data = 16,
};

constexpr GPUOS_FUNC mem_flags operator|(mem_flags a, mem_flags b) {
  return static_cast<mem_flags>(static_cast<uint>(a) | static_cast<uint>(b));
}
constexpr GPUOS_FUNC mem_flags operator&(mem_flags a, mem_flags b) {
  return static_cast<mem_flags>(static_cast<uint>(a) & static_cast<uint>(b));
}

}  // namespace metal

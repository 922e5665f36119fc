// threadgroup_barrier and mem_flags on the CPU emulator.
#pragma once

#include "../common/msl_base.h"
#include "cpu_runtime_link.h"

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

// Every live thread of the threadgroup must reach this same call; threads that returned do not
// hold it back (see docs/EMULATOR.md for what strict mode adds).
GPUOS_FUNC void threadgroup_barrier(mem_flags flags, GPUOS_CALL_SITE) {
  gpuos_glue::runtime->threadgroup_barrier(static_cast<uint>(flags), GPUOS_SITE);
}

}  // namespace metal

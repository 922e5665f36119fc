// threadgroup_barrier and mem_flags on the CPU emulator.
#pragma once

#include "../common/msl_base.h"
#include "../common/mem_flags.h"
#include "cpu_runtime_link.h"

namespace metal {

// Every live thread of the threadgroup must reach this same call; threads that returned do not
// hold it back (see docs/EMULATOR.md for what strict mode adds).
GPUOS_FUNC void threadgroup_barrier(mem_flags flags, GPUOS_CALL_SITE) {
  gpuos_glue::runtime->threadgroup_barrier(static_cast<uint>(flags), GPUOS_SITE);
}

}  // namespace metal

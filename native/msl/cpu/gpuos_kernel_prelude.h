// The first line of every translated kernel includes this: the whole Metal-compatible library
// for the CPU emulator, in place of <metal_stdlib>.
#pragma once

#include "../common/msl_base.h"
#include "../common/half.h"
#include "../common/vector_types.h"
#include "../common/math_functions.h"
#include "../common/constants.h"
#include "gpuos_emu_abi.h"
#include "cpu_runtime_link.h"
#include "cpu_race_hooks.h"
#include "cpu_barriers.h"
#include "cpu_simdgroup.h"
#include "cpu_atomics.h"
#include "kernel_glue.h"

#include "msl_subset.h"

#include <cstring>

namespace gpuos::translate {

namespace {

struct Rejection {
  const char* identifier;
  const char* reason;
};

constexpr const char* kTextures = "textures are not supported by the CPU emulator; pass the data in a device buffer";
constexpr const char* kGraphics = "only compute kernels run on the emulator; vertex, fragment, mesh and object "
                                  "functions are not supported";
constexpr const char* kHostOnly = "is host C++, not MSL: a kernel cannot reach the host process (see docs/KERNEL_SUBSET.md)";
constexpr const char* kRayTracing = "ray tracing and function tables are not supported by the CPU emulator";

const Rejection kRejections[] = {
    {"double", "MSL has no double; use float"},
    {"texture1d", kTextures},
    {"texture1d_array", kTextures},
    {"texture2d", kTextures},
    {"texture2d_array", kTextures},
    {"texture2d_ms", kTextures},
    {"texture2d_ms_array", kTextures},
    {"texture3d", kTextures},
    {"texturecube", kTextures},
    {"texturecube_array", kTextures},
    {"texture_buffer", kTextures},
    {"depth2d", kTextures},
    {"depth2d_array", kTextures},
    {"depth2d_ms", kTextures},
    {"depth2d_ms_array", kTextures},
    {"depthcube", kTextures},
    {"depthcube_array", kTextures},
    {"sampler", "samplers are not supported by the CPU emulator"},
    {"imageblock", "imageblocks are not supported by the CPU emulator"},
    {"threadgroup_imageblock", "imageblocks are not supported by the CPU emulator"},
    {"vertex", kGraphics},
    {"fragment", kGraphics},
    {"mesh_grid_properties", kGraphics},
    {"patch_control_point", kGraphics},
    {"visible_function_table", kRayTracing},
    {"intersection_function_table", kRayTracing},
    {"acceleration_structure", kRayTracing},
    {"primitive_acceleration_structure", kRayTracing},
    {"instance_acceleration_structure", kRayTracing},
    {"intersector", kRayTracing},
    {"ray_data", kRayTracing},
    {"object_data", kRayTracing},
    {"indirect_command_buffer", "indirect command buffers are not supported by the CPU emulator"},
    {"simdgroup_matrix", "simdgroup matrices are not supported by the CPU emulator"},
    {"simdgroup_float8x8", "simdgroup matrices are not supported by the CPU emulator"},
    {"simdgroup_half8x8", "simdgroup matrices are not supported by the CPU emulator"},
    {"simdgroup_bfloat8x8", "simdgroup matrices are not supported by the CPU emulator"},
    {"bfloat", "bfloat is not supported by the CPU emulator"},
    {"simd_shuffle_and_fill_up", "simd_shuffle_and_fill_up is not supported yet; use simd_shuffle_up"},
    {"simd_shuffle_and_fill_down", "simd_shuffle_and_fill_down is not supported yet; use simd_shuffle_down"},
    // C++ that MSL does not have. On the emulator a kernel becomes native code in the host
    // process; these would reach the host (libc, system calls) or break the fiber executor.
    {"asm", kHostOnly},
    {"__asm", kHostOnly},
    {"__asm__", kHostOnly},
    {"extern", kHostOnly},
    {"new", "MSL has no dynamic allocation (new); use a device or threadgroup buffer"},
    {"delete", "MSL has no dynamic allocation (delete)"},
    {"throw", "MSL has no exceptions"},
    {"try", "MSL has no exceptions"},
    {"catch", "MSL has no exceptions"},
    {"goto", "MSL has no goto"},
    {"typeid", "MSL has no run-time type information"},
    {"dynamic_cast", "MSL has no run-time type information"},
    {"__int128", "MSL has no 128-bit integers"},
    {"__float128", "MSL has no 128-bit floats"},
    {"__thread", kHostOnly},
    {"thread_local", kHostOnly},
};

// MSL's quad-group functions (4-lane variants of the simd_ functions), by exact name: user code
// may well have variables called quad_something.
const char* const kQuadFunctions[] = {
    "quad_sum", "quad_product", "quad_min", "quad_max", "quad_and", "quad_or", "quad_xor",
    "quad_prefix_exclusive_sum", "quad_prefix_inclusive_sum", "quad_prefix_exclusive_product",
    "quad_prefix_inclusive_product", "quad_shuffle", "quad_shuffle_up", "quad_shuffle_down", "quad_shuffle_xor",
    "quad_shuffle_rotate_up", "quad_shuffle_rotate_down", "quad_shuffle_and_fill_up", "quad_shuffle_and_fill_down",
    "quad_broadcast", "quad_broadcast_first", "quad_ballot", "quad_all", "quad_any", "quad_is_first",
    "quad_active_threads_mask", "quad_is_helper_thread", "quad_vote",
};

const char* const kMatrixPrefixes[] = {"float2x", "float3x", "float4x", "half2x", "half3x", "half4x"};

struct Builtin {
  const char* attribute;
  const char* constant;
};

const Builtin kBuiltins[] = {
    {"thread_index_in_threadgroup", "GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP"},
    {"thread_position_in_threadgroup", "GPUOS_BUILTIN_THREAD_POSITION_IN_THREADGROUP"},
    {"thread_position_in_grid", "GPUOS_BUILTIN_THREAD_POSITION_IN_GRID"},
    {"threads_per_threadgroup", "GPUOS_BUILTIN_THREADS_PER_THREADGROUP"},
    {"threadgroup_position_in_grid", "GPUOS_BUILTIN_THREADGROUP_POSITION_IN_GRID"},
    {"threadgroups_per_grid", "GPUOS_BUILTIN_THREADGROUPS_PER_GRID"},
    {"threads_per_grid", "GPUOS_BUILTIN_THREADS_PER_GRID"},
    {"simdgroup_index_in_threadgroup", "GPUOS_BUILTIN_SIMDGROUP_INDEX_IN_THREADGROUP"},
    {"thread_index_in_simdgroup", "GPUOS_BUILTIN_THREAD_INDEX_IN_SIMDGROUP"},
    {"threads_per_simdgroup", "GPUOS_BUILTIN_THREADS_PER_SIMDGROUP"},
    {"thread_execution_width", "GPUOS_BUILTIN_THREADS_PER_SIMDGROUP"},
    {"simdgroups_per_threadgroup", "GPUOS_BUILTIN_SIMDGROUPS_PER_THREADGROUP"},
    {"dispatch_simdgroups_per_threadgroup", "GPUOS_BUILTIN_SIMDGROUPS_PER_THREADGROUP"},
    {"quadgroup_index_in_threadgroup", "GPUOS_BUILTIN_QUADGROUP_INDEX_IN_THREADGROUP"},
    {"thread_index_in_quadgroup", "GPUOS_BUILTIN_THREAD_INDEX_IN_QUADGROUP"},
    {"quadgroups_per_threadgroup", "GPUOS_BUILTIN_QUADGROUPS_PER_THREADGROUP"},
    {"dispatch_quadgroups_per_threadgroup", "GPUOS_BUILTIN_QUADGROUPS_PER_THREADGROUP"},
    {"dispatch_threads_per_threadgroup", "GPUOS_BUILTIN_THREADS_PER_THREADGROUP"},
    {"grid_origin", "GPUOS_BUILTIN_GRID_ORIGIN"},
    {"grid_size", "GPUOS_BUILTIN_GRID_SIZE"},
};

const char* const kPassiveAttributes[] = {"maybe_unused", "nodiscard", "noreturn", "deprecated",
                                          "fallthrough",  "likely",    "unlikely", "carries_dependency"};

}  // namespace

const char* unsupported_identifier_reason(const std::string& identifier) {
  for (const Rejection& rejection : kRejections) {
    if (identifier == rejection.identifier) return rejection.reason;
  }
  // Compiler builtins and host atomics are not MSL either (the Metal library functions are).
  // (offsetof expands to __builtin_offsetof: a constant, allowed.)
  for (const char* prefix : {"__builtin_", "__sync_", "__atomic_"}) {
    if (identifier.compare(0, std::strlen(prefix), prefix) == 0 && identifier != "__builtin_offsetof") {
      return "compiler builtins are not MSL; use the Metal library function";
    }
  }
  for (const char* quad : kQuadFunctions) {
    if (identifier == quad) return "quad-group functions are not supported yet; use the simd_ functions";
  }
  for (const char* prefix : kMatrixPrefixes) {
    const std::size_t length = std::strlen(prefix);
    if (identifier.size() == length + 1 && identifier.compare(0, length, prefix) == 0 && identifier[length] >= '2' &&
        identifier[length] <= '4') {
      return "matrix types are not supported by the CPU emulator yet; use vectors";
    }
  }
  return nullptr;
}

const char* builtin_attribute_constant(const std::string& attribute) {
  for (const Builtin& builtin : kBuiltins) {
    if (attribute == builtin.attribute) return builtin.constant;
  }
  return nullptr;
}

bool is_passive_attribute(const std::string& attribute) {
  for (const char* name : kPassiveAttributes) {
    if (attribute == name) return true;
  }
  return false;
}

}  // namespace gpuos::translate

#include "abi_layout.h"

#include "../../kernels/gpuos_abi.h"
#include "../../kernels/os/os_scratch.h"
#include "../../kernels/os/render_scratch.h"

namespace gpuos::os {

namespace {

#define GPUOS_LAYOUT_FIELD(type, name) fields.push_back({#name, #type, offsetof(Struct, name), sizeof(type), 1});
#define GPUOS_LAYOUT_ARRAY(type, name, count) fields.push_back({#name, #type, offsetof(Struct, name), sizeof(type), (count)});
#define GPUOS_LAYOUT_STRUCT(struct_name, FIELDS, pinned_size)                                  \
  {                                                                                             \
    using Struct = struct_name;                                                                 \
    std::vector<AbiField> fields;                                                               \
    FIELDS(GPUOS_LAYOUT_FIELD, GPUOS_LAYOUT_ARRAY, GPUOS_LAYOUT_ARRAY)                          \
    structs.push_back({#struct_name, sizeof(Struct), alignof(Struct), std::move(fields)});      \
  }

std::vector<AbiStruct> build_structs() {
  std::vector<AbiStruct> structs;
  GPUOS_ABI_STRUCTS(GPUOS_LAYOUT_STRUCT)
  return structs;
}

// A two-dimensional array: its elements, row-major, and its column count.
#define GPUOS_LAYOUT_ARRAY_2D(type, name, rows, columns) \
  fields.push_back({#name, #type, offsetof(Struct, name), sizeof(type), (rows) * (columns), (columns)});
#define GPUOS_LAYOUT_THREADGROUP_STRUCT(struct_name, FIELDS, pinned_size)                        \
  {                                                                                               \
    using Struct = struct_name;                                                                   \
    std::vector<AbiField> fields;                                                                 \
    FIELDS(GPUOS_LAYOUT_FIELD, GPUOS_LAYOUT_ARRAY, GPUOS_LAYOUT_ARRAY, GPUOS_LAYOUT_ARRAY_2D)     \
    structs.push_back({#struct_name, sizeof(Struct), alignof(Struct), std::move(fields)});        \
  }

std::vector<AbiStruct> build_threadgroup_structs() {
  std::vector<AbiStruct> structs;
  OS_SCRATCH_STRUCTS(GPUOS_LAYOUT_THREADGROUP_STRUCT)
  return structs;
}

#define GPUOS_LAYOUT_CONSTANT(name) {#name, static_cast<long long>(name)},

std::vector<AbiConstant> build_constants() { return {GPUOS_ABI_CONSTANTS(GPUOS_LAYOUT_CONSTANT)}; }

std::vector<AbiConstant> build_threadgroup_constants() { return {OS_ROLE_CONSTANTS(GPUOS_LAYOUT_CONSTANT) OS_RENDER_SCRATCH_CONSTANTS(GPUOS_LAYOUT_CONSTANT)}; }

}  // namespace

const std::vector<AbiStruct>& abi_structs() {
  static const std::vector<AbiStruct> structs = build_structs();
  return structs;
}

const std::vector<AbiConstant>& abi_constants() {
  static const std::vector<AbiConstant> constants = build_constants();
  return constants;
}

const std::vector<AbiStruct>& threadgroup_structs() {
  static const std::vector<AbiStruct> structs = build_threadgroup_structs();
  return structs;
}

const std::vector<AbiConstant>& threadgroup_constants() {
  static const std::vector<AbiConstant> constants = build_threadgroup_constants();
  return constants;
}

}  // namespace gpuos::os

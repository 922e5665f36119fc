#include "abi_layout.h"

#include "../../kernels/gpuos_abi.h"

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

#define GPUOS_LAYOUT_CONSTANT(name) {#name, static_cast<long long>(name)},

std::vector<AbiConstant> build_constants() { return {GPUOS_ABI_CONSTANTS(GPUOS_LAYOUT_CONSTANT)}; }

}  // namespace

const std::vector<AbiStruct>& abi_structs() {
  static const std::vector<AbiStruct> structs = build_structs();
  return structs;
}

const std::vector<AbiConstant>& abi_constants() {
  static const std::vector<AbiConstant> constants = build_constants();
  return constants;
}

}  // namespace gpuos::os

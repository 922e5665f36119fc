// The OS ABI's layout as the C++ compiler sees it (kernels/gpuos_abi.h), exported to TypeScript
// so its views of device memory are built from the same field lists as the kernel's structs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gpuos::os {

struct AbiField {
  const char* name;
  const char* type;    // as written in the header: uint16_t, float, gpuos_widget, GPUOS_ATOMIC_U32, …
  std::size_t offset;  // bytes from the start of the struct
  std::size_t size;    // of one element
  std::size_t count;   // 1 for a scalar
};

struct AbiStruct {
  const char* name;
  std::size_t size;
  std::size_t align;
  std::vector<AbiField> fields;
};

struct AbiConstant {
  const char* name;
  long long value;
};

const std::vector<AbiStruct>& abi_structs();
const std::vector<AbiConstant>& abi_constants();

}  // namespace gpuos::os

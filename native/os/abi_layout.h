// The OS ABI's layout as the C++ compiler sees it (kernels/gpuos_abi.h), exported to TypeScript
// so its views of device memory are built from the same field lists as the kernel's structs; and,
// apart from it, the layout of the kernel's threadgroup scratch (kernels/os/os_scratch.h), which
// is not device memory (traces do not record it, so it is not part of the ABI their digest covers).
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
  std::size_t count;   // 1 for a scalar; rows * columns for a two-dimensional array
  std::size_t columns = 0;  // a two-dimensional array's inner dimension; 0 otherwise
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

// os_scratch (threadgroup memory) and the SIMD-group role constants its array sizes use.
const std::vector<AbiStruct>& threadgroup_structs();
const std::vector<AbiConstant>& threadgroup_constants();

}  // namespace gpuos::os

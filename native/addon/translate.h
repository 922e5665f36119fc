// translate(preprocessed, sourceName): the MSL -> C++ source step, for the TypeScript compile
// pipeline (which runs the preprocessor and the C++ compiler around it).
#pragma once

#include <napi.h>

namespace gpuos::addon {

Napi::Value translate(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

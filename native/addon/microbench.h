// measureContextSwitch(roundTrips): nanoseconds per fiber switch, for `npm run bench`.
#pragma once

#include <napi.h>

namespace gpuos::addon {

Napi::Value measure_context_switch(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

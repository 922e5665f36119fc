#include "microbench.h"

#include "../emu/microbench.h"
#include "conversions.h"

namespace gpuos::addon {

Napi::Value measure_context_switch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw_error(env, "E_INVALID_ARGUMENT", "measureContextSwitch(roundTrips: number)");
  const double round_trips = info[0].As<Napi::Number>().DoubleValue();
  if (!(round_trips >= 1) || round_trips > 1e10) throw_error(env, "E_INVALID_ARGUMENT", "roundTrips must be between 1 and 1e10");
  return Napi::Number::New(env, gpuos::emu::measure_context_switch_ns(static_cast<std::uint64_t>(round_trips)));
}

}  // namespace gpuos::addon

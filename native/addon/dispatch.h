// dispatch(library, kernelName, options): run one threadgroup on the emulator.
//
// dispatchAsync runs on the libuv thread pool and resolves a Promise, so a long dispatch never
// blocks Node's event loop; dispatchSync runs on the calling thread (benchmarks, where the hop to
// the pool would be measured too). Both return { ok, findings, stats }.
#pragma once

#include <napi.h>

namespace gpuos::addon {

Napi::Value dispatch_async(const Napi::CallbackInfo& info);
Napi::Value dispatch_sync(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

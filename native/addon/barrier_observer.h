// Barrier observers: a JavaScript function the executor calls at every threadgroup barrier release
// (gpuos::emu::BarrierObserver), with a view of the release while the dispatch is paused.
//
// The view's threadgroup(offset, length) copies from the paused threadgroup memory and works only
// until the hook (and any promise it returned) has settled; the buffers bound to the dispatch are
// readable, not writable, for that long (DeviceBuffer::paused). The hook returns false (or a
// promise of false) to stop the dispatch; so does a hook that throws.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "../emu/executor.h"

namespace gpuos::addon {

class DeviceBuffer;

// dispatchSync: the executor calls the hook directly, on the JavaScript thread's own stack (the
// executor runs observers outside its fibers). A returned promise cannot be awaited there and
// stops the dispatch; the TypeScript layer has already said why.
class SyncBarrierObserver {
 public:
  SyncBarrierObserver(Napi::Env env, Napi::Function hook, const std::vector<DeviceBuffer*>& buffers);
  gpuos::emu::BarrierObserver observer() { return {&call, this}; }

 private:
  static bool call(void* self, const gpuos::emu::BarrierRelease& release) noexcept;

  Napi::Env env_;
  Napi::Function hook_;  // a handle of the dispatchSync call, live until it returns
  std::vector<DeviceBuffer*> buffers_;
};

// One call of the hook on the JavaScript thread (barrier_observer.cpp).
struct HookCall;

// dispatchAsync: the pool thread hands each release to the JavaScript thread through a
// thread-safe function and blocks until the hook, and any promise it returned, has settled.
class AsyncBarrierObserver {
 public:
  AsyncBarrierObserver(Napi::Env env, Napi::Function hook, const std::vector<DeviceBuffer*>& buffers);
  ~AsyncBarrierObserver();
  AsyncBarrierObserver(const AsyncBarrierObserver&) = delete;
  AsyncBarrierObserver& operator=(const AsyncBarrierObserver&) = delete;

  gpuos::emu::BarrierObserver observer() { return {&call, this}; }
  // On the JavaScript thread once the dispatch is over (the buffers are still alive): no more
  // releases will come, and a promise that settles late changes nothing.
  void close();

  // What the pool thread waits on; shared with the JavaScript side's callbacks, so a promise that
  // settles late, or a release delivered after the dispatch was abandoned, touches nothing freed.
  struct Channel;

 private:
  struct Delivery;
  static bool call(void* self, const gpuos::emu::BarrierRelease& release) noexcept;
  static void call_js(Napi::Env env, Napi::Function hook, AsyncBarrierObserver* self, Delivery* delivery);
  friend void abandon_barrier_observers(napi_env env);

  using Tsfn = Napi::TypedThreadSafeFunction<AsyncBarrierObserver, Delivery, &AsyncBarrierObserver::call_js>;
  napi_env env_;
  Tsfn tsfn_;
  std::vector<DeviceBuffer*> buffers_;
  std::shared_ptr<Channel> channel_;
  std::shared_ptr<HookCall> current_;  // the latest call of the hook; JavaScript thread only
  bool closed_ = false;
};

// Settles every release a pool thread of this environment waits on with "stop", and makes later
// ones stop at once. For process.exit() during an observer: libuv joins its pool threads on exit,
// and one blocked waiting for JavaScript that will never run again would hang the process.
void abandon_barrier_observers(napi_env env);
Napi::Value abandon_barrier_observers_js(const Napi::CallbackInfo& info);

}  // namespace gpuos::addon

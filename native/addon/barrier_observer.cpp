#include "barrier_observer.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <new>
#include <utility>

#include "conversions.h"
#include "device_buffer.h"

namespace gpuos::addon {

using gpuos::emu::BarrierRelease;

// One call of the hook, on the JavaScript thread: the paused threadgroup memory it may read and
// the buffers it may read, until it settles (or is cut off because the dispatch ended anyway).
struct HookCall {
  const unsigned char* threadgroup = nullptr;  // null once settled: reads are refused from then on
  std::size_t threadgroup_bytes = 0;
  std::vector<DeviceBuffer*> buffers;
  std::function<void(bool)> on_settled;
  bool done = false;

  void begin() {
    for (DeviceBuffer* buffer : buffers) buffer->paused = true;
  }
  // Ends the window on the paused memory; reports go_on at most once.
  void finish(bool go_on) {
    if (done) return;
    done = true;
    threadgroup = nullptr;
    for (DeviceBuffer* buffer : buffers) buffer->paused = false;
    std::function<void(bool)> report = std::move(on_settled);
    on_settled = nullptr;
    if (report) report(go_on);
  }
};

namespace {

double offset_argument(const Napi::CallbackInfo& info, std::size_t index) {
  if (info.Length() <= index || !info[index].IsNumber()) throw_error(info.Env(), "E_INVALID_ARGUMENT", "threadgroup(offset: number, length: number)");
  return info[index].As<Napi::Number>().DoubleValue();
}

// threadgroup(offset, length): a copy of bytes of the paused threadgroup memory (at most the 32 KiB
// in use), only while the call that received it has not settled.
Napi::Value read_threadgroup(const Napi::CallbackInfo& info, const HookCall& call) {
  Napi::Env env = info.Env();
  if (!call.threadgroup) {
    throw_error(env, "E_OBSERVER_EXPIRED",
                "a barrier release can be read only during its onBarrier call (or until the promise that call "
                "returned settles): the dispatch has moved on since");
  }
  const double offset = offset_argument(info, 0);
  const double length = offset_argument(info, 1);
  const auto bytes = static_cast<double>(call.threadgroup_bytes);
  if (!(offset >= 0) || !(length >= 0) || offset != static_cast<double>(static_cast<std::size_t>(offset)) ||
      length != static_cast<double>(static_cast<std::size_t>(length)) || offset + length > bytes) {
    throw_error(env, "E_INVALID_ARGUMENT", "reading " + std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                                               " overruns the " + std::to_string(call.threadgroup_bytes) + " bytes of threadgroup memory in use");
  }
  Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<std::size_t>(length));
  std::memcpy(out.Data(), call.threadgroup + static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  return out;
}

Napi::Object release_to_js(Napi::Env env, const BarrierRelease& release, const std::shared_ptr<HookCall>& call) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("index", Napi::Number::New(env, static_cast<double>(release.index)));
  out.Set("site", site_to_js(env, release.site));
  Napi::Array path = Napi::Array::New(env, release.call_depth);
  for (std::uint32_t i = 0; i < release.call_depth; ++i) path.Set(i, site_to_js(env, release.call_path[i]));
  out.Set("callPath", path);
  out.Set("threadgroupBytes", Napi::Number::New(env, static_cast<double>(release.threadgroup_bytes)));
  Napi::Array variables = Napi::Array::New(env, release.variable_count);
  for (std::uint32_t i = 0; i < release.variable_count; ++i) {
    const gpuos::emu::ThreadgroupVariableView& view = release.variables[i];
    Napi::Object variable = Napi::Object::New(env);
    variable.Set("name", Napi::String::New(env, view.name ? view.name : ""));
    variable.Set("offset", Napi::Number::New(env, static_cast<double>(view.offset)));
    variable.Set("size", Napi::Number::New(env, static_cast<double>(view.size)));
    variables.Set(i, variable);
  }
  out.Set("threadgroupVariables", variables);
  // The function keeps the call alive, not the memory: once settled it refuses to read.
  out.Set("threadgroup", Napi::Function::New(env, [call](const Napi::CallbackInfo& info) { return read_threadgroup(info, *call); }, "threadgroup"));
  return out;
}

// Calls the hook with a view of `release`. call->on_settled runs exactly once: now, or when a
// promise the hook returned settles (if await_promise; otherwise a promise means "stop").
void run_hook(Napi::Env env, Napi::Function hook, const BarrierRelease& release, const std::shared_ptr<HookCall>& call,
              bool await_promise) {
  call->threadgroup = release.threadgroup_memory;
  call->threadgroup_bytes = std::min<std::size_t>(release.threadgroup_bytes, GPUOS_THREADGROUP_MEMORY_LIMIT_BYTES);
  call->begin();
  try {
    Napi::Value result = hook.Call({release_to_js(env, release, call)});
    if (!result.IsPromise()) {
      call->finish(!(result.IsBoolean() && !result.As<Napi::Boolean>().Value()));
      return;
    }
    if (!await_promise) {
      call->finish(false);
      return;
    }
    Napi::Object promise = result.As<Napi::Object>();
    Napi::Function fulfilled = Napi::Function::New(env, [call](const Napi::CallbackInfo& info) {
      call->finish(!(info.Length() > 0 && info[0].IsBoolean() && !info[0].As<Napi::Boolean>().Value()));
    });
    Napi::Function rejected = Napi::Function::New(env, [call](const Napi::CallbackInfo&) { call->finish(false); });
    promise.Get("then").As<Napi::Function>().Call(promise, {fulfilled, rejected});
  } catch (const Napi::Error&) {
    // The hook threw (the TypeScript layer keeps what it threw): stop the dispatch.
    call->finish(false);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// dispatchSync

SyncBarrierObserver::SyncBarrierObserver(Napi::Env env, Napi::Function hook, const std::vector<DeviceBuffer*>& buffers)
    : env_(env), hook_(hook), buffers_(buffers) {}

bool SyncBarrierObserver::call(void* context, const BarrierRelease& release) noexcept {
  auto* self = static_cast<SyncBarrierObserver*>(context);
  bool go_on = false;
  try {
    // One scope per release: a kernel with thousands of barriers must not pile up handles.
    Napi::HandleScope scope(self->env_);
    auto call = std::make_shared<HookCall>();
    call->buffers = self->buffers_;
    call->on_settled = [&go_on](bool value) { go_on = value; };
    run_hook(self->env_, self->hook_, release, call, false);
    call->finish(false);  // settled already; guarantees the window is closed whatever happened
  } catch (...) {
    // Nothing may unwind through the executor's frames: stop instead.
    go_on = false;
  }
  return go_on;
}

// ---------------------------------------------------------------------------------------------
// dispatchAsync

struct AsyncBarrierObserver::Channel {
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t sent = 0;     // releases handed to the JavaScript thread
  std::uint64_t settled = 0;  // the last one settled
  bool go_on = false;
  bool abandoned = false;  // the environment is exiting: every release stops the dispatch

  void settle(std::uint64_t release, bool value) {
    std::lock_guard<std::mutex> lock(mutex);
    if (release != sent || settled == release) return;
    go_on = value;
    settled = release;
    changed.notify_all();
  }
};

struct AsyncBarrierObserver::Delivery {
  std::shared_ptr<Channel> channel;
  std::uint64_t release;
  const BarrierRelease* view;
};

namespace {

// The observers with a dispatch in flight, so that process.exit() can let their pool threads go.
std::mutex registry_mutex;
std::vector<std::pair<napi_env, std::shared_ptr<AsyncBarrierObserver::Channel>>> registry;

}  // namespace

AsyncBarrierObserver::AsyncBarrierObserver(Napi::Env env, Napi::Function hook, const std::vector<DeviceBuffer*>& buffers)
    : env_(env), tsfn_(Tsfn::New(env, hook, "gpuos.onBarrier", 0, 1, this)), buffers_(buffers), channel_(std::make_shared<Channel>()) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  registry.emplace_back(env_, channel_);
}

AsyncBarrierObserver::~AsyncBarrierObserver() { close(); }

void AsyncBarrierObserver::close() {
  if (closed_) return;
  closed_ = true;
  if (current_) current_->finish(false);  // a no-op unless the dispatch ended with the hook unsettled
  tsfn_.Release();
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (auto it = registry.begin(); it != registry.end(); ++it) {
    if (it->second == channel_) {
      registry.erase(it);
      break;
    }
  }
}

// On the pool thread, on its own stack (the executor runs observers outside its fibers).
bool AsyncBarrierObserver::call(void* context, const BarrierRelease& release) noexcept {
  auto* self = static_cast<AsyncBarrierObserver*>(context);
  Channel& channel = *self->channel_;
  std::uint64_t number = 0;
  {
    std::lock_guard<std::mutex> lock(channel.mutex);
    if (channel.abandoned) return false;
    number = ++channel.sent;
  }
  auto* delivery = new (std::nothrow) Delivery{self->channel_, number, &release};
  if (!delivery) return false;
  if (self->tsfn_.BlockingCall(delivery) != napi_ok) {
    delete delivery;
    return false;
  }
  std::unique_lock<std::mutex> lock(channel.mutex);
  channel.changed.wait(lock, [&] { return channel.settled == number || channel.abandoned; });
  return channel.settled == number && channel.go_on && !channel.abandoned;
}

// On the JavaScript thread; owns `delivery`.
void AsyncBarrierObserver::call_js(Napi::Env env, Napi::Function hook, AsyncBarrierObserver* self, Delivery* delivery) {
  const std::unique_ptr<Delivery> owned(delivery);
  const std::shared_ptr<Channel> channel = delivery->channel;
  const std::uint64_t number = delivery->release;
  {
    std::lock_guard<std::mutex> lock(channel->mutex);
    if (channel->abandoned) return;  // the pool thread has gone on; the release it showed is stale
  }
  if (env == nullptr) {
    // The environment is going away with this release still queued: stop the dispatch.
    channel->settle(number, false);
    return;
  }
  Napi::HandleScope scope(env);
  auto call = std::make_shared<HookCall>();
  call->buffers = self->buffers_;
  call->on_settled = [channel, number](bool go_on) { channel->settle(number, go_on); };
  self->current_ = call;
  try {
    run_hook(env, hook, *delivery->view, call, true);
  } catch (...) {
    call->finish(false);
  }
}

void abandon_barrier_observers(napi_env env) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (const auto& [owner, channel] : registry) {
    if (owner != env) continue;
    std::lock_guard<std::mutex> channel_lock(channel->mutex);
    channel->abandoned = true;
    channel->changed.notify_all();
  }
}

Napi::Value abandon_barrier_observers_js(const Napi::CallbackInfo& info) {
  abandon_barrier_observers(info.Env());
  return info.Env().Undefined();
}

}  // namespace gpuos::addon

#include "dispatch.h"

#include <memory>
#include <vector>

#include "barrier_observer.h"
#include "conversions.h"
#include "device_buffer.h"
#include "kernel_library.h"

namespace gpuos::addon {

namespace {

using gpuos::emu::DispatchOutcome;
using gpuos::emu::DispatchRequest;

// A request plus the JS objects it points into, held so nothing is collected mid-dispatch.
struct PreparedDispatch {
  DispatchRequest request;
  std::vector<DeviceBuffer*> buffers;
  std::vector<Napi::ObjectReference> keep_alive;
  Napi::Function on_barrier;  // empty without an observer; a handle of the dispatch call's scope
};

// Marks the buffers as bound to a running dispatch for as long as it lives.
class BuffersInFlight {
 public:
  explicit BuffersInFlight(const std::vector<DeviceBuffer*>& buffers) : buffers_(buffers) {
    for (DeviceBuffer* buffer : buffers_) ++buffer->in_flight;
  }
  ~BuffersInFlight() {
    for (DeviceBuffer* buffer : buffers_) --buffer->in_flight;
  }
  BuffersInFlight(const BuffersInFlight&) = delete;
  BuffersInFlight& operator=(const BuffersInFlight&) = delete;

 private:
  const std::vector<DeviceBuffer*>& buffers_;
};

// schedule: { strategy: 'random' | 'pct' | 'scripted', pctDepth, pctSteps, script: Uint16Array,
// recordDecisions, digestBarriers } (validated in TypeScript first: src/kernel/dispatch_options.ts).
void read_schedule(Napi::Object options, gpuos::emu::ScheduleOptions& schedule) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get("schedule");
  if (value.IsUndefined()) return;
  if (!value.IsObject()) throw_error(env, "E_INVALID_ARGUMENT", "schedule must be an object");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value strategy = object.Get("strategy");
  const std::string name = strategy.IsString() ? strategy.As<Napi::String>().Utf8Value() : "random";
  if (name == "random") {
    schedule.strategy = gpuos::emu::ScheduleStrategy::kRandom;
  } else if (name == "pct") {
    schedule.strategy = gpuos::emu::ScheduleStrategy::kPct;
  } else if (name == "scripted") {
    schedule.strategy = gpuos::emu::ScheduleStrategy::kScripted;
  } else {
    throw_error(env, "E_INVALID_ARGUMENT", "schedule.strategy must be 'random', 'pct' or 'scripted'");
  }
  schedule.pct_depth = static_cast<std::uint32_t>(read_unsigned(object, "pctDepth", 3, 64));
  schedule.pct_steps = read_unsigned(object, "pctSteps", 0, 1ull << 40);
  Napi::Value script = object.Get("script");
  if (!script.IsUndefined()) {
    if (!script.IsTypedArray() || script.As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array) {
      throw_error(env, "E_INVALID_ARGUMENT", "schedule.script must be a Uint16Array");
    }
    Napi::Uint16Array choices = script.As<Napi::Uint16Array>();
    if (choices.ElementLength() > gpuos::emu::kMaxRecordedDecisions) throw_error(env, "E_INVALID_ARGUMENT", "schedule.script is too long");
    schedule.script.assign(choices.Data(), choices.Data() + choices.ElementLength());
  }
  schedule.record_decisions = object.Get("recordDecisions").IsBoolean() && object.Get("recordDecisions").As<Napi::Boolean>().Value();
  schedule.digest_barriers = object.Get("digestBarriers").IsBoolean() && object.Get("digestBarriers").As<Napi::Boolean>().Value();
}

PreparedDispatch prepare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsString() || !info[2].IsObject()) {
    throw_error(env, "E_INVALID_ARGUMENT", "dispatch(library, kernelName, options)");
  }
  check_tag(info[0], kKernelLibraryTag, "the first argument");
  Napi::Object library_object = info[0].As<Napi::Object>();
  KernelLibrary* library = KernelLibrary::Unwrap(library_object);
  const std::string name = info[1].As<Napi::String>().Utf8Value();
  Napi::Object options = info[2].As<Napi::Object>();

  PreparedDispatch prepared;
  DispatchRequest& request = prepared.request;
  request.kernel = library->library().find(name);
  if (!request.kernel) throw_error(env, "E_NO_SUCH_KERNEL", "the library has no kernel named '" + name + "'");
  prepared.keep_alive.push_back(Napi::Persistent(library_object));

  Napi::Value threads = options.Get("threads");
  if (!threads.IsArray() || threads.As<Napi::Array>().Length() != 3) {
    throw_error(env, "E_INVALID_ARGUMENT", "threads must be [x, y, z]");
  }
  for (uint32_t axis = 0; axis < 3; ++axis) {
    Napi::Value extent = threads.As<Napi::Array>().Get(axis);
    if (!extent.IsNumber()) throw_error(env, "E_INVALID_ARGUMENT", "threads must hold numbers");
    const double number = extent.As<Napi::Number>().DoubleValue();
    if (!(number >= 1) || number > GPUOS_MAX_THREADS_PER_THREADGROUP || number != static_cast<double>(static_cast<std::uint32_t>(number))) {
      throw_error(env, "E_INVALID_ARGUMENT", "threads must hold integers from 1 to 1024");
    }
    request.threads[axis] = static_cast<std::uint32_t>(number);
  }

  Napi::Value buffers = options.Get("buffers");
  if (!buffers.IsArray()) throw_error(env, "E_INVALID_ARGUMENT", "buffers must be an array");
  Napi::Array buffer_array = buffers.As<Napi::Array>();
  if (buffer_array.Length() > GPUOS_MAX_BUFFER_BINDINGS) throw_error(env, "E_INVALID_ARGUMENT", "at most 31 buffers");
  for (uint32_t i = 0; i < buffer_array.Length(); ++i) {
    Napi::Value value = buffer_array.Get(i);
    if (value.IsUndefined() || value.IsNull()) continue;
    check_tag(value, kDeviceBufferTag, "buffers[" + std::to_string(i) + "]");
    DeviceBuffer* buffer = DeviceBuffer::Unwrap(value.As<Napi::Object>());
    if (buffer->released()) throw_error(env, "E_BUFFER_RELEASED", "buffers[" + std::to_string(i) + "] was released");
    // One dispatch at a time per buffer: two threadgroups running on two threads of the pool
    // would race on its memory.
    if (buffer->in_flight > 0) {
      throw_error(env, "E_BUFFER_BUSY", "buffers[" + std::to_string(i) + "] is bound to a dispatch that is still running; await it first");
    }
    request.buffers[i] = {buffer->region().data(), buffer->region().size(), &buffer->region()};
    prepared.buffers.push_back(buffer);
    prepared.keep_alive.push_back(Napi::Persistent(value.As<Napi::Object>()));
  }

  Napi::Value threadgroup = options.Get("threadgroupMemory");
  if (!threadgroup.IsArray()) throw_error(env, "E_INVALID_ARGUMENT", "threadgroupMemory must be an array");
  Napi::Array threadgroup_array = threadgroup.As<Napi::Array>();
  if (threadgroup_array.Length() > GPUOS_MAX_THREADGROUP_BINDINGS) throw_error(env, "E_INVALID_ARGUMENT", "at most 31 threadgroup lengths");
  for (uint32_t i = 0; i < threadgroup_array.Length(); ++i) {
    Napi::Value value = threadgroup_array.Get(i);
    if (value.IsUndefined() || value.IsNull()) continue;
    if (!value.IsNumber()) throw_error(env, "E_INVALID_ARGUMENT", "threadgroupMemory entries must be numbers");
    const double bytes = value.As<Napi::Number>().DoubleValue();
    if (!(bytes >= 0) || bytes > GPUOS_THREADGROUP_MEMORY_LIMIT_BYTES || bytes != static_cast<double>(static_cast<std::uint32_t>(bytes))) {
      throw_error(env, "E_INVALID_ARGUMENT", "threadgroupMemory entries must be integers from 0 to 32768");
    }
    request.threadgroup_memory_bytes[i] = static_cast<std::uint32_t>(bytes);
  }

  request.seed = read_unsigned(options, "seed", 1, ~0ull);
  request.strict = !options.Get("strict").IsBoolean() || options.Get("strict").As<Napi::Boolean>().Value();
  request.watchdog_ms = static_cast<std::uint32_t>(read_unsigned(options, "watchdogMs", request.watchdog_ms, 0xffffffffu));
  request.stack_bytes = static_cast<std::size_t>(read_unsigned(options, "stackBytes", request.stack_bytes, 1ull << 40));
  request.profile = options.Get("profile").IsBoolean() && options.Get("profile").As<Napi::Boolean>().Value();
  request.race = options.Get("race").IsBoolean() && options.Get("race").As<Napi::Boolean>().Value();
  if (request.race && !library->library().descriptor()->race_instrumented) {
    throw_error(env, "E_INVALID_ARGUMENT",
                "race: true needs a kernel library built for race checking (compileKernel with races: true)");
  }
  read_schedule(options, request.schedule);
  Napi::Value on_barrier = options.Get("onBarrier");
  if (!on_barrier.IsUndefined() && !on_barrier.IsFunction()) throw_error(env, "E_INVALID_ARGUMENT", "onBarrier must be a function");
  if (on_barrier.IsFunction()) prepared.on_barrier = on_barrier.As<Napi::Function>();
  return prepared;
}

class DispatchWorker : public Napi::AsyncWorker {
 public:
  DispatchWorker(Napi::Env env, PreparedDispatch prepared)
      : Napi::AsyncWorker(env, "gpuos.dispatch"), deferred_(Napi::Promise::Deferred::New(env)), prepared_(std::move(prepared)) {
    // The observer first: if it cannot be made, no buffer is left marked busy.
    if (!prepared_.on_barrier.IsEmpty()) {
      observer_ = std::make_unique<AsyncBarrierObserver>(env, prepared_.on_barrier, prepared_.buffers);
      prepared_.request.observer = observer_->observer();
    }
    for (DeviceBuffer* buffer : prepared_.buffers) ++buffer->in_flight;
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override { outcome_ = gpuos::emu::thread_executor().dispatch(prepared_.request); }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    finish();
    deferred_.Resolve(outcome_to_js(env, outcome_));
  }

  void OnError(const Napi::Error& error) override {
    finish();
    deferred_.Reject(error.Value());
  }

 private:
  void finish() {
    if (observer_) observer_->close();
    for (DeviceBuffer* buffer : prepared_.buffers) --buffer->in_flight;
  }

  Napi::Promise::Deferred deferred_;
  PreparedDispatch prepared_;
  std::unique_ptr<AsyncBarrierObserver> observer_;
  DispatchOutcome outcome_;
};

}  // namespace

Napi::Value dispatch_async(const Napi::CallbackInfo& info) {
  PreparedDispatch prepared = prepare(info);
  auto* worker = new DispatchWorker(info.Env(), std::move(prepared));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

Napi::Value dispatch_sync(const Napi::CallbackInfo& info) {
  gpuos::emu::Executor& executor = gpuos::emu::thread_executor();
  if (executor.dispatching()) {
    // Only a barrier observer of a dispatchSync runs JavaScript while this thread's executor is mid-dispatch.
    throw_error(info.Env(), "E_DISPATCH_REENTERED",
                "dispatchSync was called from a barrier observer of a dispatchSync on the same thread, whose emulator is "
                "paused mid-dispatch; use dispatch() (it runs on the thread pool) or dispatch after this one returns");
  }
  PreparedDispatch prepared = prepare(info);
  // JavaScript runs during the dispatch only through an observer; the buffers are then bound and
  // busy exactly as for dispatch(), readable while it is paused.
  BuffersInFlight in_flight(prepared.buffers);
  std::unique_ptr<SyncBarrierObserver> observer;
  if (!prepared.on_barrier.IsEmpty()) {
    observer = std::make_unique<SyncBarrierObserver>(info.Env(), prepared.on_barrier, prepared.buffers);
    prepared.request.observer = observer->observer();
  }
  const DispatchOutcome outcome = executor.dispatch(prepared.request);
  return outcome_to_js(info.Env(), outcome);
}

}  // namespace gpuos::addon

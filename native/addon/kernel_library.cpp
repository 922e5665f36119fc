#include "kernel_library.h"

#include "conversions.h"

namespace gpuos::addon {

Napi::Function KernelLibrary::define(Napi::Env env) {
  return DefineClass(env, "KernelLibrary", {InstanceMethod<&KernelLibrary::kernels>("kernels"),
                                          InstanceAccessor<&KernelLibrary::race_instrumented>("raceInstrumented")});
}

KernelLibrary::KernelLibrary(const Napi::CallbackInfo& info) : Napi::ObjectWrap<KernelLibrary>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw_error(env, "E_INVALID_ARGUMENT", "KernelLibrary(path: string)");
  std::string error;
  if (!library_.load(info[0].As<Napi::String>().Utf8Value(), error)) throw_error(env, "E_KERNEL_LOAD", error);
  info.This().As<Napi::Object>().TypeTag(&kKernelLibraryTag);
}

namespace {

const char* kind_name(gpuos_u32 kind) {
  switch (kind) {
    case GPUOS_PARAM_BUFFER: return "buffer";
    case GPUOS_PARAM_THREADGROUP: return "threadgroup";
    default: return "builtin";
  }
}

}  // namespace

// raceInstrumented: whether the library was built for race checking (dispatch with race: true).
Napi::Value KernelLibrary::race_instrumented(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), library_.descriptor()->race_instrumented != 0);
}

// kernels(): [{ name, file, line, maxTotalThreadsPerThreadgroup, params: [...] }]
Napi::Value KernelLibrary::kernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const gpuos_kernel_library* descriptor = library_.descriptor();
  Napi::Array out = Napi::Array::New(env, descriptor->kernel_count);
  for (gpuos_u32 k = 0; k < descriptor->kernel_count; ++k) {
    const gpuos_kernel_desc& kernel = descriptor->kernels[k];
    Napi::Object js = Napi::Object::New(env);
    js.Set("name", kernel.name);
    js.Set("file", kernel.file);
    js.Set("line", kernel.line);
    js.Set("maxTotalThreadsPerThreadgroup", kernel.max_total_threads_per_threadgroup);
    Napi::Array params = Napi::Array::New(env, kernel.param_count);
    for (gpuos_u32 p = 0; p < kernel.param_count; ++p) {
      const gpuos_param_desc& param = kernel.params[p];
      Napi::Object js_param = Napi::Object::New(env);
      js_param.Set("name", param.name);
      js_param.Set("type", param.type_spelling);
      js_param.Set("kind", kind_name(param.kind));
      js_param.Set("index", param.index);
      js_param.Set("isReference", static_cast<bool>(param.is_reference));
      js_param.Set("isConst", static_cast<bool>(param.is_const));
      js_param.Set("pointeeSize", static_cast<double>(param.pointee_size));
      params.Set(p, js_param);
    }
    js.Set("params", params);
    out.Set(k, js);
  }
  return out;
}

}  // namespace gpuos::addon

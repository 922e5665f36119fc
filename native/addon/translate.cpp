#include "translate.h"

#include "../translate/translator.h"
#include "conversions.h"

namespace gpuos::addon {

namespace {

const char* binding_name(gpuos::translate::ParamBinding binding) {
  switch (binding) {
    case gpuos::translate::ParamBinding::kBuffer: return "buffer";
    case gpuos::translate::ParamBinding::kThreadgroup: return "threadgroup";
    default: return "builtin";
  }
}

}  // namespace

// translate(preprocessed: string, sourceName: string, target?: 'cpu' | 'cuda'):
//   { ok, cpp, kernels: [{ name, file, line, params: [...] }], diagnostics: [{ file, line, column, message }] }
Napi::Value translate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw_error(env, "E_INVALID_ARGUMENT", "translate(preprocessed: string, sourceName: string)");
  }
  gpuos::translate::TranslateOptions options;
  options.source_name = info[1].As<Napi::String>().Utf8Value();
  if (info.Length() >= 3 && !info[2].IsUndefined()) {
    const std::string target = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
    if (target != "cpu" && target != "cuda") throw_error(env, "E_INVALID_ARGUMENT", "translate: target must be 'cpu' or 'cuda'");
    options.target = target == "cuda" ? gpuos::translate::Target::kCuda : gpuos::translate::Target::kCpu;
  }
  const auto result = gpuos::translate::translate_msl(info[0].As<Napi::String>().Utf8Value(), options);

  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", result.ok);
  out.Set("cpp", result.cpp);
  Napi::Array kernels = Napi::Array::New(env, result.kernels.size());
  for (std::size_t k = 0; k < result.kernels.size(); ++k) {
    const auto& kernel = result.kernels[k];
    Napi::Object js = Napi::Object::New(env);
    js.Set("name", kernel.name);
    js.Set("cudaEntry", kernel.cuda_entry);
    js.Set("file", kernel.file);
    js.Set("line", kernel.line);
    Napi::Array params = Napi::Array::New(env, kernel.params.size());
    for (std::size_t p = 0; p < kernel.params.size(); ++p) {
      const auto& param = kernel.params[p];
      Napi::Object js_param = Napi::Object::New(env);
      js_param.Set("name", param.name);
      js_param.Set("type", param.type);
      js_param.Set("binding", binding_name(param.binding));
      js_param.Set("index", param.index);
      js_param.Set("builtin", param.builtin);
      params.Set(p, js_param);
    }
    js.Set("params", params);
    kernels.Set(k, js);
  }
  out.Set("kernels", kernels);
  Napi::Array diagnostics = Napi::Array::New(env, result.diagnostics.size());
  for (std::size_t d = 0; d < result.diagnostics.size(); ++d) {
    const auto& diagnostic = result.diagnostics[d];
    Napi::Object js = Napi::Object::New(env);
    js.Set("file", diagnostic.file);
    js.Set("line", diagnostic.line);
    js.Set("column", diagnostic.column);
    js.Set("message", diagnostic.message);
    diagnostics.Set(d, js);
  }
  out.Set("diagnostics", diagnostics);
  return out;
}

}  // namespace gpuos::addon

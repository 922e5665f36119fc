#include "os_abi.h"

#include "../os/abi_layout.h"

namespace gpuos::addon {

namespace {

// { structs: { name: { size, align, fields: [{ name, type, offset, size, count[, columns]}] } }, constants: { name: value } }
Napi::Object layout_object(Napi::Env env, const std::vector<gpuos::os::AbiStruct>& abi_structs, const std::vector<gpuos::os::AbiConstant>& abi_constants) {
  Napi::Object structs = Napi::Object::New(env);
  for (const gpuos::os::AbiStruct& abi_struct : abi_structs) {
    Napi::Object js = Napi::Object::New(env);
    js.Set("size", static_cast<double>(abi_struct.size));
    js.Set("align", static_cast<double>(abi_struct.align));
    Napi::Array fields = Napi::Array::New(env, abi_struct.fields.size());
    for (std::size_t i = 0; i < abi_struct.fields.size(); ++i) {
      const gpuos::os::AbiField& field = abi_struct.fields[i];
      Napi::Object js_field = Napi::Object::New(env);
      js_field.Set("name", field.name);
      js_field.Set("type", field.type);
      js_field.Set("offset", static_cast<double>(field.offset));
      js_field.Set("size", static_cast<double>(field.size));
      js_field.Set("count", static_cast<double>(field.count));
      // Only two-dimensional arrays carry it, so the device ABI's export (and the layout digest
      // traces record) is the same as before threadgroup structs were exported.
      if (field.columns != 0) js_field.Set("columns", static_cast<double>(field.columns));
      fields.Set(i, js_field);
    }
    js.Set("fields", fields);
    structs.Set(abi_struct.name, js);
  }
  Napi::Object constants = Napi::Object::New(env);
  for (const gpuos::os::AbiConstant& constant : abi_constants) {
    constants.Set(constant.name, static_cast<double>(constant.value));
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("structs", structs);
  out.Set("constants", constants);
  return out;
}

}  // namespace

Napi::Value os_abi_layout(const Napi::CallbackInfo& info) {
  return layout_object(info.Env(), gpuos::os::abi_structs(), gpuos::os::abi_constants());
}

Napi::Value os_threadgroup_layout(const Napi::CallbackInfo& info) {
  return layout_object(info.Env(), gpuos::os::threadgroup_structs(), gpuos::os::threadgroup_constants());
}

}  // namespace gpuos::addon

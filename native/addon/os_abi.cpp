#include "os_abi.h"

#include "../os/abi_layout.h"

namespace gpuos::addon {

// { structs: { name: { size, align, fields: [{ name, type, offset, size, count }] } }, constants: { name: value } }
Napi::Value os_abi_layout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object structs = Napi::Object::New(env);
  for (const gpuos::os::AbiStruct& abi_struct : gpuos::os::abi_structs()) {
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
      fields.Set(i, js_field);
    }
    js.Set("fields", fields);
    structs.Set(abi_struct.name, js);
  }
  Napi::Object constants = Napi::Object::New(env);
  for (const gpuos::os::AbiConstant& constant : gpuos::os::abi_constants()) {
    constants.Set(constant.name, static_cast<double>(constant.value));
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("structs", structs);
  out.Set("constants", constants);
  return out;
}

}  // namespace gpuos::addon

// The only translation unit family that includes napi.h: it converts already
// validated JavaScript values into plain C++ structs and back. Policy and input
// checking live in TypeScript (src/native.ts and its callers); the binding only
// refuses values of the wrong type (TypeError) or outside what C++ can hold.
#include <napi.h>

#include "binding.h"
#include "version.h"

namespace {

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), portpick::kNativeVersion);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  portpick_binding::InitCore(env, exports);
  portpick_binding::InitSweep(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(portpick_native, Init)

// Registration hooks of the binding's translation units (each adds its exports).
#pragma once

#include <napi.h>

#include <string>

namespace portpick_binding {

// Argument errors carry a Node-style `code`, as Node's own do: a value of the
// wrong type is a TypeError ERR_INVALID_ARG_TYPE, a value C++ cannot hold a
// RangeError ERR_OUT_OF_RANGE, a call out of order an Error ERR_INVALID_STATE.
// They are programming errors (TypeScript validated the values): no hint.
inline void ThrowArgumentError(Napi::Error error, const char* code) {
  error.Set("code", code);
  error.ThrowAsJavaScriptException();
}
inline void ThrowTypeError(Napi::Env env, const std::string& message) {
  ThrowArgumentError(Napi::TypeError::New(env, message), "ERR_INVALID_ARG_TYPE");
}
inline void ThrowRangeError(Napi::Env env, const std::string& message) {
  ThrowArgumentError(Napi::RangeError::New(env, message), "ERR_OUT_OF_RANGE");
}
inline void ThrowStateError(Napi::Env env, const std::string& message) {
  ThrowArgumentError(Napi::Error::New(env, message), "ERR_INVALID_STATE");
}

// selfTest(), canUseRawSockets(), permute().
void InitCore(Napi::Env env, Napi::Object exports);
// The Sweep class.
void InitSweep(Napi::Env env, Napi::Object exports);

}  // namespace portpick_binding

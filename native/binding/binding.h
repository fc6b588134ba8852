// Registration hooks of the binding's translation units (each adds its exports).
#pragma once

#include <napi.h>

namespace portpick_binding {

// selfTest(), canUseRawSockets(), permute().
void InitCore(Napi::Env env, Napi::Object exports);
// The Sweep class.
void InitSweep(Napi::Env env, Napi::Object exports);

}  // namespace portpick_binding

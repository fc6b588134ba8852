// selfTest(), canUseRawSockets() and the permute() test export.
#include <cmath>
#include <string>

#include "binding.h"
#include "permutation.h"
#include "selftest.h"
#include "syn_engine.h"

namespace portpick_binding {

namespace {

Napi::Value SelfTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<portpick::SelfTestResult> results = portpick::all_selftests();
  Napi::Array out = Napi::Array::New(env, results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", results[i].name);
    o.Set("ok", results[i].ok);
    o.Set("detail", results[i].detail);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value CanUseRawSockets(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), portpick::can_use_raw_sockets());
}

// permute(total: number, seed: bigint, positions: Float64Array): Float64Array
Napi::Value Permute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsBigInt() || !info[2].IsTypedArray() ||
      info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    ThrowTypeError(env, "Expected permute(total: number, seed: bigint, positions: Float64Array)");
    return env.Undefined();
  }
  const double total = info[0].As<Napi::Number>().DoubleValue();
  if (!(total >= 0) || total > static_cast<double>(portpick::Permutation::kMaxTotal) || std::floor(total) != total) {
    ThrowRangeError(env, "Expected total to be an integer from 0 to 2^48, got " + std::to_string(total));
    return env.Undefined();
  }
  bool lossless = false;
  const uint64_t seed = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) {
    ThrowRangeError(env, "Expected seed to be an unsigned 64-bit bigint");
    return env.Undefined();
  }
  Napi::Float64Array positions = info[2].As<Napi::Float64Array>();
  const portpick::Permutation permutation(static_cast<uint64_t>(total), seed);
  Napi::Float64Array out = Napi::Float64Array::New(env, positions.ElementLength());
  for (size_t i = 0; i < positions.ElementLength(); ++i) {
    const double g = positions[i];
    if (!(g >= 0) || g >= total || std::floor(g) != g) {
      ThrowRangeError(env, "Expected every position to be an integer below total " + std::to_string(total) + ", got " +
                               std::to_string(g));
      return env.Undefined();
    }
    out[i] = static_cast<double>(permutation.permute(static_cast<uint64_t>(g)));
  }
  return out;
}

}  // namespace

void InitCore(Napi::Env env, Napi::Object exports) {
  exports.Set("selfTest", Napi::Function::New(env, SelfTest, "selfTest"));
  exports.Set("canUseRawSockets", Napi::Function::New(env, CanUseRawSockets, "canUseRawSockets"));
  exports.Set("permute", Napi::Function::New(env, Permute, "permute"));
}

}  // namespace portpick_binding

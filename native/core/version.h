// Version of the native core; the binding reports it so the TypeScript loader
// can refuse a stale binary built from other sources.
#pragma once
namespace portpick {
constexpr const char* kNativeVersion = "0.1.0";
}  // namespace portpick

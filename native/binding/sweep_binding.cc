// `new Sweep(config)`, `start(onBatch)`, `stop()`, `release(records)` (NativeSweep in src/native.ts).
//
// Threads: start() launches a flusher thread, which launches the engine thread
// (the probe engine's run loop) and hands packed batches to JavaScript through
// one thread-safe function, every kBatchRecords results or kFlushIntervalMs,
// whichever first, and last once with done = true. Not Napi::AsyncWorker: a
// sweep can last hours and must not hold a libuv pool thread.
//
// Failures: no exception may leave a thread (that ends the process). A failed
// engine (out of memory, a thread that cannot start, a system call that keeps
// failing) ends the sweep with an error in the done batch — errno, the failing
// call and a hint — after the results decided before it; a flusher thread that
// cannot start makes start() throw.
//
// Lifetime: the run state is shared (std::shared_ptr) by the JS object, both
// threads and the thread-safe function. While a sweep runs, the JS object is
// referenced (stop() stays reachable) and the thread-safe function keeps the
// event loop alive; after the done batch it is released, its finalizer joins
// both threads, and the process may exit.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

#include "batch_sink.h"
#include "binding.h"
#include "thread_name.h"
#include "connect_engine.h"
#include "connect_outcomes.h"
#include "sweep_plan.h"
#include "syn_engine.h"

namespace portpick_binding {

namespace {

enum class EngineKind { Connect, Syn };

struct Batch {
  std::vector<uint8_t> records;
  StatsSnapshot stats{};
  bool done = false;
  int errno_value = 0;
  std::string syscall;
  std::string hint;
  std::string message;
  std::vector<portpick::Address> sources;  // done batch only
  uint64_t self_sourced = 0;
};

class Sweep;

// Everything the threads touch; outlives the JS object if need be.
struct SweepRun {
  std::shared_ptr<const portpick::SweepPlan> plan;
  EngineKind engine = EngineKind::Connect;
  uint64_t seed = 0;
  portpick::EngineOptions options;
  portpick::ConnectOutcomeTable connect_outcomes;
  portpick::SweepStats stats;
  std::atomic<bool> stop{false};
  BatchSink sink;
  portpick::EngineOutcome outcome;  // written by the engine thread before sink.finish()
  std::thread engine_thread;
  std::thread flusher_thread;
  Sweep* owner = nullptr;  // valid until the done batch (the object is referenced until then)
};

void CallJs(Napi::Env env, Napi::Function callback, SweepRun* run, Batch* batch);
void FinalizeRun(Napi::Env env, std::shared_ptr<SweepRun>* keep, SweepRun* run);
using BatchFunction = Napi::TypedThreadSafeFunction<SweepRun, Batch, CallJs>;

const char* errno_code(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case ENOBUFS: return "ENOBUFS";
    case ENOTSUP: return "ENOTSUP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETDOWN: return "ENETDOWN";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case EIO: return "EIO";
    case EAGAIN: return "EAGAIN";
    case ENOSPC: return "ENOSPC";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNABORTED: return "ECONNABORTED";
    case EPROTO: return "EPROTO";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    default:
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
      return strerrorname_np(e);
#else
      return nullptr;
#endif
  }
}

// Sets a native failure's code (`EPERM` …), errno, syscall and hint on `error`.
void SetFailure(Napi::Env env, Napi::Object error, int errno_value, const std::string& syscall, const std::string& hint) {
  const char* code = errno_code(errno_value);
  error.Set("code", code ? std::string(code) : "E" + std::to_string(errno_value));
  error.Set("errno", Napi::Number::New(env, errno_value));
  error.Set("syscall", syscall);
  error.Set("hint", hint.empty() ? std::string(portpick::failure_hint::kEngineFailure) : hint);
}

class Sweep : public Napi::ObjectWrap<Sweep> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Sweep",
                       {InstanceMethod<&Sweep::Start>("start"), InstanceMethod<&Sweep::Stop>("stop"),
                        InstanceMethod<&Sweep::Release>("release")});
  }

  explicit Sweep(const Napi::CallbackInfo& info);
  ~Sweep() override;

  void Finish() { Unref(); }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);

  std::shared_ptr<SweepRun> run_;
  bool started_ = false;
};

// ---- config conversion (types only: TypeScript validated the values) ----

struct Reader {
  Napi::Env env;
  Napi::Object config;
  bool failed = false;

  void type_error(const std::string& field, const std::string& expected) {
    if (failed) return;
    failed = true;
    ThrowTypeError(env, "Expected config." + field + " to be " + expected);
  }
  void range_error(const std::string& message) {
    if (failed) return;
    failed = true;
    ThrowRangeError(env, message);
  }

  Napi::TypedArray typed(const char* field, napi_typedarray_type type, const char* name) {
    Napi::Value v = config.Get(field);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
      type_error(field, std::string("a ") + name);
      return Napi::TypedArray();
    }
    return v.As<Napi::TypedArray>();
  }

  // A number that is an integer in [0, max].
  uint64_t integer(const char* field, double max) {
    Napi::Value v = config.Get(field);
    if (!v.IsNumber()) {
      type_error(field, "a number");
      return 0;
    }
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d > max || std::floor(d) != d) {
      range_error(std::string("Expected config.") + field + " to be an integer from 0 to " + std::to_string(max) +
                  ", got " + std::to_string(d));
      return 0;
    }
    return static_cast<uint64_t>(d);
  }
};

Sweep::Sweep(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Sweep>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    ThrowTypeError(env, "Expected new Sweep(config: NativeSweepConfig)");
    return;
  }
  Reader r{env, info[0].As<Napi::Object>()};
  auto run = std::make_shared<SweepRun>();
  portpick::SweepPlanConfig plan;

  Napi::Value engine = r.config.Get("engine");
  const std::string engine_name = engine.IsString() ? engine.As<Napi::String>().Utf8Value() : "";
  if (engine_name == "connect") {
    run->engine = EngineKind::Connect;
  } else if (engine_name == "syn") {
    run->engine = EngineKind::Syn;
  } else {
    r.type_error("engine", "'connect' or 'syn'");
  }

  Napi::TypedArray v4 = r.typed("ipv4Ranges", napi_uint32_array, "Uint32Array");
  if (!r.failed) {
    Napi::Uint32Array a = v4.As<Napi::Uint32Array>();
    plan.ipv4_ranges.assign(a.Data(), a.Data() + a.ElementLength());
  }
  Napi::TypedArray v6 = r.typed("ipv6Ranges", napi_uint8_array, "Uint8Array");
  if (!r.failed) {
    Napi::Uint8Array a = v6.As<Napi::Uint8Array>();
    if (a.ElementLength() % 32 != 0) {
      r.range_error("Expected config.ipv6Ranges to hold 32-byte first/last pairs, got " +
                    std::to_string(a.ElementLength()) + " bytes");
    } else {
      for (size_t i = 0; i < a.ElementLength(); i += 16) {
        std::array<uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), a.Data() + i, 16);
        plan.ipv6_ranges.push_back(bytes);
      }
    }
  }
  Napi::TypedArray ports = r.typed("portSet", napi_uint8_array, "Uint8Array");
  if (!r.failed) {
    Napi::Uint8Array a = ports.As<Napi::Uint8Array>();
    plan.port_set.assign(a.Data(), a.Data() + a.ElementLength());
  }
  Napi::Value seed = r.config.Get("seed");
  if (!r.failed && !seed.IsBigInt()) r.type_error("seed", "a bigint");
  if (!r.failed) {
    bool lossless = false;
    plan.seed = seed.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) r.range_error("Expected config.seed to be an unsigned 64-bit bigint");
  }
  constexpr double kMaxSafe = 9007199254740991.0;
  if (!r.failed) plan.shard_index = r.integer("shardIndex", kMaxSafe);
  if (!r.failed) plan.shard_count = r.integer("shardCount", kMaxSafe);
  if (!r.failed) plan.start_position = r.integer("startPosition", kMaxSafe);
  Napi::TypedArray skips = r.typed("skipPositions", napi_float64_array, "Float64Array");
  if (!r.failed) {
    Napi::Float64Array a = skips.As<Napi::Float64Array>();
    for (size_t i = 0; i < a.ElementLength() && !r.failed; ++i) {
      const double d = a[i];
      if (!(d >= 0) || d > kMaxSafe || std::floor(d) != d) {
        r.range_error("Expected config.skipPositions to hold non-negative integers, got " + std::to_string(d));
      }
      plan.skip_positions.push_back(static_cast<uint64_t>(d));
    }
  }
  if (!r.failed) {
    Napi::Value rate = r.config.Get("rate");
    if (!rate.IsNumber()) {
      r.type_error("rate", "a number");
    } else {
      run->options.rate = rate.As<Napi::Number>().DoubleValue();
      if (!(run->options.rate >= 0) || !std::isfinite(run->options.rate)) {
        r.range_error("Expected config.rate to be a finite number ≥ 0, got " + std::to_string(run->options.rate));
      }
    }
  }
  if (!r.failed) run->options.timeout_ms = static_cast<uint32_t>(r.integer("timeoutMs", 3600000));
  if (!r.failed) run->options.retries = static_cast<uint32_t>(r.integer("retries", 254));
  if (!r.failed) run->options.window = static_cast<uint32_t>(r.integer("window", 1000000));
  if (!r.failed) run->sink.set_high_water_mark(r.integer("highWaterMark", kMaxSafe));
  Napi::TypedArray outcomes = r.typed("connectOutcomes", napi_uint8_array, "Uint8Array");
  if (!r.failed) {
    Napi::Uint8Array a = outcomes.As<Napi::Uint8Array>();
    std::string outcome_error;
    if (!run->connect_outcomes.parse(a.Data(), a.ElementLength(), outcome_error)) r.range_error(outcome_error);
  }
  if (r.failed) return;

  std::string error;
  run->plan = portpick::SweepPlan::build(plan, error);
  if (!run->plan) {
    ThrowRangeError(env, error);
    return;
  }
  run->seed = plan.seed;
  run->stats.planned.store(run->plan->planned());
  run->stats.watermark.store(run->plan->start_position());
  run_ = std::move(run);
}

Sweep::~Sweep() {
  // Normally the thread-safe function's finalizer joined the threads already.
  // The flusher first: it is the thread that starts the engine thread.
  if (run_) {
    run_->stop.store(true);
    run_->sink.nudge();
    if (run_->flusher_thread.joinable()) run_->flusher_thread.join();
    if (run_->engine_thread.joinable()) run_->engine_thread.join();
  }
}

void EngineMain(std::shared_ptr<SweepRun> run) {
  portpick::name_thread("pp-engine");
  try {
    auto cursor = run->plan->cursor();
    std::unique_ptr<portpick::ProbeEngine> engine = run->engine == EngineKind::Connect
                                                         ? portpick::make_connect_engine(run->connect_outcomes)
                                                         : portpick::make_syn_engine(run->seed);
    run->outcome = engine->run(*cursor, run->options, run->sink, run->stats, run->stop);
  } catch (const std::bad_alloc&) {
    run->outcome = {ENOMEM, "malloc", portpick::failure_hint::kOutOfMemory, "The sweep engine ran out of memory"};
  } catch (const std::system_error& e) {
    run->outcome = {e.code().value() != 0 ? e.code().value() : EAGAIN, "pthread_create", portpick::failure_hint::kThreadStart,
                    std::string("The sweep engine could not start a thread: ") + e.what()};
  } catch (const std::exception& e) {
    run->outcome = {EIO, "engine", portpick::failure_hint::kEngineFailure, std::string("The sweep engine failed: ") + e.what()};
  }
  if (run->outcome.errno_value == 0 && run->sink.lost_records()) {
    run->outcome = {ENOMEM, "malloc", portpick::failure_hint::kOutOfMemory, "Results were lost: no memory to store them"};
  }
  if (run->outcome.errno_value == 0 && run->stats.completed.load() == run->plan->planned()) {
    run->stats.watermark.store(run->plan->shard_size());  // skipped tail positions are done too
  }
  run->sink.finish();
}

// Fills the done batch's error and report from the engine's outcome.
void describe_outcome(const portpick::EngineOutcome& outcome, Batch& batch) {
  batch.errno_value = outcome.errno_value;
  batch.syscall = outcome.syscall;
  batch.hint = outcome.hint;
  batch.message = outcome.message;
  batch.sources = outcome.sources;
  batch.self_sourced = outcome.self_sourced;
}

void FlusherMain(std::shared_ptr<SweepRun> run, BatchFunction tsfn) {
  portpick::name_thread("pp-flush");
  try {
    run->engine_thread = std::thread(EngineMain, run);
  } catch (const std::system_error& e) {
    run->outcome = {e.code().value() != 0 ? e.code().value() : EAGAIN, "pthread_create", portpick::failure_hint::kThreadStart,
                    std::string("Cannot start the sweep engine's thread: ") + e.what()};
    run->sink.finish();
  }
  StatsSnapshot last{};
  bool first = true;
  for (;;) {
    std::unique_ptr<Batch> batch;
    bool finished = false;
    try {
      batch = std::make_unique<Batch>();
      batch->records = run->sink.take(run->stats, finished, batch->stats);
      batch->done = finished;
      if (finished) describe_outcome(run->outcome, *batch);
    } catch (const std::bad_alloc&) {
      // No memory for a batch: stop the engine and try again shortly (its results wait in the sink).
      run->stop.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    // Idle turns with nothing new are not worth a JavaScript call.
    if (!finished && !first && batch->records.empty() && batch->stats == last) continue;
    first = false;
    last = batch->stats;
    if (tsfn.BlockingCall(batch.get()) != napi_ok) {
      // The environment is shutting down: nobody will read results any more.
      // The engine sees `stop`; the finalizer joins both threads.
      run->stop.store(true);
      break;
    }
    batch.release();  // owned by CallJs now
    if (finished) break;
  }
  tsfn.Release();
}

void CallJs(Napi::Env env, Napi::Function callback, SweepRun* run, Batch* raw) {
  std::unique_ptr<Batch> batch(raw);
  if (env == nullptr || callback == nullptr) return;  // torn down
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, batch->records.size());
  if (!batch->records.empty()) std::memcpy(buffer.Data(), batch->records.data(), batch->records.size());
  Napi::Uint8Array records = Napi::Uint8Array::New(env, batch->records.size(), buffer, 0);
  Napi::Float64Array stats = Napi::Float64Array::New(env, batch->stats.size());
  for (size_t i = 0; i < batch->stats.size(); ++i) stats[i] = batch->stats[i];
  Napi::Value error = env.Null();
  if (batch->done && batch->errno_value != 0) {
    Napi::Object e = Napi::Object::New(env);
    SetFailure(env, e, batch->errno_value, batch->syscall, batch->hint);
    e.Set("message", batch->message.empty() ? std::string(std::strerror(batch->errno_value)) : batch->message);
    error = e;
  }
  Sweep* owner = batch->done ? run->owner : nullptr;
  if (batch->done) run->owner = nullptr;
  Napi::Value report = env.Null();
  if (batch->done) {
    // NativeSweepReport: kSourceAddressBytes per source (family, then 16 address bytes).
    constexpr size_t kEach = portpick::kSourceAddressBytes;
    static_assert(kEach == 1 + std::tuple_size<decltype(portpick::Address::bytes)>::value, "family byte + address bytes");
    Napi::Object r = Napi::Object::New(env);
    Napi::Uint8Array sources = Napi::Uint8Array::New(env, batch->sources.size() * kEach);
    for (size_t i = 0; i < batch->sources.size(); ++i) {
      sources[i * kEach] = batch->sources[i].family;
      std::memcpy(sources.Data() + i * kEach + 1, batch->sources[i].bytes.data(), 16);
    }
    r.Set("sourceAddresses", sources);
    r.Set("selfSourced", Napi::Number::New(env, static_cast<double>(batch->self_sourced)));
    report = r;
  }
  callback.Call({records, stats, Napi::Boolean::New(env, batch->done), error, report});
  if (owner) owner->Finish();  // the object may be collected from now on
}

void FinalizeRun(Napi::Env, std::shared_ptr<SweepRun>* keep, SweepRun*) {
  std::unique_ptr<std::shared_ptr<SweepRun>> hold(keep);
  SweepRun& run = **hold;
  run.stop.store(true);  // no-op after a normal end; ends the engine on teardown
  run.sink.nudge();
  // The flusher first: it is the thread that starts the engine thread.
  if (run.flusher_thread.joinable()) run.flusher_thread.join();
  if (run.engine_thread.joinable()) run.engine_thread.join();
}

Napi::Value Sweep::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!run_) {
    ThrowStateError(env, "This sweep was not constructed");
    return env.Undefined();
  }
  if (info.Length() < 1 || !info[0].IsFunction()) {
    ThrowTypeError(env, "Expected start(onBatch: function)");
    return env.Undefined();
  }
  if (started_) {
    ThrowStateError(env, "This sweep was started already; create a new Sweep");
    return env.Undefined();
  }
  started_ = true;
  auto* keep = new std::shared_ptr<SweepRun>(run_);
  BatchFunction tsfn = BatchFunction::New(env, info[0].As<Napi::Function>(), "portpick.sweep", 16, 1, run_.get(),
                                          FinalizeRun, keep);
  if (env.IsExceptionPending()) {
    delete keep;
    return env.Undefined();
  }
  run_->owner = this;
  Ref();
  try {
    run_->flusher_thread = std::thread(FlusherMain, run_, tsfn);
  } catch (const std::system_error& e) {
    // Nothing runs: undo the start and say why.
    run_->owner = nullptr;
    Unref();
    tsfn.Release();
    Napi::Error error = Napi::Error::New(env, std::string("Cannot start the sweep's thread: ") + e.what());
    SetFailure(env, error.Value(), e.code().value() != 0 ? e.code().value() : EAGAIN, "pthread_create", portpick::failure_hint::kThreadStart);
    error.ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

Napi::Value Sweep::Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    ThrowTypeError(env, "Expected release(records: number)");
    return env.Undefined();
  }
  const double records = info[0].As<Napi::Number>().DoubleValue();
  if (run_ && records > 0) run_->sink.release(static_cast<uint64_t>(records));
  return env.Undefined();
}

Napi::Value Sweep::Stop(const Napi::CallbackInfo& info) {
  if (run_) {
    run_->stop.store(true);
    run_->sink.nudge();
  }
  return info.Env().Undefined();
}

}  // namespace

void InitSweep(Napi::Env env, Napi::Object exports) { exports.Set("Sweep", Sweep::Define(env)); }

}  // namespace portpick_binding

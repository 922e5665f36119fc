#include "conversions.h"

namespace gpuos::addon {

const napi_type_tag kDeviceBufferTag = {0x6770756f73627566ull, 0x6465766963654275ull};   // "gpuosbuf", "deviceBu"
const napi_type_tag kKernelLibraryTag = {0x6770756f736b6c69ull, 0x6b65726e656c4c69ull};  // "gpuosbli", "kernelLi"

void check_tag(Napi::Value value, const napi_type_tag& tag, const std::string& what) {
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&tag)) {
    throw_error(value.Env(), "E_INVALID_ARGUMENT", what + " is not a " + (&tag == &kDeviceBufferTag ? "DeviceBuffer" : "KernelLibrary"));
  }
}

void throw_error(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

Napi::Object site_to_js(Napi::Env env, const gpuos_source_site* site) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("file", Napi::String::New(env, site->file ? site->file : ""));
  out.Set("line", Napi::Number::New(env, site->line));
  out.Set("column", Napi::Number::New(env, site->column));
  out.Set("function", Napi::String::New(env, site->function ? site->function : ""));
  return out;
}

namespace {

Napi::Object race_access_to_js(Napi::Env env, const gpuos::emu::RaceAccessDetails& access) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("thread", Napi::Number::New(env, access.thread));
  out.Set("write", Napi::Boolean::New(env, access.write));
  out.Set("atomic", Napi::Boolean::New(env, access.atomic));
  out.Set("readModifyWrite", Napi::Boolean::New(env, access.read_modify_write));
  out.Set("size", Napi::Number::New(env, static_cast<double>(access.size)));
  if (access.site) {
    out.Set("site", site_to_js(env, access.site));
  } else {
    out.Set("pcOffset", Napi::BigInt::New(env, static_cast<std::uint64_t>(access.pc_offset)));
  }
  return out;
}

// The structured facts of a race report (names as in src/kernel/emulator_error.ts, RaceDetails).
Napi::Object race_to_js(Napi::Env env, const gpuos::emu::Finding& finding) {
  const gpuos::emu::RaceDetails& race = finding.race;
  Napi::Object out = Napi::Object::New(env);
  out.Set("library", Napi::String::New(env, finding.fault_library));
  if (race.has_first) out.Set("first", race_access_to_js(env, race.first));
  out.Set("second", race_access_to_js(env, race.second));
  out.Set("space", Napi::String::New(env, race.space));
  if (race.buffer_index >= 0) out.Set("buffer", Napi::Number::New(env, race.buffer_index));
  out.Set("offset", Napi::Number::New(env, static_cast<double>(race.offset)));
  if (!race.variable.empty()) {
    out.Set("variable", Napi::String::New(env, race.variable));
    out.Set("variableOffset", Napi::Number::New(env, static_cast<double>(race.variable_offset)));
  }
  out.Set("intervalStart", race.interval_start ? Napi::Value(site_to_js(env, race.interval_start)) : env.Null());
  out.Set("intervalEnd", race.interval_end ? Napi::Value(site_to_js(env, race.interval_end)) : env.Null());
  out.Set("intervalIndex", Napi::Number::New(env, static_cast<double>(race.interval_index)));
  out.Set("occurrences", Napi::Number::New(env, static_cast<double>(race.occurrences)));
  return out;
}

Napi::Object finding_to_js(Napi::Env env, const gpuos::emu::Finding& finding) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("code", Napi::String::New(env, finding.code));
  out.Set("message", Napi::String::New(env, finding.message));
  Napi::Array groups = Napi::Array::New(env, finding.groups.size());
  for (std::size_t g = 0; g < finding.groups.size(); ++g) {
    const gpuos::emu::ThreadGroupReport& report = finding.groups[g];
    Napi::Object group = Napi::Object::New(env);
    Napi::Array threads = Napi::Array::New(env, report.threads.size());
    for (std::size_t t = 0; t < report.threads.size(); ++t) threads.Set(t, Napi::Number::New(env, report.threads[t]));
    group.Set("threads", threads);
    group.Set("operation", Napi::String::New(env, report.operation));
    group.Set("site", report.site ? Napi::Value(site_to_js(env, report.site)) : env.Null());
    Napi::Array path = Napi::Array::New(env, report.call_path.size());
    for (std::size_t c = 0; c < report.call_path.size(); ++c) path.Set(c, site_to_js(env, report.call_path[c]));
    group.Set("callPath", path);
    groups.Set(g, group);
  }
  out.Set("groups", groups);
  if (finding.fault_pc != 0) {
    Napi::Object fault = Napi::Object::New(env);
    fault.Set("address", Napi::BigInt::New(env, static_cast<std::uint64_t>(finding.fault_address)));
    fault.Set("pc", Napi::BigInt::New(env, static_cast<std::uint64_t>(finding.fault_pc)));
    fault.Set("library", Napi::String::New(env, finding.fault_library));
    fault.Set("pcOffset", Napi::BigInt::New(env, static_cast<std::uint64_t>(finding.fault_pc_offset)));
    out.Set("fault", fault);
  }
  if (finding.buffer_index >= 0 || finding.code == gpuos::emu::code::kOutOfBounds) {
    Napi::Object access = Napi::Object::New(env);
    access.Set("buffer", finding.buffer_index >= 0 ? Napi::Value(Napi::Number::New(env, finding.buffer_index)) : env.Null());
    access.Set("offset", Napi::Number::New(env, static_cast<double>(finding.buffer_offset)));
    access.Set("size", Napi::Number::New(env, static_cast<double>(finding.buffer_size)));
    out.Set("access", access);
  }
  if (finding.race.present) out.Set("race", race_to_js(env, finding));
  return out;
}

}  // namespace

Napi::Object outcome_to_js(Napi::Env env, const gpuos::emu::DispatchOutcome& outcome) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", Napi::Boolean::New(env, outcome.ok));
  Napi::Array findings = Napi::Array::New(env, outcome.findings.size());
  for (std::size_t i = 0; i < outcome.findings.size(); ++i) findings.Set(i, finding_to_js(env, outcome.findings[i]));
  out.Set("findings", findings);
  Napi::Array warnings = Napi::Array::New(env, outcome.warnings.size());
  for (std::size_t i = 0; i < outcome.warnings.size(); ++i) warnings.Set(i, finding_to_js(env, outcome.warnings[i]));
  out.Set("warnings", warnings);
  out.Set("raceCheckedAccesses", Napi::Number::New(env, static_cast<double>(outcome.race_checked_accesses)));
  const gpuos::emu::DispatchStats& stats = outcome.stats;
  Napi::Object js_stats = Napi::Object::New(env);
  js_stats.Set("contextSwitches", Napi::Number::New(env, static_cast<double>(stats.context_switches)));
  js_stats.Set("threadgroupBarriers", Napi::Number::New(env, static_cast<double>(stats.threadgroup_barriers)));
  js_stats.Set("simdRendezvous", Napi::Number::New(env, static_cast<double>(stats.simd_rendezvous)));
  js_stats.Set("atomicOperations", Napi::Number::New(env, static_cast<double>(stats.atomic_operations)));
  js_stats.Set("threadgroupMemoryBytes", Napi::Number::New(env, stats.threadgroup_memory_bytes));
  js_stats.Set("elapsedNs", Napi::Number::New(env, static_cast<double>(stats.elapsed_ns)));
  out.Set("stats", js_stats);
  out.Set("decisionCount", Napi::Number::New(env, static_cast<double>(outcome.decision_count)));
  if (!outcome.decisions.empty() || outcome.decisions_truncated) {
    const std::size_t count = outcome.decisions.size();
    Napi::Uint16Array options = Napi::Uint16Array::New(env, count);
    Napi::Uint16Array chosen = Napi::Uint16Array::New(env, count);
    Napi::Uint8Array preemption = Napi::Uint8Array::New(env, count);
    Napi::Uint8Array atomic_after = Napi::Uint8Array::New(env, count);
    for (std::size_t i = 0; i < count; ++i) {
      options[i] = outcome.decisions[i].options;
      chosen[i] = outcome.decisions[i].chosen;
      preemption[i] = outcome.decisions[i].preemption ? 1 : 0;
      atomic_after[i] = outcome.decisions[i].atomic_after ? 1 : 0;
    }
    Napi::Object decisions = Napi::Object::New(env);
    decisions.Set("options", options);
    decisions.Set("chosen", chosen);
    decisions.Set("preemption", preemption);
    decisions.Set("atomicAfter", atomic_after);
    decisions.Set("truncated", Napi::Boolean::New(env, outcome.decisions_truncated));
    out.Set("decisions", decisions);
  }
  if (!outcome.barrier_digests.empty()) {
    Napi::Array digests = Napi::Array::New(env, outcome.barrier_digests.size());
    for (std::size_t i = 0; i < outcome.barrier_digests.size(); ++i) {
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("digest", Napi::BigInt::New(env, static_cast<std::uint64_t>(outcome.barrier_digests[i])));
      const gpuos_source_site* site = outcome.barrier_digest_sites[i];
      entry.Set("site", site ? Napi::Value(site_to_js(env, site)) : env.Null());
      digests.Set(i, entry);
    }
    out.Set("barrierDigests", digests);
  }
  if (!outcome.barrier_timeline.empty()) {
    Napi::Array timeline = Napi::Array::New(env, outcome.barrier_timeline.size());
    for (std::size_t i = 0; i < outcome.barrier_timeline.size(); ++i) {
      const gpuos::emu::BarrierMark& mark = outcome.barrier_timeline[i];
      Napi::Object js_mark = Napi::Object::New(env);
      js_mark.Set("file", mark.site ? Napi::Value(Napi::String::New(env, mark.site->file)) : env.Null());
      js_mark.Set("line", Napi::Number::New(env, mark.site ? mark.site->line : 0));
      js_mark.Set("elapsedNs", Napi::Number::New(env, static_cast<double>(mark.elapsed_ns)));
      timeline.Set(i, js_mark);
    }
    out.Set("barrierTimeline", timeline);
  }
  return out;
}

std::uint64_t read_unsigned(Napi::Object object, const char* key, std::uint64_t fallback, std::uint64_t max) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return fallback;
  if (value.IsBigInt()) {
    bool lossless = false;
    const std::uint64_t result = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless || result > max) throw_error(object.Env(), "E_INVALID_ARGUMENT", std::string(key) + " is out of range");
    return result;
  }
  if (!value.IsNumber()) throw_error(object.Env(), "E_INVALID_ARGUMENT", std::string(key) + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  // Compare before converting: a double of 2^64 or more has no uint64_t value (undefined behaviour).
  if (!(number >= 0) || number >= 18446744073709551616.0 || number > static_cast<double>(max) ||
      number != static_cast<double>(static_cast<std::uint64_t>(number))) {
    throw_error(object.Env(), "E_INVALID_ARGUMENT", std::string(key) + " must be an integer between 0 and " + std::to_string(max));
  }
  return static_cast<std::uint64_t>(number);
}

}  // namespace gpuos::addon

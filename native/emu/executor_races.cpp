// The executor's side of race checking: starting the checker on a dispatch's memory, and turning
// its reports into findings that name the memory in the kernel's terms (the buffer binding, or
// the threadgroup variable) and the barriers around the race.
#include <dlfcn.h>

#include "executor.h"

namespace gpuos::emu {

bool Executor::start_race_check(DispatchOutcome& outcome) {
  Dl_info info{};
  std::uintptr_t base = 0;
  race_library_.clear();
  if (dladdr(reinterpret_cast<const void*>(kernel_->entry), &info) != 0) {
    base = reinterpret_cast<std::uintptr_t>(info.dli_fbase);
    if (info.dli_fname) race_library_ = info.dli_fname;
  }
  const auto arena_begin = reinterpret_cast<std::uintptr_t>(threadgroup_arena_.data());
  const RaceChecker::Region arena{arena_begin, arena_begin + threadgroup_limit_, -1};
  RaceChecker::Region buffers[GPUOS_MAX_BUFFER_BINDINGS];
  std::size_t count = 0;
  for (std::uint32_t i = 0; i < GPUOS_MAX_BUFFER_BINDINGS; ++i) {
    const BufferBinding& binding = request_->buffers[i];
    if (!binding.data || binding.size == 0) continue;
    const auto begin = reinterpret_cast<std::uintptr_t>(binding.data);
    buffers[count++] = {begin, begin + binding.size, static_cast<std::int32_t>(i)};
  }
  std::size_t failed_bytes = 0;
  if (!race_.begin(base, thread_count_, arena, buffers, count, failed_bytes)) {
    Finding finding;
    finding.code = code::kInvalidDispatch;
    finding.message = "race checking needs " + std::to_string(failed_bytes >> 20) +
                      " MiB of shadow memory for one buffer, and it could not be allocated; bind smaller buffers or "
                      "raise the process's memory limit";
    outcome.findings.push_back(std::move(finding));
    return false;
  }
  race_active_ = true;
  return true;
}

void Executor::collect_races(DispatchOutcome& outcome) {
  race_.end();
  race_active_ = false;
  outcome.race_checked_accesses = race_.checked_accesses();
  Finding* last_error = nullptr;
  // Races first: a read of memory nobody wrote is often a race's other face (the reader ran first).
  for (const RaceKind kind : {RaceKind::kDataRace, RaceKind::kUninitializedRead, RaceKind::kSameValueWrite}) {
    for (const RaceReport& report : race_.reports()) {
      if (report.kind != kind) continue;
      if (kind == RaceKind::kSameValueWrite) {
        outcome.warnings.push_back(race_finding(report));
      } else {
        outcome.ok = false;
        outcome.findings.push_back(race_finding(report));
        last_error = &outcome.findings.back();
      }
    }
  }
  if (race_.unreported() > 0 && last_error) {
    last_error->message += "\n(" + std::to_string(race_.unreported()) + " more reports at other places were not kept: " +
                           std::to_string(RaceChecker::kMaxReports) + " is the limit per dispatch)";
  }
}

namespace {

RaceAccessDetails access_details(const RaceSide& side, std::uintptr_t base) {
  RaceAccessDetails details;
  details.thread = side.thread;
  details.write = (side.flags & GPUOS_ACCESS_WRITE) != 0;
  details.atomic = (side.flags & GPUOS_ACCESS_ATOMIC) != 0;
  details.read_modify_write = (side.flags & GPUOS_ACCESS_RMW) != 0;
  details.size = side.size;
  if (side.flags & GPUOS_ACCESS_AT_SITE) {
    details.site = reinterpret_cast<const gpuos_source_site*>(side.where);
  } else {
    details.pc_offset = side.where - base;
  }
  return details;
}

std::string describe_access(const RaceAccessDetails& access, bool earlier) {
  const char* verb = access.read_modify_write ? "atomically updated"
                     : access.write             ? (access.atomic ? "atomically wrote" : "wrote")
                                                : (access.atomic ? "atomically read" : "read");
  std::string text = "thread " + std::to_string(access.thread) + " " + verb + " " + std::to_string(access.size) +
                     (access.size == 1 ? " byte" : " bytes");
  if (access.site) text += " at " + format_site(access.site);
  if (earlier && !access.atomic && access.size < 4) text += " (of that word)";
  return text;
}

}  // namespace

std::string Executor::describe_race_place(const RaceReport& report, RaceDetails& details) const {
  if (report.space == RaceSpace::kDevice) {
    details.space = "device";
    details.buffer_index = report.buffer_index;
    details.offset = report.offset;
    return "buffer(" + std::to_string(report.buffer_index) + ") byte " + std::to_string(report.offset);
  }
  details.space = "threadgroup";
  details.offset = report.offset;
  const auto* arena = static_cast<const unsigned char*>(threadgroup_arena_.data());
  const unsigned char* address = arena + report.offset;
  for (std::uint32_t i = 0; i < GPUOS_MAX_THREADGROUP_BINDINGS; ++i) {
    const auto* begin = static_cast<const unsigned char*>(threadgroup_pointers_[i]);
    if (begin && address >= begin && address < begin + request_->threadgroup_memory_bytes[i]) {
      details.variable = "threadgroup(" + std::to_string(i) + ")";
      details.variable_offset = static_cast<std::uint64_t>(address - begin);
    }
  }
  for (std::uint32_t i = 0; i < threadgroup_variables_touched_; ++i) {
    const ThreadgroupVariable& variable = threadgroup_variables_[i];
    const auto* begin = static_cast<const unsigned char*>(variable.storage);
    if (begin && address >= begin && address < begin + variable.size) {
      details.variable = variable.name ? variable.name : "?";
      details.variable_offset = static_cast<std::uint64_t>(address - begin);
    }
  }
  if (details.variable.empty()) return "threadgroup memory byte " + std::to_string(report.offset);
  return "threadgroup variable '" + details.variable + "' byte " + std::to_string(details.variable_offset);
}

Finding Executor::race_finding(const RaceReport& report) const {
  Finding finding;
  RaceDetails& details = finding.race;
  details.present = true;
  details.has_first = report.kind != RaceKind::kUninitializedRead;
  if (details.has_first) details.first = access_details(report.first, race_.base());
  details.second = access_details(report.second, race_.base());
  details.interval_start = report.interval_start;
  details.interval_end = report.interval_end;
  details.interval_index = report.interval_index;
  details.occurrences = report.occurrences;
  finding.fault_library = race_library_;
  const std::string place = describe_race_place(report, details);

  const std::string interval = std::string("between ") +
                               (report.interval_start ? "the barrier at " + format_site(report.interval_start) : "the kernel's start") +
                               " and " +
                               (report.interval_end ? "the barrier at " + format_site(report.interval_end) : "the kernel's end");
  switch (report.kind) {
    case RaceKind::kUninitializedRead:
      finding.code = code::kUninitializedRead;
      finding.message = "uninitialised read of " + place + ": " + describe_access(details.second, false) +
                        " that no thread had written in this dispatch";
      break;
    case RaceKind::kSameValueWrite:
    case RaceKind::kDataRace:
      finding.code = report.kind == RaceKind::kDataRace ? code::kDataRace : code::kSameValueWrite;
      finding.message = std::string(report.kind == RaceKind::kDataRace ? "data race" : "unordered writes of the same value") +
                        " on " + place + ": " + describe_access(details.first, true) + ", then " +
                        describe_access(details.second, false) + ", with no barrier ordering them (" + interval + ")";
      break;
  }
  if (report.occurrences > 1) finding.message += "; seen " + std::to_string(report.occurrences) + " times";
  return finding;
}

}  // namespace gpuos::emu

// What the emulator reports about a dispatch: errors that stop it (a barrier divergence, a
// deadlock, an overflow) and, in strict mode, rule breaks that a real GPU lets pass silently.
//
// Every finding carries a stable code (the TypeScript error class maps it), a complete message,
// and the structured facts behind the message (thread ids, call sites, addresses) so tools can
// show them without parsing text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../msl/cpu/gpuos_emu_abi.h"

namespace gpuos::emu {

// Keep in sync with src/kernel/errors.ts (EmulatorErrorCode).
namespace code {
inline constexpr const char* kBarrierDivergence = "E_BARRIER_DIVERGENCE";
inline constexpr const char* kDeadlock = "E_DEADLOCK";
inline constexpr const char* kExitBeforeBarrier = "E_EXIT_BEFORE_BARRIER";
inline constexpr const char* kSimdInactiveLane = "E_SIMD_INACTIVE_LANE";
inline constexpr const char* kSimdNonUniform = "E_SIMD_NON_UNIFORM";
inline constexpr const char* kSimdPartialBarrier = "E_SIMD_PARTIAL_BARRIER";
inline constexpr const char* kThreadgroupMemoryLimit = "E_THREADGROUP_MEMORY_LIMIT";
inline constexpr const char* kStackOverflow = "E_STACK_OVERFLOW";
inline constexpr const char* kOutOfBounds = "E_OUT_OF_BOUNDS";
inline constexpr const char* kInvalidAccess = "E_INVALID_ACCESS";
inline constexpr const char* kArithmeticFault = "E_ARITHMETIC_FAULT";
inline constexpr const char* kWatchdog = "E_WATCHDOG";
inline constexpr const char* kInvalidDispatch = "E_INVALID_DISPATCH";
inline constexpr const char* kCallTooDeep = "E_CALL_TOO_DEEP";
inline constexpr const char* kObserverStopped = "E_OBSERVER_STOPPED";
inline constexpr const char* kInternal = "E_INTERNAL";
inline constexpr const char* kDataRace = "E_DATA_RACE";
inline constexpr const char* kUninitializedRead = "E_UNINITIALIZED_READ";
inline constexpr const char* kSameValueWrite = "W_SAME_VALUE_WRITE";
}  // namespace code

// A set of threads doing the same thing at the same place ("threads 0-511 wait at
// threadgroup_barrier at scan.metal:14").
struct ThreadGroupReport {
  std::vector<std::uint32_t> threads;
  std::string operation;                     // "threadgroup_barrier", "simd_sum", "running", "returned"
  const gpuos_source_site* site = nullptr;   // null when not at a call site
  // The calls of synchronising helpers that led to `site`, outermost first (empty at kernel scope).
  std::vector<const gpuos_source_site*> call_path;
};

// One access of a race, as reported: where it is in the source is a code address in the kernel
// library (symbolised by TypeScript with the library's line table) or, for an atomic, its call site.
struct RaceAccessDetails {
  std::uint32_t thread = 0;
  bool write = false;
  bool atomic = false;
  bool read_modify_write = false;  // an atomic exchange, compare-exchange or fetch_*
  std::uint64_t size = 0;
  const gpuos_source_site* site = nullptr;  // atomics
  std::uint64_t pc_offset = 0;              // everything else: from the library's load address
};

struct RaceDetails {
  bool present = false;
  bool has_first = false;  // an uninitialised read has one access
  RaceAccessDetails first, second;
  std::string space;            // "threadgroup" or "device"
  std::int32_t buffer_index = -1;
  std::uint64_t offset = 0;     // in the buffer, or in the threadgroup memory in use
  std::string variable;         // the threadgroup variable or [[threadgroup(n)]] binding, if any
  std::uint64_t variable_offset = 0;
  const gpuos_source_site* interval_start = nullptr;  // null: the kernel's start
  const gpuos_source_site* interval_end = nullptr;    // null: the kernel's end
  std::uint64_t interval_index = 0;
  std::uint64_t occurrences = 1;
};

struct Finding {
  std::string code;
  std::string message;
  std::vector<ThreadGroupReport> groups;
  // Fault details, when the finding comes from a hardware trap.
  std::uint64_t fault_address = 0;
  std::uint64_t fault_pc = 0;
  std::string fault_library;        // the shared object holding fault_pc, if known
  std::uint64_t fault_pc_offset = 0; // fault_pc relative to that object's load address
  std::int32_t buffer_index = -1;    // the overrun buffer binding, if any
  std::int64_t buffer_offset = 0;    // byte offset of the access relative to that buffer
  std::uint64_t buffer_size = 0;
  RaceDetails race;  // E_DATA_RACE, E_UNINITIALIZED_READ, W_SAME_VALUE_WRITE (fault_library: the library)
};

// "0-511, 513, 600-601": thread ids compressed into ranges, for messages.
std::string format_thread_set(std::vector<std::uint32_t> threads);
// "scan.metal:14" (or "<unknown location>").
std::string format_site(const gpuos_source_site* site);
// "scan.metal:14 (in a helper called at scan.metal:30)" for a site reached through helper calls.
std::string format_site_with_path(const gpuos_source_site* site, const std::vector<const gpuos_source_site*>& path);
// Basename of a path, for short messages; full paths stay in the structured site.
std::string short_file(const char* path);

}  // namespace gpuos::emu

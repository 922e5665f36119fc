// The data-race checker: every load and store of a race-instrumented kernel library
// (native/msl/cpu/cpu_race_hooks.h) checked against a shadow of threadgroup and device memory.
//
// The model (docs/EMULATOR.md, race checking): two accesses to the same bytes by different threads
// race when neither is ordered before the other and at least one is a write, unless both are
// atomic. Only barriers order: a threadgroup_barrier orders the accesses of every thread to the
// memory spaces its flags name (mem_threadgroup, mem_device), a simdgroup_barrier those of its
// SIMD-group's lanes. Atomics order nothing (MSL has only relaxed atomics), nor do SIMD-group
// functions (they exchange values, not memory).
//
// Ordering is tracked with stamps, not vector clocks: a barrier release takes a fresh stamp for
// every SIMD-group, a simdgroup_barrier one for its group. An access carries its group's stamp
// for its space, so an earlier access r is unordered with the current one iff it was made since
// the last threadgroup barrier of that space (r.stamp >= interval start) by another thread, and,
// if that thread is in the same SIMD-group, since the group's last simdgroup_barrier too. That is
// exact for barrier-only synchronisation, in O(1) per access.
//
// The shadow keeps, per 4-byte word, the last write, an earlier unordered write of other bytes,
// and the last two reads by distinct threads. Accesses to different bytes of one word do not race
// (byte masks); a race among byte-sized accesses of three or more threads to one word in one
// interval can be missed (documented).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../msl/cpu/gpuos_emu_abi.h"

namespace gpuos::emu {

enum class RaceSpace : std::uint8_t { kThreadgroup = 0, kDevice = 1 };
inline constexpr int kRaceSpaces = 2;

enum class RaceKind : std::uint8_t {
  kDataRace,           // E_DATA_RACE
  kSameValueWrite,     // two unordered writes that stored the same bytes: reported as a warning
  kUninitializedRead,  // E_UNINITIALIZED_READ: threadgroup memory no thread wrote in this dispatch
};

// One side of a reported race.
struct RaceSide {
  std::uint32_t thread = 0;
  std::uint32_t flags = 0;  // GPUOS_ACCESS_* (AT_SITE: `where` is a gpuos_source_site*)
  std::uint64_t size = 0;   // bytes of the access (for an earlier access: of the word it touched)
  std::uintptr_t where = 0; // code address in the kernel library, or the call site record
};

struct RaceReport {
  RaceKind kind = RaceKind::kDataRace;
  RaceSide first;   // the earlier access (unset for an uninitialised read)
  RaceSide second;  // the access that found it
  RaceSpace space = RaceSpace::kThreadgroup;
  std::int32_t buffer_index = -1;  // device memory: the binding
  std::uint64_t offset = 0;        // byte offset in that buffer, or in the threadgroup arena
  // The barriers that bound the interval the accesses were in: null for the kernel's start and end.
  const gpuos_source_site* interval_start = nullptr;
  const gpuos_source_site* interval_end = nullptr;
  bool interval_closed = false;
  std::uint64_t interval_index = 0;  // 0-based: how many barriers of that space released before it
  std::uint64_t occurrences = 1;     // accesses that found this same pair of places
};

// One remembered access, 8 bytes: when (its SIMD-group's stamp, 22 bits), who (10 bits), where
// in the code (24 bits of offset from the library's base: kernel libraries are far smaller than
// 16 MiB), what (GPUOS_ACCESS_* in 4 bits) and which bytes of the word (4 bits).
struct RaceAccessRecord {
  std::uint32_t when = 0;  // stamp << 10 | thread; 0: none
  std::uint32_t info = 0;  // where << 8 | flags << 4 | mask

  static constexpr std::uint32_t kMaxStamp = (1u << 22) - 1;
  std::uint32_t stamp() const { return when >> 10; }
  std::uint32_t thread() const { return when & 0x3FFu; }
  std::uint32_t where() const { return info >> 8; }
  std::uint32_t flags() const { return (info >> 4) & 0xFu; }
  std::uint32_t mask() const { return info & 0xFu; }
  static RaceAccessRecord make(std::uint32_t stamp, std::uint32_t thread, std::uint32_t where, std::uint32_t flags,
                               std::uint32_t mask) {
    return {stamp << 10 | (thread & 0x3FFu), where << 8 | (flags & 0xFu) << 4 | (mask & 0xFu)};
  }
};
static_assert(sizeof(RaceAccessRecord) == 8, "a shadow record is 8 bytes");

// One 4-byte word: its last write and one earlier write still unordered with it that wrote other
// bytes, and its last two reads by distinct threads. 32 bytes, two words to a cache line.
struct alignas(32) RaceShadowWord {
  RaceAccessRecord write;
  RaceAccessRecord other_write;
  RaceAccessRecord read;
  RaceAccessRecord other_read;
};
static_assert(sizeof(RaceShadowWord) == 32, "a shadow word is half a cache line");

class RaceChecker {
 public:
  // At most this many distinct reports per dispatch; further races are counted, not kept.
  static constexpr std::size_t kMaxReports = 64;

  struct Region {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    std::int32_t buffer_index = -1;  // -1: the threadgroup arena
  };

  // Starts a dispatch. `base` is the kernel library's load address (code addresses are kept as
  // offsets from it). Returns false when the shadow of a buffer cannot be allocated.
  bool begin(std::uintptr_t base, std::uint32_t thread_count, const Region& arena, const Region* buffers,
             std::size_t buffer_count, std::size_t& failed_bytes);
  // Called for every load and store: the common case (inside the region of the previous access,
  // within one 4-byte word) stays inline; the rest goes to access_slow.
  void access(const volatile void* address, std::size_t size, std::uint32_t flags, const void* where,
              std::uint32_t thread) {
    settle();
    const auto begin = reinterpret_cast<std::uintptr_t>(address);
    const Shadow* shadow = last_;
    if (begin < shadow->begin || begin >= shadow->end) {
      // Outside every region (a constant table, a thread's stack): nothing to check.
      if (begin + size <= lowest_ || begin >= highest_) return;
      // Kernels alternate between two buffers (read one, write another): the region before last
      // is tried next.
      shadow = previous_;
      if (begin < shadow->begin || begin >= shadow->end) {
        shadow = find(begin);
        if (!shadow) return;
      }
      previous_ = last_;
      last_ = shadow;
    }
    if (size == 0 || ((begin & 3u) + size) > 4 || begin + size > shadow->end) {
      access_words(*shadow, begin, size, flags, where, thread);
      return;
    }
    ++checked_;
    const auto mask = static_cast<std::uint8_t>(((1u << size) - 1u) << (begin & 3u));
    const std::size_t word = (begin - shadow->aligned) / 4;
    if (shadow->space == RaceSpace::kThreadgroup) {
      const bool reads = !(flags & GPUOS_ACCESS_WRITE) || (flags & GPUOS_ACCESS_RMW);
      if (reads && (written_[word] & mask) != mask) {
        found(RaceKind::kUninitializedRead, RaceAccessRecord{}, flags, place_of(where), thread, size, *shadow, begin);
      }
      if (flags & GPUOS_ACCESS_WRITE) written_[word] = static_cast<std::uint8_t>(written_[word] | mask);
    }
    check_word(*shadow, word, mask, flags, place_of(where), thread, begin, size);
  }

  // Finishes the check of the last access (called before anything else happens on the thread).
  void settle() {
    if (pending_.active) settle_pending();
  }
  void barrier(std::uint32_t mem_flags, const gpuos_source_site* site);
  void simd_barrier(std::uint32_t simdgroup, std::uint32_t mem_flags);
  void end();

  const std::vector<RaceReport>& reports() const { return reports_; }
  std::uint64_t unreported() const { return unreported_; }
  std::uintptr_t base() const { return base_; }
  std::uint64_t checked_accesses() const { return checked_; }

 private:
  struct Shadow {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    std::int32_t buffer_index = -1;
    RaceSpace space = RaceSpace::kDevice;
    std::uintptr_t aligned = 0;       // begin rounded down to 4 bytes: words[0]'s address
    RaceShadowWord* words = nullptr;  // one per 4 bytes from `aligned`
  };
  struct CachedShadow {
    std::uintptr_t begin = 0;
    std::size_t words = 0;
    std::uint64_t last_used = 0;  // the dispatch (begin() call) that last used it
    std::unique_ptr<RaceShadowWord[], void (*)(RaceShadowWord*)> storage{nullptr, nullptr};
  };
  struct Pending {
    bool active = false;
    const volatile unsigned char* address = nullptr;
    std::size_t size = 0;
    unsigned char before[16] = {};
  };

  const Shadow* find(std::uintptr_t address) const {
    for (const Shadow& shadow : shadows_) {
      if (address >= shadow.begin && address < shadow.end) return &shadow;
    }
    return nullptr;
  }
  RaceShadowWord* shadow_of(std::uintptr_t begin, std::size_t words);
  // An access of several words, or one that is not within a single word.
  void access_words(const Shadow& shadow, std::uintptr_t begin, std::size_t size, std::uint32_t flags, const void* where,
                    std::uint32_t thread);
  std::uint32_t place_of(const void* where) const {
    const std::uintptr_t offset = reinterpret_cast<std::uintptr_t>(where) - base_;
    return offset <= 0xFF'FFFFu ? static_cast<std::uint32_t>(offset) : 0;  // 24 bits (RaceAccessRecord)
  }

  // Whether an earlier access is unordered with one `thread` makes now (see the header comment).
  bool unordered(const RaceAccessRecord& record, std::uint32_t thread, int space) const {
    if (record.stamp() < interval_start_[space]) return false;  // before the last barrier of this space (or none)
    if (record.thread() == thread) return false;                // program order
    const std::uint32_t group = thread / GPUOS_SIMD_WIDTH;
    // The same SIMD-group: ordered if a simdgroup_barrier of this space came between.
    return record.thread() / GPUOS_SIMD_WIDTH != group || record.stamp() == group_stamp_[space][group];
  }

  // Checks one access against one word's records, then records it.
  __attribute__((always_inline)) void check_word(const Shadow& shadow, std::size_t word, std::uint8_t mask, std::uint32_t flags,
                                                 std::uint32_t where, std::uint32_t thread, std::uintptr_t address, std::size_t size) {
    RaceShadowWord& cell = shadow.words[word];
    const int s = static_cast<int>(shadow.space);
    const std::uint32_t stamp = group_stamp_[s][thread / GPUOS_SIMD_WIDTH];
    const std::uint32_t start = interval_start_[s];
    const bool atomic = flags & GPUOS_ACCESS_ATOMIC;
    const bool writes = flags & GPUOS_ACCESS_WRITE;
    const bool reads = !writes || (flags & GPUOS_ACCESS_RMW);

    // The two commonest cases, decided on whole 32-bit words (a record's `when` is its stamp and
    // thread): a plain read that this thread already made, of a word only it wrote in this
    // interval; and a plain write that this thread already made, of a word only it read. Both
    // find nothing and change nothing.
    const std::uint32_t start_when = start << 10;
    const std::uint32_t my_when = stamp << 10 | thread;
    auto quiet = [&](const RaceAccessRecord& record) { return record.when < start_when || (record.when & 0x3FFu) == thread; };
    if (!atomic) {
      if (!writes) {
        if (quiet(cell.write) && quiet(cell.other_write) &&
            ((cell.read.when == my_when && (cell.read.info & mask) == mask) ||
             (cell.other_read.when == my_when && (cell.other_read.info & mask) == mask))) {
          return;
        }
      } else if (cell.write.when == my_when && (cell.write.info & mask) == mask && quiet(cell.other_write) && quiet(cell.read) &&
                 quiet(cell.other_read)) {
        return;
      }
    }
    auto conflicts = [&](const RaceAccessRecord& record) {
      return (record.mask() & mask) && unordered(record, thread, s) && !(atomic && (record.flags() & GPUOS_ACCESS_ATOMIC));
    };
    if (__builtin_expect(conflicts(cell.write), 0)) {
      found(RaceKind::kDataRace, cell.write, flags, where, thread, size, shadow, address);
    } else if (__builtin_expect(conflicts(cell.other_write), 0)) {
      found(RaceKind::kDataRace, cell.other_write, flags, where, thread, size, shadow, address);
    } else if (writes) {
      if (__builtin_expect(conflicts(cell.read), 0)) {
        found(RaceKind::kDataRace, cell.read, flags, where, thread, size, shadow, address);
      } else if (__builtin_expect(conflicts(cell.other_read), 0)) {
        found(RaceKind::kDataRace, cell.other_read, flags, where, thread, size, shadow, address);
      }
    }
    const std::uint32_t me = thread;
    if (writes) {
      const bool mine = cell.write.stamp() == stamp && cell.write.thread() == me;
      const RaceAccessRecord now = RaceAccessRecord::make(stamp, me, where, flags, mine ? (cell.write.mask() | mask) : mask);
      if (!mine && cell.write.stamp() >= start && cell.write.thread() != me && (cell.write.mask() & ~mask) != 0) {
        // Another thread's write of other bytes, this interval: still unordered with what comes
        // (two threads writing the two halves of a word), so it is kept, not replaced.
        cell.other_write = cell.write;
      }
      if (cell.write.when != now.when || cell.write.info != now.info) cell.write = now;
    }
    if (reads) {
      // A record already this interval's, by this thread, at this stamp, covering these bytes
      // stays as it is: a loop reading shared data only loads its shadow, never stores to it.
      auto covers = [&](const RaceAccessRecord& record) {
        return record.stamp() == stamp && record.thread() == me && (record.mask() & mask) == mask;
      };
      if (cell.read.stamp() < start) {
        cell.read = RaceAccessRecord::make(stamp, me, where, flags, mask);
        cell.other_read = {};
      } else if (cell.read.thread() == me) {
        if (!covers(cell.read)) {
          const std::uint32_t merged = cell.read.stamp() == stamp ? (cell.read.mask() | mask) : mask;
          cell.read = RaceAccessRecord::make(stamp, me, where, flags, merged);
        }
      } else if (cell.other_read.stamp() < start || (cell.other_read.stamp() != stamp && cell.other_read.thread() != me) ||
                 (cell.other_read.thread() == me ? !covers(cell.other_read) : (cell.other_read.mask() & mask) != mask)) {
        // Two readers other than a later writer are all a write needs to be checked against:
        // while both records are this interval's, by other threads, covering these bytes, a
        // third reader changes nothing.
        cell.other_read = RaceAccessRecord::make(stamp, me, where, flags, mask);
      }
    }
  }

  void found(RaceKind kind, const RaceAccessRecord& first, std::uint32_t flags, std::uint32_t where,
             std::uint32_t thread, std::size_t size, const Shadow& shadow, std::uintptr_t address);
  void settle_pending();
  void record(const RaceReport& report);
  void next_interval(RaceSpace space, const gpuos_source_site* site);
  std::uint32_t take_stamp();
  void rebase_stamps();
  void forget_everything();

  std::uintptr_t base_ = 0;
  std::uint64_t dispatches_ = 0;
  std::uint32_t thread_count_ = 0;
  std::uint32_t group_count_ = 0;
  std::uint32_t next_stamp_ = 1;
  std::uint32_t interval_start_[kRaceSpaces] = {};
  std::uint64_t interval_index_[kRaceSpaces] = {};
  const gpuos_source_site* interval_site_[kRaceSpaces] = {};
  std::uint32_t group_stamp_[kRaceSpaces][GPUOS_MAX_THREADS_PER_THREADGROUP / GPUOS_SIMD_WIDTH] = {};

  std::vector<Shadow> shadows_;       // this dispatch's regions: the arena first, then buffers
  Shadow none_;                       // matches nothing: last_ before the first access
  std::uintptr_t lowest_ = 0;         // the lowest region's start and the highest one's end
  std::uintptr_t highest_ = 0;
  const Shadow* last_ = &none_;       // the region of the last access (accesses come in runs)
  const Shadow* previous_ = &none_;   // and the one before it
  std::vector<CachedShadow> cached_;  // device shadows kept across dispatches, by address
  std::vector<std::uint8_t> written_;  // threadgroup arena: per 4-byte word, the bytes written in this dispatch

  std::vector<RaceReport> reports_;
  std::uint64_t unreported_ = 0;
  std::uint64_t checked_ = 0;
  Pending pending_;
  RaceReport pending_draft_;
};

}  // namespace gpuos::emu

#include "race_checker.h"

#include <cassert>
#include <cstdlib>
#include <cstring>

namespace gpuos::emu {

namespace {

// Past this, the next dispatch starts its stamps again from 1 with every shadow cleared: stamps
// only ever grow, which is what lets a shadow outlive its dispatch without a reset.
constexpr std::uint32_t kStampLimit = RaceAccessRecord::kMaxStamp / 2;
// Device shadows kept for later dispatches (the OS binds the same four buffers every frame).
constexpr std::size_t kCachedShadows = 48;
// ...and at most this much shadow (9 bytes per byte of memory; only touched pages are resident).
constexpr std::size_t kCachedShadowBytes = std::size_t{1} << 30;

void free_words(RaceShadowWord* words) { std::free(words); }

std::uint8_t word_mask(std::uintptr_t word_start, std::uintptr_t begin, std::uintptr_t end) {
  std::uint8_t mask = 0;
  for (std::uintptr_t byte = 0; byte < 4; ++byte) {
    const std::uintptr_t at = word_start + byte;
    if (at >= begin && at < end) mask = static_cast<std::uint8_t>(mask | (1u << byte));
  }
  return mask;
}

bool same_place(const RaceReport& a, const RaceReport& b) {
  return a.kind == b.kind && a.first.where == b.first.where && a.second.where == b.second.where &&
         (a.first.flags & GPUOS_ACCESS_WRITE) == (b.first.flags & GPUOS_ACCESS_WRITE) &&
         (a.second.flags & GPUOS_ACCESS_WRITE) == (b.second.flags & GPUOS_ACCESS_WRITE) && a.space == b.space;
}

}  // namespace

bool RaceChecker::begin(std::uintptr_t base, std::uint32_t thread_count, const Region& arena, const Region* buffers,
                        std::size_t buffer_count, std::size_t& failed_bytes) {
  if (next_stamp_ > kStampLimit) forget_everything();
  base_ = base;
  ++dispatches_;
  thread_count_ = thread_count;
  group_count_ = (thread_count + GPUOS_SIMD_WIDTH - 1) / GPUOS_SIMD_WIDTH;
  reports_.clear();
  reports_.reserve(kMaxReports);  // never reallocated mid-dispatch: a watchdog jump may land anywhere
  unreported_ = 0;
  checked_ = 0;
  pending_ = {};
  shadows_.clear();
  shadows_.reserve(1 + buffer_count);  // never reallocated during the dispatch: last_ points into it
  last_ = &none_;
  previous_ = &none_;

  auto add = [&](const Region& region, RaceSpace space) {
    const std::uintptr_t aligned = region.begin & ~std::uintptr_t{3};
    const std::size_t words = (region.end - aligned + 3) / 4;
    RaceShadowWord* storage = shadow_of(aligned, words);
    if (!storage) {
      failed_bytes = words * sizeof(RaceShadowWord);
      return false;
    }
    shadows_.push_back({region.begin, region.end, region.buffer_index, space, aligned, storage});
    return true;
  };
  if (!add(arena, RaceSpace::kThreadgroup)) return false;
  written_.assign((arena.end - arena.begin + 3) / 4, 0);
  for (std::size_t i = 0; i < buffer_count; ++i) {
    if (buffers[i].end > buffers[i].begin && !add(buffers[i], RaceSpace::kDevice)) return false;
  }

  lowest_ = ~std::uintptr_t{0};
  highest_ = 0;
  for (const Shadow& shadow : shadows_) {
    lowest_ = shadow.begin < lowest_ ? shadow.begin : lowest_;
    highest_ = shadow.end > highest_ ? shadow.end : highest_;
  }
  for (int space = 0; space < kRaceSpaces; ++space) {
    interval_site_[space] = nullptr;
    interval_index_[space] = 0;
    interval_start_[space] = take_stamp();
    for (std::uint32_t g = 0; g < group_count_; ++g) group_stamp_[space][g] = interval_start_[space];
  }
  return true;
}

RaceShadowWord* RaceChecker::shadow_of(std::uintptr_t begin, std::size_t words) {
  for (CachedShadow& cached : cached_) {
    if (cached.begin == begin && cached.words >= words) {
      cached.last_used = dispatches_;
      return cached.storage.get();
    }
  }
  // calloc: a large zeroed block is mapped lazily, so only the words a kernel touches cost memory.
  auto* storage = static_cast<RaceShadowWord*>(std::calloc(words, sizeof(RaceShadowWord)));
  if (!storage) return nullptr;
  // Evict the least recently used, never one this dispatch uses (it binds at most 32 regions).
  auto cached_bytes = [&] {
    std::size_t total = 0;
    for (const CachedShadow& cached : cached_) total += cached.words * sizeof(RaceShadowWord);
    return total;
  };
  while (cached_.size() >= kCachedShadows || cached_bytes() + words * sizeof(RaceShadowWord) > kCachedShadowBytes) {
    auto oldest = cached_.end();
    for (auto it = cached_.begin(); it != cached_.end(); ++it) {
      if (it->last_used != dispatches_ && (oldest == cached_.end() || it->last_used < oldest->last_used)) oldest = it;
    }
    if (oldest == cached_.end()) break;
    cached_.erase(oldest);
  }
  CachedShadow entry;
  entry.begin = begin;
  entry.words = words;
  entry.last_used = dispatches_;
  entry.storage = {storage, &free_words};
  cached_.push_back(std::move(entry));
  return storage;
}

void RaceChecker::forget_everything() {
  cached_.clear();
  next_stamp_ = 1;
}

std::uint32_t RaceChecker::take_stamp() {
  if (next_stamp_ >= RaceAccessRecord::kMaxStamp) rebase_stamps();
  return next_stamp_++;
}

// A dispatch that ran out of stamps (about 2 million barrier releases past the dispatch's first):
// every shadow it uses is cleared and the stamps start again. What is forgotten is only what the
// current intervals had recorded, so a race spanning this moment can be missed (documented).
void RaceChecker::rebase_stamps() {
  for (const Shadow& shadow : shadows_) {
    std::memset(static_cast<void*>(shadow.words), 0, ((shadow.end - shadow.aligned + 3) / 4) * sizeof(RaceShadowWord));
  }
  next_stamp_ = 1;
  for (int space = 0; space < kRaceSpaces; ++space) {
    interval_start_[space] = next_stamp_;
    for (std::uint32_t g = 0; g < group_count_; ++g) group_stamp_[space][g] = next_stamp_;
  }
  ++next_stamp_;
}

void RaceChecker::access_words(const Shadow& region, std::uintptr_t begin, std::size_t size, std::uint32_t flags,
                               const void* where, std::uint32_t thread) {
  if (size == 0) return;
  const Shadow* shadow = &region;
  ++checked_;
  const std::uintptr_t end = begin + size < shadow->end ? begin + size : shadow->end;
  const std::uint32_t place = place_of(where);

  if (shadow->space == RaceSpace::kThreadgroup) {
    const bool reads = !(flags & GPUOS_ACCESS_WRITE) || (flags & GPUOS_ACCESS_RMW);
    for (std::uintptr_t word_start = begin & ~std::uintptr_t{3}; word_start < end; word_start += 4) {
      const std::size_t word = (word_start - shadow->aligned) / 4;
      const std::uint8_t mask = word_mask(word_start, begin, end);
      if (reads && (written_[word] & mask) != mask) {
        const std::uintptr_t unwritten = word_start + static_cast<std::uintptr_t>(__builtin_ctz(mask & ~written_[word]));
        found(RaceKind::kUninitializedRead, RaceAccessRecord{}, flags, place, thread, size, *shadow, unwritten);
        break;
      }
    }
    if (flags & GPUOS_ACCESS_WRITE) {
      for (std::uintptr_t word_start = begin & ~std::uintptr_t{3}; word_start < end; word_start += 4) {
        const std::size_t word = (word_start - shadow->aligned) / 4;
        written_[word] = static_cast<std::uint8_t>(written_[word] | word_mask(word_start, begin, end));
      }
    }
  }

  for (std::uintptr_t word_start = begin & ~std::uintptr_t{3}; word_start < end; word_start += 4) {
    check_word(*shadow, (word_start - shadow->aligned) / 4, word_mask(word_start, begin, end), flags, place, thread, begin, size);
  }
}

void RaceChecker::found(RaceKind kind, const RaceAccessRecord& first, std::uint32_t flags, std::uint32_t where,
                        std::uint32_t thread, std::size_t size, const Shadow& shadow, std::uintptr_t address) {
  RaceReport report;
  report.kind = kind;
  const bool has_first = kind != RaceKind::kUninitializedRead;
  if (has_first) {
    report.first = {first.thread(), first.flags(), static_cast<std::uint64_t>(__builtin_popcount(first.mask())), base_ + first.where()};
  }
  report.second = {thread, flags, size, base_ + where};
  report.space = shadow.space;
  report.buffer_index = shadow.buffer_index;
  report.offset = address - shadow.begin;
  const int s = static_cast<int>(shadow.space);
  report.interval_start = interval_site_[s];
  report.interval_index = interval_index_[s];

  // Two unordered writes: whether they stored the same bytes is known once this one has stored,
  // which it has by the next time its thread calls the emulator (settle()).
  const bool write_write = has_first && (first.flags() & GPUOS_ACCESS_WRITE) && (flags & GPUOS_ACCESS_WRITE);
  // An 8- or 16-byte store races word by word: its one pending check covers all its words.
  if (write_write && pending_.active && pending_.address == reinterpret_cast<const volatile unsigned char*>(address) &&
      pending_.size == size) {
    return;
  }
  if (write_write && !(flags & GPUOS_ACCESS_RMW) && !(first.flags() & GPUOS_ACCESS_RMW) && size <= sizeof pending_.before &&
      !pending_.active) {
    pending_.active = true;
    pending_.address = reinterpret_cast<const volatile unsigned char*>(address);
    pending_.size = size;
    for (std::size_t i = 0; i < size; ++i) pending_.before[i] = pending_.address[i];
    pending_draft_ = report;
    return;
  }
  record(report);
}

void RaceChecker::settle_pending() {
  pending_.active = false;
  bool same = true;
  for (std::size_t i = 0; i < pending_.size; ++i) same = same && pending_.address[i] == pending_.before[i];
  RaceReport report = pending_draft_;
  if (same) report.kind = RaceKind::kSameValueWrite;
  record(report);
}

void RaceChecker::record(const RaceReport& report) {
  for (RaceReport& known : reports_) {
    if (same_place(known, report)) {
      ++known.occurrences;
      return;
    }
  }
  if (reports_.size() < kMaxReports) {
    reports_.push_back(report);
  } else {
    ++unreported_;
  }
}

void RaceChecker::next_interval(RaceSpace space, const gpuos_source_site* site) {
  const int s = static_cast<int>(space);
  for (RaceReport& report : reports_) {
    if (!report.interval_closed && report.space == space) {
      report.interval_end = site;
      report.interval_closed = true;
    }
  }
  interval_start_[s] = take_stamp();
  for (std::uint32_t g = 0; g < group_count_; ++g) group_stamp_[s][g] = interval_start_[s];
  interval_site_[s] = site;
  ++interval_index_[s];
}

void RaceChecker::barrier(std::uint32_t mem_flags, const gpuos_source_site* site) {
  settle();
  if (mem_flags & GPUOS_MEM_THREADGROUP) next_interval(RaceSpace::kThreadgroup, site);
  if (mem_flags & GPUOS_MEM_DEVICE) next_interval(RaceSpace::kDevice, site);
}

void RaceChecker::simd_barrier(std::uint32_t simdgroup, std::uint32_t mem_flags) {
  settle();
  assert(simdgroup < group_count_);
  if (mem_flags & GPUOS_MEM_THREADGROUP) group_stamp_[static_cast<int>(RaceSpace::kThreadgroup)][simdgroup] = take_stamp();
  if (mem_flags & GPUOS_MEM_DEVICE) group_stamp_[static_cast<int>(RaceSpace::kDevice)][simdgroup] = take_stamp();
}

void RaceChecker::end() {
  settle();
  for (RaceReport& report : reports_) report.interval_closed = true;  // interval_end stays null: the kernel's end
}

}  // namespace gpuos::emu

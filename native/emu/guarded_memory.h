// Memory with inaccessible guards around it, so that an access just past either end faults
// and the emulator can name what was overrun (a buffer, threadgroup memory, a fiber's stack)
// instead of silently corrupting a neighbour. The idea is Electric Fence's: the usable bytes end
// exactly at the trailing guard page (rounded to 16-byte alignment), so even a one-element
// overrun is caught.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gpuos::emu {

std::size_t page_size();

class GuardedRegion {
 public:
  GuardedRegion() = default;
  // Maps `bytes` usable bytes (rounded up to 16) with `guard_bytes` of inaccessible memory
  // before and after (rounded up to pages). Wide guards catch strided overruns too, which would
  // jump a single page and land in whatever mapping happens to be next; they cost address space,
  // not memory. Returns false when the system refuses the mapping.
  bool allocate(std::size_t bytes, std::size_t guard_bytes = kDefaultGuardBytes);
  static constexpr std::size_t kDefaultGuardBytes = 64 * 1024;
  void release();
  ~GuardedRegion() { release(); }
  GuardedRegion(const GuardedRegion&) = delete;
  GuardedRegion& operator=(const GuardedRegion&) = delete;
  GuardedRegion(GuardedRegion&& other) noexcept { *this = static_cast<GuardedRegion&&>(other); }
  GuardedRegion& operator=(GuardedRegion&& other) noexcept;

  void* data() const { return data_; }
  std::size_t size() const { return size_; }
  // True when address lies in one of the two guards.
  bool in_guard(std::uintptr_t address) const;
  // Byte offset of address relative to data() (negative below it).
  std::int64_t offset_of(std::uintptr_t address) const {
    return static_cast<std::int64_t>(address) - static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(data_));
  }

 private:
  void* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  std::size_t guard_bytes_ = 0;
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// One contiguous mapping holding `count` fiber stacks, each `stack_bytes` long with 64 KiB of
// guard below it (stacks grow down). GCC's stack-clash protection on arm64 assumes a 64 KiB
// guard and may move the stack pointer that far without touching a page; and clang on macOS
// does not probe at all. A guard this wide makes a frame of up to 64 KiB fault in it instead
// of landing in the neighbouring fiber's stack. Stacks are reused across dispatches: mapping and protecting 1024
// of them costs far more than a dispatch.
class StackPool {
 public:
  StackPool() = default;
  ~StackPool() { release(); }
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  bool ensure(std::uint32_t count, std::size_t stack_bytes);
  void release();

  static constexpr std::size_t kGuardBytes = 64 * 1024;
  void* stack_low(std::uint32_t index) const { return base_ + index * slot_bytes_ + guard_bytes_; }
  void* stack_high(std::uint32_t index) const { return base_ + (index + 1) * slot_bytes_; }
  std::size_t stack_bytes() const { return stack_bytes_; }
  // Index of the stack whose guard page holds address, or -1.
  std::int64_t guard_owner(std::uintptr_t address) const;

 private:
  char* base_ = nullptr;
  std::uint32_t count_ = 0;
  std::size_t stack_bytes_ = 0;
  std::size_t slot_bytes_ = 0;
  std::size_t guard_bytes_ = 0;
};

}  // namespace gpuos::emu

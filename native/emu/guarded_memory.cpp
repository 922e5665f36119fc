#include "guarded_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif
#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

namespace gpuos::emu {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

namespace {
std::size_t round_up(std::size_t value, std::size_t to) { return (value + to - 1) / to * to; }

void* map_inaccessible(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}
}  // namespace

bool GuardedRegion::allocate(std::size_t bytes, std::size_t guard_bytes) {
  release();
  const std::size_t page = page_size();
  const std::size_t usable = round_up(bytes == 0 ? 16 : bytes, 16);
  const std::size_t body = round_up(usable, page);
  guard_bytes_ = round_up(guard_bytes < page ? page : guard_bytes, page);
  mapping_bytes_ = body + 2 * guard_bytes_;
  mapping_ = map_inaccessible(mapping_bytes_);
  if (!mapping_) return false;
  char* body_start = static_cast<char*>(mapping_) + guard_bytes_;
  if (mprotect(body_start, body, PROT_READ | PROT_WRITE) != 0) {
    release();
    return false;
  }
  data_ = body_start + (body - usable);
  size_ = bytes;
  return true;
}

void GuardedRegion::release() {
  if (mapping_) munmap(mapping_, mapping_bytes_);
  mapping_ = nullptr;
  mapping_bytes_ = 0;
  guard_bytes_ = 0;
  data_ = nullptr;
  size_ = 0;
}

GuardedRegion& GuardedRegion::operator=(GuardedRegion&& other) noexcept {
  if (this != &other) {
    release();
    mapping_ = other.mapping_;
    mapping_bytes_ = other.mapping_bytes_;
    guard_bytes_ = other.guard_bytes_;
    data_ = other.data_;
    size_ = other.size_;
    other.mapping_ = nullptr;
    other.mapping_bytes_ = 0;
    other.guard_bytes_ = 0;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

bool GuardedRegion::in_guard(std::uintptr_t address) const {
  if (!mapping_) return false;
  const auto begin = reinterpret_cast<std::uintptr_t>(mapping_);
  const auto end = begin + mapping_bytes_;
  return (address >= begin && address < begin + guard_bytes_) || (address >= end - guard_bytes_ && address < end);
}

bool StackPool::ensure(std::uint32_t count, std::size_t stack_bytes) {
  const std::size_t page = page_size();
  stack_bytes = round_up(stack_bytes, page);
  if (base_ && count <= count_ && stack_bytes == stack_bytes_) return true;
  release();
  guard_bytes_ = round_up(kGuardBytes, page);
  const std::size_t slot = stack_bytes + guard_bytes_;
  void* mapping = map_inaccessible(slot * count);
  if (!mapping) return false;
  base_ = static_cast<char*>(mapping);
  count_ = count;
  stack_bytes_ = stack_bytes;
  slot_bytes_ = slot;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (mprotect(stack_low(i), stack_bytes, PROT_READ | PROT_WRITE) != 0) {
      release();
      return false;
    }
  }
  return true;
}

void StackPool::release() {
  if (base_) munmap(base_, slot_bytes_ * count_);
  base_ = nullptr;
  count_ = 0;
  stack_bytes_ = 0;
  slot_bytes_ = 0;
  guard_bytes_ = 0;
}

std::int64_t StackPool::guard_owner(std::uintptr_t address) const {
  if (!base_) return -1;
  const auto begin = reinterpret_cast<std::uintptr_t>(base_);
  if (address < begin || address >= begin + slot_bytes_ * count_) return -1;
  const std::size_t slot = (address - begin) / slot_bytes_;
  const std::size_t within = (address - begin) % slot_bytes_;
  return within < guard_bytes_ ? static_cast<std::int64_t>(slot) : -1;
}

}  // namespace gpuos::emu

#include "context_switch.h"

#include <cstdint>
#include <cstring>

namespace gpuos::emu {

namespace {

// Must match the register save order in the architecture's .S file.
#if defined(__x86_64__)
struct InitialFrame {
  std::uintptr_t r15, r14, r13, r12, rbx, rbp;
  std::uintptr_t return_address;
};
#elif defined(__aarch64__)
struct InitialFrame {
  std::uintptr_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
  std::uintptr_t x29, x30;
  std::uint64_t d8_to_d15[8];
};
static_assert(sizeof(InitialFrame) == 160, "must match the 160-byte frame in context_switch_arm64.S");
#else
#error "gpuos emulator: no context switch for this architecture (x86-64 and arm64 are supported)"
#endif

}  // namespace

void* context_prepare(void* stack_hi, ContextEntry entry, void* arg) {
  auto top = reinterpret_cast<std::uintptr_t>(stack_hi) & ~std::uintptr_t{15};
  // Leave one 16-byte slot above the frame so the trampoline's call lands on an aligned,
  // writable stack on both architectures.
  top -= 16;
  auto frame_address = top - sizeof(InitialFrame);
  frame_address &= ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<InitialFrame*>(frame_address);
  std::memset(frame, 0, sizeof(InitialFrame));
#if defined(__x86_64__)
  frame->r12 = reinterpret_cast<std::uintptr_t>(entry);
  frame->r13 = reinterpret_cast<std::uintptr_t>(arg);
  frame->rbp = 0;
  frame->return_address = reinterpret_cast<std::uintptr_t>(&gpuos_context_trampoline);
#elif defined(__aarch64__)
  frame->x19 = reinterpret_cast<std::uintptr_t>(entry);
  frame->x20 = reinterpret_cast<std::uintptr_t>(arg);
  frame->x29 = 0;
  frame->x30 = reinterpret_cast<std::uintptr_t>(&gpuos_context_trampoline);
#endif
  return frame;
}

}  // namespace gpuos::emu

// A self-contained check of the emulator on the architecture it is built for: the hand-written
// context switch (every callee-saved register, integer and floating point), the scheduler, the
// barrier and SIMD rendezvous, and the fault handlers. Built with the translated test kernels
// linked in statically, so it runs where Node does not: on arm64 under qemu-user in CI
// (test/native/arm64_selftest.test.ts), and natively on any host.
//
// Prints one line per check and exits 0 only if every check passed.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../emu/context_switch.h"
#include "../emu/executor.h"
#include "../emu/guarded_memory.h"
#include "../emu/kernel_library.h"
#include "../emu/microbench.h"

// Each translated kernel's descriptor, renamed at compile time (-Dgpuos_kernel_library_v1=…).
extern "C" {
const gpuos_kernel_library* gpuos_library_reduce_sum(void);
const gpuos_kernel_library* gpuos_library_prefix_scan(void);
const gpuos_kernel_library* gpuos_library_barrier_loop(void);
const gpuos_kernel_library* gpuos_library_atomics(void);
const gpuos_kernel_library* gpuos_library_simd_divergent_branches(void);
const gpuos_kernel_library* gpuos_library_divergent_barrier(void);
const gpuos_kernel_library* gpuos_library_deadlock(void);
const gpuos_kernel_library* gpuos_library_out_of_bounds(void);
const gpuos_kernel_library* gpuos_library_stack_overflow(void);
const gpuos_kernel_library* gpuos_library_stack_big_frame(void);
const gpuos_kernel_library* gpuos_library_simd_helper_reconverge(void);
}

namespace {

using namespace gpuos::emu;

int failures = 0;

void check(const char* name, bool ok, const std::string& detail = "") {
  std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, detail.empty() ? "" : ": ", detail.c_str());
  if (!ok) ++failures;
}

struct Buffer {
  GuardedRegion region;
  explicit Buffer(std::size_t bytes) { region.allocate(bytes); }
  template <class T>
  T* as() { return static_cast<T*>(region.data()); }
  BufferBinding binding() { return {region.data(), region.size(), &region}; }
};

const gpuos_kernel_desc* kernel_of(const gpuos_kernel_library* (*descriptor)(), KernelLibrary& library) {
  std::string error;
  if (!library.attach(descriptor(), error)) {
    check("attach kernel library", false, error);
    return nullptr;
  }
  return &library.descriptor()->kernels[0];
}

// ---- the context switch itself ----

struct PingPong {
  void* main_sp = nullptr;
  void* fiber_sp = nullptr;
  double fiber_sum = 0;
  long fiber_product = 1;
};

// Keeps many doubles and integers live across every switch, so on arm64 they sit in d8-d15 and
// x19-x28 (callee-saved) and any register the switch forgets shows up as a wrong sum.
[[noreturn]] void register_heavy_fiber(void* argument) {
  auto* state = static_cast<PingPong*>(argument);
  double a = 1.5, b = 2.25, c = 3.125, d = 4.0625, e = 5.5, f = 6.75, g = 7.875, h = 8.5;
  long i = 3, j = 5, k = 7, l = 11, m = 13, n = 17, o = 19, p = 23;
  for (;;) {
    gpuos_context_switch(&state->fiber_sp, state->main_sp);
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8;
    i = i * 3 % 1000003; j = j * 5 % 1000003; k = k * 7 % 1000003; l = l * 11 % 1000003;
    m = m * 13 % 1000003; n = n * 17 % 1000003; o = o * 19 % 1000003; p = p * 23 % 1000003;
    state->fiber_sum = a + b + c + d + e + f + g + h;
    state->fiber_product = (i + j + k + l + m + n + o + p) % 1000003;
  }
}

void check_context_switch() {
  GuardedRegion stack;
  stack.allocate(64 * 1024);
  PingPong state;
  state.fiber_sp = context_prepare(static_cast<char*>(stack.data()) + stack.size(), &register_heavy_fiber, &state);
  gpuos_context_switch(&state.main_sp, state.fiber_sp);  // starts the fiber, which switches straight back
  // The caller keeps its own live values in callee-saved registers across the same switches.
  double x = 0.5, y = -1.25, z = 9.0;
  long u = 1, v = 2, w = 3;
  double expected_a = 1.5, expected_b = 2.25, expected_c = 3.125, expected_d = 4.0625;
  double expected_e = 5.5, expected_f = 6.75, expected_g = 7.875, expected_h = 8.5;
  long ei = 3, ej = 5, ek = 7, el = 11, em = 13, en = 17, eo = 19, ep = 23;
  bool ok = true;
  const int rounds = 100000;
  for (int r = 0; r < rounds; ++r) {
    gpuos_context_switch(&state.main_sp, state.fiber_sp);
    x += 0.5; y -= 0.25; z *= 1.0000001; u += 1; v += 2; w += 3;
    expected_a += 1; expected_b += 2; expected_c += 3; expected_d += 4;
    expected_e += 5; expected_f += 6; expected_g += 7; expected_h += 8;
    ei = ei * 3 % 1000003; ej = ej * 5 % 1000003; ek = ek * 7 % 1000003; el = el * 11 % 1000003;
    em = em * 13 % 1000003; en = en * 17 % 1000003; eo = eo * 19 % 1000003; ep = ep * 23 % 1000003;
    const double sum = expected_a + expected_b + expected_c + expected_d + expected_e + expected_f + expected_g + expected_h;
    const long product = (ei + ej + ek + el + em + en + eo + ep) % 1000003;
    if (state.fiber_sum != sum || state.fiber_product != product) {
      ok = false;
      break;
    }
  }
  ok = ok && x == 0.5 + 0.5 * rounds && y == -1.25 - 0.25 * rounds && u == 1 + rounds && v == 2 + 2L * rounds &&
       w == 3 + 3L * rounds && z > 9.0;
  check("context switch keeps every callee-saved register of both sides over 100000 round trips", ok);
  const double ns = measure_context_switch_ns(200000);
  check("context switch microbenchmark runs", ns > 0, std::to_string(ns) + " ns per switch");
}

// ---- kernels ----

DispatchOutcome run(const gpuos_kernel_desc* kernel, std::uint32_t threads, std::vector<BufferBinding> buffers,
                    std::uint64_t seed = 1) {
  DispatchRequest request;
  request.kernel = kernel;
  request.threads[0] = threads;
  request.seed = seed;
  request.stack_bytes = 64 * 1024;
  for (std::size_t i = 0; i < buffers.size(); ++i) request.buffers[i] = buffers[i];
  return thread_executor().dispatch(request);
}

std::string first_code(const DispatchOutcome& outcome) {
  return outcome.findings.empty() ? std::string("ok") : outcome.findings[0].code;
}

void check_kernels() {
  KernelLibrary reduce_library, scan_library, loop_library, atomics_library, branches_library;
  KernelLibrary divergent_library, deadlock_library, oob_library, overflow_library, big_frame_library;
  KernelLibrary reconverge_library;

  {  // reduce_sum: 0.5 * sum(0..1023) for every seed
    const gpuos_kernel_desc* kernel = kernel_of(gpuos_library_reduce_sum, reduce_library);
    Buffer input(4096), output(4), params(8);
    for (int i = 0; i < 1024; ++i) input.as<float>()[i] = static_cast<float>(i);
    params.as<std::uint32_t>()[0] = 1024;
    params.as<float>()[1] = 0.5f;
    bool ok = true;
    for (std::uint64_t seed = 1; seed <= 8 && ok; ++seed) {
      const DispatchOutcome outcome = run(kernel, 1024, {input.binding(), output.binding(), params.binding()}, seed);
      ok = outcome.ok && output.as<float>()[0] == 261888.0f;
    }
    check("reduce_sum: simd_sum + threadgroup memory + barrier, 8 seeds", ok);
  }
  {  // prefix_scan across SIMD-groups, full and partial
    const gpuos_kernel_desc* kernel = kernel_of(gpuos_library_prefix_scan, scan_library);
    bool ok = true;
    for (std::uint32_t threads : {1024u, 1000u, 33u}) {
      Buffer input(threads * 4), output(threads * 4);
      std::uint32_t running = 0;
      for (std::uint32_t i = 0; i < threads; ++i) input.as<std::uint32_t>()[i] = (i * 2654435761u) >> 20;
      const DispatchOutcome outcome = run(kernel, threads, {input.binding(), output.binding()}, threads);
      ok = ok && outcome.ok;
      for (std::uint32_t i = 0; i < threads && ok; ++i) {
        running += input.as<std::uint32_t>()[i];
        ok = output.as<std::uint32_t>()[i] == running;
      }
    }
    check("prefix_scan: scans within and across SIMD-groups (1024, 1000, 33 threads)", ok);
  }
  {  // barrier_loop
    const gpuos_kernel_desc* kernel = kernel_of(gpuos_library_barrier_loop, loop_library);
    Buffer output(4096), rounds(4);
    rounds.as<std::uint32_t>()[0] = 50;
    const DispatchOutcome outcome = run(kernel, 1000, {output.binding(), rounds.binding()});
    bool ok = outcome.ok && outcome.stats.threadgroup_barriers == 101;
    for (std::uint32_t t = 0; t < 1000 && ok; ++t) ok = output.as<std::uint32_t>()[t] == (t + 50) % 1000;
    check("barrier_loop: 101 barriers in a loop, 1000 threads", ok, std::to_string(outcome.stats.elapsed_ns / 101) + " ns per barrier");
  }
  {  // barrier_loop observed: the dispatch pauses at every release (a switch to this stack and back)
    const gpuos_kernel_desc* kernel = &loop_library.descriptor()->kernels[0];
    Buffer output(4096), rounds(4);
    rounds.as<std::uint32_t>()[0] = 20;
    struct Observed {
      std::uint64_t releases = 0;
      std::uint64_t stop_at = ~0ull;
      bool ok = true;
    } observed;
    DispatchRequest request;
    request.kernel = kernel;
    request.threads[0] = 1000;
    request.stack_bytes = 64 * 1024;
    request.buffers[0] = output.binding();
    request.buffers[1] = rounds.binding();
    request.observer = {[](void* context, const BarrierRelease& release) {
                          auto& seen = *static_cast<Observed*>(context);
                          // slots[t] == (t + release / 2) % threads: what the phase before wrote.
                          const auto* slots = reinterpret_cast<const std::uint32_t*>(release.threadgroup_memory);
                          seen.ok = seen.ok && release.index == seen.releases && release.variable_count == 1 &&
                                    release.variables[0].offset == 0 && release.call_depth == 0;
                          for (std::uint32_t t = 0; t < 1000 && seen.ok; ++t) seen.ok = slots[t] == (t + release.index / 2) % 1000;
                          return ++seen.releases <= seen.stop_at;
                        },
                        &observed};
    const DispatchOutcome outcome = thread_executor().dispatch(request);
    check("barrier_loop observed: every release, memory as the phase left it", outcome.ok && observed.ok && observed.releases == 41);
    observed = Observed{};
    observed.stop_at = 3;
    const DispatchOutcome stopped = thread_executor().dispatch(request);
    check("an observer returning false stops the dispatch", first_code(stopped) == "E_OBSERVER_STOPPED" && observed.releases == 4,
          first_code(stopped));
    const DispatchOutcome after = run(kernel, 1000, {output.binding(), rounds.binding()});
    check("the executor runs normally after an observer stopped it", after.ok && output.as<std::uint32_t>()[0] == 20);
  }
  {  // atomics: histogram and CAS loop, any seed
    const gpuos_kernel_desc* kernel = kernel_of(gpuos_library_atomics, atomics_library);
    bool ok = true;
    for (std::uint64_t seed : {1ull, 2ull, 77ull}) {
      Buffer input(4096), histogram(256), totals(32), slot(4);
      for (std::uint32_t i = 0; i < 1024; ++i) input.as<std::uint32_t>()[i] = i * 7;
      std::uint32_t* t = totals.as<std::uint32_t>();
      t[1] = 0xffffffffu;
      t[2] = 0xffffffffu;
      const DispatchOutcome outcome = run(kernel, 1024, {input.binding(), histogram.binding(), totals.binding(), slot.binding()}, seed);
      std::uint32_t counted = 0;
      for (int b = 0; b < 64; ++b) counted += histogram.as<std::uint32_t>()[b];
      float float_sum = 0;
      for (std::uint32_t i = 0; i < 1024; ++i) float_sum += static_cast<float>((i * 7) % 16);
      std::uint32_t float_bits;
      std::memcpy(&float_bits, &float_sum, 4);
      ok = ok && outcome.ok && counted == 1024 && t[0] == 1023 * 7 && t[1] == 0 && t[5] == float_bits && t[7] == 1023;
    }
    check("atomics: histogram, min/max, CAS loop, exchange; 3 seeds", ok);
  }
  {  // SIMD calls in divergent branches
    const gpuos_kernel_desc* kernel = kernel_of(gpuos_library_simd_divergent_branches, branches_library);
    Buffer input(4096), output(4096);
    for (int i = 0; i < 1024; ++i) input.as<int>()[i] = (i * 37) % 100;
    const DispatchOutcome outcome = run(kernel, 1024, {input.binding(), output.binding()});
    bool ok = outcome.ok;
    for (int t = 0; t < 1024 && ok; ++t) {
      const int base = t - t % 32;
      const bool mine = input.as<int>()[t] % 3 == 0;
      int sum = 0;
      for (int l = 0; l < 32; ++l) {
        const int v = input.as<int>()[base + l];
        if ((v % 3 == 0) == mine) sum += mine ? v : v * 10;
      }
      ok = output.as<int>()[t] == sum * 100 + 32;
    }
    check("simd_divergent_branches: each side of a branch is its own active set", ok);
  }
  {  // helper calls as call sites, across divergence and reconvergence
    const gpuos_kernel_desc* kernel = kernel_of(gpuos_library_simd_helper_reconverge, reconverge_library);
    Buffer out(64 * 3 * 4);
    const DispatchOutcome outcome = run(kernel, 64, {out.binding()});
    bool ok = outcome.ok;
    for (int t = 0; t < 64 && ok; ++t) {
      const int* v = out.as<int>() + t * 3;
      ok = v[0] == (t % 32 < 16 ? 16 : 0) && v[1] == 3200 && v[2] == 112;
    }
    check("simd_helper_reconverge: two calls of one helper are two call sites", ok);
  }
  {  // rejected kernels
    Buffer output(4096), flag(4), sink(16);
    const DispatchOutcome divergent = run(kernel_of(gpuos_library_divergent_barrier, divergent_library), 1024, {output.binding()});
    check("divergent_barrier is reported", first_code(divergent) == "E_BARRIER_DIVERGENCE", first_code(divergent));
    const DispatchOutcome deadlock = run(kernel_of(gpuos_library_deadlock, deadlock_library), 1024, {flag.binding()});
    check("deadlock is reported", first_code(deadlock) == "E_DEADLOCK", first_code(deadlock));
    const DispatchOutcome oob = run(kernel_of(gpuos_library_out_of_bounds, oob_library), 1024, {output.binding()});
    check("out_of_bounds is caught by the guard page", first_code(oob) == "E_OUT_OF_BOUNDS" && !oob.findings.empty() &&
                                                             oob.findings[0].buffer_index == 0 && oob.findings[0].buffer_offset == 4096,
          first_code(oob));
    const DispatchOutcome overflow = run(kernel_of(gpuos_library_stack_overflow, overflow_library), 64, {sink.binding()});
    check("stack_overflow is caught on the alternate signal stack", first_code(overflow) == "E_STACK_OVERFLOW", first_code(overflow));
    {
      DispatchRequest request;
      request.kernel = kernel_of(gpuos_library_stack_big_frame, big_frame_library);
      request.threads[0] = 4;
      request.stack_bytes = 32 * 1024;
      request.buffers[0] = sink.binding();
      const DispatchOutcome big = thread_executor().dispatch(request);
      check("a frame larger than a page lands in the stack guard, not the neighbour's stack",
            first_code(big) == "E_STACK_OVERFLOW", first_code(big));
    }
    // And the executor still works after faults.
    Buffer input(4096), output2(4), params(8);
    for (int i = 0; i < 1024; ++i) input.as<float>()[i] = 1.0f;
    params.as<std::uint32_t>()[0] = 1024;
    params.as<float>()[1] = 1.0f;
    const DispatchOutcome after = run(&reduce_library.descriptor()->kernels[0], 1024, {input.binding(), output2.binding(), params.binding()});
    check("the executor runs normally after faults", after.ok && output2.as<float>()[0] == 1024.0f);
  }
}

}  // namespace

int main() {
#if defined(__aarch64__)
  std::printf("architecture: arm64\n");
#elif defined(__x86_64__)
  std::printf("architecture: x86-64\n");
#endif
  check_context_switch();
  check_kernels();
  std::printf("%s: %d failure%s\n", failures == 0 ? "ALL PASSED" : "FAILED", failures, failures == 1 ? "" : "s");
  return failures == 0 ? 0 : 1;
}

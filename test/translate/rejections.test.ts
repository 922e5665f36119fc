import { describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer, KernelCompileError, KernelSubsetError, translateKernel } from '../../src/index.js';

/** Translates `source` expecting rejection; returns the diagnostics as "line: message". */
async function rejected(source: string): Promise<string[]> {
  try {
    await translateKernel({ source, fileName: 'subset.metal' });
  } catch (error) {
    if (!(error instanceof KernelSubsetError)) throw error;
    expect(error.code).toBe('E_KERNEL_UNSUPPORTED');
    expect(error.message).toContain('docs/KERNEL_SUBSET.md');
    return error.diagnostics.map((d) => {
      expect(d.file).toBe('subset.metal');
      return `${d.line}: ${d.message}`;
    });
  }
  throw new Error('expected the translation to be rejected');
}

const PRELUDE = '#include <metal_stdlib>\nusing namespace metal;\n';

describe('the translator rejects what the emulator cannot run faithfully, at the right line', () => {
  it('host C++ a kernel could use to reach the host process', async () => {
    const lines = await rejected(
      `${PRELUDE}extern "C" int system(const char*);\n` +
        `__attribute__((constructor)) static void at_load() {}\n` +
        `kernel void k(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {\n` +
        `  asm volatile("syscall");\n` +
        `  uint* p = new uint[4]; delete[] p;\n` +
        `  o[t] = __builtin_popcount(t);\n` +
        `}\n`,
    );
    expect(lines).toEqual([
      "3: 'extern': is host C++, not MSL: a kernel cannot reach the host process (see docs/KERNEL_SUBSET.md)",
      "4: '__attribute__((constructor))' is host C++, not MSL: a kernel cannot run code in the host process",
      "6: 'asm': is host C++, not MSL: a kernel cannot reach the host process (see docs/KERNEL_SUBSET.md)",
      "7: 'new': MSL has no dynamic allocation (new); use a device or threadgroup buffer",
      "7: 'delete': MSL has no dynamic allocation (delete)",
      "8: '__builtin_popcount': compiler builtins are not MSL; use the Metal library function",
    ]);
    // What Metal kernels do use stays accepted: METAL_FUNC (an always_inline attribute), offsetof.
    await translateKernel({ source: `${PRELUDE}struct S { uint a; uint b; };\nMETAL_FUNC uint f(uint x) { return x + offsetof(S, b); }\nkernel void k(device uint* o [[buffer(0)]]) { o[0] = f(1); }\n`, fileName: 'ok.metal' });
  });

  it('barriers and SIMD-group calls inside lambdas and member functions (they would merge call sites)', async () => {
    const lines = await rejected(
      `${PRELUDE}struct Reducer { uint sum(uint x) { return simd_sum(x); } };\n` +
        `kernel void k(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {\n` +
        `  auto f = [](uint x) { return simd_sum(x); };\n` +
        `  auto g = [&] mutable -> uint { threadgroup_barrier(mem_flags::mem_none); return 0u; };\n` +
        `  o[t] = f(1) + g();\n` +
        `}\n`,
    );
    expect(lines).toEqual([
      "3: 'simd_sum' is called inside a member function: the emulator tells synchronising calls apart by call site only through free functions, so call it from a free function or the kernel",
      "5: 'simd_sum' is called inside a lambda: the emulator tells synchronising calls apart by call site only through free functions, so call it from a free function or the kernel",
      "6: 'threadgroup_barrier' is called inside a lambda: the emulator tells synchronising calls apart by call site only through free functions, so call it from a free function or the kernel",
    ]);
    // Blocks that are not lambdas, lambdas that do not synchronise, and deleted functions are fine.
    await translateKernel({
      source:
        `${PRELUDE}struct NoCopy { NoCopy() = default; NoCopy(const NoCopy&) = delete; };\n` +
        `kernel void k(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {\n` +
        `  auto twice = [](uint x) { return 2u * x; };\n` +
        `  if (o[t] > 0u) [[likely]] { o[t] = simd_sum(twice(t)); }\n` +
        `  { uint a[2] = {1u, 2u}; o[t] += a[t & 1u]; }\n` +
        `  uint parts[2] { simd_sum(t), simd_max(t) };\n` +
        `  o[t] += parts[0] + o[t] * uint2{simd_sum(1u), 0u}.x;\n` +
        `  auto sum = [](uint x) { return x; }; o[t] += sum(1u);\n` +
        `}\n`,
      fileName: 'ok.metal',
    });
  });

  it('textures and samplers', async () => {
    const lines = await rejected(`${PRELUDE}kernel void k(texture2d<float> t [[texture(0)]], sampler s [[sampler(0)]]) {}\n`);
    expect(lines).toContain("3: 'texture2d': textures are not supported by the CPU emulator; pass the data in a device buffer");
    expect(lines).toContain("3: 'sampler': samplers are not supported by the CPU emulator");
  });

  it('vertex and fragment functions', async () => {
    const lines = await rejected(`${PRELUDE}\nvertex float4 v(uint id [[vertex_id]]) { return float4(0); }\nkernel void k(device float* p [[buffer(0)]]) {}\n`);
    expect(lines[0]).toMatch(/^4: 'vertex': only compute kernels run on the emulator/);
  });

  it('double, long double literals and matrices', async () => {
    const lines = await rejected(`${PRELUDE}kernel void k(device float* p [[buffer(0)]]) {\n  double d = 1.0;\n  p[0] = 2.0L;\n  float4x4 m;\n}\n`);
    expect(lines).toEqual([
      "4: 'double': MSL has no double; use float",
      "5: '2.0L': MSL has no long double; use a float literal",
      "6: 'float4x4': matrix types are not supported by the CPU emulator yet; use vectors",
    ]);
  });

  it('threadgroup variables outside a kernel, and writable program-scope variables', async () => {
    const lines = await rejected(
      `${PRELUDE}float scale = 2.0;\nstatic void helper() {\n  threadgroup float cache[16];\n}\nkernel void k(device float* p [[buffer(0)]]) { helper(); }\n`,
    );
    expect(lines[0]).toMatch(/^3: program-scope variable 'scale' must be declared in the constant address space/);
    expect(lines[1]).toBe("5: threadgroup variable 'cache' must be declared inside a kernel function (MSL allows them only at kernel scope)");
    // A brace initialiser is not a struct body.
    const braced = await rejected(`${PRELUDE}struct S { uint v; };\nstruct S s = {0};\nkernel void k(device uint* o [[buffer(0)]]) { o[0] = s.v; }\n`);
    expect(braced).toEqual([expect.stringMatching(/^4: program-scope variable 's' must be declared in the constant address space/)]);
  });

  it('threadgroup variables with initializers, or mixed with pointers', async () => {
    expect(await rejected(`${PRELUDE}kernel void k() {\n  threadgroup int n = 0;\n}\n`)).toEqual([
      '4: threadgroup variables cannot have initializers; assign them in the kernel, then barrier',
    ]);
    expect(await rejected(`${PRELUDE}kernel void k() {\n  threadgroup float a[4], *p;\n}\n`)).toEqual([
      '4: declare threadgroup variables and pointers to threadgroup memory in separate statements',
    ]);
  });

  it('kernel signatures it cannot bind', async () => {
    const lines = await rejected(
      `${PRELUDE}kernel float bad_return(device float* p [[buffer(0)]]) { return 0; }\n` +
        `kernel void no_attribute(float p) {}\n` +
        `kernel void by_value(device float p [[buffer(0)]]) {}\n` +
        `kernel void stage(float4 p [[stage_in]]) {}\n` +
        `kernel void twice(device float* p [[buffer(0)]]) {}\n\nkernel void twice(device int* p [[buffer(0)]]) {}\n`,
    );
    expect(lines).toContain("3: kernel 'bad_return' must return void");
    expect(lines).toContain(
      "4: kernel 'no_attribute': parameter 'p' needs [[buffer(n)]], [[threadgroup(n)]] or a built-in attribute such as [[thread_index_in_threadgroup]]",
    );
    expect(lines).toContain("5: kernel 'by_value': parameter 'p' binds memory, so it must be a pointer or a reference (for example `device float* p`)");
    expect(lines).toContain("6: kernel 'stage': parameter 'p': attribute [[stage_in]] is not supported by the CPU emulator");
    expect(lines).toContain("9: two kernels are named 'twice'");
  });

  it('template kernels: one error each for a missing, mismatched or unnamed instantiation, and nothing after it', async () => {
    const template = `${PRELUDE}template <typename T> kernel void scale(device T* p [[buffer(0)]], uint i [[thread_position_in_grid]]) { p[i] *= T(2); }\n`;
    expect(await rejected(template)).toEqual([
      "3: template kernel 'scale' is never instantiated; add `template [[host_name(\"scale_float\")]] kernel void scale<float>(parameter types);` for each type",
    ]);
    expect(await rejected(`${template}template [[host_name("s")]] kernel void scale<float>(device float* p);\n`)).toEqual([
      "4: explicit instantiation of 'scale' lists 1 parameters; the template kernel has 2",
    ]);
    expect(await rejected(`${template}template [[host_name("s")]] kernel void other<float>(device float*, uint);\n`)).toEqual([
      "4: explicit instantiation of 'other': no template kernel of that name is defined before it",
    ]);
    expect(await rejected(`${template}template kernel void scale<float>(device float*, uint);\ntemplate kernel void scale<int>(device int*, uint);\n`)).toEqual([
      "5: two kernels are named 'scale': give each instantiation its own [[host_name(\"...\")]]",
    ]);
  });

  it('unknown attributes outside kernel signatures, quad-group functions, unbalanced braces', async () => {
    expect(await rejected(`${PRELUDE}struct V { float4 p [[position]]; };\nkernel void k(device float* p [[buffer(0)]]) {}\n`)).toEqual([
      '3: attribute [[position]] is not supported here by the CPU emulator',
    ]);
    expect(await rejected(`${PRELUDE}kernel void k(device float* p [[buffer(0)]]) { p[0] = quad_sum(p[0]); }\n`)).toEqual([
      "3: 'quad_sum': quad-group functions are not supported yet; use the simd_ functions",
    ]);
    expect(await rejected(`${PRELUDE}kernel void k(device float* p [[buffer(0)]]) {\n  if (p[0] > 0) {\n}\n`)).toEqual([
      "3: '{' is never closed", // the kernel's own brace: the one `}` closes the if
    ]);
  });

  it('a file with no kernel', async () => {
    expect(await rejected(`${PRELUDE}static float helper(float x) { return x; }\n`)).toEqual([
      '0: no kernel function found; mark the entry point `kernel void name(...)`',
    ]);
  });

  it('accepts user identifiers that merely look like rejected ones', async () => {
    const translated = await translateKernel({
      source: `${PRELUDE}kernel void k(device uint* p [[buffer(0)]], uint quad_index [[quadgroup_index_in_threadgroup]]) {\n  uint texture_count = 3, sampler_id = 1;\n  p[quad_index] = texture_count + sampler_id;\n}\n`,
      fileName: 'subset.metal',
    });
    expect(translated.cpp).toContain('texture_count');
  });
});

describe('inputs the translator once miscompiled silently', () => {
  it('shares threadgroup arrays declared behind attributes or qualifiers', async () => {
    for (const prefix of ['[[maybe_unused]] ', 'volatile ']) {
      const library = await compileKernel({
        fileName: 'prefixed.metal',
        source: `${PRELUDE}kernel void k(device int* out [[buffer(0)]], uint i [[thread_index_in_threadgroup]]) {\n  ${prefix}threadgroup int tile[64];\n  tile[i] = i + 100;\n  threadgroup_barrier(mem_flags::mem_threadgroup);\n  out[i] = tile[63 - i];\n}\n`,
      });
      const out = new DeviceBuffer(256);
      const result = await library.kernel().dispatch({ threads: 64, buffers: [out] });
      expect(Array.from(out.readInt32())).toEqual(Array.from({ length: 64 }, (_, i) => 163 - i));
      expect(result.stats.threadgroupMemoryBytes).toBe(256);
    }
  });

  it('rejects any other threadgroup qualifier it would have to drop', async () => {
    expect(await rejected(`${PRELUDE}kernel void k(device int* out [[buffer(0)]]) {\n  for (threadgroup int i = 0; i < 4; ++i) out[i] = i;\n}\n`)).toEqual([
      expect.stringMatching(/^4: this `threadgroup` is neither a kernel-scope variable declaration nor a pointer or reference/),
    ]);
  });

  it('rejects writable statics and globals, in any form', async () => {
    const lines = await rejected(
      `${PRELUDE}inline int g_count = 0;\nstruct { int n; } g_struct;\nkernel void k(device int* out [[buffer(0)]]) {\n  static int calls = 0;\n  static constexpr int limit = 4;\n  out[0] = ++calls + limit;\n}\n`,
    );
    expect(lines).toEqual([
      expect.stringMatching(/^3: program-scope variable 'g_count' must be declared in the constant address space/),
      expect.stringMatching(/^4: program-scope variable 'g_struct' must be declared in the constant address space/),
      expect.stringMatching(/^6: static variable 'calls' is one variable shared by every thread and every dispatch/),
    ]);
  });

  it('rejects implicit buffer indices next to index expressions, duplicate and out-of-range indices', async () => {
    expect(
      await rejected(`${PRELUDE}constant uint kIn = 0;\nkernel void k(device const int* in [[buffer(kIn)]], device int* out) { out[0] = in[0]; }\n`),
    ).toEqual([expect.stringMatching(/'out' has no \[\[buffer\(n\)\]\] while 'in' uses an index expression/)]);
    expect(await rejected(`${PRELUDE}kernel void k(device int* a [[buffer(1)]], device int* b [[buffer(1)]]) {}\n`)).toEqual([
      "3: kernel 'k': buffer arguments 'a' and 'b' both use index 1",
    ]);
    expect(await rejected(`${PRELUDE}kernel void k(device int* a [[buffer(99999999999999999999999)]], device int* b) {}\n`)).toEqual([
      "3: kernel 'k': buffer index 99999999999999999999999 of 'a' is not an index from 0 to 30",
    ]);
  });

  it('has the compiler check index expressions for clashes', async () => {
    const error = await compileKernel({
      fileName: 'clash.metal',
      source: `${PRELUDE}constant uint kA = 2;\nconstant uint kB = 2;\nkernel void k(device int* a [[buffer(kA)]], device int* b [[buffer(kB)]]) { a[0] = b[0]; }\n`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KernelCompileError);
    expect((error as KernelCompileError).message).toContain("kernel 'k': buffer arguments 'a' and 'b' use the same index");
  });
});

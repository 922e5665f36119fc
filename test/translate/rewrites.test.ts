import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer, KernelCompileError, translateKernel } from '../../src/index.js';

const PRELUDE = '#include <metal_stdlib>\nusing namespace metal;\n';

/** The translated text of `body`, squeezed to single spaces for matching. */
async function translated(body: string): Promise<string> {
  return (await translateKernel({ source: PRELUDE + body, fileName: 'rewrite.metal' })).cpp.replace(/\s+/g, ' ');
}

describe('what the translator rewrites', () => {
  it('gives floating literals MSL types: unsuffixed is float, h is half', async () => {
    const cpp = await translated('kernel void k(device float* p [[buffer(0)]]) { p[0] = 0.5 + 1e-3 + 2.f + 0x1.8p1; half h = 1.5h; p[1] = h; }\n');
    expect(cpp).toContain('0.5f + 1e-3f + 2.f + 0x1.8p1f');
    expect(cpp).toContain('::half::from_literal(1.5)');
    expect(cpp).not.toMatch(/0\.5 [^f]/);
  });

  it('drops address spaces, keeping constant as const', async () => {
    const cpp = await translated('kernel void k(device const float* a [[buffer(0)]], constant uint& n [[buffer(1)]], device float* out [[buffer(2)]]) { thread float x = a[0]; out[0] = x * n; }\n');
    expect(cpp).toContain('void k( const float* a , const uint& n , float* out )');
    const kernelCode = cpp.slice(0, cpp.indexOf('static void __gpuos_entry'));
    expect(kernelCode).not.toMatch(/\b(device|thread|constant)\b/);
  });

  it('turns kernel-scope threadgroup arrays into shared storage, one slot each', async () => {
    const cpp = await translated('kernel void k(uint t [[thread_index_in_threadgroup]]) { threadgroup float a[32], b[2][8]; threadgroup atomic_uint c; threadgroup float* p = a; p[t] = b[0][0]; }\n');
    expect(cpp).toContain('auto& a = ::gpuos_glue::threadgroup_variable<float[32]>(0u, "a");');
    expect(cpp).toContain('auto& b = ::gpuos_glue::threadgroup_variable<float[2][8]>(1u, "b");');
    expect(cpp).toContain('auto& c = ::gpuos_glue::threadgroup_variable<atomic_uint>(2u, "c");');
    expect(cpp).toContain('float* p = a;');
  });

  it('never fuses the tokens of an expression it respells into other tokens', async () => {
    const cpp = await translated('constant int N = 3;\nconstant int M = 2;\nkernel void k(uint t [[thread_index_in_threadgroup]]) { threadgroup float a[N - -1], b[N / *&M]; a[t % 4u] = b[0]; }\n');
    expect(cpp).toContain('threadgroup_variable<float[N- -1]>');
    expect(cpp).toContain('threadgroup_variable<float[N/ * &M]>');
    expect(cpp).not.toContain('N--1');
    expect(cpp).not.toContain('/*');
  });

  it('keeps every line of the kernel on its .metal line, so compile errors point there', async () => {
    const source = `${PRELUDE}kernel void k(device float* p [[buffer(0)]])\n{\n  float4 v = float4(1.0);\n  p[0] = v.q;\n}\n`;
    const error = await compileKernel({ source, fileName: 'typo.metal' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KernelCompileError);
    const compile = error as KernelCompileError;
    expect(compile.code).toBe('E_KERNEL_COMPILE');
    expect(compile.diagnostics[0]).toMatchObject({ file: 'typo.metal', line: 6 });
    expect(compile.message).toContain('typo.metal failed to compile');
    expect(compile.message).toContain("typo.metal:6:");
  });

  it('reports a missing #include at its line, from the preprocessor', async () => {
    const error = await compileKernel({ source: `${PRELUDE}#include "missing_header.h"\nkernel void k(device float* p [[buffer(0)]]) {}\n`, fileName: 'inc.metal' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KernelCompileError);
    expect((error as KernelCompileError).message).toContain('inc.metal failed to preprocess');
    expect((error as KernelCompileError).diagnostics[0]).toMatchObject({ file: 'inc.metal', line: 3 });
  });
});

describe('kernels in the shapes real Metal code uses', () => {
  it('runs kernels in namespaces, with [[kernel]], [[host_name]], macros and local headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuos-translate-'));
    writeFileSync(join(dir, 'shared_types.h'), '#pragma once\n#ifdef __METAL_VERSION__\n#define BUFFER(n) [[buffer(n)]]\n#endif\nstruct Pair { uint first; uint second; };\n');
    writeFileSync(
      join(dir, 'shapes.metal'),
      `${PRELUDE}#include "shared_types.h"\n` +
        'namespace app { namespace detail {\n' +
        'constant uint kOffset = 7;\n' +
        'static uint combine(Pair p) { return p.first * 10 + p.second + kOffset; }\n' +
        '} // namespace detail\n' +
        '[[kernel]] void pairs(device const Pair* in BUFFER(0), device uint* out BUFFER(1), uint t [[thread_position_in_grid]]) { out[t] = detail::combine(in[t]); }\n' +
        '[[host_name("renamed")]] kernel void original(device uint* out [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) { out[t] = t + detail::kOffset; }\n' +
        '}\n',
    );
    const library = await compileKernel(join(dir, 'shapes.metal'));
    expect(library.kernels.map((k) => k.name).sort()).toEqual(['pairs', 'renamed']);
    const out = new DeviceBuffer(16);
    await library.kernel('pairs').dispatch({ threads: 4, buffers: [DeviceBuffer.from(new Uint32Array([1, 2, 3, 4, 5, 6, 7, 8])), out] });
    expect(Array.from(out.readUint32())).toEqual([19, 41, 63, 85]);
    await library.kernel('renamed').dispatch({ threads: 4, buffers: [out] });
    expect(Array.from(out.readUint32())).toEqual([7, 8, 9, 10]);
    expect(() => library.kernel('original')).toThrow("has no kernel 'original' (it has: pairs, renamed)");
    expect(() => library.kernel()).toThrow(/has 2 kernels; name one of: pairs, renamed/);
  });
});

describe('helper functions in the forms C++ allows', () => {
  it('takes threadgroup arrays by reference and by pointer to array', async () => {
    const library = await compileKernel({
      fileName: 'array_refs.metal',
      source:
        `${PRELUDE}uint at(threadgroup uint (&tile)[32], uint i) { return tile[i]; }\n` +
        'uint first(threadgroup uint (*tile)[32]) { return (*tile)[0]; }\n' +
        'kernel void k(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {\n' +
        '  threadgroup uint tile[32];\n  tile[t] = t * 10u;\n  threadgroup_barrier(mem_flags::mem_threadgroup);\n' +
        '  o[t] = at(tile, 31u - t) + first(&tile);\n}\n',
    });
    const out = new DeviceBuffer(32 * 4);
    await library.kernel('k').dispatch({ threads: 32, buffers: [out] });
    expect(Array.from(out.readUint32())).toEqual(Array.from({ length: 32 }, (_, t) => (31 - t) * 10));
  });

  it('runs kernels beside operator overloads, attribute-prefixed templates and member functions', async () => {
    const library = await compileKernel({
      fileName: 'helpers.metal',
      source:
        `${PRELUDE}struct Accumulator {\n  uint total;\n  Accumulator operator+(uint v) const { return Accumulator{total + v}; }\n  uint operator()(uint scale) const { return total * scale; }\n};\n` +
        'template <typename T> METAL_FUNC T twice(T v) { return v * 2; }\n' +
        'static inline __attribute__((always_inline)) uint thrice(uint v) { return v * 3; }\n' +
        'kernel void helpers(device uint* out [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {\n' +
        '  threadgroup uint shared[8];\n  shared[t] = thrice(t);\n  threadgroup_barrier(mem_flags::mem_threadgroup);\n' +
        '  Accumulator a{twice(t)};\n  out[t] = (a + shared[7 - t])(10);\n}\n',
    });
    const out = new DeviceBuffer(32);
    await library.kernel().dispatch({ threads: 8, buffers: [out] });
    expect(Array.from(out.readUint32())).toEqual(Array.from({ length: 8 }, (_, t) => (2 * t + 3 * (7 - t)) * 10));
  });
});

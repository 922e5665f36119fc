// The CUDA path cannot rot on machines without a GPU: every kernel the project ships is
// translated for CUDA and compiled by nvcc (compile only) wherever nvcc exists, as CI has.
// Tests that need a GPU are in cuda_device.test.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { translateKernel } from '../../src/index.js';
import { buildCudaImage } from '../../src/kernel/cuda/cuda_library.js';
import { cudaToolchainProblem } from '../../src/kernel/cuda/nvcc.js';

const SOURCE = `#include <metal_stdlib>
using namespace metal;
struct Pair { float2 a; uint n; uint twice() const { return n * 2; } };
static uint helper(uint x);
static uint helper(uint x) { return max(x, 3u); }
constant uint TABLE[4] = {1, 2, 3, 4};
kernel void k(device uint* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
  threadgroup uint shared[64];
  shared[tid % 64] = helper(tid) + TABLE[tid % 4];
  threadgroup_barrier(mem_flags::mem_threadgroup);
  Pair p; p.a = float2(1.0, 2.0); p.n = tid;
  out[tid] = shared[(tid + 1) % 64] + p.twice() + uint(abs(p.a.x));
}
`;

describe('the CUDA translation', () => {
  it('marks every function and program-scope constant __device__, threadgroup variables __shared__, and wraps each kernel in an extern "C" __global__', async () => {
    const { cpp, entries } = await translateKernel({ source: SOURCE, fileName: 'cuda_shape.metal' }, 'cuda');
    const text = cpp.replace(/\s+/g, ' ');
    expect(text).toContain('#include "cuda/gpuos_kernel_prelude.h"');
    expect(text).toContain('__device__ uint twice() const');
    expect(text.match(/__device__ static uint helper\(uint x\)/g)).toHaveLength(2);
    expect(text).toContain('__device__ const uint TABLE[4]');
    expect(text).toContain('__shared__ uint shared[64];');
    expect(text).toContain('extern "C" __global__ void __launch_bounds__(GPUOS_CUDA_MAX_THREADS) gpuos_cuda_entry_0(');
    // Names CUDA's headers also declare are qualified; members are not.
    expect(text).toContain('::metal::float2 a;');
    expect(text).toContain('::metal::max(x, 3u)');
    expect(text).toContain('p.a.x');
    expect(text).not.toContain('threadgroup_variable');
    expect(text).not.toContain('scoped_call');
    expect(entries.get('k')).toBe('gpuos_cuda_entry_0');
  });

  it('leaves the emulator translation without any CUDA markup', async () => {
    const { cpp } = await translateKernel({ source: SOURCE, fileName: 'cpu_shape.metal' });
    expect(cpp).not.toMatch(/__device__|__shared__|__global__|::metal::float2/);
    expect(cpp).toContain('threadgroup_variable');
  });
});

const problem = cudaToolchainProblem();

function metalFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? metalFiles(path) : path.endsWith('.metal') ? [path] : [];
  });
}

const KERNELS = ['kernels/os_kernel.metal', ...metalFiles('kernels/host'), ...metalFiles('kernels/tests'), ...metalFiles('test/foreign/kernels'), ...metalFiles('bench/kernels')].sort();

describe.skipIf(problem !== undefined)(`nvcc compiles every shipped kernel for sm_90${problem ? ` (skipped: ${problem})` : ''}`, () => {
  it(`builds ${KERNELS.length} kernels into cubins holding each kernel's entry`, async () => {
    const queue = [...KERNELS];
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        try {
          const { path, translated } = await buildCudaImage(file, 'sm_90');
          const image = readFileSync(path).toString('latin1');
          expect(image.startsWith('\x7fELF')).toBe(true);
          for (const entry of translated.entries.values()) expect(image, `${file}: ${entry}`).toContain(entry);
          expect(translated.entries.size).toBeGreaterThan(0);
        } catch (error) {
          failures.push(`${file}: ${(error as Error).message.split('\n').slice(0, 4).join(' | ')}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
  }, 600_000);
});

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer } from '../../src/index.js';

const previous = process.env.GPUOS_KERNEL_CACHE;
afterEach(() => {
  if (previous === undefined) delete process.env.GPUOS_KERNEL_CACHE;
  else process.env.GPUOS_KERNEL_CACHE = previous;
});

describe('the kernel cache', () => {
  it('survives many compiles of one new kernel at the same moment', async () => {
    process.env.GPUOS_KERNEL_CACHE = mkdtempSync(join(tmpdir(), 'gpuos-cache-'));
    // A multiplier of this moment (never 0, so a kernel that did not run cannot pass): a new kernel.
    const multiplier = 1 + (Date.now() % 999);
    const source = `#include <metal_stdlib>\nusing namespace metal;\nkernel void k(device uint* out [[buffer(0)]], uint i [[thread_index_in_threadgroup]]) { out[i] = i * ${multiplier}u; }\n`;
    const libraries = await Promise.all(Array.from({ length: 8 }, () => compileKernel({ source, fileName: 'concurrent.metal' })));
    for (const library of libraries) {
      const out = new DeviceBuffer(16);
      await library.kernel('k').dispatch({ threads: 4, buffers: [out] });
      expect(out.readUint32()[3]).toBe(3 * multiplier);
    }
    // Exactly one library and its translated source remain; no temporaries.
    const files = readdirSync(process.env.GPUOS_KERNEL_CACHE).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.cpp$/);
    expect(files[1]).toMatch(/^[0-9a-f]{32}\.so$/);
  });
});

/**
 * kernels/host/framebuffer_digests.metal computes the framebuffer's block digests where the
 * framebuffer lives (a CUDA session's capture runs it on the GPU). It must give exactly the host's
 * digests (DeviceBuffer.tileDigests, XXH64 over each block's rows): checked here on the emulator,
 * for images whose edge blocks are cut to every parity (odd widths make 8-byte lanes straddle rows).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { compileKernel } from '../../src/kernel/compile.js';
import { DeviceBuffer } from '../../src/kernel/device_buffer.js';
import { packageRoot } from '../../src/kernel/package_root.js';

const KERNEL = join(packageRoot(), 'kernels', 'host', 'framebuffer_digests.metal');

function pixels(width: number, height: number, salt: number): Uint32Array {
  const out = new Uint32Array(width * height);
  let x = 0x12345678 ^ salt;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

describe('framebuffer_digests.metal', () => {
  it.each([
    [1, 1, 32],
    [7, 3, 32],
    [33, 17, 32],
    [64, 64, 32],
    [101, 37, 32],
    [320, 180, 32],
    [45, 29, 16],
  ])('gives the host digest of every block of a %ix%i image in blocks of %i', async (width, height, block) => {
    const kernel = (await compileKernel(KERNEL)).kernel('framebuffer_digests');
    const image = DeviceBuffer.from(pixels(width, height, width * 31 + height));
    const blocks = Math.ceil(width / block) * Math.ceil(height / block);
    const digests = new DeviceBuffer(blocks * 4);
    await kernel.dispatch({ threads: 1024, buffers: [image, digests, DeviceBuffer.from(new Uint32Array([width, height, block]))] });
    const host = image.tileDigests(width, height, block, Uint32Array.from({ length: blocks }, (_, i) => i));
    const gpu = new Uint32Array(digests.read().buffer.slice(0));
    expect(gpu).toEqual(host);
    // Not a constant: different blocks of noise digest differently.
    if (blocks > 1) expect(new Set(gpu).size).toBe(blocks);
  });
});

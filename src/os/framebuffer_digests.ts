/**
 * The framebuffer's block digests computed on the GPU (kernels/host/framebuffer_digests.metal), so
 * a CUDA session's capture reads back one 32-bit digest per 32x32 block instead of every pixel.
 * The digests are the host's (DeviceBuffer.tileDigests): test/os/framebuffer_digests.test.ts
 * checks the kernel against them on the emulator, npm run verify:cuda on a GPU.
 */
import { join } from 'node:path';

import { compileKernel } from '../kernel/compile.js';
import type { CudaKernel } from '../kernel/cuda/cuda_library.js';
import { DeviceBuffer } from '../kernel/device_buffer.js';
import { packageRoot } from '../kernel/package_root.js';

export function framebufferDigestsKernelPath(): string {
  return join(packageRoot(), 'kernels', 'host', 'framebuffer_digests.metal');
}

let pendingCuda: Promise<CudaKernel> | undefined;

function loadForCuda(): Promise<CudaKernel> {
  pendingCuda ??= compileKernel({ path: framebufferDigestsKernelPath(), backend: 'cuda' })
    .then((library) => library.kernel('framebuffer_digests'))
    .catch((error: unknown) => {
      pendingCuda = undefined;
      throw error;
    });
  return pendingCuda;
}

export class GpuFramebufferDigests {
  private readonly digests: DeviceBuffer;
  private readonly shape: DeviceBuffer;

  private constructor(
    private readonly kernel: CudaKernel,
    readonly blockCount: number,
    width: number,
    height: number,
    blockSize: number,
  ) {
    this.digests = new DeviceBuffer(blockCount * 4);
    this.shape = DeviceBuffer.from(new Uint32Array([width, height, blockSize]));
  }

  static async forCuda(width: number, height: number, blockSize: number): Promise<GpuFramebufferDigests> {
    const blocks = Math.ceil(width / blockSize) * Math.ceil(height / blockSize);
    return new GpuFramebufferDigests(await loadForCuda(), blocks, width, height, blockSize);
  }

  /** Every block's digest of `pixels` (a framebuffer of the size given), computed on the GPU. */
  compute(pixels: DeviceBuffer): Uint32Array {
    this.kernel.dispatchSync({ threads: 1024, buffers: { pixels, digests: this.digests, shape: this.shape } });
    const bytes = this.digests.read();
    return new Uint32Array(bytes.buffer, bytes.byteOffset, this.blockCount);
  }

  release(): void {
    this.digests.release();
    this.shape.release();
  }
}

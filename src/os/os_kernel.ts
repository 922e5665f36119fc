/**
 * The OS kernel (kernels/os_kernel.metal), compiled for the CPU emulator once per process and
 * cached on disk by content like every other kernel.
 */
import { join } from 'node:path';

import { compileKernel } from '../kernel/compile.js';
import type { CudaKernel } from '../kernel/cuda/cuda_library.js';
import type { Kernel } from '../kernel/kernel_library.js';
import { packageRoot } from '../kernel/package_root.js';

export const OS_KERNEL_NAME = 'gpuos_os_frame';
/** The kernel's SIMD-group roles assume a full threadgroup (kernels/gpuos_abi.h GPUOS_OS_THREADS). */
export const OS_THREADS = 1024;

export function osKernelPath(): string {
  return join(packageRoot(), 'kernels', 'os_kernel.metal');
}

let pending: Promise<Kernel> | undefined;
let pendingCuda: Promise<CudaKernel> | undefined;

/** The OS kernel built for the CUDA backend (compiled with nvcc for this GPU, cached on disk). */
export async function loadOsKernelForCuda(): Promise<CudaKernel> {
  pendingCuda ??= compileKernel({ path: osKernelPath(), backend: 'cuda' })
    .then((library) => library.kernel(OS_KERNEL_NAME))
    .catch((error: unknown) => {
      pendingCuda = undefined;
      throw error;
    });
  return pendingCuda;
}

/** The OS kernel; with races, its race-checking build is made ready too (stepSync needs it built). */
export async function loadOsKernel(options: { races?: boolean } = {}): Promise<Kernel> {
  pending ??= compileKernel({ path: osKernelPath() })
    .then((library) => library.kernel(OS_KERNEL_NAME))
    .catch((error: unknown) => {
      pending = undefined; // a later call may succeed (e.g. after the toolchain is fixed)
      throw error;
    });
  const kernel = await pending;
  if (options.races === true) await kernel.library.raceChecked();
  return kernel;
}

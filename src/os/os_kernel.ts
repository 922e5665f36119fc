/**
 * The OS kernel (kernels/os_kernel.metal), compiled for the CPU emulator once per process and
 * cached on disk by content like every other kernel.
 */
import { join } from 'node:path';

import { compileKernel } from '../kernel/compile.js';
import type { CudaKernel } from '../kernel/cuda/cuda_library.js';
import type { Kernel } from '../kernel/kernel_library.js';
import { packageRoot } from '../kernel/package_root.js';
import { OsAbi } from './abi.js';

export const OS_KERNEL_NAME = 'gpuos_os_frame';
/** The threadgroup the kernel's SIMD-group roles assume (OS_THREADS in kernels/os/os_roles.h). */
export const OS_THREADS: number = OsAbi.get().constant('OS_THREADS');

let benchmarkedSource: string | undefined;

export function osKernelPath(): string {
  return benchmarkedSource ?? join(packageRoot(), 'kernels', 'os_kernel.metal');
}

/**
 * For benchmarks only (bench/kernel_compare.ts): sessions of this process run another copy of the
 * OS kernel, such as the last commit's, so a kernel edit is timed side by side with its parent.
 * Must be called before the first session opens. Traces recorded this way would name the
 * package's kernel sources, not these: nothing but a benchmark may call it.
 */
export function benchmarkOsKernelSource(path: string): void {
  if (pending || pendingCuda) throw new Error('benchmarkOsKernelSource: a session has already loaded the OS kernel');
  benchmarkedSource = path;
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

/**
 * The OS kernel (kernels/os_kernel.metal), compiled for the CPU emulator once per process and
 * cached on disk by content like every other kernel.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { InvalidArgumentError } from '../errors.js';
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
  if (pending.size > 0 || pendingCuda.size > 0) throw new Error('benchmarkOsKernelSource: a session has already loaded the OS kernel');
  benchmarkedSource = path;
}

const pending = new Map<string, Promise<Kernel>>();
const pendingCuda = new Map<string, Promise<CudaKernel>>();

/**
 * Another copy of the OS kernel (OpenSessionOptions.kernel: an older commit's, a mutant) may differ
 * in any source but the kernel/host contract: sessions lay device memory out by this build's
 * gpuos_abi.h, so a copy with another one is refused before it runs.
 */
export function checkOsKernelCopy(path: string): string {
  const resolved = resolve(path);
  if (resolved === resolve(osKernelPath())) return resolved;
  const own = join(packageRoot(), 'kernels', 'gpuos_abi.h');
  let theirs: Buffer;
  try {
    theirs = readFileSync(join(dirname(resolved), 'gpuos_abi.h'));
  } catch (error) {
    throw new InvalidArgumentError(`${path}: no gpuos_abi.h beside it (${(error as Error).message}); name the os_kernel.metal of a whole kernels directory`, { cause: error });
  }
  if (!theirs.equals(readFileSync(own))) throw new InvalidArgumentError(`${path}: its gpuos_abi.h differs from this build's (${own}); the device memory layout would not match. Only kernels of the same ABI can run in one build`);
  return resolved;
}

function cached<T>(map: Map<string, Promise<T>>, path: string, load: () => Promise<T>): Promise<T> {
  let promise = map.get(path);
  if (!promise) {
    promise = load().catch((error: unknown) => {
      map.delete(path); // a later call may succeed (e.g. after the toolchain is fixed)
      throw error;
    });
    map.set(path, promise);
  }
  return promise;
}

/** The OS kernel built for the CUDA backend (compiled with nvcc for this GPU, cached on disk). */
export async function loadOsKernelForCuda(options: { path?: string } = {}): Promise<CudaKernel> {
  const path = options.path === undefined ? resolve(osKernelPath()) : checkOsKernelCopy(options.path);
  return cached(pendingCuda, path, () => compileKernel({ path, backend: 'cuda' }).then((library) => library.kernel(OS_KERNEL_NAME)));
}

/**
 * The OS kernel (or a copy of it at `path`); with races, its race-checking build is made ready too
 * (stepSync needs it built).
 */
export async function loadOsKernel(options: { races?: boolean; path?: string } = {}): Promise<Kernel> {
  const path = options.path === undefined ? resolve(osKernelPath()) : checkOsKernelCopy(options.path);
  const kernel = await cached(pending, path, () => compileKernel({ path }).then((library) => library.kernel(OS_KERNEL_NAME)));
  if (options.races === true) await kernel.library.raceChecked();
  return kernel;
}

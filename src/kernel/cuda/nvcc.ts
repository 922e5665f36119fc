/**
 * The CUDA compiler that builds translated kernels for the CUDA backend, and the flags that make
 * them compute what the emulator computes: no FMA contraction, IEEE division and square root, no
 * flushing of denormals (DESIGN principle 3), line tables for reports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ToolchainError } from '../../errors.js';
import { mslIncludeDir } from '../toolchain.js';

export interface CudaToolchain {
  /** The nvcc command: $GPUOS_NVCC, else nvcc on PATH, else $CUDA_PATH/bin/nvcc or /usr/local/cuda/bin/nvcc. */
  readonly nvcc: string;
  /** Its release line (`Cuda compilation tools, release 13.0, V13.0.88`); part of the cache key. */
  readonly version: string;
}

let cached: CudaToolchain | undefined;
let missing: string | undefined;

function candidates(): string[] {
  if (process.env.GPUOS_NVCC) return [process.env.GPUOS_NVCC];
  const list = ['nvcc'];
  for (const root of [process.env.CUDA_PATH, process.env.CUDA_HOME, '/usr/local/cuda']) {
    if (root) list.push(join(root, 'bin', 'nvcc'));
  }
  return list;
}

/** The toolchain, or undefined with the reason in cudaToolchainProblem(). */
export function probeCudaToolchain(): CudaToolchain | undefined {
  if (cached || missing !== undefined) return cached;
  const tried: string[] = [];
  for (const nvcc of candidates()) {
    if (nvcc.includes('/') && !existsSync(nvcc)) {
      tried.push(`${nvcc} (missing)`);
      continue;
    }
    const probe = spawnSync(nvcc, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      tried.push(`${nvcc} (${probe.error ? probe.error.message : `exit ${probe.status}`})`);
      continue;
    }
    const version = probe.stdout.split('\n').find((line) => line.includes('release'))?.trim() ?? probe.stdout.trim();
    cached = { nvcc, version };
    return cached;
  }
  missing = `no nvcc to compile kernels for CUDA (tried ${tried.join(', ')}); install the CUDA toolkit or point $GPUOS_NVCC at nvcc`;
  return undefined;
}

export function cudaToolchainProblem(): string | undefined {
  probeCudaToolchain();
  return missing;
}

export function findCudaToolchain(): CudaToolchain {
  const toolchain = probeCudaToolchain();
  if (!toolchain) throw new ToolchainError(missing!);
  return toolchain;
}

/** `sm_90` for compute capability "9.0". */
export function cudaArch(computeCapability: string): string {
  const match = /^(\d+)\.(\d+)$/.exec(computeCapability);
  if (!match) throw new ToolchainError(`unexpected compute capability '${computeCapability}'`);
  return `sm_${match[1]}${match[2]}`;
}

/** Flags that compile one translated kernel (.cu) into a cubin for `arch`. */
export function cudaCompileFlags(arch: string): string[] {
  return [
    '-cubin', `-arch=${arch}`, '-std=c++17', '-O3',
    '-fmad=false', '-prec-div=true', '-prec-sqrt=true', '-ftz=false',
    '-lineinfo', '-Xcudafe', '--display_error_number',
    '-I', mslIncludeDir(),
  ];
}

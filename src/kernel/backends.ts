/**
 * The executors a kernel can run on, and which of them this machine has. One interface for the
 * rest of the code: compileKernel(path, { backend }) gives a library whose kernels dispatch one
 * threadgroup there; openSession({ backend }) runs the OS on it.
 *
 *   emulator  the CPU emulator (native/emu): every machine with a C++ compiler; the strict one
 *   cuda      NVIDIA GPUs (native/cuda): needs the addon built with the CUDA toolkit, a driver,
 *             a GPU of compute capability 7.0 or later, and nvcc to compile kernels
 *   metal     Apple GPUs: not built yet (issue queue); listed so the answer says so
 */
import { GpuosError, InvalidArgumentError } from '../errors.js';
import { nativeAddon } from './native.js';
import { findToolchain } from './toolchain.js';
import { cudaToolchainProblem, probeCudaToolchain } from './cuda/nvcc.js';

export const BACKEND_NAMES = ['emulator', 'cuda', 'metal'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it cannot run here, when it cannot. */
  reason?: string;
  /** What it runs on, when it can. */
  device?: string;
  /** The compiler that builds its kernels. */
  compiler?: string;
}

function emulatorStatus(): BackendStatus {
  try {
    const toolchain = findToolchain();
    return { name: 'emulator', available: true, device: 'CPU emulator (1024 fibers per threadgroup)', compiler: toolchain.version };
  } catch (error) {
    return { name: 'emulator', available: false, reason: (error as Error).message };
  }
}

function cudaStatus(): BackendStatus {
  const status = nativeAddon().cudaStatus();
  if (!status.built) return { name: 'cuda', available: false, reason: `not built: ${status.reason ?? ''}` };
  const problem = cudaToolchainProblem();
  if (!status.available) return { name: 'cuda', available: false, reason: status.reason ?? 'unknown' };
  const device = status.device!;
  const description = `${device.name} (compute capability ${device.computeCapability}, driver CUDA ${device.driverVersion})`;
  if (problem) return { name: 'cuda', available: false, reason: problem, device: description };
  return { name: 'cuda', available: true, device: description, compiler: probeCudaToolchain()!.version };
}

/** Every backend, with whether it can run here and why not. */
export function listBackends(): BackendStatus[] {
  return [
    emulatorStatus(),
    cudaStatus(),
    {
      name: 'metal',
      available: false,
      reason: process.platform === 'darwin' ? 'the Metal backend is not written yet (native/metal/)' : 'Metal runs on macOS with Apple GPUs only; the Metal backend is not written yet',
    },
  ];
}

/** Checks a backend name from a user (option or flag). */
export function backendName(value: unknown, what = 'backend'): BackendName {
  if (typeof value !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${what} must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as BackendName;
}

/** Throws E_BACKEND_UNAVAILABLE naming why, unless `name` can run here. */
export function requireBackend(name: BackendName): void {
  if (name === 'emulator') return;
  const status = name === 'cuda' ? cudaStatus() : listBackends().find((b) => b.name === name)!;
  if (!status.available) {
    throw new GpuosError('E_BACKEND_UNAVAILABLE', `the ${name} backend cannot run here: ${status.reason}. \`gpuos backends\` lists what this machine has.`);
  }
}

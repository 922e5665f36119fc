/**
 * Kernels on the CUDA backend: the same .metal source, translated for nvcc (native/msl/cuda/),
 * compiled to a cubin for the GPU at hand (cached by content like emulator libraries), run as one
 * block of 1024 or fewer threads.
 *
 * Buffers are the same DeviceBuffers the emulator uses. Each has a copy in GPU memory, made on
 * first use and kept: a dispatch uploads a buffer only if the host wrote it since, and reads it
 * back only when something on the host asks for its bytes.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { GpuosError, InvalidArgumentError, KernelCompileError, ToolchainError } from '../../errors.js';
import { compileKernel, translateKernel, type CompileKernelOptions, type TranslatedKernel } from '../compile.js';
import { parseCompilerErrors } from '../compiler_diagnostics.js';
import type { DeviceBuffer } from '../device_buffer.js';
import { EMULATOR_ONLY_OPTIONS, emulatorOptionsOf, normalizeSharedOptions, type DispatchOptions } from '../dispatch_options.js';
import { cacheKey, headersDigest, kernelCacheDir } from '../kernel_cache.js';
import { findKernel, type KernelLibrary } from '../kernel_library.js';
import { callNative, nativeAddon, type BarrierMark, type NativeCudaBuffer, type NativeCudaModule, type NativeKernelInfo } from '../native.js';
import { PROCESS_TIMEOUT_MS, runProcess } from '../process_runner.js';
import { cudaArch, cudaCompileFlags, findCudaToolchain } from './nvcc.js';

/** Barrier releases a profiled dispatch keeps (the OS kernel has about 20). */
const PROFILE_CAPACITY = 4096;
/** A GPU dispatch that runs longer than this is an endless loop (and leaves the GPU unusable). */
export const CUDA_TIMEOUT_SECONDS = 10;

export interface CudaDispatchResult {
  kernel: string;
  backend: 'cuda';
  threads: [number, number, number];
  /** The dispatch's time on the GPU (CUDA events around the launch), ms. */
  gpuMs: number;
  /** With profile: true; elapsedNs from the kernel's start, read from the GPU's global timer. */
  barrierTimeline?: BarrierMark[];
}

/** The CUDA backend's state on this machine: ready, or why not. */
export function cudaDevice(): { name: string; computeCapability: string; driverVersion: string } {
  const status = nativeAddon().cudaStatus();
  if (!status.available || !status.device) throw new GpuosError('E_BACKEND_UNAVAILABLE', `the CUDA backend is not available here: ${status.reason ?? 'unknown reason'}`);
  return status.device;
}

/**
 * Translates and compiles a kernel for CUDA without loading it (no GPU needed): the cubin's path.
 * `arch` defaults to the GPU's own.
 */
export async function buildCudaImage(input: string | CompileKernelOptions, arch?: string): Promise<{ path: string; translated: TranslatedKernel }> {
  const translated = await translateKernel(input, 'cuda');
  const target = arch ?? cudaArch(cudaDevice().computeCapability);
  if (!/^sm_\d+a?$/.test(target)) throw new InvalidArgumentError(`arch must look like sm_90, got ${target}`);
  const toolchain = findCudaToolchain();
  const flags = cudaCompileFlags(target);
  const key = cacheKey(['cuda', toolchain.nvcc, toolchain.version, flags.join(' '), headersDigest(), translated.cpp]);
  const dir = kernelCacheDir();
  const path = join(dir, `${key}.cubin`);
  if (existsSync(path)) return { path, translated };
  const unique = `${key}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const source = join(dir, `${unique}.cu`);
  const output = join(dir, `${unique}.cubin.tmp`);
  writeFileSync(source, translated.cpp);
  const compiled = await runProcess(toolchain.nvcc, [...flags, '-o', output, source], { maxOutputBytes: 4 * 1024 * 1024 });
  const kept = join(dir, `${key}.cu`);
  renameSync(source, kept);
  if (compiled.spawnError) throw new ToolchainError(`cannot run ${toolchain.nvcc}: ${compiled.spawnError.message}`, { cause: compiled.spawnError });
  if (compiled.timedOut || compiled.status !== 0) {
    rmSync(output, { force: true });
    const stderr = (compiled.stderr + compiled.stdout).replaceAll(source, kept);
    const why = compiled.timedOut ? `nvcc ran past ${PROCESS_TIMEOUT_MS / 1000} s and was stopped` : `${stderr}\n(translated source: ${kept})`;
    throw new KernelCompileError(translated.sourceName, 'compile', compiled.timedOut ? [] : parseCompilerErrors(stderr), why);
  }
  renameSync(output, path);
  return { path, translated };
}

const loaded = new Map<string, CudaKernelLibrary>();

/** compileKernel(…, { backend: 'cuda' }). */
export async function compileCudaKernel(input: string | CompileKernelOptions): Promise<CudaKernelLibrary> {
  cudaDevice();
  // The emulator's build of the same source describes the kernels' parameters (sizes, bindings)
  // exactly as the emulator validates them: one description for both backends.
  const described = await compileKernel(typeof input === 'string' ? input : { ...input, backend: 'emulator' });
  const { path, translated } = await buildCudaImage(input);
  const already = loaded.get(path);
  if (already) return already;
  const CudaModule = nativeAddon().CudaModule!;
  const module = callNative(() => new CudaModule(readFileSync(path)));
  const library = new CudaKernelLibrary(module, path, translated, described);
  loaded.set(path, library);
  return library;
}

interface Mirror {
  cuda: NativeCudaBuffer;
  version: number;
}

const mirrors = new WeakMap<DeviceBuffer, Mirror>();

/** The GPU copy of `buffer`, up to date with the host's. */
function mirrorOf(buffer: DeviceBuffer): NativeCudaBuffer {
  let mirror = mirrors.get(buffer);
  if (!mirror || mirror.cuda.byteLength !== buffer.byteLength) {
    const CudaBuffer = nativeAddon().CudaBuffer!;
    mirror = { cuda: callNative(() => new CudaBuffer(buffer.byteLength)), version: -1 };
    mirrors.set(buffer, mirror);
  }
  if (mirror.version !== buffer.hostVersion) {
    const bytes = buffer.read();
    callNative(() => mirror!.cuda.write(bytes, 0));
    mirror.version = buffer.hostVersion;
  }
  return mirror.cuda;
}

export class CudaKernelLibrary {
  readonly backend = 'cuda';
  readonly kernels: readonly CudaKernel[];

  /** @internal */
  constructor(
    /** @internal */ readonly module: NativeCudaModule,
    /** The cubin. */
    readonly path: string,
    translated: TranslatedKernel,
    /** The emulator's build of the same source (its parameter descriptions). */
    readonly described: KernelLibrary,
  ) {
    this.source = translated.sourceName;
    this.kernels = described.kernels.map((kernel) => {
      const entry = translated.entries.get(kernel.name);
      if (!entry) throw new GpuosError('E_INTERNAL', `${translated.sourceName}: the CUDA translation has no kernel '${kernel.name}'`);
      return new CudaKernel(this, kernel.info, entry);
    });
  }

  readonly source: string;

  /** The kernel called `name`; with no name, the library's only kernel. */
  kernel(name?: string): CudaKernel {
    return findKernel(this.kernels, this.source, name);
  }
}

export class CudaKernel {
  readonly name: string;

  /** @internal */
  constructor(
    readonly library: CudaKernelLibrary,
    readonly info: NativeKernelInfo,
    /** The translated wrapper's symbol. */
    readonly entry: string,
  ) {
    this.name = info.name;
  }

  /** Registers, local (spilled) memory and static shared memory per thread of the compiled kernel. */
  resources(): { registers: number; localBytes: number; sharedBytes: number } {
    return callNative(() => this.library.module.attributes(this.entry));
  }

  /** Runs one block; resolves once the GPU has finished it. */
  async dispatch(options: DispatchOptions): Promise<CudaDispatchResult> {
    return this.dispatchSync(options);
  }

  dispatchSync(options: DispatchOptions): CudaDispatchResult {
    const shared = normalizeSharedOptions(options, this.info.params);
    const emulatorOnly = emulatorOptionsOf(options);
    const given = EMULATOR_ONLY_OPTIONS.filter((key) => emulatorOnly[key] !== undefined);
    if (given.length > 0) {
      throw new InvalidArgumentError(`${given.join(', ')}: emulator-only option${given.length > 1 ? 's' : ''}; the CUDA backend runs the GPU's own schedule and has no checks. Dispatch on the emulator for them.`);
    }
    const buffers = shared.buffers.map((buffer) => (buffer ? mirrorOf(buffer) : null));
    const launch = callNative(() =>
      this.library.module.launch(this.entry, {
        threads: shared.threads,
        buffers,
        threadgroupBytes: shared.threadgroupMemory,
        ...(shared.profile ? { profileCapacity: PROFILE_CAPACITY } : {}),
        timeoutSeconds: CUDA_TIMEOUT_SECONDS,
      }),
    );
    // The kernel may have written any bound buffer: the host's copies are now the older ones.
    shared.buffers.forEach((buffer, index) => {
      if (!buffer) return;
      const cuda = buffers[index]!;
      buffer.deviceIsNewer(() => callNative(() => cuda.read(0, cuda.byteLength)));
    });
    const result: CudaDispatchResult = { kernel: this.name, backend: 'cuda', threads: shared.threads, gpuMs: launch.gpuMs };
    if (launch.barrierClock) result.barrierTimeline = timeline(launch.barrierClock);
    return result;
  }
}

/** (ns, line) pairs from the GPU as BarrierMarks: elapsed from the kernel's start; the line is the .metal line of the barrier (its file is not recorded). */
function timeline(clock: BigUint64Array): BarrierMark[] {
  const marks: BarrierMark[] = [];
  const start = clock[0] ?? 0n;
  for (let i = 2; i + 1 < clock.length; i += 2) {
    marks.push({ file: null, line: Number(clock[i + 1]), elapsedNs: Number(clock[i]! - start) });
  }
  return marks;
}

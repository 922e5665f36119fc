/**
 * The same kernel, the same inputs, two backends: every buffer must come back bit-identical.
 * (DESIGN "Determinism, as the project proves it": backends.) The reference is the emulator; a
 * kernel the emulator reports a finding on (a race, an out-of-bounds access, a barrier some
 * threads skip) has no defined result to compare, and the report says so instead of comparing.
 * Nor has a kernel whose result depends on the order threads run in (atomics handing out slots):
 * the emulator runs it under a second schedule seed first, and if the two runs differ the report
 * says 'schedule-dependent' with the bytes that moved, since any GPU result could be right.
 *
 * Inputs are the user's (gpuos verify --inputs) or, without them, generated from the kernel's
 * signature: every buffer 64 KiB of a fixed pattern, every threadgroup argument 4 KiB, a full
 * threadgroup (or the kernel's [[max_total_threads_per_threadgroup]]).
 */
import { EmulatorError } from '../kernel/emulator_error.js';
import { compileKernel, type CompileKernelOptions } from '../kernel/compile.js';
import type { CudaKernel } from '../kernel/cuda/cuda_library.js';
import { DeviceBuffer } from '../kernel/device_buffer.js';
import type { Kernel } from '../kernel/kernel_library.js';
import { freshBuffers, type ResolvedInputs } from './kernel_inputs.js';

export const GENERATED_BUFFER_BYTES = 64 * 1024;
export const GENERATED_THREADGROUP_BYTES = 4096;
/** The emulator's second schedule (its first is the default seed, 1). */
const SECOND_SEED = 0x9e3779b97f4a7c15n;

export interface BufferDifference {
  /** The binding: its index, or its parameter name. */
  binding: string;
  /** Bytes that differ, and the first of them. */
  differingBytes: number;
  firstOffset: number;
  emulator: number[];
  other: number[];
}

export interface CrossBackendReport {
  kernel: string;
  backends: [string, string];
  /** identical, different, or not comparable (the emulator found a bug in the kernel). */
  verdict: 'identical' | 'different' | 'emulator-finding' | 'schedule-dependent';
  differences: BufferDifference[];
  /** With verdict schedule-dependent: what differs between two emulator schedules. */
  scheduleDifferences?: BufferDifference[];
  /** With verdict emulator-finding: the emulator's finding codes. */
  findings?: string[];
  /** Where the inputs came from. */
  inputs: 'given' | 'generated';
  gpuMs?: number;
}

/** A deterministic pattern: each 32-bit word its own index, mixed, so no two buffers are alike. */
function pattern(bytes: number, salt: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(bytes / 4));
  for (let i = 0; i < words.length; i++) {
    let x = (i + 1) * 0x9e3779b1 + salt * 0x85ebca6b;
    x ^= x >>> 15;
    x = Math.imul(x, 0x2c1b3c6d);
    x ^= x >>> 12;
    words[i] = i % 2 === 0 ? i : x >>> 0;  // half plain indices (usable as indices), half noise
  }
  return new Uint8Array(words.buffer, 0, bytes);
}

/** Inputs generated from a kernel's parameters (see the module comment). */
export function generatedInputs(kernel: Kernel): ResolvedInputs {
  const buffers: Record<string, Uint8Array> = {};
  const threadgroupMemory: Record<string, number> = {};
  kernel.info.params.forEach((param, index) => {
    if (param.kind === 'buffer') buffers[param.name] = pattern(GENERATED_BUFFER_BYTES, index);
    if (param.kind === 'threadgroup') threadgroupMemory[param.name] = GENERATED_THREADGROUP_BYTES;
  });
  const threads = kernel.info.maxTotalThreadsPerThreadgroup > 0 ? Math.min(kernel.info.maxTotalThreadsPerThreadgroup, 1024) : 1024;
  return { threads, buffers, threadgroupMemory, strict: true };
}

function differences(reference: readonly [string, DeviceBuffer][], other: readonly [string, DeviceBuffer][]): BufferDifference[] {
  const out: BufferDifference[] = [];
  reference.forEach(([binding, buffer], i) => {
    const a = buffer.read();
    const b = other[i]![1].read();
    let count = 0;
    let first = -1;
    for (let k = 0; k < a.length; k++) {
      if (a[k] !== b[k]) {
        count++;
        if (first < 0) first = k;
      }
    }
    if (count > 0) out.push({ binding, differingBytes: count, firstOffset: first, emulator: [...a.subarray(first, first + 16)], other: [...b.subarray(first, first + 16)] });
  });
  return out;
}

function bound(buffers: DeviceBuffer[] | Record<string, DeviceBuffer>): [string, DeviceBuffer][] {
  return Array.isArray(buffers) ? buffers.map((b, i) => [String(i), b]) : Object.entries(buffers);
}

/** Runs `name` (or the file's only kernel) on the emulator and on CUDA and compares every buffer. */
export async function compareWithCuda(source: string | CompileKernelOptions, name?: string, given?: ResolvedInputs): Promise<CrossBackendReport> {
  const emulatorKernel = (await compileKernel(typeof source === 'string' ? source : { ...source, backend: 'emulator' })).kernel(name ?? given?.kernel);
  const inputs = given ?? generatedInputs(emulatorKernel);
  const report: Omit<CrossBackendReport, 'verdict' | 'differences'> = { kernel: emulatorKernel.name, backends: ['emulator', 'cuda'], inputs: given ? 'given' : 'generated' };
  const onEmulator = freshBuffers(inputs);
  const otherSchedule = freshBuffers(inputs);
  try {
    for (const [buffers, seed] of [[onEmulator, 1], [otherSchedule, SECOND_SEED]] as const) {
      await emulatorKernel.dispatch({ threads: inputs.threads, buffers, ...(inputs.threadgroupMemory ? { threadgroupMemory: inputs.threadgroupMemory } : {}), emulator: { strict: inputs.strict, seed } });
    }
  } catch (error) {
    if (error instanceof EmulatorError) return { ...report, verdict: 'emulator-finding', differences: [], findings: [...new Set(error.findings.map((f) => f.code))] };
    throw error;
  }
  const moved = differences(bound(onEmulator), bound(otherSchedule));
  for (const [, buffer] of bound(otherSchedule)) buffer.release();
  if (moved.length > 0) {
    for (const [, buffer] of bound(onEmulator)) buffer.release();
    return { ...report, verdict: 'schedule-dependent', differences: [], scheduleDifferences: moved };
  }
  const cudaKernel: CudaKernel = (await compileKernel({ ...(typeof source === 'string' ? { path: source } : source), backend: 'cuda' })).kernel(emulatorKernel.name);
  const onCuda = freshBuffers(inputs);
  const launched = await cudaKernel.dispatch({ threads: inputs.threads, buffers: onCuda, ...(inputs.threadgroupMemory ? { threadgroupMemory: inputs.threadgroupMemory } : {}) });
  const found = differences(bound(onEmulator), bound(onCuda));
  for (const [, buffer] of [...bound(onEmulator), ...bound(onCuda)]) buffer.release();
  return { ...report, verdict: found.length === 0 ? 'identical' : 'different', differences: found, gpuMs: launched.gpuMs };
}

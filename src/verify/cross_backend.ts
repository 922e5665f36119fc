/**
 * The same kernel, the same inputs, two backends: every buffer must come back bit-identical.
 * (DESIGN "Determinism, as the project proves it": backends.) The reference is the emulator; a
 * kernel the emulator reports a finding on (a race, an out-of-bounds access, a barrier some
 * threads skip) has no defined result to compare, and the report says so instead of comparing.
 * Nor has a kernel whose result depends on the order threads run in (atomics handing out slots):
 * the emulator runs it under a second schedule seed first, and if the two runs differ the report
 * says 'schedule-dependent' with the bytes that moved, since any GPU result could be right.
 *
 * The emulator's first run checks every access for data races too (the race checker): a racy
 * kernel's result is whichever write a GPU happened to order last, so it is a finding, not a
 * reference.
 *
 * NaN payloads: MSL leaves the bits of a NaN an operation returns unspecified (fast math, the
 * default, even assumes there are none); the emulator's CPU propagates an operand's payload, an
 * NVIDIA GPU returns its canonical NaN. In a buffer of float or half elements (scalars, vectors,
 * packed vectors), an element that is a NaN on both backends matches whatever its bits; if that is
 * the only difference the verdict is 'nan-payloads', with the count. A buffer of any other type is
 * compared byte for byte: its NaNs may be integers (as_type) where the bits are the result.
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
  /** Bytes that differ (NaN payloads apart), and the first of them. */
  differingBytes: number;
  /** Float or half elements that are a NaN on both backends with other bits (not in differingBytes). */
  nanPayloads: number;
  firstOffset: number;
  emulator: number[];
  other: number[];
}

export interface CrossBackendReport {
  kernel: string;
  backends: [string, string];
  /**
   * identical; nan-payloads (identical but for the bits of NaNs, which MSL leaves unspecified);
   * different; or not comparable: the emulator found a bug in the kernel, or its result depends on
   * the schedule.
   */
  verdict: 'identical' | 'nan-payloads' | 'different' | 'emulator-finding' | 'schedule-dependent';
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

/** The bytes of a float element of a parameter's type (`device const float4*`: 4), or 0: not floats. */
export function floatElementBytes(type: string): 0 | 2 | 4 {
  const element = /\b(?:packed_)?(float|half)[234]?\b/.exec(type);
  if (!element || /\b(?:struct|u?int|u?short|u?char|bool)\b/.test(type)) return 0;
  return element[1] === 'half' ? 2 : 4;
}

/** Is the float (size 4) or half (size 2) at `offset`, little-endian, a NaN? */
export function isNan(bytes: ArrayLike<number>, offset: number, size: 2 | 4): boolean {
  if (size === 4) {
    const bits = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
    return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x007fffff) !== 0;
  }
  const bits = bytes[offset]! | (bytes[offset + 1]! << 8);
  return (bits & 0x7c00) === 0x7c00 && (bits & 0x03ff) !== 0;
}

/** Byte-for-byte, except that with floatBytes a float element NaN on both sides matches. */
export function compareBuffers(binding: string, a: Uint8Array, b: Uint8Array, floatBytes: 0 | 2 | 4): BufferDifference | undefined {
  let count = 0;
  let first = -1;
  let nanPayloads = 0;
  const step = floatBytes === 0 ? 1 : floatBytes;
  for (let k = 0; k < a.length; k += step) {
    const size = Math.min(step, a.length - k);
    let same = true;
    for (let i = 0; i < size; i++) if (a[k + i] !== b[k + i]) same = false;
    if (same) continue;
    if (floatBytes !== 0 && size === floatBytes && isNan(a, k, floatBytes) && isNan(b, k, floatBytes)) {
      nanPayloads++;
      continue;
    }
    for (let i = 0; i < size; i++) {
      if (a[k + i] === b[k + i]) continue;
      count++;
      if (first < 0) first = k + i;
    }
  }
  if (count === 0 && nanPayloads === 0) return undefined;
  const at = first >= 0 ? first : 0;
  return { binding, differingBytes: count, firstOffset: first, nanPayloads, emulator: [...a.subarray(at, at + 16)], other: [...b.subarray(at, at + 16)] };
}

function differences(reference: readonly [string, DeviceBuffer][], other: readonly [string, DeviceBuffer][], floatBytes: (binding: string) => 0 | 2 | 4): BufferDifference[] {
  const out: BufferDifference[] = [];
  reference.forEach(([binding, buffer], i) => {
    const found = compareBuffers(binding, buffer.read(), other[i]![1].read(), floatBytes(binding));
    if (found) out.push(found);
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
    for (const [buffers, seed, race] of [[onEmulator, 1, true], [otherSchedule, SECOND_SEED, false]] as const) {
      await emulatorKernel.dispatch({ threads: inputs.threads, buffers, ...(inputs.threadgroupMemory ? { threadgroupMemory: inputs.threadgroupMemory } : {}), emulator: { strict: inputs.strict, seed, race } });
    }
  } catch (error) {
    if (error instanceof EmulatorError) return { ...report, verdict: 'emulator-finding', differences: [], findings: [...new Set(error.findings.map((f) => f.code))] };
    throw error;
  }
  // Which bindings hold float or half elements: by name for named bindings, by buffer index otherwise.
  const buffersByIndex = emulatorKernel.info.params.filter((param) => param.kind === 'buffer');
  const floatBytes = (binding: string): 0 | 2 | 4 => {
    const param = buffersByIndex.find((candidate) => candidate.name === binding || String(candidate.index) === binding);
    return param ? floatElementBytes(param.type) : 0;
  };
  const exact = (): 0 => 0;  // two emulator schedules run the same code: any bit that moves is the schedule's
  const moved = differences(bound(onEmulator), bound(otherSchedule), exact);
  for (const [, buffer] of bound(otherSchedule)) buffer.release();
  if (moved.length > 0) {
    for (const [, buffer] of bound(onEmulator)) buffer.release();
    return { ...report, verdict: 'schedule-dependent', differences: [], scheduleDifferences: moved };
  }
  const cudaKernel: CudaKernel = (await compileKernel({ ...(typeof source === 'string' ? { path: source } : source), backend: 'cuda' })).kernel(emulatorKernel.name);
  const onCuda = freshBuffers(inputs);
  const launched = await cudaKernel.dispatch({ threads: inputs.threads, buffers: onCuda, ...(inputs.threadgroupMemory ? { threadgroupMemory: inputs.threadgroupMemory } : {}) });
  const found = differences(bound(onEmulator), bound(onCuda), floatBytes);
  for (const [, buffer] of [...bound(onEmulator), ...bound(onCuda)]) buffer.release();
  const verdict = found.length === 0 ? 'identical' : found.every((d) => d.differingBytes === 0) ? 'nan-payloads' : 'different';
  return { ...report, verdict, differences: found, gpuMs: launched.gpuMs };
}

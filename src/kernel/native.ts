/**
 * The native addon (native/addon/), loaded once, with hand-written types for what it exports.
 * Arguments are validated in TypeScript before they get here; the addon re-checks types and
 * throws Errors with a `code`, which callers turn into GpuosErrors with toGpuosError().
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { GpuosError } from '../errors.js';
import { packageRoot } from './package_root.js';

export interface NativeSourceSite {
  file: string;
  line: number;
  column: number;
  function: string;
}

export interface NativeThreadGroup {
  threads: number[];
  operation: string;
  site: NativeSourceSite | null;
  callPath: NativeSourceSite[];
}

export interface NativeFinding {
  code: string;
  message: string;
  groups: NativeThreadGroup[];
  fault?: { address: bigint; pc: bigint; library: string; pcOffset: bigint };
  access?: { buffer: number | null; offset: number; size: number };
  race?: NativeRace;
}

/** One access of a race report: a code address in the library, or an atomic's call site. */
export interface NativeRaceAccess {
  thread: number;
  write: boolean;
  atomic: boolean;
  readModifyWrite: boolean;
  size: number;
  site?: NativeSourceSite;
  pcOffset?: bigint;
}

export interface NativeRace {
  library: string;
  first?: NativeRaceAccess;
  second: NativeRaceAccess;
  space: 'threadgroup' | 'device';
  buffer?: number;
  offset: number;
  variable?: string;
  variableOffset?: number;
  intervalStart: NativeSourceSite | null;
  intervalEnd: NativeSourceSite | null;
  intervalIndex: number;
  occurrences: number;
}

export interface NativeStats {
  contextSwitches: number;
  threadgroupBarriers: number;
  simdRendezvous: number;
  atomicOperations: number;
  threadgroupMemoryBytes: number;
  elapsedNs: number;
}

/** A threadgroup barrier's release: its source site, and when, since the dispatch began. */
export interface BarrierMark {
  file: string | null;
  line: number;
  elapsedNs: number;
}

export interface NativeOutcome {
  ok: boolean;
  findings: NativeFinding[];
  /** Reports that do not fail the dispatch (W_SAME_VALUE_WRITE). */
  warnings: NativeFinding[];
  raceCheckedAccesses: number;
  decisionCount: number;
  decisions?: ScheduleDecisions;
  barrierDigests?: BarrierDigest[];
  stats: NativeStats;
  /** Present when the dispatch was profiled (at most 65536 marks). */
  barrierTimeline?: BarrierMark[];
}

export interface NativeScheduleOptions {
  strategy: 'random' | 'pct' | 'scripted';
  pctDepth?: number;
  pctSteps?: number;
  script?: Uint16Array;
  recordDecisions?: boolean;
  digestBarriers?: boolean;
}

/** The decisions of a run with schedule.recordDecisions, one entry per decision. */
export interface ScheduleDecisions {
  /** How many threads could have run. */
  options: Uint16Array;
  /** The option taken: 0 is the thread that just did an atomic when preemption is 1, else the lowest-index thread. */
  chosen: Uint16Array;
  /** 1 where the thread that just did an atomic could have gone on (a preemption point). */
  preemption: Uint8Array;
  /** 1 where the thread chosen did an atomic before the next decision (else every choice there is equivalent). */
  atomicAfter: Uint8Array;
  truncated: boolean;
}

/** Memory at a barrier release (schedule.digestBarriers). */
export interface BarrierDigest {
  digest: bigint;
  site: NativeSourceSite | null;
}

export interface NativeDispatchOptions {
  threads: [number, number, number];
  buffers: (NativeDeviceBuffer | undefined)[];
  threadgroupMemory: number[];
  seed: bigint;
  strict: boolean;
  watchdogMs: number;
  stackBytes: number;
  profile: boolean;
  race: boolean;
  schedule?: NativeScheduleOptions;
  /** Called at every barrier release while the dispatch is paused; false (or a promise of false) stops it. */
  onBarrier?: (release: NativeBarrierRelease) => boolean | Promise<boolean>;
}

/** A released barrier as the addon shows it to onBarrier (native/addon/barrier_observer.h). */
export interface NativeBarrierRelease {
  index: number;
  site: NativeSourceSite;
  callPath: NativeSourceSite[];
  /** Threadgroup memory in use: [[threadgroup(n)]] bindings, then the variables declared so far. */
  threadgroupBytes: number;
  threadgroupVariables: { name: string; offset: number; size: number }[];
  /** A copy of threadgroup memory; throws E_OBSERVER_EXPIRED once the observer call has settled. */
  threadgroup(offset: number, length: number): Uint8Array;
}

export interface NativeDeviceBuffer {
  readonly byteLength: number;
  write(bytes: Uint8Array, offset: number): void;
  read(offset: number, length: number): Uint8Array;
  fill(byte: number): void;
  release(): void;
  digest(offset: number, length: number): bigint;
  tileDigests(width: number, height: number, tileSize: number, tiles: Uint32Array): Uint32Array;
}

export interface NativeKernelParam {
  name: string;
  type: string;
  kind: 'buffer' | 'threadgroup' | 'builtin';
  index: number;
  isReference: boolean;
  isConst: boolean;
  pointeeSize: number;
}

export interface NativeKernelInfo {
  name: string;
  file: string;
  line: number;
  maxTotalThreadsPerThreadgroup: number;
  params: NativeKernelParam[];
}

export interface NativeKernelLibrary {
  kernels(): NativeKernelInfo[];
  /** Built for race checking (dispatch with race: true). */
  readonly raceInstrumented: boolean;
}

export interface NativeTranslation {
  ok: boolean;
  cpp: string;
  kernels: {
    name: string;
    /** The CUDA translation's extern "C" wrapper for this kernel. */
    cudaEntry: string;
    file: string;
    line: number;
    params: { name: string; type: string; binding: 'buffer' | 'threadgroup' | 'builtin'; index: string; builtin: string }[];
  }[];
  diagnostics: { file: string; line: number; column: number; message: string }[];
}

/** A struct layout export: `columns` only on two-dimensional arrays (count = rows * columns). */
export interface NativeOsLayout {
  structs: Record<string, { size: number; align: number; fields: { name: string; type: string; offset: number; size: number; count: number; columns?: number }[] }>;
  constants: Record<string, number>;
}

/** What the addon knows of the CUDA backend (native/cuda/cuda_driver.cpp). */
export interface NativeCudaStatus {
  /** False when the addon was built without the CUDA toolkit's headers. */
  built: boolean;
  available: boolean;
  reason?: string;
  device?: { name: string; computeCapability: string; driverVersion: string; memoryBytes: number; maxSharedBytesPerBlock: number };
}

export interface NativeCudaBuffer {
  readonly byteLength: number;
  write(bytes: Uint8Array, offset?: number): void;
  read(offset?: number, length?: number): Uint8Array;
  release(): void;
}

export interface NativeCudaLaunch {
  gpuMs: number;
  barrierCount: number;
  /** (ns, .metal line) pairs: the kernel's start (line 0), then each barrier release. */
  barrierClock?: BigUint64Array;
}

export interface NativeCudaModule {
  launch(
    entry: string,
    options: { threads: [number, number, number]; buffers: (NativeCudaBuffer | null)[]; threadgroupBytes: number[]; profileCapacity?: number; timeoutSeconds?: number },
  ): NativeCudaLaunch;
  attributes(entry: string): { registers: number; localBytes: number; sharedBytes: number };
}

export interface NativeAddon {
  cudaStatus(): NativeCudaStatus;
  /** Present when the addon was built with the CUDA backend. */
  CudaBuffer?: new (byteLength: number) => NativeCudaBuffer;
  CudaModule?: new (image: Uint8Array) => NativeCudaModule;
  DeviceBuffer: new (byteLength: number) => NativeDeviceBuffer;
  KernelLibrary: new (path: string) => NativeKernelLibrary;
  dispatchAsync(library: NativeKernelLibrary, kernel: string, options: NativeDispatchOptions): Promise<NativeOutcome>;
  dispatchSync(library: NativeKernelLibrary, kernel: string, options: NativeDispatchOptions): NativeOutcome;
  /** Lets pool threads waiting on this thread's barrier observers go on, stopping their dispatches (on exit). */
  abandonBarrierObservers(): void;
  translate(preprocessed: string, sourceName: string, target?: 'cpu' | 'cuda'): NativeTranslation;
  measureContextSwitch(roundTrips: number): number;
  digest64(bytes: Uint8Array): bigint;
  osAbiLayout(): NativeOsLayout;
  /** os_scratch (the OS kernel's threadgroup memory) and the SIMD-group role constants, apart from the device ABI. */
  osThreadgroupLayout(): NativeOsLayout;
  emulatorAbiVersion: number;
}

let addon: NativeAddon | undefined;

export function nativeAddon(): NativeAddon {
  if (addon) return addon;
  const path = join(packageRoot(), 'build', 'Release', 'gpuos_native.node');
  if (!existsSync(path)) {
    throw new GpuosError(
      'E_NATIVE_MISSING',
      `the native addon is not built (${path} is missing). Run \`npm install\` in ${packageRoot()}; it builds the addon with cmake-js.`,
    );
  }
  addon = createRequire(import.meta.url)(path) as NativeAddon;
  return addon;
}

/** Errors thrown by the addon carry a `code`; give them the GpuosError shape. */
export function toGpuosError(error: unknown): unknown {
  if (error instanceof GpuosError) return error;
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    return new GpuosError((error as unknown as { code: string }).code, error.message, { cause: error });
  }
  return error;
}

export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toGpuosError(error);
  }
}

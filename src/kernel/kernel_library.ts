/**
 * A loaded kernel library and its kernels. Kernel.dispatch runs one threadgroup on the CPU
 * emulator without blocking the event loop; dispatchSync runs it on the calling thread.
 */
import { InvalidArgumentError } from '../errors.js';
import { BarrierObservation } from './barrier_observer.js';
import { normalizeDispatchOptions, type DispatchOptions } from './dispatch_options.js';
import { EmulatorError, type EmulatorErrorCode, type Finding } from './emulator_error.js';
import {
  callNative,
  nativeAddon,
  toGpuosError,
  type BarrierMark,
  type NativeDispatchOptions,
  type NativeKernelInfo,
  type NativeKernelLibrary,
  type NativeOutcome,
  type NativeStats,
} from './native.js';
import { symbolize, symbolizeSync, type SymbolizedLocation } from './symbolize.js';

export interface DispatchResult {
  kernel: string;
  seed: bigint;
  threads: [number, number, number];
  stats: NativeStats;
  /** When dispatched with profile: true. */
  barrierTimeline?: BarrierMark[];
}

export class KernelLibrary {
  readonly kernels: readonly Kernel[];

  /** @internal */
  constructor(
    /** @internal */ readonly native: NativeKernelLibrary,
    /** The compiled shared object. */
    readonly path: string,
    /** The .metal source it was built from. */
    readonly source: string,
  ) {
    this.kernels = callNative(() => native.kernels()).map((info) => new Kernel(this, info));
  }

  /** The kernel called `name`; with no name, the library's only kernel. */
  kernel(name?: string): Kernel {
    if (name === undefined) {
      if (this.kernels.length === 1) return this.kernels[0]!;
      throw new InvalidArgumentError(`${this.source} has ${this.kernels.length} kernels; name one of: ${this.kernels.map((k) => k.name).join(', ')}`);
    }
    const found = this.kernels.find((k) => k.name === name);
    if (!found) throw new InvalidArgumentError(`${this.source} has no kernel '${name}' (it has: ${this.kernels.map((k) => k.name).join(', ')})`);
    return found;
  }
}

export class Kernel {
  readonly name: string;
  readonly info: NativeKernelInfo;

  /** @internal */
  constructor(
    readonly library: KernelLibrary,
    info: NativeKernelInfo,
  ) {
    this.name = info.name;
    this.info = info;
  }

  async dispatch(options: DispatchOptions): Promise<DispatchResult> {
    const native = normalizeDispatchOptions(options, this.info.params);
    const observation = options.onBarrier ? new BarrierObservation(options.onBarrier, 'async') : undefined;
    let outcome: NativeOutcome;
    try {
      outcome = await nativeAddon().dispatchAsync(this.library.native, this.name, withObserver(native, observation));
    } catch (error) {
      throw toGpuosError(error);
    }
    const stopped = observation?.failureOf(outcome);
    if (stopped) throw stopped.error;
    if (!outcome.ok) {
      const findings = await Promise.all(
        outcome.findings.map(async (f) => withSourceLocation(f, f.fault ? await symbolize(f.fault.library, f.fault.pcOffset) : undefined)),
      );
      throw new EmulatorError(this.name, native.seed, findings);
    }
    return resultOf(this.name, native, outcome);
  }

  /** dispatch() on the calling thread; an onBarrier observer must then be synchronous. */
  dispatchSync(options: DispatchOptions): DispatchResult {
    const native = normalizeDispatchOptions(options, this.info.params);
    const observation = options.onBarrier ? new BarrierObservation(options.onBarrier, 'sync') : undefined;
    const outcome = callNative(() => nativeAddon().dispatchSync(this.library.native, this.name, withObserver(native, observation)));
    const stopped = observation?.failureOf(outcome);
    if (stopped) throw stopped.error;
    if (!outcome.ok) {
      const findings = outcome.findings.map((f) => withSourceLocation(f, f.fault ? symbolizeSync(f.fault.library, f.fault.pcOffset) : undefined));
      throw new EmulatorError(this.name, native.seed, findings);
    }
    return resultOf(this.name, native, outcome);
  }
}

function withObserver(native: NativeDispatchOptions, observation: BarrierObservation | undefined): NativeDispatchOptions {
  return observation ? { ...native, onBarrier: observation.hook } : native;
}

function resultOf(kernel: string, native: { seed: bigint; threads: [number, number, number] }, outcome: NativeOutcome): DispatchResult {
  const result: DispatchResult = { kernel, seed: native.seed, threads: native.threads, stats: outcome.stats };
  if (outcome.barrierTimeline) result.barrierTimeline = outcome.barrierTimeline;
  return result;
}

function withSourceLocation(native: NativeOutcome['findings'][number], source: SymbolizedLocation | undefined): Finding {
  const finding: Finding = { ...native, code: native.code as EmulatorErrorCode };
  if (native.fault) {
    finding.fault = { ...native.fault, ...(source ? { source } : {}) };
    if (source) finding.message = finding.message.replace(/\.\n|\.$/, ` (at ${source.file}:${source.line}).\n`).trimEnd();
  }
  return finding;
}

/**
 * A loaded kernel library and its kernels. Kernel.dispatch runs one threadgroup on the CPU
 * emulator without blocking the event loop; dispatchSync runs it on the calling thread.
 */
import { InvalidArgumentError } from '../errors.js';
import { BarrierObservation } from './barrier_observer.js';
import { normalizeDispatchOptions, type DispatchOptions } from './dispatch_options.js';
import { EmulatorError, type EmulatorErrorCode, type EmulatorWarning, type Finding } from './emulator_error.js';
import {
  callNative,
  nativeAddon,
  toGpuosError,
  type BarrierDigest,
  type BarrierMark,
  type NativeDispatchOptions,
  type NativeKernelInfo,
  type NativeKernelLibrary,
  type NativeOutcome,
  type NativeStats,
  type ScheduleDecisions,
} from './native.js';
import { raceDetails, raceMessage, racePcOffsets } from './race_report.js';
import { symbolize, symbolizeMany, symbolizeManySync, symbolizeSync, type SymbolizedLocation } from './symbolize.js';

export interface DispatchResult {
  kernel: string;
  seed: bigint;
  threads: [number, number, number];
  stats: NativeStats;
  /** When dispatched with profile: true. */
  barrierTimeline?: BarrierMark[];
  /** When dispatched with race: true: loads and stores checked, and reports that do not fail it. */
  raceCheckedAccesses?: number;
  raceWarnings?: EmulatorWarning[];
  /** Scheduling decisions the dispatch took (any strategy). */
  decisionCount: number;
  /** With schedule.recordDecisions. */
  decisions?: ScheduleDecisions;
  /** With schedule.digestBarriers. */
  barrierDigests?: BarrierDigest[];
}

/** The kernel called `name` in a library's list; with no name, its only kernel. */
export function findKernel<K extends { name: string }>(kernels: readonly K[], source: string, name: string | undefined): K {
  if (name === undefined) {
    if (kernels.length === 1) return kernels[0]!;
    throw new InvalidArgumentError(`${source} has ${kernels.length} kernels; name one of: ${kernels.map((k) => k.name).join(', ')}`);
  }
  const found = kernels.find((k) => k.name === name);
  if (!found) throw new InvalidArgumentError(`${source} has no kernel '${name}' (it has: ${kernels.map((k) => k.name).join(', ')})`);
  return found;
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
    /** Builds and loads the race-checking variant of the same source (none for that variant itself). */
    private readonly buildRaceVariant?: () => Promise<KernelLibrary>,
  ) {
    this.kernels = callNative(() => native.kernels()).map((info) => new Kernel(this, info));
  }

  private raceVariant?: KernelLibrary;

  /** Whether this library itself was built for race checking. */
  get raceInstrumented(): boolean {
    return this.native.raceInstrumented;
  }

  /** The race-checking build of this library (itself if it is one), built on first use. */
  async raceChecked(): Promise<KernelLibrary> {
    if (this.native.raceInstrumented) return this;
    if (!this.raceVariant) {
      if (!this.buildRaceVariant) throw new InvalidArgumentError(`${this.source}: this library cannot be rebuilt for race checking`);
      this.raceVariant = await this.buildRaceVariant();
    }
    return this.raceVariant;
  }

  /** The race-checking build if it has been built already. */
  raceCheckedIfBuilt(): KernelLibrary | undefined {
    return this.native.raceInstrumented ? this : this.raceVariant;
  }

  /** The kernel called `name`; with no name, the library's only kernel. */
  kernel(name?: string): Kernel {
    return findKernel(this.kernels, this.source, name);
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
    const library = native.race ? await this.library.raceChecked() : this.library;
    const observation = options.onBarrier ? new BarrierObservation(options.onBarrier, 'async') : undefined;
    let outcome: NativeOutcome;
    try {
      outcome = await nativeAddon().dispatchAsync(library.native, this.name, withObserver(native, observation));
    } catch (error) {
      throw toGpuosError(error);
    }
    const stopped = observation?.failureOf(outcome);
    if (stopped) throw stopped.error;
    const races = racePcOffsets([...outcome.findings, ...outcome.warnings]);
    const lines = lineMap(races.offsets, races.offsets.length > 0 ? await symbolizeMany(races.library, races.offsets) : []);
    if (!outcome.ok) {
      const findings = await Promise.all(
        outcome.findings.map(async (f) => withSourceLocation(f, f.fault ? await symbolize(f.fault.library, f.fault.pcOffset) : undefined, lines)),
      );
      throw new EmulatorError(this.name, native.seed, findings, scheduleOf(outcome));
    }
    return resultOf(this.name, native, outcome, lines);
  }

  /**
   * dispatch() on the calling thread; an onBarrier observer must then be synchronous. With
   * race: true the library's race-checking build must exist already (compileKernel with races: true).
   */
  dispatchSync(options: DispatchOptions): DispatchResult {
    const native = normalizeDispatchOptions(options, this.info.params);
    const library = native.race ? this.library.raceCheckedIfBuilt() : this.library;
    if (!library) throw new InvalidArgumentError(`race: true with dispatchSync needs the race-checking build of ${this.library.source}: compile it with compileKernel({ path, races: true }), or await library.raceChecked() first`);
    const observation = options.onBarrier ? new BarrierObservation(options.onBarrier, 'sync') : undefined;
    const outcome = callNative(() => nativeAddon().dispatchSync(library.native, this.name, withObserver(native, observation)));
    const stopped = observation?.failureOf(outcome);
    if (stopped) throw stopped.error;
    const races = racePcOffsets([...outcome.findings, ...outcome.warnings]);
    const lines = lineMap(races.offsets, races.offsets.length > 0 ? symbolizeManySync(races.library, races.offsets) : []);
    if (!outcome.ok) {
      const findings = outcome.findings.map((f) => withSourceLocation(f, f.fault ? symbolizeSync(f.fault.library, f.fault.pcOffset) : undefined, lines));
      throw new EmulatorError(this.name, native.seed, findings, scheduleOf(outcome));
    }
    return resultOf(this.name, native, outcome, lines);
  }
}

function scheduleOf(outcome: NativeOutcome): NonNullable<EmulatorError['schedule']> {
  return {
    decisionCount: outcome.decisionCount,
    ...(outcome.decisions ? { decisions: outcome.decisions } : {}),
    ...(outcome.barrierDigests ? { barrierDigests: outcome.barrierDigests } : {}),
  };
}

function lineMap(offsets: readonly bigint[], found: readonly (SymbolizedLocation | undefined)[]): Map<bigint, SymbolizedLocation | undefined> {
  return new Map(offsets.map((offset, i) => [offset, found[i]]));
}

function withObserver(native: NativeDispatchOptions, observation: BarrierObservation | undefined): NativeDispatchOptions {
  return observation ? { ...native, onBarrier: observation.hook } : native;
}

function resultOf(kernel: string, native: { seed: bigint; threads: [number, number, number]; race: boolean }, outcome: NativeOutcome, lines: ReadonlyMap<bigint, SymbolizedLocation | undefined>): DispatchResult {
  const result: DispatchResult = { kernel, seed: native.seed, threads: native.threads, stats: outcome.stats, decisionCount: outcome.decisionCount };
  if (outcome.barrierTimeline) result.barrierTimeline = outcome.barrierTimeline;
  if (outcome.decisions) result.decisions = outcome.decisions;
  if (outcome.barrierDigests) result.barrierDigests = outcome.barrierDigests;
  if (native.race) {
    result.raceCheckedAccesses = outcome.raceCheckedAccesses;
    result.raceWarnings = outcome.warnings.map((w) => withSourceLocation(w, undefined, lines) as unknown as EmulatorWarning);
  }
  return result;
}

function withSourceLocation(native: NativeOutcome['findings'][number], source: SymbolizedLocation | undefined, lines: ReadonlyMap<bigint, SymbolizedLocation | undefined>): Finding {
  const { race, ...rest } = native;
  const finding: Finding = { ...rest, code: native.code as EmulatorErrorCode };
  if (race) {
    finding.race = raceDetails(race, lines);
    finding.message = raceMessage(native.code, finding.race);
  }
  if (native.fault) {
    finding.fault = { ...native.fault, ...(source ? { source } : {}) };
    if (source) finding.message = finding.message.replace(/\.\n|\.$/, ` (at ${source.file}:${source.line}).\n`).trimEnd();
  }
  return finding;
}

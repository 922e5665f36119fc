/**
 * What a dispatch may be given, validated before it reaches the addon: every mistake is an
 * InvalidArgumentError that names the option and the allowed range.
 */
import { InvalidArgumentError } from '../errors.js';
import type { BarrierObserver } from './barrier_observer.js';
import { DeviceBuffer } from './device_buffer.js';
import type { NativeDeviceBuffer, NativeDispatchOptions, NativeKernelParam, NativeScheduleOptions } from './native.js';

export const MAX_THREADS_PER_THREADGROUP = 1024;
export const THREADGROUP_MEMORY_BYTES = 32768;
export const MAX_BINDINGS = 31;
export const DEFAULT_SEED = 1n;
export const DEFAULT_WATCHDOG_MS = 20_000;
export const DEFAULT_STACK_BYTES = 128 * 1024;
/** All of a dispatch's fiber stacks together (threads × stackBytes). */
export const MAX_TOTAL_STACK_BYTES = 4 * 1024 ** 3;

/** Bindings by index (an array or { 0: … }) or by the kernel parameter's name ({ input: … }). */
export type Bindings<T> = readonly (T | null | undefined)[] | Readonly<Record<string, T | null | undefined>>;

/**
 * Every backend understands threads, buffers, threadgroupMemory and profile. The rest are the
 * CPU emulator's own: give them in the `emulator` block (or, the older spelling, at the top
 * level); a GPU backend refuses them.
 */
export interface DispatchOptions extends EmulatorBlock {
  /** Threads in the one threadgroup: a count, or [x], [x, y], [x, y, z]; at most 1024 in all. */
  threads: number | readonly number[];
  buffers?: Bindings<DeviceBuffer>;
  /** Bytes for each [[threadgroup(n)]] parameter (a multiple of 16). */
  threadgroupMemory?: Bindings<number>;
  /**
   * Record when each threadgroup barrier released (DispatchResult.barrierTimeline): the emulator's
   * clock, or the GPU's own global timer read by thread 0 after each release. Default false.
   */
  profile?: boolean;
  /** The emulator-only options, apart. */
  emulator?: EmulatorBlock;
}

export interface EmulatorBlock {
  /** Seeds the order in which runnable threads resume (default 1). Any seed must give the same result. */
  seed?: number | bigint;
  /** Report rule breaks a GPU lets pass (threads returning before a barrier, reading inactive lanes). Default true. */
  strict?: boolean;
  /** Stop a dispatch running longer than this (default 20000 ms). */
  watchdogMs?: number;
  /** Stack per thread (default 131072 bytes). */
  stackBytes?: number;
  /**
   * Check every load and store for data races and reads of unwritten threadgroup memory
   * (E_DATA_RACE, E_UNINITIALIZED_READ; docs/EMULATOR.md, race checking). Runs the library's
   * race-checking build: compileKernel with races: true, or dispatch() builds it on first use.
   */
  race?: boolean;
  /**
   * How threads are scheduled (docs/EMULATOR.md, schedule exploration): 'random' (the default,
   * drawn from the seed; a SIMD-group's lanes run back to back), 'pct' (probabilistic concurrency testing) or 'scripted' (the choices
   * given, for exhaustive exploration). schedule-exploration tools set the rest.
   */
  schedule?: ScheduleOptions;
  /**
   * Called at every threadgroup barrier release while the dispatch is paused there (every live
   * thread waits at that barrier): read threadgroup memory from the release and device memory from
   * your DeviceBuffers. dispatch() awaits a returned promise; dispatchSync refuses one. Throwing
   * stops the dispatch with that error. See docs/EMULATOR.md.
   */
  onBarrier?: BarrierObserver;
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function normalizeThreads(threads: DispatchOptions['threads']): [number, number, number] {
  const extents = typeof threads === 'number' ? [threads] : Array.isArray(threads) ? [...threads] : undefined;
  if (!extents || extents.length < 1 || extents.length > 3) {
    throw new InvalidArgumentError('threads must be a number or an array of 1 to 3 numbers');
  }
  const dims = [0, 1, 2].map((axis) => integer(`threads[${axis}]`, extents[axis] ?? 1, 1, MAX_THREADS_PER_THREADGROUP)) as [number, number, number];
  const total = dims[0] * dims[1] * dims[2];
  if (total > MAX_THREADS_PER_THREADGROUP) {
    throw new InvalidArgumentError(`a threadgroup holds at most ${MAX_THREADS_PER_THREADGROUP} threads; threads ${dims.join('×')} is ${total}`);
  }
  return dims;
}

function resolveBindings<T>(
  what: string,
  bindings: Bindings<T> | undefined,
  params: readonly NativeKernelParam[],
  kind: NativeKernelParam['kind'],
  check: (value: T, label: string) => void,
): (T | undefined)[] {
  const out: (T | undefined)[] = new Array<T | undefined>(MAX_BINDINGS).fill(undefined);
  if (bindings === undefined) return out;
  if (bindings === null || typeof bindings !== 'object') throw new InvalidArgumentError(`${what} must be an array or an object`);
  if (Array.isArray(bindings) && bindings.length > MAX_BINDINGS) throw new InvalidArgumentError(`${what} holds at most ${MAX_BINDINGS} bindings`);
  // Array.from, not map: a hole ([, out]) is an index left unbound, as undefined is.
  const entries: [string, T | null | undefined][] = Array.isArray(bindings)
    ? Array.from(bindings as (T | null | undefined)[], (value, index) => [String(index), value])
    : Object.entries(bindings as Record<string, T | null | undefined>);
  for (const [key, value] of entries) {
    if (value === undefined || value === null) continue;
    let index: number;
    if (/^\d+$/.test(key)) {
      index = Number(key);
      if (index >= MAX_BINDINGS) throw new InvalidArgumentError(`${what}: index ${index} is above ${MAX_BINDINGS - 1}`);
    } else {
      const param = params.find((p) => p.kind === kind && p.name === key);
      if (!param) {
        const names = params.filter((p) => p.kind === kind).map((p) => p.name);
        throw new InvalidArgumentError(`${what}: the kernel has no ${kind} parameter '${key}' (it has: ${names.join(', ') || 'none'})`);
      }
      index = param.index;
    }
    check(value, `${what}[${key}]`);
    out[index] = value;
  }
  return out;
}

function normalizeSeed(seed: DispatchOptions['seed']): bigint {
  if (seed === undefined) return DEFAULT_SEED;
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > 0xffff_ffff_ffff_ffffn) throw new InvalidArgumentError('seed must fit in 64 unsigned bits');
    return seed;
  }
  return BigInt(integer('seed', seed, 0, Number.MAX_SAFE_INTEGER));
}

export interface ScheduleOptions {
  strategy?: 'random' | 'pct' | 'scripted';
  /** PCT: the bug depth d (d - 1 priority change points), 1 to 64; default 3. */
  pctDepth?: number;
  /** PCT: change points fall on scheduling decisions 1..pctSteps; default 1000. */
  pctSteps?: number;
  /** Scripted: the option taken at each decision (see DispatchResult.decisions). */
  script?: readonly number[] | Uint16Array;
  /** Return every decision taken (DispatchResult.decisions). */
  recordDecisions?: boolean;
  /** Digest device and threadgroup memory at every barrier release (DispatchResult.barrierDigests). */
  digestBarriers?: boolean;
}

/** At most this many decisions are scripted or recorded (the executor's kMaxRecordedDecisions). */
export const MAX_SCHEDULE_DECISIONS = 1 << 20;

function normalizeSchedule(schedule: ScheduleOptions | undefined): NativeScheduleOptions | undefined {
  if (schedule === undefined) return undefined;
  if (schedule === null || typeof schedule !== 'object') throw new InvalidArgumentError('schedule must be an object');
  const strategy = schedule.strategy ?? 'random';
  if (!['random', 'pct', 'scripted'].includes(strategy)) throw new InvalidArgumentError(`schedule.strategy must be 'random', 'pct' or 'scripted', got ${String(strategy)}`);
  const out: NativeScheduleOptions = { strategy };
  if (schedule.pctDepth !== undefined) out.pctDepth = integer('schedule.pctDepth', schedule.pctDepth, 1, 64);
  if (schedule.pctSteps !== undefined) out.pctSteps = integer('schedule.pctSteps', schedule.pctSteps, 1, 2 ** 40);
  if (schedule.script !== undefined) {
    const script = schedule.script;
    if (!(script instanceof Uint16Array) && !Array.isArray(script)) throw new InvalidArgumentError('schedule.script must be an array of option indices');
    if (script.length > MAX_SCHEDULE_DECISIONS) throw new InvalidArgumentError(`schedule.script has ${script.length} decisions; at most ${MAX_SCHEDULE_DECISIONS}`);
    if (Array.isArray(script)) for (let i = 0; i < script.length; i++) integer(`schedule.script[${i}]`, script[i], 0, 1023);
    out.script = script instanceof Uint16Array ? script : Uint16Array.from(script);
  }
  for (const flag of ['recordDecisions', 'digestBarriers'] as const) {
    if (schedule[flag] !== undefined && typeof schedule[flag] !== 'boolean') throw new InvalidArgumentError(`schedule.${flag} must be a boolean`);
    if (schedule[flag]) out[flag] = true;
  }
  return out;
}

/** The options every backend understands, checked: threads, bindings, profile. */
export interface SharedDispatchOptions {
  threads: [number, number, number];
  buffers: (DeviceBuffer | undefined)[];
  threadgroupMemory: number[];
  profile: boolean;
}

/**
 * Options only the CPU emulator has: its schedule, its checks and its fibers. On another backend
 * they are refused, not ignored (the GPU runs its own schedule and checks nothing).
 */
export const EMULATOR_ONLY_OPTIONS = ['seed', 'strict', 'watchdogMs', 'stackBytes', 'race', 'schedule', 'onBarrier'] as const;
export type EmulatorOnlyOptions = EmulatorBlock;

/**
 * The emulator's options, from the `emulator` block or (the older spelling, still accepted) the
 * top level; the same option in both is refused.
 */
export function emulatorOptionsOf(options: DispatchOptions): EmulatorOnlyOptions {
  const block = options.emulator;
  if (block === undefined) return options;
  if (block === null || typeof block !== 'object') throw new InvalidArgumentError('emulator must be an object of emulator-only options (seed, strict, watchdogMs, stackBytes, race, schedule, onBarrier)');
  const unknown = Object.keys(block).filter((key) => !(EMULATOR_ONLY_OPTIONS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new InvalidArgumentError(`emulator: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${EMULATOR_ONLY_OPTIONS.join(', ')})`);
  const merged: Record<string, unknown> = {};
  for (const key of EMULATOR_ONLY_OPTIONS) {
    if (options[key] !== undefined && block[key] !== undefined) throw new InvalidArgumentError(`${key} is given both at the top level and in the emulator block; give it once`);
    merged[key] = block[key] ?? options[key];
  }
  return merged as EmulatorOnlyOptions;
}

export function normalizeSharedOptions(options: DispatchOptions, params: readonly NativeKernelParam[]): SharedDispatchOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('dispatch options must be an object');
  const buffers = resolveBindings<DeviceBuffer>('buffers', options.buffers, params, 'buffer', (value, label) => {
    if (!(value instanceof DeviceBuffer)) throw new InvalidArgumentError(`${label} must be a DeviceBuffer`);
  });
  const threadgroupMemory = resolveBindings<number>('threadgroupMemory', options.threadgroupMemory, params, 'threadgroup', (value, label) => {
    integer(label, value, 0, THREADGROUP_MEMORY_BYTES);
    if (value % 16 !== 0) throw new InvalidArgumentError(`${label} must be a multiple of 16 bytes (Metal's rule), got ${value}`);
  });
  if (options.profile !== undefined && typeof options.profile !== 'boolean') throw new InvalidArgumentError('profile must be a boolean');
  return { threads: normalizeThreads(options.threads), buffers, threadgroupMemory: threadgroupMemory.map((bytes) => bytes ?? 0), profile: options.profile ?? false };
}

export function normalizeDispatchOptions(dispatch: DispatchOptions, params: readonly NativeKernelParam[]): NativeDispatchOptions {
  const shared = normalizeSharedOptions(dispatch, params);
  const options = emulatorOptionsOf(dispatch);
  const { buffers } = shared;
  for (const buffer of buffers) buffer?.willChangeInPlace();
  if (options.strict !== undefined && typeof options.strict !== 'boolean') throw new InvalidArgumentError('strict must be a boolean');
  if (options.race !== undefined && typeof options.race !== 'boolean') throw new InvalidArgumentError('race must be a boolean');
  if (options.onBarrier !== undefined && typeof options.onBarrier !== 'function') {
    throw new InvalidArgumentError(`onBarrier must be a function (release) => void | Promise<void>, got ${options.onBarrier === null ? 'null' : typeof options.onBarrier}`);
  }
  const threads = shared.threads;
  const stackBytes = options.stackBytes === undefined ? DEFAULT_STACK_BYTES : integer('stackBytes', options.stackBytes, 16 * 1024, 64 * 1024 * 1024);
  // Every thread's stack may be touched: all of them together are bounded, not just each one.
  const total = threads[0] * threads[1] * threads[2] * stackBytes;
  if (total > MAX_TOTAL_STACK_BYTES) {
    throw new InvalidArgumentError(`stackBytes ${stackBytes} for ${threads[0] * threads[1] * threads[2]} threads is ${total} bytes of stacks; at most ${MAX_TOTAL_STACK_BYTES} (4 GiB) in all: lower stackBytes or the thread count`);
  }
  return {
    threads,
    buffers: buffers.map((buffer): NativeDeviceBuffer | undefined => buffer?.native),
    threadgroupMemory: shared.threadgroupMemory,
    seed: normalizeSeed(options.seed),
    strict: options.strict ?? true,
    watchdogMs: options.watchdogMs === undefined ? DEFAULT_WATCHDOG_MS : integer('watchdogMs', options.watchdogMs, 1, 86_400_000),
    stackBytes,
    profile: shared.profile,
    race: options.race ?? false,
    ...(options.schedule === undefined ? {} : { schedule: normalizeSchedule(options.schedule)! }),
  };
}

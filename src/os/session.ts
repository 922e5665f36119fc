/**
 * A running OS: a scene, a framebuffer, and the device memory the kernel keeps between frames.
 *
 *   const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: 1280, height: 720 });
 *   session.pushEvents([{ type: 'pointerDown', x: 40, y: 90 }, { type: 'pointerUp', x: 40, y: 90 }]);
 *   await session.step({ deltaUs: 16_667 });
 *   session.widget('wifi').checked;   // true
 *   session.writePng('frame.png');
 *
 * The host only writes inputs (events into the ring, the frame's time) and reads results; every
 * decision is the kernel's. Frames are stepped explicitly with the time they represent, so a
 * session is a pure function of its scene and its inputs: the replayer depends on that.
 */
import { InvalidArgumentError } from '../errors.js';
import { writePng, type RgbaImage } from '../golden/png.js';
import { DeviceBuffer } from '../kernel/device_buffer.js';
import type { BarrierObserver } from '../kernel/barrier_observer.js';
import type { ScheduleOptions } from '../kernel/dispatch_options.js';
import type { DispatchResult, Kernel } from '../kernel/kernel_library.js';
import type { CudaDispatchResult, CudaKernel } from '../kernel/cuda/cuda_library.js';
import { requireBackend } from '../kernel/backends.js';
import { nativeAddon, type BarrierMark, type NativeStats } from '../kernel/native.js';
import { compileScene, loadScene, type CompiledScene } from '../scene/scene_compile.js';
import { OsAbi } from './abi.js';
import { buildInitialState } from './initial_state.js';
import type { FrameRequest, HostOperation, SessionObserver } from './host_operations.js';
import { encodeEvent, RAW_EVENT_BYTES, writeRawEvent, type InputEvent, type RawInputEvent } from './input_events.js';
import { QueueFullError, SessionStateError } from './os_errors.js';
import { GpuFramebufferDigests } from './framebuffer_digests.js';
import { loadOsKernel, loadOsKernelForCuda, OS_THREADS } from './os_kernel.js';
import { buildIdentity, kernelSourcesDigest } from '../trace/trace_identity.js';
import { OsStateView, type FrameState, type WidgetState } from './os_state.js';

/** Where a session's frames run (src/kernel/backends.ts). */
export type Backend = 'emulator' | 'cuda';
export const BACKENDS: readonly Backend[] = ['emulator', 'cuda'];

export const DEFAULT_WIDTH = 1280;
export const DEFAULT_HEIGHT = 720;
/** One frame at 60 Hz. */
export const DEFAULT_DELTA_US = 16_667;
/** Frames longer than a second are clamped by the kernel's animations; the host refuses more than a minute. */
export const MAX_DELTA_US = 60_000_000;

export interface OpenSessionOptions {
  /** A scene file's path, a scene object (validated), or a compiled scene. */
  scene: string | object | CompiledScene;
  width?: number;
  height?: number;
  backend?: Backend;
  /** Seeds the emulator's thread schedule; every seed must give the same frames. Default 1. */
  seed?: number | bigint;
  /**
   * Check every frame for data races and uninitialised threadgroup reads (Kernel.dispatch's race
   * option): a frame with one fails with an EmulatorError naming both accesses. Default false.
   */
  races?: boolean;
  /** How each frame's threads are scheduled (Kernel.dispatch's schedule; the seed still varies by frame). */
  schedule?: ScheduleOptions;
  /**
   * Another copy of the OS kernel to run: the os_kernel.metal of a kernels directory (an older
   * commit's, a mutant) with the same gpuos_abi.h as this build. Default: the package's kernel.
   * A trace recorded from such a session names that copy's sources (TraceHeader.kernelDigest).
   */
  kernel?: string;
}

export interface StepOptions {
  /** Time since the previous frame, µs (default: timeUs minus the previous time, else 16667). */
  deltaUs?: number;
  /** The frame's session time, µs (default: the previous time plus deltaUs). Never decreases. */
  timeUs?: number;
  /** Render every tile instead of only the damaged ones (the pixels must not change). */
  fullRedraw?: boolean;
  /** Record when each barrier released (FrameResult.barrierTimeline), for per-phase profiles. */
  profile?: boolean;
  /**
   * Called at every threadgroup barrier release of the frame, with the kernel paused there
   * (Kernel.dispatch's onBarrier, docs/EMULATOR.md "Barrier observers"): decode the OS's scratch
   * with readOsScratch(release) (src/os/os_scratch.ts), name the phase a barrier ends with
   * osPhaseOf(release) (src/os/os_phases.ts). Observing changes nothing the frame computes.
   * stepSync() needs a synchronous observer. An observer that throws (or rejects) stops the frame
   * midway and step() rejects with its error; device memory then holds half a frame, so close
   * the session.
   */
  onBarrier?: BarrierObserver;
}

/**
 * The framebuffer is digested in blocks of this many pixels square (the last row and column cut
 * by its edge): small enough to say where two frames differ, large enough that a frame whose
 * every pixel moved (a scroll) costs a trace only a few kilobytes.
 */
export const DIGEST_BLOCK_SIZE = 32;

export function digestBlockCount(width: number, height: number): number {
  return Math.ceil(width / DIGEST_BLOCK_SIZE) * Math.ceil(height / DIGEST_BLOCK_SIZE);
}

/** Bytes of the damage signatures (one gpuos_tile_state per tile) of a width × height framebuffer. */
export function signatureBytes(width: number, height: number): number {
  const abi = OsAbi.get();
  const tile = abi.constant('GPUOS_TILE_SIZE');
  return Math.ceil(width / tile) * Math.ceil(height / tile) * abi.struct('gpuos_tile_state').size;
}

/** Bytes of buffer 3, the renderer's scratch: OS_RENDER_SCRATCH_WORDS in kernels/os/render_scratch.h. */
export function renderScratchBytes(width: number, height: number): number {
  const abi = OsAbi.get();
  const c = (name: string): number => abi.constant(name);
  const tilesX = Math.ceil(width / c('GPUOS_TILE_SIZE'));
  const tilesY = Math.ceil(height / c('GPUOS_TILE_SIZE'));
  return (c('OS_RENDER_REACH_WORDS') + tilesY * c('OS_ROW_LIST_STRIDE') + tilesX * tilesY * c('OS_RENDER_WORDS_PER_TILE')) * 2;
}

/** Digests of a session's device memory after a frame (OsSession.capture). */
export interface DeviceCapture {
  /** XXH64 of the three digests below, little-endian, concatenated: all device memory. */
  digest: bigint;
  /** Buffer 0 (a view of the session's copy: do not modify). */
  state: Uint8Array;
  stateDigest: bigint;
  queueDigest: bigint;
  primitivesDigest: bigint;
  signaturesDigest: bigint;
  /** Per DIGEST_BLOCK_SIZE-square block of the framebuffer, row-major: low 32 bits of XXH64 of its pixels. */
  blocks: Uint32Array;
}

export interface DeviceSnapshot {
  state: Uint8Array;
  pixels: Uint8Array;
  signatures: Uint8Array;
  /** Frames stepped, and the session time, when it was taken. */
  frameCount: number;
  timeUs: number;
  /** The scene it is a state of (OsSession.sceneDigest): restore refuses another scene's. */
  sceneDigest: string;
}

const SCENE_DIGESTS = new WeakMap<CompiledScene, string>();

/** A digest of a compiled scene's widget records and text: which scene device memory belongs to. */
export function sceneDigestOf(scene: CompiledScene): string {
  let digest = SCENE_DIGESTS.get(scene);
  if (digest === undefined) {
    const bytes = Buffer.concat([Buffer.from(JSON.stringify(scene.widgets)), Buffer.from(scene.text)]);
    digest = nativeAddon().digest64(bytes).toString(16).padStart(16, '0');
    SCENE_DIGESTS.set(scene, digest);
  }
  return digest;
}

export interface FrameResult {
  frame: FrameState;
  backend: Backend;
  /** The frame's dispatch as its backend timed it: the emulator's wall clock, or the GPU's own. */
  kernelNs: number;
  /** Emulator frames: what the emulator counted. */
  stats?: NativeStats;
  /** Emulator frames: the schedule seed. */
  seed?: bigint;
  barrierTimeline?: BarrierMark[];
  /** With races: the loads and stores the race checker saw in the frame (and found no race in). */
  raceCheckedAccesses?: number;
  /** Emulator frames: scheduling decisions the frame's dispatch took. */
  decisionCount?: number;
}

function isCompiledScene(value: unknown): value is CompiledScene {
  return typeof value === 'object' && value !== null && 'widgets' in value && 'ids' in value && (value as CompiledScene).ids instanceof Map;
}

/** A value as a message shows it: "320" (a string) is not 320 (a number). */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function dimension(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}, got ${shown(value)}`);
  }
  return value;
}

function seedOf(value: unknown): bigint {
  if (value === undefined) return 1n;
  if (typeof value === 'bigint' && value >= 0n && value < 1n << 64n) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new InvalidArgumentError(`seed must be a non-negative integer below 2^64, got ${shown(value)}`);
}

/** The emulator schedule seed for one frame: the session's seed, varied by frame so frames differ. */
export function frameSeed(sessionSeed: bigint, frameIndex: number): bigint {
  return BigInt.asUintN(64, sessionSeed * 0x9e3779b97f4a7c15n + BigInt(frameIndex));
}

export async function openSession(options: OpenSessionOptions): Promise<OsSession> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('openSession: pass an options object with a scene');
  const backend = options.backend ?? 'emulator';
  if (!BACKENDS.includes(backend)) {
    throw new InvalidArgumentError(`backend must be one of ${BACKENDS.join(', ')}, got ${String(backend)} (the Metal backend is not built yet; \`gpuos backends\` lists what this machine has)`);
  }
  if (backend !== 'emulator') {
    const emulatorOnly = (['seed', 'races', 'schedule'] as const).filter((key) => options[key] !== undefined);
    if (emulatorOnly.length > 0) throw new InvalidArgumentError(`${emulatorOnly.join(', ')}: emulator-only session option${emulatorOnly.length > 1 ? 's' : ''}; a ${backend} session runs the GPU's own schedule`);
  }
  requireBackend(backend);
  const abi = OsAbi.get();
  const width = dimension('width', options.width, DEFAULT_WIDTH, abi.constant('GPUOS_MAX_FRAMEBUFFER_WIDTH'));
  const height = dimension('height', options.height, DEFAULT_HEIGHT, abi.constant('GPUOS_MAX_FRAMEBUFFER_HEIGHT'));
  const seed = seedOf(options.seed);
  const scene = typeof options.scene === 'string' ? loadScene(options.scene) : isCompiledScene(options.scene) ? options.scene : compileScene(options.scene);
  if (options.races !== undefined && typeof options.races !== 'boolean') throw new InvalidArgumentError(`races must be true or false, got ${String(options.races)}`);
  const races = options.races === true;
  if (options.kernel !== undefined && (typeof options.kernel !== 'string' || options.kernel === '')) throw new InvalidArgumentError(`kernel must be the path of an os_kernel.metal, got ${String(options.kernel)}`);
  const kernelPath = options.kernel === undefined ? {} : { path: options.kernel };
  const kernelDigest = options.kernel === undefined ? buildIdentity().kernelDigest : kernelSourcesDigest(options.kernel);
  const kernel = backend === 'cuda' ? await loadOsKernelForCuda(kernelPath) : await loadOsKernel({ races, ...kernelPath });
  // On a GPU the framebuffer is digested where it lives; on the emulator it lives here.
  const gpuDigests = backend === 'cuda' ? await GpuFramebufferDigests.forCuda(width, height, DIGEST_BLOCK_SIZE) : undefined;
  const session = new OsSession(kernel, scene, width, height, seed, backend, races, options.schedule, gpuDigests);
  session.kernelDigest = kernelDigest;
  return session;
}

export class OsSession {
  private readonly abi = OsAbi.get();
  private readonly state: DeviceBuffer;
  private readonly pixels: DeviceBuffer;
  private readonly tiles: DeviceBuffer;
  private readonly renderScratch: DeviceBuffer;
  private readonly queueOffset: number;
  private readonly eventsOffset: number;
  private readonly capacity: number;
  private readonly perFrame: number;
  private view: OsStateView;
  private framebufferCache: Uint8Array | undefined;
  private timeUs = 0;
  private framesStepped = 0;
  private busy = false;
  private stateWritten = false;
  // The host changed device memory other than by stepping (events, counters, writes, a restore).
  private touched = false;
  private observers: SessionObserver[] = [];
  private pendingRequest: FrameRequest | undefined;
  private allBlocks: Uint32Array | undefined;
  private closed = false;
  /** A digest of the kernel sources this session runs (OpenSessionOptions.kernel; trace headers record it). */
  kernelDigest = '';

  /** @internal use openSession */
  constructor(
    private readonly kernel: Kernel | CudaKernel,
    readonly scene: CompiledScene,
    readonly width: number,
    readonly height: number,
    readonly seed: bigint,
    readonly backend: Backend,
    /** Every frame race-checked (OpenSessionOptions.races). */
    readonly races = false,
    /** How every frame is scheduled (OpenSessionOptions.schedule). */
    readonly schedule?: ScheduleOptions,
    /** A GPU backend's framebuffer digests, computed on the GPU. */
    private readonly gpuDigests?: GpuFramebufferDigests,
  ) {
    const initial = buildInitialState(scene, width, height);
    this.state = DeviceBuffer.from(initial);
    this.pixels = new DeviceBuffer(width * height * 4);
    this.tiles = new DeviceBuffer(signatureBytes(width, height));
    this.renderScratch = new DeviceBuffer(renderScratchBytes(width, height));
    this.queueOffset = this.abi.offsetOf('gpuos_os_state', ['queue', 0]);
    this.eventsOffset = this.abi.offsetOf('gpuos_os_state', ['queue', 0, 'events']);
    this.capacity = this.abi.constant('GPUOS_INPUT_QUEUE_CAPACITY');
    this.perFrame = this.abi.constant('GPUOS_EVENTS_PER_FRAME');
    this.view = new OsStateView(initial, scene);
  }

  /** Which scene this session's memory belongs to (snapshots carry it). */
  get sceneDigest(): string {
    return sceneDigestOf(this.scene);
  }

  /** True until the session steps or the host changes its memory: what a recording starts from. */
  get pristine(): boolean {
    return this.framesStepped === 0 && !this.touched;
  }

  /** Frames stepped so far. */
  get frameCount(): number {
    return this.framesStepped;
  }

  /** The session time of the last frame, µs. */
  get time(): number {
    return this.timeUs;
  }

  private usable(what: string): void {
    if (this.closed) throw new SessionStateError(`${what}: the session is closed`);
    if (this.busy) throw new SessionStateError(`${what}: a frame is still running; await step() first`);
  }

  /** Queues typed events (validated); all or nothing. A text event queues one event per character. */
  pushEvents(events: readonly InputEvent[]): void {
    this.usable('pushEvents');
    if (!Array.isArray(events)) throw new InvalidArgumentError('pushEvents: pass an array of events');
    // Count first (a text event is one per character): more than the ring has room for is refused
    // before any is built, however long the text.
    let count = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as { type?: unknown; text?: unknown } | undefined;
      count += event?.type === 'text' && typeof event.text === 'string' ? event.text.length : 1;
    }
    this.checkRoom(count);
    // An index loop, not flatMap: a hole is an event that is not there, not one skipped.
    const raw: RawInputEvent[] = [];
    for (let i = 0; i < events.length; i++) raw.push(...encodeEvent(events[i], this.width, this.height, `events[${i}]`));
    this.enqueue(raw);
  }

  /**
   * Queues events exactly as given, unvalidated: for tests of the kernel's own validation and for
   * traces. Fields are still coerced to their ABI types (u16, u32, f32).
   */
  pushRawEvents(events: readonly RawInputEvent[]): void {
    this.usable('pushRawEvents');
    if (!Array.isArray(events)) throw new InvalidArgumentError('pushRawEvents: pass an array of events');
    // An index loop, not forEach: a hole in the array is an error, not an event skipped.
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (typeof event !== 'object' || event === null) throw new InvalidArgumentError(`events[${i}] must be an event object`);
      for (const key of ['type', 'modifiers', 'code', 'x', 'y'] as const) {
        if (typeof event[key] !== 'number') throw new InvalidArgumentError(`events[${i}].${key} must be a number`);
      }
    }
    this.enqueue(events);
  }

  /** Refuses `count` events when the ring lacks room for all of them (QueueFullError). */
  private checkRoom(count: number): void {
    const { head, tail } = this.queueCounters();
    const pending = (head - tail) >>> 0;
    const free = pending > this.capacity ? 0 : this.capacity - pending;
    if (count > free) throw new QueueFullError(free, count, this.perFrame);
  }

  private enqueue(events: readonly RawInputEvent[]): void {
    if (events.length === 0) return;
    this.checkRoom(events.length);
    const { head } = this.queueCounters();
    this.touched = true;
    const slot = new DataView(new ArrayBuffer(RAW_EVENT_BYTES));
    events.forEach((event, i) => {
      writeRawEvent(slot, 0, event);
      this.state.write(slot, this.eventsOffset + (((head + i) >>> 0) % this.capacity) * RAW_EVENT_BYTES);
    });
    // Publish the events by advancing head last, as a producer on the GPU's side of the ring would.
    this.writeCounter('head', (head + events.length) >>> 0);
    this.notify({ kind: 'events', events: events.map((e) => ({ type: e.type, modifiers: e.modifiers, code: e.code, x: e.x, y: e.y })) });
  }

  private writeCounter(name: 'head' | 'tail', value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    this.state.write(bytes, this.queueOffset + (name === 'head' ? 0 : 4));
  }

  private notify(operation: HostOperation): void {
    for (const observer of this.observers) observer.operation?.(operation);
  }

  /**
   * Tells `observer` about every operation and frame from now on (a recorder uses this to record a
   * session driven through this API). Returns a function that stops it.
   */
  observe(observer: SessionObserver): () => void {
    this.observers.push(observer);
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Does again what a recorded host operation did (a trace's replay, a minimizer's candidate). */
  apply(operation: HostOperation): void {
    if (operation.kind === 'events') this.pushRawEvents(operation.events);
    else if (operation.kind === 'counters') this.setQueueCounters(operation);
    else this.writeStateBytes(operation.bytes, operation.offset);
  }

  /** The ring's counters: the host writes at head, the kernel reads from tail; both wrap at 2^32. */
  queueCounters(): { head: number; tail: number } {
    this.usable('queueCounters');
    const bytes = this.state.read(this.queueOffset, 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    return { head: view.getUint32(0, true), tail: view.getUint32(4, true) };
  }

  /** Overwrites the ring's counters: for tests that corrupt them on purpose. */
  setQueueCounters(counters: { head?: number; tail?: number }): void {
    this.usable('setQueueCounters');
    if (typeof counters !== 'object' || counters === null || (counters.head === undefined && counters.tail === undefined)) {
      throw new InvalidArgumentError('setQueueCounters: pass { head, tail }, one or both 32-bit unsigned integers');
    }
    for (const name of ['head', 'tail'] as const) {
      const value = counters[name];
      if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 0xffffffff)) throw new InvalidArgumentError(`${name} must be a 32-bit unsigned integer, got ${shown(value)}`);
    }
    this.touched = true;
    if (counters.head !== undefined) this.writeCounter('head', counters.head);
    if (counters.tail !== undefined) this.writeCounter('tail', counters.tail);
    this.notify({ kind: 'counters', ...(counters.head === undefined ? {} : { head: counters.head }), ...(counters.tail === undefined ? {} : { tail: counters.tail }) });
  }

  /** Runs one frame: the kernel consumes up to 32 queued events, lays out, renders. */
  async step(options: StepOptions = {}): Promise<FrameResult> {
    const seed = this.prepareFrame(options);
    this.busy = true;
    let result: DispatchResult | CudaDispatchResult;
    try {
      result = await this.kernel.dispatch(this.dispatchOptions(seed, options));
    } finally {
      this.busy = false;
    }
    return this.finishFrame(result);
  }

  /** step(), on the calling thread: for benchmarks and scripts that need no event loop. */
  stepSync(options: StepOptions = {}): FrameResult {
    const seed = this.prepareFrame(options);
    return this.finishFrame(this.kernel.dispatchSync(this.dispatchOptions(seed, options)));
  }

  /** Several frames of the same delta; resolves with the last one. */
  async run(frames: number, options: Omit<StepOptions, 'timeUs'> = {}): Promise<FrameResult> {
    if (!Number.isSafeInteger(frames) || frames < 1) throw new InvalidArgumentError(`run: frames must be a positive integer, got ${String(frames)}`);
    let last: FrameResult | undefined;
    for (let i = 0; i < frames; i++) last = await this.step(options);
    return last!;
  }

  private prepareFrame(options: StepOptions): bigint {
    this.usable('step');
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('step: options must be an object');
    const { deltaUs, timeUs } = options;
    if (options.onBarrier !== undefined && typeof options.onBarrier !== 'function') {
      throw new InvalidArgumentError(`step: onBarrier must be a function (release) => void | Promise<void>, got ${options.onBarrier === null ? 'null' : typeof options.onBarrier}`);
    }
    if (deltaUs !== undefined && (!Number.isSafeInteger(deltaUs) || deltaUs < 0 || deltaUs > MAX_DELTA_US)) {
      throw new InvalidArgumentError(`step: deltaUs must be an integer from 0 to ${MAX_DELTA_US}, got ${String(deltaUs)}`);
    }
    if (timeUs !== undefined && (!Number.isSafeInteger(timeUs) || timeUs < this.timeUs)) {
      throw new InvalidArgumentError(`step: timeUs must be an integer no earlier than the previous frame's ${this.timeUs}, got ${String(timeUs)}`);
    }
    const delta = deltaUs ?? (timeUs !== undefined ? Math.min(timeUs - this.timeUs, MAX_DELTA_US) : DEFAULT_DELTA_US);
    const time = timeUs ?? this.timeUs + delta;
    if (!Number.isSafeInteger(time)) throw new InvalidArgumentError('step: the session time passed 2^53 µs');
    this.timeUs = time;
    const input = new Uint8Array(this.abi.struct('gpuos_frame_input').size);
    this.abi.write('gpuos_frame_input', new DataView(input.buffer), 0, {
      time_us_low: time % 2 ** 32,
      time_us_high: Math.floor(time / 2 ** 32),
      delta_us: delta,
      flags: options.fullRedraw === true || this.stateWritten ? this.abi.constant('GPUOS_FRAME_FORCE_FULL_REDRAW') : 0,
      width: this.width,
      height: this.height,
    });
    this.state.write(input, this.abi.offsetOf('gpuos_os_state', ['input', 0]));
    this.stateWritten = false;
    this.pendingRequest = { timeUs: time, deltaUs: delta, fullRedraw: options.fullRedraw === true };
    return frameSeed(this.seed, this.framesStepped);
  }

  /** The kernel's buffers by parameter name: their [[buffer(n)]] slots are written only in kernels/os_kernel.metal. */
  private bindings(): Record<string, DeviceBuffer> {
    return { os: this.state, pixels: this.pixels, tiles: this.tiles, render_scratch: this.renderScratch };
  }

  private dispatchOptions(seed: bigint, options: StepOptions) {
    if (this.backend !== 'emulator') {
      if (options.onBarrier !== undefined) throw new InvalidArgumentError(`step: onBarrier pauses the emulator at barriers; a ${this.backend} session cannot`);
      return { threads: OS_THREADS, buffers: this.bindings(), profile: options.profile === true };
    }
    return {
      threads: OS_THREADS,
      buffers: this.bindings(),
      seed,
      profile: options.profile === true,
      race: this.races,
      ...(this.schedule === undefined ? {} : { schedule: this.schedule }),
      ...(options.onBarrier === undefined ? {} : { onBarrier: options.onBarrier }),
    };
  }

  private finishFrame(result: DispatchResult | CudaDispatchResult): FrameResult {
    this.framesStepped++;
    this.framebufferCache = undefined;
    this.view = new OsStateView(this.state.read(), this.scene);
    const request = this.pendingRequest;
    this.pendingRequest = undefined;
    if (request) for (const observer of this.observers) observer.frame?.(request);
    const frame = this.view.frame();
    if ('gpuMs' in result) {
      return { frame, backend: this.backend, kernelNs: Math.round(result.gpuMs * 1e6), ...(result.barrierTimeline ? { barrierTimeline: result.barrierTimeline } : {}) };
    }
    return {
      frame,
      backend: this.backend,
      kernelNs: result.stats.elapsedNs,
      stats: result.stats,
      seed: result.seed,
      decisionCount: result.decisionCount,
      ...(result.barrierTimeline ? { barrierTimeline: result.barrierTimeline } : {}),
      ...(result.raceCheckedAccesses === undefined ? {} : { raceCheckedAccesses: result.raceCheckedAccesses }),
    };
  }

  frameState(): FrameState {
    return this.view.frame();
  }

  /** A widget by its scene id, or by index in depth-first order (the root is 0). */
  widget(name: string | number): WidgetState {
    return this.view.widget(this.widgetIndex(name));
  }

  widgetIndex(name: string | number): number {
    if (typeof name === 'number') {
      if (!Number.isInteger(name) || name < 0 || name >= this.scene.widgets.length) {
        throw new InvalidArgumentError(`widget index must be from 0 to ${this.scene.widgets.length - 1}, got ${name}`);
      }
      return name;
    }
    const index = this.scene.ids.get(name);
    if (index === undefined) {
      const known = [...this.scene.ids.keys()];
      throw new InvalidArgumentError(`the scene has no widget '${name}'${known.length ? ` (ids: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})` : ' (it names none)'}`);
    }
    return index;
  }

  /** Every widget, in depth-first order. */
  widgets(): WidgetState[] {
    return this.scene.widgets.map((_, index) => this.view.widget(index));
  }

  /** The OS's whole device memory (buffer 0) after the last frame: a copy. */
  stateBytes(): Uint8Array {
    return this.view.bytes.slice();
  }

  /**
   * Overwrites bytes of the OS's device memory (buffer 0) before the next frame: for restoring a
   * snapshot, and for tests that corrupt state on purpose (the kernel must survive any bytes).
   * The frame input is rewritten by every step, so width, height and time stay the host's, and
   * the next frame is drawn in full (the kernel cannot tell what changed).
   */
  writeStateBytes(bytes: Uint8Array, byteOffset = 0): void {
    this.usable('writeStateBytes');
    if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('writeStateBytes: pass a Uint8Array');
    const size = this.abi.struct('gpuos_os_state').size;
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset + bytes.byteLength > size) {
      throw new InvalidArgumentError(`writeStateBytes: ${bytes.byteLength} bytes at offset ${byteOffset} do not fit the ${size}-byte state`);
    }
    this.touched = true;
    this.state.write(bytes, byteOffset);
    this.notify({ kind: 'write', offset: byteOffset, bytes: bytes.slice() });
    // The kernel cannot see a host write: the next frame must not keep the last frame's pixels.
    this.stateWritten = true;
    const copy = this.view.bytes.slice();
    copy.set(bytes, byteOffset);
    this.view = new OsStateView(copy, this.scene);
  }

  /**
   * Digests of all device memory after the last frame (what traces store; docs/TRACE_FORMAT.md):
   * buffer 0 whole and by region, each 16x16 tile of the framebuffer, the damage signatures.
   */
  capture(): DeviceCapture {
    this.usable('capture');
    const abi = this.abi;
    const region = (name: 'queue' | 'primitives'): bigint => {
      const struct = abi.struct('gpuos_os_state').fields.get(name)!;
      return this.state.digest(struct.offset, struct.size * struct.count);
    };
    let blocks: Uint32Array;
    if (this.gpuDigests) {
      blocks = this.gpuDigests.compute(this.pixels);
    } else {
      this.allBlocks ??= Uint32Array.from({ length: digestBlockCount(this.width, this.height) }, (_, i) => i);
      blocks = this.pixels.tileDigests(this.width, this.height, DIGEST_BLOCK_SIZE, this.allBlocks);
    }
    const stateDigest = this.state.digest();
    const pixelsDigest = nativeAddon().digest64(new Uint8Array(blocks.buffer, blocks.byteOffset, blocks.byteLength));
    const signaturesDigest = this.tiles.digest();
    const combined = Buffer.alloc(24);
    combined.writeBigUInt64LE(stateDigest, 0);
    combined.writeBigUInt64LE(pixelsDigest, 8);
    combined.writeBigUInt64LE(signaturesDigest, 16);
    return {
      digest: nativeAddon().digest64(combined),
      state: this.view.bytes,
      stateDigest,
      queueDigest: region('queue'),
      primitivesDigest: region('primitives'),
      signaturesDigest,
      blocks,
    };
  }

  /** Copies of all device memory that persists between frames. */
  /** The damage signatures (buffer 2, one gpuos_tile_state per tile): which tiles a frame redrew. */
  tileSignatures(): Uint8Array {
    this.usable('tileSignatures');
    return this.tiles.read();
  }

  snapshot(): DeviceSnapshot {
    this.usable('snapshot');
    return { state: this.state.read(), pixels: this.pixels.read(), signatures: this.tiles.read(), frameCount: this.framesStepped, timeUs: this.timeUs, sceneDigest: this.sceneDigest };
  }

  /**
   * Puts back a snapshot (of this session or of one with the same scene and size): the next frame
   * continues exactly as it did after the snapshot was taken.
   */
  restore(snapshot: DeviceSnapshot): void {
    this.usable('restore');
    if (typeof snapshot !== 'object' || snapshot === null) throw new InvalidArgumentError('restore: pass a snapshot from snapshot()');
    // A recording follows this session forward; rewinding it would record a session that never was.
    if (this.observers.length > 0) throw new SessionStateError('restore: a recording is following this session and cannot record a rewind; stop it first (or record from the restored point in a new session)');
    if (snapshot.sceneDigest !== this.sceneDigest) throw new InvalidArgumentError(`restore: the snapshot is of another scene (${String(snapshot.sceneDigest)}, this session's is ${this.sceneDigest}); restore into a session opened with the same scene and size`);
    const sizes: [string, Uint8Array, DeviceBuffer][] = [
      ['state', snapshot.state, this.state],
      ['pixels', snapshot.pixels, this.pixels],
      ['signatures', snapshot.signatures, this.tiles],
    ];
    for (const [name, bytes, buffer] of sizes) {
      if (!(bytes instanceof Uint8Array) || bytes.byteLength !== buffer.byteLength) throw new InvalidArgumentError(`restore: ${name} must be ${buffer.byteLength} bytes`);
    }
    if (!Number.isSafeInteger(snapshot.frameCount) || snapshot.frameCount < 0 || !Number.isSafeInteger(snapshot.timeUs) || snapshot.timeUs < 0) {
      throw new InvalidArgumentError('restore: frameCount and timeUs must be non-negative integers');
    }
    for (const [, bytes, buffer] of sizes) buffer.write(bytes);
    this.framesStepped = snapshot.frameCount;
    this.timeUs = snapshot.timeUs;
    this.framebufferCache = undefined;
    this.stateWritten = false; // the pixels and signatures are the state's own: no redraw needed
    this.view = new OsStateView(snapshot.state.slice(), this.scene);
    this.touched = true;
  }

  /**
   * Device memory as it is at this moment, read straight from the buffers: from a barrier
   * observer (step({ onBarrier })) that is the frame half done, which is what property tests check
   * each phase's post-conditions on. Copies; between frames the same as stateBytes() and
   * framebuffer().
   */
  deviceMemoryNow(): { state: Uint8Array; framebuffer: Uint8Array } {
    if (this.closed) throw new SessionStateError('deviceMemoryNow: the session is closed');
    return { state: this.state.read(), framebuffer: this.pixels.read() };
  }

  /** The framebuffer after the last frame: RGBA8, rows top to bottom. */
  framebuffer(): Uint8Array {
    this.usable('framebuffer');
    this.framebufferCache ??= this.pixels.read();
    return this.framebufferCache.slice();
  }

  image(): RgbaImage {
    return { width: this.width, height: this.height, data: this.framebuffer() };
  }

  writePng(path: string): void {
    writePng(path, this.image());
  }

  /** Releases the device memory now rather than at garbage collection. */
  close(): void {
    if (this.closed) return;
    if (this.busy) throw new SessionStateError('close: a frame is still running; await step() first');
    this.closed = true;
    for (const buffer of [this.state, this.pixels, this.tiles, this.renderScratch]) buffer.release();
    this.gpuDigests?.release();
  }
}

/**
 * Feeds a trace through the real kernel, frame by frame, and checks each frame against the
 * recording: the tracked state byte for byte, every framebuffer tile and the other regions by
 * digest, and all device memory by the frame digest.
 *
 *   const replayer = await Replayer.open('fixtures/traces/toggle.gtrace');
 *   await replayer.seek(120);                  // from the nearest checkpoint
 *   const check = await replayer.step();       // frame 120
 *   if (!check.ok) console.log(describeDivergence(check.divergence));
 */
import { InvalidArgumentError } from '../errors.js';
import { OsAbi } from '../os/abi.js';
import type { ScheduleOptions } from '../kernel/dispatch_options.js';
import type { BarrierMark } from '../kernel/native.js';
import { DIGEST_BLOCK_SIZE, openSession, type Backend, type DeviceCapture, type OsSession } from '../os/session.js';
import { applyRuns, PREDICTED_FRAME_BYTES, trackedRanges, type TrackedRange } from '../trace/state_regions.js';
import { buildIdentity } from '../trace/trace_identity.js';
import { TraceError } from '../trace/trace_error.js';
import { Trace } from '../trace/trace_reader.js';
import type { FrameRecord, HostOperation } from '../trace/trace_types.js';
import { stateDifferences, type Divergence } from './divergence.js';

export interface ReplayerOptions {
  backend?: Backend;
  /** The emulator schedule seed (default: the recording's). Any seed must replay identically. */
  seed?: number | bigint;
  /** Race-check every frame (OpenSessionOptions.races): a race stops the replay with an EmulatorError. */
  races?: boolean;
  /** How every frame's threads are scheduled (OpenSessionOptions.schedule). */
  schedule?: ScheduleOptions;
  /** Replay through another copy of the OS kernel (OpenSessionOptions.kernel). */
  kernel?: string;
}

export interface FrameCheck {
  frame: FrameRecord;
  ok: boolean;
  /** The replay's frame digest (equal to frame.digest when ok). */
  digest: bigint;
  /** The kernel's own time for the frame (the dispatch, as the backend measured it). */
  kernelNs: number;
  /** Scheduling decisions the frame's dispatch took (what PCT spreads its change points over). */
  decisionCount: number;
  /** The emulator schedule seed the frame's dispatch ran under (varies by frame and by replay seed). */
  seed: bigint;
  divergence?: Divergence;
  /** With step({ profile: true }): when each barrier released (FrameResult.barrierTimeline). */
  barrierTimeline?: BarrierMark[];
}

interface Expected {
  state: Uint8Array;
  blocks: Uint32Array;
  queue: bigint;
  primitives: bigint;
  signatures: bigint;
}

export class Replayer {
  /** The next frame step() replays. */
  position = 0;
  private expected!: Expected;
  private readonly ranges: TrackedRange[];
  private readonly frameOffset: number;

  private constructor(
    readonly trace: Trace,
    public session: OsSession,
    private readonly options: ReplayerOptions,
  ) {
    this.ranges = trackedRanges(session.scene.widgets.length);
    this.frameOffset = OsAbi.get().offsetOf('gpuos_os_state', ['frame', 0]);
    this.resetExpected();
  }

  static async open(path: string, options: ReplayerOptions = {}): Promise<Replayer> {
    const trace = Trace.open(path);
    try {
      checkReplayable(trace);
      return new Replayer(trace, await openFor(trace, options), options);
    } catch (error) {
      trace.close();
      throw error;
    }
  }

  get frameCount(): number {
    return this.trace.frameCount;
  }

  /**
   * Brings the session to the state before frame `frame` (after frame - 1), from the nearest
   * checkpoint. A frame replayed on the way that differs from the recording stops the seek there
   * (position is the frame after it) and is returned; undefined when the seek reached `frame`.
   */
  async seek(frame: number): Promise<FrameCheck | undefined> {
    if (!Number.isInteger(frame) || frame < 0 || frame > this.frameCount) throw new InvalidArgumentError(`seek: frame must be from 0 to ${this.frameCount}, got ${String(frame)}`);
    const entry = this.trace.checkpointBefore(frame);
    if (entry && (entry.frame + 1 > this.position || frame < this.position)) {
      const checkpoint = this.trace.checkpoint(entry);
      const memory = this.trace.inflateCheckpoint(checkpoint);
      this.session.restore({ ...memory, frameCount: checkpoint.frame + 1, timeUs: checkpoint.timeUs, sceneDigest: this.session.sceneDigest });
      this.position = checkpoint.frame + 1;
      this.resetExpected();
    } else if (frame < this.position) {
      this.session.close();
      this.session = await openFor(this.trace, this.options);
      this.position = 0;
      this.resetExpected();
    }
    while (this.position < frame) {
      const check = await this.step();
      if (!check.ok) return check;
    }
    return undefined;
  }

  /**
   * Brings the session to the state before frame `frame` whatever differs on the way (seek stops
   * at a divergence; this goes on): for showing or rendering a frame, not for judging a replay.
   */
  async goTo(frame: number): Promise<void> {
    await this.seek(frame);
    while (this.position < frame) await this.step();
  }

  /** Replays frame `position` and checks it; `profile` records barrier times (per-phase profiles). */
  async step(options: { profile?: boolean } = {}): Promise<FrameCheck> {
    if (this.position >= this.frameCount) throw new InvalidArgumentError(`the trace has ${this.frameCount} frames; there is no frame ${this.position}`);
    const frame = this.trace.frame(this.position);
    for (const operation of frame.operations) this.apply(operation);
    const result = await this.session.step({ timeUs: frame.timeUs, deltaUs: frame.deltaUs, fullRedraw: frame.fullRedraw, ...(options.profile ? { profile: true } : {}) });
    this.position++;
    return { ...this.check(frame), kernelNs: result.kernelNs, seed: result.seed ?? 0n, decisionCount: result.decisionCount ?? 0, ...(result.barrierTimeline ? { barrierTimeline: result.barrierTimeline } : {}) };
  }

  /**
   * The recording's framebuffer for the frame just replayed, as far as the trace knows it: blocks
   * whose digest matches are taken from the replay, blocks the recording did not change this frame
   * from the replay of the frame before; blocks known only by digest are returned in `unknown`.
   */
  async expectedFramebuffer(): Promise<{ data: Uint8Array; unknownBlocks: number[]; exact: boolean }> {
    const frameIndex = this.position - 1;
    const checkpoint = this.trace.checkpoints.find((c) => c.frame === frameIndex);
    if (checkpoint) return { data: this.trace.inflateCheckpoint(this.trace.checkpoint(checkpoint)).pixels, unknownBlocks: [], exact: true };
    const actual = this.session.framebuffer();
    const actualBlocks = this.session.capture().blocks;
    const changedNow = new Set(this.trace.frame(frameIndex).blocks.map((b) => b.index));
    // Replay the previous frame to get what the recording showed one frame earlier.
    const diverged = this.session.snapshot();
    const expectedNow = this.expected;
    await this.seek(frameIndex);
    const before = this.session.framebuffer();
    this.session.restore(diverged);
    this.expected = expectedNow;
    this.position = frameIndex + 1;
    const data = actual.slice();
    const unknownBlocks: number[] = [];
    const { width, height } = this.trace.header.config;
    const size = DIGEST_BLOCK_SIZE;
    const blocksX = Math.ceil(width / size);
    for (let block = 0; block < actualBlocks.length; block++) {
      if (actualBlocks[block] === expectedNow.blocks[block]) continue;
      if (changedNow.has(block)) {
        unknownBlocks.push(block);
        continue;
      }
      const x0 = (block % blocksX) * size;
      const y0 = Math.floor(block / blocksX) * size;
      for (let y = y0; y < Math.min(y0 + size, height); y++) {
        const start = (y * width + x0) * 4;
        data.set(before.subarray(start, start + Math.min(size, width - x0) * 4), start);
      }
    }
    return { data, unknownBlocks, exact: unknownBlocks.length === 0 };
  }

  close(): void {
    this.session.close();
    this.trace.close();
  }

  private apply(operation: HostOperation): void {
    try {
      this.session.apply(operation);
      if (operation.kind === 'write') this.expectFrameNumberWrite(operation);
    } catch (error) {
      throw new TraceError('E_TRACE_INVALID', `frame ${this.position}: the recorded ${operation.kind} operation cannot be applied (${(error as Error).message}); the trace does not fit this scene`, { cause: error });
    }
  }

  private resetExpected(): void {
    const capture = this.session.capture();
    this.expected = { state: capture.state.slice(), blocks: capture.blocks.slice(), queue: capture.queueDigest, primitives: capture.primitivesDigest, signatures: capture.signaturesDigest };
  }

  /** A host write may set the frame number the next frame counts on from (predictFrameBytes). */
  private expectFrameNumberWrite(write: { offset: number; bytes: Uint8Array }): void {
    const start = this.frameOffset;
    for (let at = Math.max(start, write.offset); at < Math.min(start + 8, write.offset + write.bytes.byteLength); at++) {
      this.expected.state[at] = write.bytes[at - write.offset]!;
    }
  }

  private predictFrameBytes(frame: FrameRecord): void {
    // The 24 bytes of gpuos_frame_state a trace does not store: what phase 8 computes from the
    // frame number in memory before the frame (host writes included) and the frame's time
    // (kernels/os/phase_8_finalize.h), to the float.
    const state = this.expected.state;
    const view = new DataView(state.buffer, state.byteOffset + this.frameOffset, PREDICTED_FRAME_BYTES);
    view.setBigUint64(0, BigInt.asUintN(64, view.getBigUint64(0, true) + 1n), true);
    view.setUint32(8, frame.timeUs % 2 ** 32, true);
    view.setUint32(12, Math.floor(frame.timeUs / 2 ** 32), true);
    view.setFloat32(16, Math.fround(Math.fround(frame.timeUs) / 1_000_000), true);
    view.setFloat32(20, Math.fround(Math.fround(frame.deltaUs) / 1_000_000), true);
  }

  private check(frame: FrameRecord): Omit<FrameCheck, 'kernelNs' | 'seed' | 'decisionCount'> {
    const expected = this.expected;
    applyRuns(expected.state, frame.stateRuns, this.ranges, `frame ${frame.index}`);
    this.predictFrameBytes(frame);
    for (const block of frame.blocks) expected.blocks[block.index] = block.digest;
    if (frame.queueDigest !== undefined) expected.queue = frame.queueDigest;
    if (frame.primitivesDigest !== undefined) expected.primitives = frame.primitivesDigest;
    if (frame.signaturesDigest !== undefined) expected.signatures = frame.signaturesDigest;
    const actual = this.session.capture();
    if (actual.digest === frame.digest && this.trackedEqual(actual)) return { frame, ok: true, digest: actual.digest };
    return { frame, ok: false, digest: actual.digest, divergence: this.divergence(frame, actual) };
  }

  private trackedEqual(actual: DeviceCapture): boolean {
    const a = Buffer.from(actual.state.buffer, actual.state.byteOffset, actual.state.byteLength);
    const e = Buffer.from(this.expected.state.buffer, this.expected.state.byteOffset, this.expected.state.byteLength);
    const frameStart = this.frameOffset;
    if (!a.subarray(frameStart, frameStart + PREDICTED_FRAME_BYTES).equals(e.subarray(frameStart, frameStart + PREDICTED_FRAME_BYTES))) return false;
    return this.ranges.every((r) => a.subarray(r.start, r.end).equals(e.subarray(r.start, r.end)));
  }

  private divergence(frame: FrameRecord, actual: DeviceCapture): Divergence {
    const blocksX = Math.ceil(this.trace.header.config.width / DIGEST_BLOCK_SIZE);
    const blocks: Divergence['blocks'] = [];
    for (let i = 0; i < actual.blocks.length; i++) {
      if (actual.blocks[i] !== this.expected.blocks[i]) blocks.push({ index: i, x: (i % blocksX) * DIGEST_BLOCK_SIZE, y: Math.floor(i / blocksX) * DIGEST_BLOCK_SIZE });
    }
    const regions: string[] = [];
    if (actual.queueDigest !== this.expected.queue) regions.push('input queue');
    if (actual.primitivesDigest !== this.expected.primitives) regions.push('primitives');
    if (actual.signaturesDigest !== this.expected.signatures) regions.push('damage signatures');
    const fields = stateDifferences(this.expected.state, actual.state, this.ranges, this.session.scene);
    if (fields.length === 0 && blocks.length === 0 && regions.length === 0) regions.push('device memory outside the tracked regions (frame digest)');
    return { frame: frame.index, fields, blocks, regions };
  }
}

function checkReplayable(trace: Trace): void {
  const identity = buildIdentity();
  const { abi } = trace.header;
  if (abi.version !== identity.abiVersion || abi.layoutDigest !== identity.layoutDigest) {
    throw new TraceError(
      'E_TRACE_VERSION',
      `${trace.path} was recorded with OS ABI version ${abi.version} (layout ${abi.layoutDigest}); this build has version ${identity.abiVersion} (layout ${identity.layoutDigest}). ` +
        'The device memory layout changed, so the trace cannot be replayed: record it again from its scenario (gpuos record).',
    );
  }
  if (trace.frameCount === 0) throw new TraceError('E_TRACE_INVALID', `${trace.path} holds no complete frame`);
}

async function openFor(trace: Trace, options: ReplayerOptions): Promise<OsSession> {
  const { width, height, seed } = trace.header.config;
  const backend = options.backend ?? 'emulator';
  const kernel = options.kernel === undefined ? {} : { kernel: options.kernel };
  if (backend !== 'emulator') return openSession({ scene: trace.header.scene as object, width, height, backend, ...kernel, ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.races ? { races: true } : {}), ...(options.schedule ? { schedule: options.schedule } : {}) });
  return openSession({ scene: trace.header.scene as object, width, height, seed: options.seed ?? seed, backend, ...kernel, races: options.races === true, ...(options.schedule ? { schedule: options.schedule } : {}) });
}

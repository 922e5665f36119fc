/**
 * Records a session driven through the host API into a trace, as it runs:
 *
 *   const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: 320, height: 240 });
 *   const recorder = TraceRecorder.start(session, 'my.gtrace', { name: 'my-repro' });
 *   session.pushEvents([...]); await session.step();   // recorded as it happens
 *   recorder.markGolden('after-click');                  // compare this frame with a golden image
 *   recorder.stop();
 *
 * Each frame's record is written before step() returns: what the host wrote before the dispatch
 * (events exactly as they entered the ring, counter and memory overwrites), then digests of the
 * device memory after it, and the tracked state bytes that changed (src/trace/state_regions.ts).
 */
import { lstatSync, renameSync, rmSync, type Stats } from 'node:fs';
import { deflateSync } from 'node:zlib';

import { InvalidArgumentError } from '../errors.js';
import type { FrameRequest, HostOperation } from '../os/host_operations.js';
import { OsSession, type DeviceCapture } from '../os/session.js';
import { diffRuns, trackedRanges, type TrackedRange } from '../trace/state_regions.js';
import { buildIdentity } from '../trace/trace_identity.js';
import { TRACE_FORMAT_VERSION } from '../trace/record_framing.js';
import { FileError, PLAIN_NAME } from '../files.js';
import { LIMITS } from '../trace/trace_records.js';
import type { BlockDigest } from '../trace/trace_types.js';
import { TraceWriter } from '../trace/trace_writer.js';

export const DEFAULT_CHECKPOINT_INTERVAL = 120;

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Where a recording is written until it completes. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

export interface RecorderOptions {
  /** Names the trace (and its golden folder). Letters, digits, _ . - */
  name: string;
  description?: string;
  /** A checkpoint (compressed snapshot of all device memory) every this many frames. */
  checkpointInterval?: number;
}

export interface RecordingSummary {
  path: string;
  frames: number;
  bytes: number;
  events: number;
  goldens: string[];
}

export class TraceRecorder {
  private readonly writer: TraceWriter;
  private readonly ranges: TrackedRange[];
  private pending: HostOperation[] = [];
  private previous: DeviceCapture;
  private frames = 0;
  private events = 0;
  private readonly goldens: string[] = [];
  private readonly stopObserving: () => void;
  private stopped = false;
  private failure: unknown;

  private constructor(
    private readonly session: OsSession,
    readonly path: string,
    options: RecorderOptions,
    private readonly checkpointInterval: number,
  ) {
    const identity = buildIdentity();
    // Written under <path>.partial and renamed when complete: a failed recording never replaces an
    // existing trace, and a killed one leaves a .partial file that reads back to its last frame.
    this.writer = TraceWriter.create(partialPath(path), {
      format: TRACE_FORMAT_VERSION,
      writer: identity.writer,
      name: options.name,
      description: options.description ?? '',
      abi: { version: identity.abiVersion, layoutDigest: identity.layoutDigest },
      kernelDigest: session.kernelDigest || identity.kernelDigest,
      backend: session.backend,
      config: { width: session.width, height: session.height, seed: session.seed, checkpointInterval },
      scene: session.scene.source,
    }, { exclusive: true });
    this.ranges = trackedRanges(session.scene.widgets.length);
    this.previous = session.capture();
    this.stopObserving = session.observe({
      operation: (operation) => this.onOperation(operation),
      frame: (request) => this.onFrame(request),
    });
  }

  /** Starts recording a session that has not run a frame yet. */
  static start(session: OsSession, path: string, options: RecorderOptions): TraceRecorder {
    if (typeof options?.name !== 'string' || !PLAIN_NAME.test(options.name)) {
      throw new InvalidArgumentError(`a recording needs a name of letters, digits, _ . - (at most 64), got ${JSON.stringify(options?.name)}`);
    }
    if (options.description !== undefined && (typeof options.description !== 'string' || options.description.length > LIMITS.maxDescriptionLength)) {
      throw new InvalidArgumentError(`description must be a string of at most ${LIMITS.maxDescriptionLength} characters`);
    }
    const interval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    if (!Number.isInteger(interval) || interval < 1 || interval > 1_000_000) throw new InvalidArgumentError(`checkpointInterval must be an integer from 1 to 1000000, got ${String(interval)}`);
    if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('a recording needs a file path');
    // Renamed over when the recording stops: only a new file or a regular one may be there (a
    // device, a FIFO or a link would be replaced by the trace).
    const existing = lstatOrUndefined(path);
    if (existing?.isDirectory()) throw new InvalidArgumentError(`${path} is a directory; record into a file`);
    if (existing && !existing.isFile()) throw new InvalidArgumentError(`${path} is not a regular file (a device, a FIFO or a link); record into a new file or a regular one`);
    if (!(session instanceof OsSession)) throw new InvalidArgumentError('TraceRecorder.start: pass an OsSession (openSession)');
    if (session.frameCount !== 0) throw new InvalidArgumentError('start recording before the session runs its first frame: a trace replays from the scene');
    // A trace replays from the scene's initial memory: events queued, bytes written or a snapshot
    // restored before the recording began would be missing from it.
    if (!session.pristine) throw new InvalidArgumentError('start recording before touching the session (pushEvents, writeStateBytes, setQueueCounters, restore): a trace replays from the scene as it was opened');
    if (!session.scene.source) throw new InvalidArgumentError('the session was opened with a hand-made compiled scene; record one opened from scene JSON (a trace stores the scene)');
    return new TraceRecorder(session, path, options, interval);
  }

  /** Compares the last recorded frame with the golden image `name` when replayed. */
  markGolden(name: string): void {
    this.check();
    if (typeof name !== 'string' || !PLAIN_NAME.test(name)) throw new InvalidArgumentError(`a golden name is letters, digits, _ . - (at most 64), got ${JSON.stringify(name)}`);
    if (this.frames === 0) throw new InvalidArgumentError('markGolden: no frame has been recorded yet');
    if (this.goldens.includes(name)) throw new InvalidArgumentError(`markGolden: '${name}' is already a golden of this trace`);
    this.writer.writeGolden({ frame: this.frames - 1, name });
    this.goldens.push(name);
  }

  /** Finishes the trace (writes its end record) and stops observing the session. */
  stop(): RecordingSummary {
    if (!this.stopped) {
      this.stopped = true;
      this.stopObserving();
      if (this.failure === undefined) {
        this.writer.close();
        try {
          renameSync(partialPath(this.path), this.path);
        } catch (error) {
          // Nothing is lost: the finished trace stays in the .partial file, and the message says so.
          this.failure = new FileError(`the recording is complete in ${partialPath(this.path)} but could not be moved to ${this.path}: ${(error as Error).message}`, { cause: error });
        }
      } else {
        this.writer.abandon();
      }
    }
    if (this.failure !== undefined) throw this.failure;
    return { path: this.path, frames: this.frames, bytes: this.writer.size, events: this.events, goldens: [...this.goldens] };
  }

  /** Stops and deletes the file: for a recording that failed partway (nothing misleading is left). */
  abort(): void {
    if (!this.stopped) {
      this.stopped = true;
      this.stopObserving();
      this.writer.abandon();
    }
    rmSync(partialPath(this.path), { force: true });
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.stopped) throw new InvalidArgumentError(`the recording of ${this.path} has stopped`);
  }

  private onOperation(operation: HostOperation): void {
    if (this.stopped || this.failure !== undefined) return;
    if (this.pending.length >= LIMITS.maxOperationsPerFrame) {
      // The trace could not hold this frame; what was recorded before it stays in the .partial file.
      this.failure = new InvalidArgumentError(`more than ${LIMITS.maxOperationsPerFrame} host operations before frame ${this.frames}: a trace holds at most ${LIMITS.maxOperationsPerFrame} a frame (step between them); the recording up to frame ${this.frames - 1} is in ${partialPath(this.path)}`);
      return;
    }
    this.pending.push(operation);
    if (operation.kind === 'events') this.events += operation.events.length;
  }

  private onFrame(request: FrameRequest): void {
    if (this.stopped || this.failure !== undefined) return;
    try {
      this.recordFrame(request);
    } catch (error) {
      // An observer cannot throw into step(): keep the error for the next call on the recorder.
      this.failure = error;
    }
  }

  private recordFrame(request: FrameRequest): void {
    const capture = this.session.capture();
    const blocks: BlockDigest[] = [];
    for (let i = 0; i < capture.blocks.length; i++) {
      if (capture.blocks[i] !== this.previous.blocks[i]) blocks.push({ index: i, digest: capture.blocks[i]! });
    }
    const changed = (now: bigint, before: bigint) => (now !== before ? now : undefined);
    const queueDigest = changed(capture.queueDigest, this.previous.queueDigest);
    const primitivesDigest = changed(capture.primitivesDigest, this.previous.primitivesDigest);
    const signaturesDigest = changed(capture.signaturesDigest, this.previous.signaturesDigest);
    this.writer.writeFrame({
      index: this.frames,
      timeUs: request.timeUs,
      deltaUs: request.deltaUs,
      fullRedraw: request.fullRedraw,
      operations: this.pending,
      digest: capture.digest,
      // capture.state is the session's view of memory after a frame: replaced, never changed in
      // place, so the previous capture's state is still that frame's (no 105 KB copy per frame).
      stateRuns: diffRuns(this.previous.state, capture.state, this.ranges),
      ...(queueDigest === undefined ? {} : { queueDigest }),
      ...(primitivesDigest === undefined ? {} : { primitivesDigest }),
      ...(signaturesDigest === undefined ? {} : { signaturesDigest }),
      blocks,
    });
    this.pending = [];
    this.previous = capture;
    this.frames++;
    // After the first frame too: a replay that diverges there (a rendering change shows at once)
    // can then show the expected frame exactly.
    if (this.frames === 1 || this.frames % this.checkpointInterval === 0) {
      const snapshot = this.session.snapshot();
      this.writer.writeCheckpoint({
        frame: this.frames - 1,
        timeUs: request.timeUs,
        deltaUs: request.deltaUs,
        state: deflateSync(snapshot.state),
        pixels: deflateSync(snapshot.pixels),
        signatures: deflateSync(snapshot.signatures),
      });
    }
  }
}

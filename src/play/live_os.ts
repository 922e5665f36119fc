/**
 * The OS behind `gpuos play`: one session driven by a page. Each step carries the input the page
 * gathered since the last one and the time that passed there, so frames run at the page's pace
 * with real times, and a recording of them replays bit-identically (the recorder stores exactly
 * what the session was given). Recording restarts the OS from the scene, since a trace replays
 * from the scene as it was opened.
 */
import { basename } from 'node:path';

import { InvalidArgumentError } from '../errors.js';
import { PLAIN_NAME } from '../files.js';
import { OsAbi } from '../os/abi.js';
import { phaseTimes, type PhaseTime } from '../os/os_phases.js';
import { DEFAULT_DELTA_US, openSession, type OsSession } from '../os/session.js';
import type { FrameState } from '../os/os_state.js';
import type { InputEvent } from '../os/input_events.js';
import { TraceRecorder, type RecordingSummary } from '../recorder/trace_recorder.js';
import { loadScene, type CompiledScene } from '../scene/scene_compile.js';

/**
 * A page's step carries at most the events one frame consumes (GPUOS_EVENTS_PER_FRAME): a page
 * that sends that many every frame never fills the ring, so no step is refused for lack of room.
 * More wait in the page for the next step.
 */
export const MAX_EVENTS_PER_STEP: number = OsAbi.get().constant('GPUOS_EVENTS_PER_FRAME');
/** The longest time one step may represent (a page in a background tab resumes with this). */
export const MAX_STEP_US = 1_000_000;

export interface LiveOsOptions {
  scene: string;
  width: number;
  height: number;
  /** Where a recording goes (Record is refused without one). */
  record?: string;
  /** Start recording at once (gpuos play --record). */
  recordAtStart?: boolean;
  /** The trace's name (default the scene file's name). */
  name?: string;
  kernel?: string;
}

export interface StepResult {
  frame: number;
  timeUs: number;
  deltaUs: number;
  kernelNs: number;
  phases: PhaseTime[];
  /** The framebuffer changed this frame (the page fetches it only then). */
  changed: boolean;
  tilesRendered: number;
  state: FrameState;
  recording: RecordingStatus;
}

export interface RecordingStatus {
  available: boolean;
  active: boolean;
  path: string | null;
  frames: number;
  goldens: string[];
  /** The last recording stopped: what was written. */
  last: RecordingSummary | null;
}

export class LiveOs {
  private session!: OsSession;
  private readonly scene: CompiledScene;
  private recorder: TraceRecorder | undefined;
  private recordedFrames = 0;
  private goldens: string[] = [];
  private last: RecordingSummary | null = null;
  private lastBlocks: Uint32Array | undefined;

  private readonly traceName: string;

  private constructor(private readonly options: LiveOsOptions) {
    this.scene = loadScene(options.scene);
    // Checked now, not when Record is pressed: a name a trace cannot have fails at the start.
    this.traceName = options.name ?? (options.record === undefined ? 'play' : basename(options.record).replace(/\.gtrace$/, ''));
    if (!PLAIN_NAME.test(this.traceName)) throw new InvalidArgumentError(`the recording's name ${JSON.stringify(this.traceName)} is not letters, digits, _ . - (at most 64): name the file so, or pass --name`);
  }

  static async open(options: LiveOsOptions): Promise<LiveOs> {
    const os = new LiveOs(options);
    await os.restart();
    if (options.recordAtStart) os.startRecording();
    return os;
  }

  get width(): number {
    return this.session.width;
  }

  get height(): number {
    return this.session.height;
  }

  get sceneName(): string {
    return this.scene.name;
  }

  /** Queues the page's events and runs one frame `elapsedUs` after the last. */
  async step(events: readonly InputEvent[], elapsedUs: number): Promise<StepResult> {
    if (!Array.isArray(events)) throw new InvalidArgumentError('events must be an array');
    if (events.length > MAX_EVENTS_PER_STEP) throw new InvalidArgumentError(`at most ${MAX_EVENTS_PER_STEP} events a step, got ${events.length}`);
    if (typeof elapsedUs !== 'number' || !Number.isFinite(elapsedUs) || elapsedUs < 0) throw new InvalidArgumentError(`elapsedUs must be a non-negative number, got ${String(elapsedUs)}`);
    // The first frame has no page time behind it; later ones at least 1 µs (time never stands still).
    const deltaUs = this.session.frameCount === 0 ? DEFAULT_DELTA_US : Math.max(1, Math.min(MAX_STEP_US, Math.round(elapsedUs)));
    if (events.length > 0) this.session.pushEvents(events);
    const result = await this.session.step({ deltaUs, profile: true });
    if (this.recorder) this.recordedFrames++;
    // The framebuffer's block digests, not the frame digest (the state changes every frame: the time).
    const blocks = this.session.capture().blocks;
    const changed = this.lastBlocks === undefined || !Buffer.from(blocks.buffer, blocks.byteOffset, blocks.byteLength).equals(Buffer.from(this.lastBlocks.buffer, this.lastBlocks.byteOffset, this.lastBlocks.byteLength));
    this.lastBlocks = blocks.slice();
    return {
      frame: this.session.frameCount - 1,
      timeUs: result.frame.timeUs,
      deltaUs,
      kernelNs: result.kernelNs,
      phases: phaseTimes(result.barrierTimeline ?? [], result.kernelNs),
      changed,
      tilesRendered: result.frame.tilesRendered,
      state: result.frame,
      recording: this.status(),
    };
  }

  framebuffer(): Uint8Array {
    return this.session.framebuffer();
  }

  status(): RecordingStatus {
    return { available: this.options.record !== undefined, active: this.recorder !== undefined, path: this.options.record ?? null, frames: this.recordedFrames, goldens: [...this.goldens], last: this.last };
  }

  /** Restarts the OS from the scene and records from its first frame. */
  async record(): Promise<RecordingStatus> {
    if (this.options.record === undefined) throw new InvalidArgumentError('this play session was started without --record <file>: restart it with one to record');
    if (this.recorder) throw new InvalidArgumentError('already recording: stop first');
    await this.restart();
    this.startRecording();
    return this.status();
  }

  /** Finishes the trace file. */
  stop(): RecordingStatus {
    if (!this.recorder) throw new InvalidArgumentError('not recording');
    const recorder = this.recorder;
    this.recorder = undefined;
    this.last = recorder.stop();
    return this.status();
  }

  /** Marks the last frame as a golden of the recording. */
  markGolden(name: string): RecordingStatus {
    if (!this.recorder) throw new InvalidArgumentError('mark a golden while recording');
    if (this.recordedFrames === 0) throw new InvalidArgumentError('no frame has been recorded yet');
    this.recorder.markGolden(name);
    this.goldens.push(name);
    return this.status();
  }

  close(): void {
    // A recording still running is finished, not lost: what was played is in the trace.
    if (this.recorder) this.stop();
    this.session.close();
  }

  private async restart(): Promise<void> {
    this.session?.close();
    this.session = await openSession({ scene: this.scene, width: this.options.width, height: this.options.height, ...(this.options.kernel === undefined ? {} : { kernel: this.options.kernel }) });
    this.lastBlocks = undefined;
  }

  private startRecording(): void {
    this.recorder = TraceRecorder.start(this.session, this.options.record!, { name: this.traceName, description: `recorded with gpuos play from ${this.options.scene}` });
    this.recordedFrames = 0;
    this.goldens = [];
  }
}

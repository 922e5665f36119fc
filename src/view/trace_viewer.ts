/**
 * A trace explored frame by frame: what `gpuos view` serves. Any frame can be shown (seeking from
 * the nearest checkpoint), with the replay's framebuffer, the widget tree decoded (state and
 * layout boxes), the frame's events and frame state, the tiles it redrew, its per-phase times and,
 * where the replay differs from the recording, the divergence decoded with the expected, actual
 * and diff images. Golden marks compare with their images.
 */
import { existsSync } from 'node:fs';

import { compareImages, type DifferingPixels } from '../golden/compare.js';
import { goldenPath, pixelsDiffer } from '../golden/golden_store.js';
import { encodePng, PngError, readPng, type RgbaImage } from '../golden/png.js';
import { InvalidArgumentError } from '../errors.js';
import { describeOperation } from '../os/host_operations.js';
import { eventTypeName } from '../os/input_events.js';
import { phaseTimes, type PhaseTime } from '../os/os_phases.js';
import type { FrameState, WidgetState } from '../os/os_state.js';
import { describeDivergence, type FieldDifference } from '../replayer/divergence.js';
import { Replayer } from '../replayer/replayer.js';
import type { HostOperation } from '../trace/trace_types.js';
import { OsAbi } from '../os/abi.js';

export interface ViewerOptions {
  /** Replay through another copy of the OS kernel (OpenSessionOptions.kernel). */
  kernel?: string;
  /** Where goldens live (default ./golden). */
  goldenRoot?: string;
}

export interface TraceSummary {
  path: string;
  name: string;
  description: string;
  width: number;
  height: number;
  frames: number;
  complete: boolean;
  kernelDigest: string;
  replayKernelDigest: string;
  tileSize: number;
  /** Per frame: how many input events the host wrote before it (the timeline's event marks). */
  eventsPerFrame: number[];
  goldens: { frame: number; name: string; exists: boolean }[];
  checkpoints: number[];
}

export interface ViewedEvent {
  type: string;
  x: number;
  y: number;
  code: number;
  modifiers: number;
}

export interface ViewedWidget extends WidgetState {
  parent: number | null;
  name: string;
}

export interface FrameView {
  frame: number;
  timeUs: number;
  deltaUs: number;
  fullRedraw: boolean;
  events: ViewedEvent[];
  /** Every host operation, one line each (events, counter and memory writes). */
  operations: string[];
  state: FrameState;
  widgets: ViewedWidget[];
  /** Tiles the kernel redrew this frame (row-major indices; tileSize square). */
  tilesRedrawn: number[];
  phases: PhaseTime[];
  kernelNs: number;
  /** The replay computed what the recording holds (false: see divergence). */
  ok: boolean;
  divergence?: { fields: FieldDifference[]; blocks: { index: number; x: number; y: number }[]; regions: string[]; description: string };
  goldens: string[];
}

export interface GoldenView {
  name: string;
  frame: number;
  golden: string;
  status: 'match' | 'mismatch' | 'missing' | 'unreadable';
  message: string;
  diffPixels: number;
  where?: DifferingPixels;
}

export class TraceViewer {
  private shown = -1;
  private view: FrameView | undefined;
  private image: RgbaImage | undefined;
  private expected: RgbaImage | undefined;
  private firstDivergence: number | null | undefined;
  private scanner: Replayer | undefined;

  private constructor(
    private readonly replayer: Replayer,
    private readonly options: ViewerOptions,
  ) {}

  static async open(path: string, options: ViewerOptions = {}): Promise<TraceViewer> {
    return new TraceViewer(await Replayer.open(path, options.kernel === undefined ? {} : { kernel: options.kernel }), options);
  }

  get frameCount(): number {
    return this.replayer.frameCount;
  }

  summary(): TraceSummary {
    const trace = this.replayer.trace;
    const eventsPerFrame: number[] = [];
    for (let i = 0; i < trace.frameCount; i++) eventsPerFrame.push(trace.frame(i).operations.reduce((n, op) => n + (op.kind === 'events' ? op.events.length : 1), 0));
    const root = this.options.goldenRoot ?? 'golden';
    return {
      path: trace.path,
      name: trace.header.name,
      description: trace.header.description,
      width: trace.header.config.width,
      height: trace.header.config.height,
      frames: trace.frameCount,
      complete: trace.complete,
      kernelDigest: trace.header.kernelDigest,
      replayKernelDigest: this.replayer.session.kernelDigest,
      tileSize: OsAbi.get().constant('GPUOS_TILE_SIZE'),
      eventsPerFrame,
      goldens: trace.goldens.map((g) => ({ ...g, exists: existsSync(goldenPath(root, trace.header.name, g.name)) })),
      checkpoints: trace.checkpoints.map((c) => c.frame),
    };
  }

  /** Replays to frame `frame` (seeking from the nearest checkpoint) and describes it. */
  async frame(frame: number): Promise<FrameView> {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.frameCount) throw new InvalidArgumentError(`frame must be an integer from 0 to ${this.frameCount - 1}, got ${String(frame)}`);
    if (frame === this.shown && this.view) return this.view;
    const replayer = this.replayer;
    await replayer.goTo(frame);
    const signaturesBefore = replayer.session.tileSignatures();
    const check = await replayer.step({ profile: true });
    const signaturesAfter = replayer.session.tileSignatures();
    const session = replayer.session;
    const record = check.frame;
    const tilesRedrawn: number[] = [];
    const size = OsAbi.get().struct('gpuos_tile_state').size;
    for (let t = 0; t < signaturesAfter.byteLength / size; t++) {
      if (record.fullRedraw || !bytesEqual(signaturesBefore, signaturesAfter, t * size, size)) tilesRedrawn.push(t);
    }
    const scene = session.scene;
    const widgets = session.widgets().map((w): ViewedWidget => {
      const parent = scene.widgets[w.index]!.parent;
      return { ...w, parent: parent === undefined || parent === OsAbi.get().constant('GPUOS_NO_WIDGET') ? null : parent, name: w.id ?? `#${w.index}` };
    });
    const view: FrameView = {
      frame,
      timeUs: record.timeUs,
      deltaUs: record.deltaUs,
      fullRedraw: record.fullRedraw,
      events: eventsOf(record.operations),
      operations: record.operations.flatMap(describeOperation),
      state: session.frameState(),
      widgets,
      tilesRedrawn,
      phases: phaseTimes(check.barrierTimeline ?? [], check.kernelNs),
      kernelNs: check.kernelNs,
      ok: check.ok,
      goldens: this.replayer.trace.goldens.filter((g) => g.frame === frame).map((g) => g.name),
    };
    this.image = session.image();
    this.expected = undefined;
    if (check.divergence) {
      const d = check.divergence;
      view.divergence = { fields: d.fields, blocks: d.blocks, regions: d.regions, description: describeDivergence(d) };
      const expected = await replayer.expectedFramebuffer();
      this.expected = { width: this.image.width, height: this.image.height, data: expected.data };
    }
    this.shown = frame;
    this.view = view;
    return view;
  }

  /**
   * The frame shown last, as PNG: the replay's framebuffer ('actual'), the recording's ('expected':
   * the actual one where the replay did not diverge) or their difference ('diff').
   */
  png(which: 'actual' | 'expected' | 'diff'): Uint8Array {
    if (!this.image) throw new InvalidArgumentError('no frame has been shown yet');
    if (which === 'diff' && !this.expected) throw new InvalidArgumentError(`frame ${this.shown} replays as recorded: there is no difference to show`);
    // Where the replay matches the recording, the recording's picture is the replay's.
    if (which === 'actual' || !this.expected) return encodePng(this.image);
    if (which === 'expected') return encodePng(this.expected);
    return encodePng(compareImages(this.expected, this.image, { threshold: 0 }).diff ?? this.image);
  }

  /**
   * Looks for the first frame whose replay differs from the recording, `maxFrames` frames a call,
   * on a replayer of its own (the frames shown meanwhile are not disturbed): a long trace is
   * scanned in steps, between which the page's other requests are answered.
   */
  async scanDivergence(maxFrames = 2000): Promise<{ frame: number | null; scanned: number; done: boolean }> {
    if (this.firstDivergence === undefined) {
      this.scanner ??= await Replayer.open(this.replayer.trace.path, this.options.kernel === undefined ? {} : { kernel: this.options.kernel });
      const scanner = this.scanner;
      const end = Math.min(this.frameCount, scanner.position + maxFrames);
      while (scanner.position < end) {
        const check = await scanner.step();
        if (!check.ok) {
          this.firstDivergence = check.frame.index;
          break;
        }
      }
      if (this.firstDivergence === undefined && scanner.position >= this.frameCount) this.firstDivergence = null;
      if (this.firstDivergence !== undefined) {
        scanner.close();
        this.scanner = undefined;
      } else {
        return { frame: null, scanned: scanner.position, done: false };
      }
    }
    return { frame: this.firstDivergence, scanned: this.firstDivergence === null ? this.frameCount : this.firstDivergence + 1, done: true };
  }

  /** The first frame whose replay differs from the recording, or null: the whole scan at once. */
  async divergence(): Promise<number | null> {
    for (;;) {
      const scan = await this.scanDivergence(Number.MAX_SAFE_INTEGER);
      if (scan.done) return scan.frame;
    }
  }

  /** A golden mark compared with its image (the frame is replayed): status and where pixels differ. */
  async golden(name: string): Promise<{ view: GoldenView; images: { expected?: Uint8Array; actual: Uint8Array; diff?: Uint8Array } }> {
    const mark = this.replayer.trace.goldens.find((g) => g.name === name);
    if (!mark) throw new InvalidArgumentError(`the trace has no golden '${name}'`);
    await this.frame(mark.frame);
    const actual = this.image!;
    const path = goldenPath(this.options.goldenRoot ?? 'golden', this.replayer.trace.header.name, name);
    const base = { name, frame: mark.frame, golden: path };
    if (!existsSync(path)) return { view: { ...base, status: 'missing', message: `${path} does not exist`, diffPixels: 0 }, images: { actual: encodePng(actual) } };
    let expected: RgbaImage;
    try {
      expected = readPng(path);
    } catch (error) {
      if (!(error instanceof PngError)) throw error;
      return { view: { ...base, status: 'unreadable', message: error.message, diffPixels: 0 }, images: { actual: encodePng(actual) } };
    }
    const comparison = compareImages(expected, actual, { threshold: 0 });
    const status = comparison.pass ? 'match' : 'mismatch';
    const message = comparison.sizeMismatch ? `the golden is ${expected.width}x${expected.height}, the frame ${actual.width}x${actual.height}` : comparison.pass ? 'identical' : pixelsDiffer(comparison.diffPixels);
    return {
      view: { ...base, status, message, diffPixels: comparison.diffPixels, ...(comparison.where ? { where: comparison.where } : {}) },
      images: { expected: encodePng(expected), actual: encodePng(actual), ...(comparison.diff ? { diff: encodePng(comparison.diff) } : {}) },
    };
  }

  close(): void {
    this.scanner?.close();
    this.scanner = undefined;
    this.replayer.close();
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array, offset: number, length: number): boolean {
  for (let i = offset; i < offset + length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function eventsOf(operations: readonly HostOperation[]): ViewedEvent[] {
  return operations.flatMap((op) => (op.kind === 'events' ? op.events.map((e) => ({ type: eventTypeName(e.type) ?? `unknown (${e.type})`, x: e.x, y: e.y, code: e.code, modifiers: e.modifiers })) : []));
}

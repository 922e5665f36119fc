/**
 * One trace, replayed and judged: every frame checked against the recording, every golden frame
 * compared with its image, and at the first divergence the frame's images written for a person to
 * look at. What `gpuos replay`, the vitest helper and the HTML report all run.
 */
import { basename, join, resolve } from 'node:path';

import { ensureDirectory } from '../files.js';
import { compareImages, type CompareOptions } from '../golden/compare.js';
import { checkGolden, obsoleteGoldens, type GoldenPolicy, type GoldenResult } from '../golden/golden_store.js';
import { writePng, type RgbaImage } from '../golden/png.js';
import { GpuosError, InvalidArgumentError } from '../errors.js';
import type { HostOperation } from '../trace/trace_types.js';
import { DIGEST_BLOCK_SIZE } from '../os/session.js';
import { describeDivergence, type Divergence } from './divergence.js';
import { Replayer, type ReplayerOptions } from './replayer.js';

export interface ReplayTraceOptions extends ReplayerOptions, GoldenPolicy {
  /** First frame to check (the replay seeks to it from a checkpoint); default 0. */
  from?: number;
  /** Stop before this frame; default the end. */
  to?: number;
  /** Check goldens (default true). */
  goldens?: boolean;
  /** Where a divergence's images go (default test-output/replay). */
  output?: string;
  /** Called after each frame (for progress bars). */
  onFrame?: (done: number, total: number) => void;
  /**
   * A cut-off trace (no end record: the recording was killed) replays the frames it holds and then
   * fails, since its missing frames and goldens were never checked. true: pass on what it holds.
   */
  allowIncomplete?: boolean;
}

/** What a cut-off trace lacks, as far as can be known. */
export interface IncompleteTrace {
  /** Frames it holds; the recording's later frames are lost, and how many there were is unknown. */
  frames: number;
  /** Bytes of a partial record after the last complete one. */
  trailingBytes: number;
  /** Goldens in the trace's golden folder that no mark in what is left names (marks cut off, or obsolete). */
  goldensWithoutMark: string[];
  /** The one-line explanation the CLI and vitest print. */
  message: string;
}

export interface DivergenceReport extends Divergence {
  description: string;
  /** What the host did before the frame: its events and other operations. */
  operations: HostOperation[];
  images: {
    actual: string;
    /** The recording's frame as far as the trace knows it (see Replayer.expectedFramebuffer). */
    expected: string;
    diff: string;
    /** Every expected block was known; otherwise `unknownBlocks` are hatched in the expected image. */
    exact: boolean;
    unknownBlocks: number;
  };
}

export interface ReplayReport {
  trace: string;
  name: string;
  frames: number;
  replayed: number;
  from: number;
  to: number;
  ok: boolean;
  divergence?: DivergenceReport;
  goldens: GoldenResult[];
  /** Goldens no mark names any more (listed after an update). */
  obsolete: string[];
  warnings: string[];
  /** The input of each frame a failed golden is of (the report lists it beside the images). */
  goldenFrames?: { frame: number; operations: HostOperation[] }[];
  /** Set when the trace was cut off (it then fails unless allowIncomplete). */
  incomplete?: IncompleteTrace;
  durationMs: number;
  /** Set when the trace could not be replayed at all (unreadable, invalid): code and message. */
  error?: string;
  /** The kernel copy it was replayed through (ReplayerOptions.kernel), if not the package's. */
  kernel?: string;
}

/** The report of a trace that could not be replayed: a run of many traces goes on past it. */
export function unreplayableTrace(path: string, error: GpuosError): ReplayReport {
  return { trace: path, name: basename(path).replace(/\.gtrace$/, ''), frames: 0, replayed: 0, from: 0, to: 0, ok: false, goldens: [], obsolete: [], warnings: [], durationMs: 0, error: `${error.code}: ${error.message}` };
}

export async function replayTrace(path: string, options: ReplayTraceOptions = {}): Promise<ReplayReport> {
  const started = performance.now();
  const replayer = await Replayer.open(path, options);
  try {
    const trace = replayer.trace;
    const from = options.from ?? 0;
    const to = Math.min(options.to ?? trace.frameCount, trace.frameCount);
    if (!Number.isInteger(from) || from < 0 || from > to) throw new InvalidArgumentError(`from must be an integer from 0 to ${to}, got ${String(from)}`);
    const warnings: string[] = [];
    const replayedWith = replayer.session.kernelDigest;
    if (trace.header.kernelDigest !== replayedWith) warnings.push(`recorded with kernel sources ${trace.header.kernelDigest}; replayed with ${replayedWith}`);
    const name = trace.header.name;
    // A frame may carry several marks (a scenario marking one frame under two names).
    const marks = new Map<number, string[]>();
    for (const g of trace.goldens) marks.set(g.frame, [...(marks.get(g.frame) ?? []), g.name]);
    const goldens: GoldenResult[] = [];
    const report: ReplayReport = { trace: path, name, frames: trace.frameCount, replayed: 0, from, to, ok: true, goldens, obsolete: [], warnings, durationMs: 0, ...(options.kernel === undefined ? {} : { kernel: options.kernel }) };

    // A divergence on the way to `from` is the first one: reported, not stepped past.
    const beforeFrom = await replayer.seek(from);
    if (beforeFrom) {
      report.ok = false;
      report.divergence = await reportDivergence(replayer, beforeFrom.divergence!, beforeFrom.frame.operations, options);
      report.divergence.description += `\n  (found while seeking to --from ${from}, from the checkpoint before it)`;
    }
    while (!beforeFrom && replayer.position < to) {
      const check = await replayer.step();
      report.replayed++;
      options.onFrame?.(report.replayed, to - from);
      const names = options.goldens === false ? undefined : marks.get(check.frame.index);
      if (names) {
        const image = replayer.session.image();
        for (const golden of names) goldens.push(checkGolden(name, golden, image, options, check.frame.index));
        if (goldens.some((g) => g.failed && g.frame === check.frame.index)) (report.goldenFrames ??= []).push({ frame: check.frame.index, operations: check.frame.operations });
      }
      if (!check.ok) {
        report.ok = false;
        report.divergence = await reportDivergence(replayer, check.divergence!, check.frame.operations, options);
        break;
      }
    }
    if (goldens.some((g) => g.failed)) report.ok = false;
    if (!trace.complete) {
      report.incomplete = describeIncomplete(trace.frameCount, trace.trailingBytes, obsoleteGoldens(options.root ?? 'golden', name, trace.goldens.map((g) => g.name)), options.allowIncomplete === true);
      if (options.allowIncomplete === true) warnings.push(report.incomplete.message);
      else report.ok = false;
    }
    if (options.update) report.obsolete = obsoleteGoldens(options.root ?? 'golden', name, trace.goldens.map((g) => g.name));
    report.durationMs = performance.now() - started;
    return report;
  } finally {
    replayer.close();
  }
}

function describeIncomplete(frames: number, trailingBytes: number, goldensWithoutMark: string[], allowed: boolean): IncompleteTrace {
  const partial = trailingBytes > 0 ? ` and ${trailingBytes} bytes of a partial record` : '';
  const goldens =
    goldensWithoutMark.length > 0
      ? `; ${goldensWithoutMark.length} golden${goldensWithoutMark.length === 1 ? '' : 's'} in its folder ${goldensWithoutMark.length === 1 ? 'has' : 'have'} no mark in what is left (${goldensWithoutMark.map((g) => basename(g)).join(', ')}), so ${goldensWithoutMark.length === 1 ? 'it was' : 'they were'} not checked`
      : '';
  const what = `the trace is incomplete: the recording was cut off after frame ${frames - 1} (it holds ${frames} frame${frames === 1 ? '' : 's'}${partial} and no end record); the frames after it were lost${goldens}`;
  const message = allowed ? `${what} (passed with --allow-incomplete)` : `${what}. Re-record it, or pass --allow-incomplete (allowIncomplete: true) to accept what it holds`;
  return { frames, trailingBytes, goldensWithoutMark, message };
}

/** Shades blocks of an image whose content the trace does not know, in a diagonal hatch. */
function hatchBlocks(image: RgbaImage, blocks: readonly number[]): void {
  const size = DIGEST_BLOCK_SIZE;
  const blocksX = Math.ceil(image.width / size);
  for (const block of blocks) {
    const x0 = (block % blocksX) * size;
    const y0 = Math.floor(block / blocksX) * size;
    for (let y = y0; y < Math.min(y0 + size, image.height); y++) {
      for (let x = x0; x < Math.min(x0 + size, image.width); x++) {
        const i = (y * image.width + x) * 4;
        const stripe = ((x + y) & 7) < 4;
        image.data.set(stripe ? [255, 0, 255, 255] : [40, 0, 40, 255], i);
      }
    }
  }
}

async function reportDivergence(replayer: Replayer, divergence: Divergence, operations: HostOperation[], options: ReplayTraceOptions): Promise<DivergenceReport> {
  const dir = resolve(options.output ?? join('test-output', 'replay'), replayer.trace.header.name);
  ensureDirectory(dir);
  const stem = `frame-${String(divergence.frame).padStart(5, '0')}`;
  const actual = replayer.session.image();
  const expected = await replayer.expectedFramebuffer();
  const expectedImage: RgbaImage = { width: actual.width, height: actual.height, data: expected.data };
  hatchBlocks(expectedImage, expected.unknownBlocks);
  const comparison = compareImages(expectedImage, actual, { threshold: 0 } satisfies CompareOptions);
  const images = {
    actual: join(dir, `${stem}.actual.png`),
    expected: join(dir, `${stem}.expected.png`),
    diff: join(dir, `${stem}.diff.png`),
    exact: expected.exact,
    unknownBlocks: expected.unknownBlocks.length,
  };
  writePng(images.actual, actual);
  writePng(images.expected, expectedImage);
  writePng(images.diff, comparison.diff ?? actual);
  let description = describeDivergence(divergence);
  description += `\n  images: ${basename(images.expected)}, ${basename(images.actual)}, ${basename(images.diff)} in ${dir}`;
  if (!expected.exact) description += `\n  (${expected.unknownBlocks.length} expected blocks are known only by digest; they are hatched in the expected image)`;
  return { ...divergence, description, operations, images };
}

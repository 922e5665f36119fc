/**
 * Comparing a frame with its golden image. Identical bytes are the common case and cost one
 * memcmp; only when they differ does pixelmatch run, with its perceptual threshold and
 * anti-aliasing detection, and the frame fails when more than `maxDiffPixels` pixels differ.
 */
import pixelmatch from 'pixelmatch';

import { InvalidArgumentError } from '../errors.js';
import { checkImage, type RgbaImage } from './png.js';

export interface CompareOptions {
  /** pixelmatch's colour distance threshold, 0 (exact) to 1 (default 0.1). */
  threshold?: number;
  /** How many differing pixels still pass (default 0). */
  maxDiffPixels?: number;
  /** Count anti-aliased pixels as differences too (default false: pixelmatch's detection skips them). */
  includeAntiAliasing?: boolean;
}

export interface ComparisonResult {
  /** Byte-for-byte equal (the fast path). */
  identical: boolean;
  /** Pixels pixelmatch counted as different (0 when identical). */
  diffPixels: number;
  /** Within the allowed difference. */
  pass: boolean;
  /** The images are not the same size (nothing else was compared). */
  sizeMismatch: boolean;
  /** pixelmatch's diff image (differences red, anti-aliasing yellow, the rest faded); absent when identical. */
  diff?: RgbaImage;
  /** Where the differing pixels are (when diffPixels > 0 and the sizes match). */
  where?: DifferingPixels;
}

export interface DifferingPixels {
  /** Their bounding box, inclusive: x0, y0, x1, y1. */
  box: [number, number, number, number];
  /** The first few, in row order (top to bottom, left to right). */
  first: [number, number][];
}

/** How many differing pixels a report names one by one. */
export const FIRST_DIFFERING_PIXELS = 5;

/** The pixels pixelmatch counted: it paints exactly those in its diff colour (red, 255 0 0). */
function differingPixels(diff: RgbaImage): DifferingPixels | undefined {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  const first: [number, number][] = [];
  for (let y = 0; y < diff.height; y++) {
    for (let x = 0; x < diff.width; x++) {
      const i = (y * diff.width + x) * 4;
      if (diff.data[i] !== 255 || diff.data[i + 1] !== 0 || diff.data[i + 2] !== 0) continue;
      if (first.length < FIRST_DIFFERING_PIXELS) first.push([x, y]);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? undefined : { box: [x0, y0, x1, y1], first };
}

/** "within (10,4)-(12,9), the first at (10,4) (11,4) (12,4)", for a message. */
export function describeDifferingPixels(where: DifferingPixels): string {
  const [x0, y0, x1, y1] = where.box;
  return `within (${x0},${y0})-(${x1},${y1}), the first at ${where.first.map(([x, y]) => `(${x},${y})`).join(' ')}`;
}

export function normalizeCompareOptions(options: CompareOptions = {}): Required<CompareOptions> {
  const threshold = options.threshold ?? 0.1;
  const maxDiffPixels = options.maxDiffPixels ?? 0;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) throw new InvalidArgumentError(`threshold must be a number from 0 to 1, got ${String(threshold)}`);
  if (!Number.isSafeInteger(maxDiffPixels) || maxDiffPixels < 0) throw new InvalidArgumentError(`maxDiffPixels must be a non-negative integer, got ${String(maxDiffPixels)}`);
  return { threshold, maxDiffPixels, includeAntiAliasing: options.includeAntiAliasing === true };
}

export function compareImages(expected: RgbaImage, actual: RgbaImage, options: CompareOptions = {}): ComparisonResult {
  const { threshold, maxDiffPixels, includeAntiAliasing } = normalizeCompareOptions(options);
  checkImage(expected, 'the expected image');
  checkImage(actual, 'the actual image');
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return { identical: false, diffPixels: actual.width * actual.height, pass: false, sizeMismatch: true };
  }
  if (Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength).equals(Buffer.from(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength))) {
    return { identical: true, diffPixels: 0, pass: true, sizeMismatch: false };
  }
  const diff = new Uint8Array(actual.width * actual.height * 4);
  const diffPixels = pixelmatch(expected.data, actual.data, diff, actual.width, actual.height, { threshold, includeAA: includeAntiAliasing, diffColor: [255, 0, 0] });
  const diffImage = { width: actual.width, height: actual.height, data: diff };
  const where = diffPixels > 0 ? differingPixels(diffImage) : undefined;
  return { identical: false, diffPixels, pass: diffPixels <= maxDiffPixels, sizeMismatch: false, diff: diffImage, ...(where ? { where } : {}) };
}

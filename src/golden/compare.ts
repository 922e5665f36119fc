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
  const diffPixels = pixelmatch(expected.data, actual.data, diff, actual.width, actual.height, { threshold, includeAA: includeAntiAliasing });
  return { identical: false, diffPixels, pass: diffPixels <= maxDiffPixels, sizeMismatch: false, diff: { width: actual.width, height: actual.height, data: diff } };
}

/**
 * Golden images on disk: golden/<trace>/<name>.png. Checking one compares (compare.ts) and, by
 * policy, writes:
 *   - a golden that matches: nothing written
 *   - a missing golden: written locally (reported as new), a failure when CI is set — CI never
 *     writes goldens, so a forgotten commit cannot pass
 *   - a golden that differs: a failure, or rewritten with `update` (never in CI)
 * On a failure the actual frame and a diff image go to the artifacts directory.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { InvalidArgumentError } from '../errors.js';
import { ensureDirectory, PLAIN_NAME } from '../files.js';
import { compareImages, describeDifferingPixels, type CompareOptions, type ComparisonResult } from './compare.js';
import { PngError, readPng, writePng, type RgbaImage } from './png.js';


export interface GoldenPolicy extends CompareOptions {
  /** Where goldens live (default ./golden). */
  root?: string;
  /** Rewrite goldens that differ (and write missing ones). Refused when `ci`. */
  update?: boolean;
  /** Missing goldens fail instead of being written (default: the CI environment variable is set). */
  ci?: boolean;
  /** Where actual and diff images of failures go (default ./test-output/goldens). */
  artifacts?: string;
}

export type GoldenStatus = 'match' | 'mismatch' | 'missing' | 'unreadable' | 'written' | 'updated';

export interface GoldenResult {
  trace: string;
  name: string;
  status: GoldenStatus;
  /** Fails the run: mismatch, or missing in CI. */
  failed: boolean;
  golden: string;
  /** The trace frame the image is of (replays; absent for toMatchGolden). */
  frame?: number;
  /** Written on failure. */
  actual?: string;
  diff?: string;
  comparison?: ComparisonResult;
  message: string;
}

/** "1 pixel differs", "3 pixels differ". */
export function pixelsDiffer(count: number, tense: 'present' | 'past' = 'present'): string {
  if (tense === 'past') return `${count} pixel${count === 1 ? '' : 's'} differed`;
  return count === 1 ? '1 pixel differs' : `${count} pixels differ`;
}

export function isCi(): boolean {
  const value = process.env['CI'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function goldenPath(root: string, trace: string, name: string): string {
  for (const [what, value] of [['trace', trace], ['golden', name]] as const) {
    if (!PLAIN_NAME.test(value)) throw new InvalidArgumentError(`a ${what} name must be letters, digits, _ . - (a file name), got ${JSON.stringify(value)}`);
  }
  return join(root, trace, `${name}.png`);
}

/** `frame`: the trace frame the image is of, named in a failure's message. */
export function checkGolden(trace: string, name: string, actual: RgbaImage, policy: GoldenPolicy = {}, frame?: number): GoldenResult {
  const root = resolve(policy.root ?? 'golden');
  const ci = policy.ci ?? isCi();
  if (policy.update && ci) throw new InvalidArgumentError('goldens cannot be updated with CI set: update them locally, look at them, and commit them');
  const golden = goldenPath(root, trace, name);
  const base = { trace, name, golden, ...(frame === undefined ? {} : { frame }) };
  if (!existsSync(golden)) {
    if (ci) return { ...base, status: 'missing', failed: true, message: `${golden} does not exist. Record it locally (gpuos replay --update, or vitest -u), look at it, and commit it: CI never writes goldens.` };
    ensureDirectory(join(root, trace));
    writePng(golden, actual);
    return { ...base, status: 'written', failed: false, message: `${golden} did not exist and was written: look at it and commit it.` };
  }
  let expected: RgbaImage;
  try {
    expected = readPng(golden);
  } catch (error) {
    // A damaged golden (not a PNG, a device, a directory) fails this golden, not the whole replay.
    if (!(error instanceof PngError)) throw error;
    if (!policy.update) return { ...base, status: 'unreadable', failed: true, message: `${error.message}: replace it (gpuos goldens update) or delete it` };
    writePng(golden, actual);
    return { ...base, status: 'updated', failed: false, message: `${golden} could not be read (${error.message}) and was rewritten` };
  }
  const comparison = compareImages(expected, actual, policy);
  if (comparison.pass) return { ...base, status: 'match', failed: false, comparison, message: comparison.identical ? 'identical' : `${pixelsDiffer(comparison.diffPixels)}, within the allowed ${policy.maxDiffPixels ?? 0}` };
  if (policy.update) {
    writePng(golden, actual);
    return { ...base, status: 'updated', failed: false, comparison, message: `${golden} was rewritten (${pixelsDiffer(comparison.diffPixels, 'past')})` };
  }
  const artifacts = resolve(policy.artifacts ?? join('test-output', 'goldens'), trace);
  ensureDirectory(artifacts);
  const actualPath = join(artifacts, `${name}.actual.png`);
  writePng(actualPath, actual);
  const result: GoldenResult = { ...base, status: 'mismatch', failed: true, comparison, actual: actualPath, message: '' };
  if (comparison.diff) {
    result.diff = join(artifacts, `${name}.diff.png`);
    writePng(result.diff, comparison.diff);
  }
  result.message = comparison.sizeMismatch
    ? `${golden} is ${expected.width}x${expected.height} but the frame is ${actual.width}x${actual.height}`
    : `${pixelsDiffer(comparison.diffPixels)} from ${golden} (allowed ${policy.maxDiffPixels ?? 0})${frame === undefined ? '' : ` at frame ${frame}`}${comparison.where ? `, ${describeDifferingPixels(comparison.where)}` : ''}; actual: ${actualPath}${result.diff ? `, diff: ${result.diff}` : ''}`;
  return result;
}

/** Golden files of `trace` that no mark names any more (reported after an update). */
export function obsoleteGoldens(root: string, trace: string, names: readonly string[]): string[] {
  // The folder comes from goldenPath's checks: a trace name is never '..' or a path.
  const dir = dirname(goldenPath(resolve(root), trace, 'x'));
  if (!existsSync(dir)) return [];
  const wanted = new Set(names.map((n) => `${n}.png`));
  return readdirSync(dir)
    .filter((file) => file.endsWith('.png') && !wanted.has(file))
    .map((file) => join(dir, file))
    .sort();
}

/**
 * expect(frame).toMatchGolden(name): the frame (an OsSession's current framebuffer, or any RGBA
 * image) against golden/<group>/<name>.png, where the group defaults to the test file's name.
 * An identical-bytes fast path (one memcmp), then pixelmatch (threshold, maxDiffPixels); on failure the message gives the
 * golden, actual and diff image paths.
 */
import { basename, join } from 'node:path';
import { expect } from 'vitest';

import { checkGolden, type GoldenPolicy, type GoldenResult } from '../golden/golden_store.js';
import { writeGoldenReport } from '../report/html_report.js';
import type { RgbaImage } from '../golden/png.js';
import { OsSession } from '../os/session.js';
import { goldenMode } from './golden_mode.js';

export interface ToMatchGoldenOptions extends Omit<GoldenPolicy, 'update' | 'ci'> {
  /** The folder under golden/ (default: the test file's name without .test.ts). */
  group?: string;
}

const failuresByFile = new Map<string, GoldenResult[]>();

/** test-output/vitest/golden-<group>.html: apart from the trace reports and the CLI's. */
export function goldenReportPath(group: string): string {
  return join('test-output', 'vitest', `golden-${group.replace(/[^A-Za-z0-9_.-]+/g, '-')}.html`);
}

function isImage(value: unknown): value is RgbaImage {
  const image = value as RgbaImage;
  return typeof value === 'object' && value !== null && Number.isInteger(image.width) && Number.isInteger(image.height) && image.data instanceof Uint8Array;
}

export function toMatchGolden(received: unknown, name: string, options: ToMatchGoldenOptions = {}): { pass: boolean; message: () => string } {
  const image = received instanceof OsSession ? received.image() : received;
  if (!isImage(image)) return { pass: false, message: () => 'toMatchGolden expects an OsSession or an RGBA image { width, height, data }' };
  const testPath = expect.getState().testPath ?? 'golden';
  const group = options.group ?? basename(testPath).replace(/\.(test|spec)\.[cm]?[jt]sx?$/, '');
  const result = checkGolden(group, name, image, { ...options, ...goldenMode() });
  let report: string | undefined;
  if (result.failed) {
    // Every failure of this test file so far, in its own report (vitest runs test files in
    // separate workers: one file each, never written by two).
    const failures = [...(failuresByFile.get(testPath) ?? []), result];
    failuresByFile.set(testPath, failures);
    report = writeGoldenReport(goldenReportPath(group), testPath, failures);
  }
  return {
    pass: !result.failed,
    message: () => (result.failed ? `expected the frame to match ${result.golden}: ${result.message}; report: ${report}` : `expected the frame not to match ${result.golden}`),
  };
}

declare module 'vitest' {
  interface Assertion<T = any> {
    toMatchGolden(name: string, options?: ToMatchGoldenOptions): T;
  }
  interface AsymmetricMatchersContaining {
    toMatchGolden(name: string, options?: ToMatchGoldenOptions): unknown;
  }
}

/** Registers toMatchGolden (import 'gpuos-replay/vitest' in a setup file does it). */
export function installGoldenMatchers(): void {
  expect.extend({ toMatchGolden });
}

/**
 * expect(dispatch).toBeDeterministic(options): the kernel dispatch is race-free under the race
 * checker and ends with the same memory under every schedule tried (verifyKernel). Async:
 *
 *   const dispatch = kernelDispatch(kernel, { threads: 256, buffers: [{ type: 'float32', data }] });
 *   await expect(dispatch).toBeDeterministic({ schedules: 200, strategy: 'pct' });
 *
 * A failure message is the whole report: each race with both accesses and lines, the outcomes with
 * the schedule that reproduces each, the first differing bytes and where the memory parted ways.
 */
import { expect } from 'vitest';

import { formatVerifyReport, verifyKernel, type KernelDispatch, type VerifyKernelOptions } from '../verify/verify_kernel.js';

declare module 'vitest' {
  interface Assertion<T = any> {
    toBeDeterministic(options?: VerifyKernelOptions): Promise<T>;
  }
  interface AsymmetricMatchersContaining {
    toBeDeterministic(options?: VerifyKernelOptions): unknown;
  }
}

function isKernelDispatch(value: unknown): value is KernelDispatch {
  return typeof value === 'object' && value !== null && 'kernel' in value && 'inputs' in value;
}

export async function toBeDeterministic(received: unknown, options: VerifyKernelOptions = {}): Promise<{ pass: boolean; message: () => string }> {
  if (!isKernelDispatch(received)) {
    return { pass: false, message: () => 'toBeDeterministic expects kernelDispatch(kernel, inputs) (from gpuos-replay), not ' + typeof received };
  }
  const report = await verifyKernel(received, options);
  return { pass: report.deterministic, message: () => formatVerifyReport(report) };
}

/** Registers toBeDeterministic (import 'gpuos-replay/vitest' in a setup file does it). */
export function installDeterminismMatchers(): void {
  expect.extend({ toBeDeterministic });
}

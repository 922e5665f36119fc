import { readFileSync } from 'node:fs';
import { compileKernel, EmulatorError, type Kernel } from '../../src/index.js';

/** The kernel `name` from kernels/tests/name.metal (compiled once per worker, cached on disk). */
export async function testKernel(name: string): Promise<Kernel> {
  const library = await compileKernel(`kernels/tests/${name}.metal`);
  return library.kernel(name);
}

/** Deterministic test data: mulberry32, so expectations never depend on Math.random. */
export function randomUints(count: number, seed: number, below: number): Uint32Array {
  let state = seed >>> 0;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) % below;
  }
  return out;
}

export function floatBits(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0]!;
}

export const SEEDS = [1, 2, 3, 0xdeadbeef, 12345678901234n] as const;

/** 1-based line of the `occurrence`-th line containing `text` in a kernels/tests source. */
export function lineOf(kernel: string, text: string, occurrence = 1): number {
  const lines = readFileSync(`kernels/tests/${kernel}.metal`, 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.includes(text) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`${kernel}.metal has no occurrence ${occurrence} of ${text}`);
}

/** Runs `fn`, expecting it to reject with an EmulatorError; returns the error for inspection. */
export async function expectEmulatorError(fn: () => Promise<unknown>): Promise<EmulatorError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof EmulatorError) return error;
    throw error;
  }
  throw new Error('expected the dispatch to fail with an EmulatorError, but it succeeded');
}

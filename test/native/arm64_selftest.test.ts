/**
 * The emulator's native core, checked on both architectures it supports: natively here, and on
 * arm64 (Apple Silicon's architecture) by cross-compiling and running under qemu-user. CI installs
 * g++-aarch64-linux-gnu and qemu-user (.ci/run); on an arm64 host the native run is the arm64 run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { buildSelftest } from './selftest_build.js';

function expectAllPassed(output: string, architecture: string): void {
  expect(output).toContain(`architecture: ${architecture}`);
  expect(output).not.toContain('FAIL ');
  expect(output).toContain('PASS context switch keeps every callee-saved register');
  expect(output).toContain('PASS deadlock is reported');
  expect(output).toContain('PASS out_of_bounds is caught by the guard page');
  expect(output).toContain('PASS stack_overflow is caught on the alternate signal stack');
  expect(output).toContain('PASS a frame larger than a page lands in the stack guard');
  expect(output).toContain('PASS simd_helper_reconverge: two calls of one helper are two call sites');
  expect(output).toContain('PASS barrier_loop observed: every release, memory as the phase left it');
  expect(output).toContain('PASS an observer returning false stops the dispatch');
  expect(output).toContain('ALL PASSED: 0 failures');
}

const haveCross = spawnSync('aarch64-linux-gnu-g++', ['--version']).status === 0 && spawnSync('qemu-aarch64', ['--version']).status === 0;
const crossNeeded = process.arch !== 'arm64';

describe('native emulator self-test', () => {
  it(`passes natively on ${process.arch}`, async () => {
    const binary = await buildSelftest({ cxx: process.env.CXX ?? 'c++', arch: process.arch === 'arm64' ? 'arm64' : 'x64' }, mkdtempSync(join(tmpdir(), 'gpuos-selftest-')));
    const run = spawnSync(binary, { encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expectAllPassed(run.stdout, process.arch === 'arm64' ? 'arm64' : 'x86-64');
    expect(run.status).toBe(0);
  });

  it.skipIf(crossNeeded && !haveCross && !process.env.CI)(
    'passes on arm64 under qemu-aarch64 (the hand-written arm64 context switch)',
    async () => {
      if (!crossNeeded) return; // this host is arm64: the native run above is the arm64 run
      expect(haveCross, 'CI must have aarch64-linux-gnu-g++ and qemu-aarch64; .ci/run installs them').toBe(true);
      const binary = await buildSelftest({ cxx: 'aarch64-linux-gnu-g++', arch: 'arm64' }, mkdtempSync(join(tmpdir(), 'gpuos-selftest-arm64-')));
      const run = spawnSync('qemu-aarch64', [binary], { encoding: 'utf8', timeout: 300_000 });
      expect(run.stderr).toBe('');
      expectAllPassed(run.stdout, 'arm64');
      expect(run.status).toBe(0);
    },
  );
});

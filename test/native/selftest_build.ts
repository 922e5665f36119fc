/**
 * Builds native/tests/emu_selftest.cpp with the emulator core and translated test kernels linked
 * in statically, for the host or for arm64 (cross compiler), so it can run without Node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { translateKernel } from '../../src/index.js';
import { kernelCodegenFlags } from '../../src/kernel/toolchain.js';
import { runProcess } from '../../src/kernel/process_runner.js';

export const SELFTEST_KERNELS = [
  'reduce_sum',
  'prefix_scan',
  'barrier_loop',
  'atomics',
  'simd_divergent_branches',
  'divergent_barrier',
  'deadlock',
  'out_of_bounds',
  'stack_overflow',
  'stack_big_frame',
  'simd_helper_reconverge',
] as const;

const EMULATOR_SOURCES = [
  'context_switch.cpp',
  'dispatch_validation.cpp',
  'executor.cpp',
  'executor_observer.cpp',
  'executor_races.cpp',
  'executor_schedule.cpp',
  'executor_reports.cpp',
  'faults.cpp',
  'findings.cpp',
  'guarded_memory.cpp',
  'kernel_library.cpp',
  'runtime_table.cpp',
  'microbench.cpp',
  'race_checker.cpp',
  '../digest/xxhash64.cpp',
];

export interface SelftestTarget {
  cxx: string;
  arch: 'x64' | 'arm64';
}

async function mustRun(command: string, args: string[]): Promise<void> {
  const result = await runProcess(command, args, { maxOutputBytes: 1 << 20 });
  if (result.spawnError) throw new Error(`cannot run ${command}: ${result.spawnError.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}\nfailed with ${result.status}:\n${result.stderr}`);
}

/** Returns the path of the built self-test binary. */
export async function buildSelftest(target: SelftestTarget, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const objects: string[] = [];
  const jobs: (() => Promise<void>)[] = [];
  for (const name of SELFTEST_KERNELS) {
    const { cpp } = await translateKernel(`kernels/tests/${name}.metal`);
    const source = join(outDir, `${name}.cpp`);
    const object = join(outDir, `${name}.o`);
    writeFileSync(source, cpp);
    objects.push(object);
    jobs.push(() =>
      mustRun(target.cxx, [...kernelCodegenFlags('gcc', 'linux', target.arch), `-Dgpuos_kernel_library_v1=gpuos_library_${name}`, '-c', '-o', object, source]),
    );
  }
  const switchSource = target.arch === 'arm64' ? 'context_switch_arm64.S' : 'context_switch_x86_64.S';
  for (const file of [...EMULATOR_SOURCES, switchSource, '../tests/emu_selftest.cpp']) {
    const object = join(outDir, `${file.replaceAll('/', '_').replaceAll('.', '_')}.o`);
    objects.push(object);
    jobs.push(() => mustRun(target.cxx, ['-std=c++17', '-O2', '-fno-omit-frame-pointer', '-c', '-o', object, join('native', 'emu', file)]));
  }
  // Two at a time: the machines this runs on have two cores.
  for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2).map((job) => job()));
  const binary = join(outDir, 'emu_selftest');
  await mustRun(target.cxx, ['-static', '-pthread', '-o', binary, ...objects]);
  return binary;
}

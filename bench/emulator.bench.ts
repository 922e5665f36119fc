/**
 * npm run bench: what the CPU emulator costs, as medians over repeated runs on this machine.
 *
 *   context switch      ns per one-way fiber switch (ping-pong, no scheduling)
 *   barrier             µs per threadgroup_barrier across 1024 threads (and with a no-op onBarrier
 *                       observer, wall clock: elapsedNs leaves observer time out)
 *   SIMD collective     ns per simd_sum, per lane and per 32-lane rendezvous
 *   scan dispatch       µs per dispatch of kernels/tests/prefix_scan.metal, 1024 threads
 *   empty dispatch      µs per dispatch of a kernel that does nothing, 1024 threads
 *
 * Per-operation figures subtract a zero-round dispatch measured in the same run, so fixed dispatch
 * costs do not inflate them. Results print as a table and go to bench/results/emulator.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { compileKernel, DeviceBuffer, type Kernel } from '../src/index.js';
import { nativeAddon } from '../src/kernel/native.js';
import { packageRoot } from '../src/kernel/package_root.js';
import { median, quantile } from './stats.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);

async function kernel(file: string, name: string): Promise<Kernel> {
  return (await compileKernel(join(packageRoot(), file))).kernel(name);
}

/** Wall-clock nanoseconds of a dispatch, after one warm-up. */
function wallNs(k: Kernel, options: Parameters<Kernel['dispatchSync']>[0]): number[] {
  k.dispatchSync(options);
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    k.dispatchSync(options);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return samples;
}

/** Median native-measured nanoseconds of a dispatch, after one warm-up. */
function dispatchNs(k: Kernel, options: Parameters<Kernel['dispatchSync']>[0]): number[] {
  k.dispatchSync(options);
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) samples.push(k.dispatchSync(options).stats.elapsedNs);
  return samples;
}

interface Row {
  metric: string;
  median: number;
  p10: number;
  p90: number;
  unit: string;
  target?: string;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const add = (metric: string, samples: number[], unit: string, target?: string) =>
    rows.push({ metric, median: median(samples), p10: quantile(samples, 0.1), p90: quantile(samples, 0.9), unit, ...(target ? { target } : {}) });

  const switchSamples = Array.from({ length: REPEATS }, () => nativeAddon().measureContextSwitch(2_000_000));
  add('context switch (one way)', switchSamples, 'ns', '<= 15 ns');

  const rounds = 2000;
  const barrier = await kernel('bench/kernels/barrier_rounds.metal', 'barrier_rounds');
  const zero = DeviceBuffer.from(new Uint32Array([0]));
  const many = DeviceBuffer.from(new Uint32Array([rounds]));
  const barrierBase = median(dispatchNs(barrier, { threads: 1024, buffers: [zero] }));
  add(
    'threadgroup_barrier, 1024 threads',
    dispatchNs(barrier, { threads: 1024, buffers: [many] }).map((ns) => (ns - barrierBase) / rounds / 1000),
    'µs',
    '<= 25 µs',
  );
  // The same barriers, each paused for a JavaScript observer that does nothing: the cost of the
  // pause, the call and the watchdog re-arm, per barrier.
  const wallBase = median(wallNs(barrier, { threads: 1024, buffers: [zero], onBarrier: () => undefined }));
  add(
    'threadgroup_barrier + no-op onBarrier (wall)',
    wallNs(barrier, { threads: 1024, buffers: [many], onBarrier: () => undefined }).map((ns) => (ns - wallBase) / rounds / 1000),
    'µs',
  );

  const simdRounds = 1000;
  const simd = await kernel('bench/kernels/simd_sum_rounds.metal', 'simd_sum_rounds');
  const sink = new DeviceBuffer(4096);
  const simdBase = median(dispatchNs(simd, { threads: 1024, buffers: [zero, sink] }));
  const simdPerRound = dispatchNs(simd, { threads: 1024, buffers: [DeviceBuffer.from(new Uint32Array([simdRounds])), sink] }).map(
    (ns) => (ns - simdBase) / simdRounds,
  );
  add('simd_sum, per lane (1024 lanes)', simdPerRound.map((ns) => ns / 1024), 'ns');
  add('simd_sum, per 32-lane rendezvous', simdPerRound.map((ns) => ns / 32), 'ns');

  const scan = await kernel('kernels/tests/prefix_scan.metal', 'prefix_scan');
  const scanInput = DeviceBuffer.from(Uint32Array.from({ length: 1024 }, (_, i) => i));
  const scanOutput = new DeviceBuffer(4096);
  add('prefix_scan dispatch, 1024 threads', dispatchNs(scan, { threads: 1024, buffers: [scanInput, scanOutput] }).map((ns) => ns / 1000), 'µs');

  const empty = await kernel('bench/kernels/empty.metal', 'empty');
  add('empty dispatch, 1024 threads', dispatchNs(empty, { threads: 1024, buffers: [sink] }).map((ns) => ns / 1000), 'µs');
  const asyncSamples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    await empty.dispatch({ threads: 1024, buffers: [sink] });
    asyncSamples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  add('empty dispatch via the thread pool (await)', asyncSamples, 'µs');

  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
  console.log(`gpuos-replay emulator benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${REPEATS} runs each\n`);
  const width = Math.max(...rows.map((r) => r.metric.length));
  console.log(`${'metric'.padEnd(width)}  ${'median'.padStart(9)}  ${'p10'.padStart(9)}  ${'p90'.padStart(9)}  target`);
  for (const r of rows) {
    const fmt = (v: number) => v.toFixed(v < 100 ? 2 : 0).padStart(9);
    const verdict = r.target ? `${r.target} ${r.median <= Number(/[\d.]+/.exec(r.target)?.[0]) ? '✓' : '✗ MISSED'}` : '';
    console.log(`${r.metric.padEnd(width)}  ${fmt(r.median)}  ${fmt(r.p10)}  ${fmt(r.p90)}  ${r.unit.padEnd(3)} ${verdict}`);
  }
  const dir = join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'emulator.json'), JSON.stringify({ machine, repeats: REPEATS, rows }, null, 2) + '\n');
}

await main();

#!/usr/bin/env node
/**
 * npm run verify:planted — for each planted bug of kernels/tests/races/, the share of schedules
 * that expose it under random, PCT and exhaustive exploration (docs/EMULATOR.md has the table).
 * A schedule exposes a bug when its final memory shows it: for the ABA stack, a stack whose top is
 * the node thread 1 kept; for the others, memory that differs from the sequential schedule's (every
 * thread in turn, the exhaustive exploration's first run).
 *
 *   node scripts/verify/planted_schedules.mjs [schedules]     (default 1000 for random and PCT)
 */
import { compileKernel, DeviceBuffer } from '../../dist/src/index.js';
import { exploreSchedules } from '../../dist/src/verify/explore.js';
import { freshBuffers, resolveInputs } from '../../dist/src/verify/kernel_inputs.js';

const N = Number(process.argv[2] ?? 1000);
const ABA_STACK = { type: 'uint32', data: [1, 2, 3, 4, 0, 0, 0, 0] };
const BUGS = [
  { file: 'atomicity_violation', what: 'ABA stack (atomicity violation, all atomic)', inputs: { threads: 32, buffers: [ABA_STACK] }, exposes: (m) => m[0][0] === m[0][6] },
  { file: 'tg_write_write_missing_barrier', what: 'two stores to one threadgroup word', inputs: { threads: 32, buffers: [{ bytes: 128 }] } },
  { file: 'tg_write_read_missing_barrier', what: 'threadgroup write, then a neighbour reads, no barrier', inputs: { threads: 64, buffers: [{ bytes: 256 }] } },
  { file: 'device_write_read_missing_barrier', what: 'device memory across a mem_threadgroup barrier', inputs: { threads: 64, buffers: [{ bytes: 256 }, { bytes: 256 }] } },
  { file: 'device_write_write', what: 'plain read-modify-write of one device word', inputs: { threads: 32, buffers: [{ bytes: 16 }] } },
  { file: 'simd_lanes_without_sync', kernel: 'swap_pairs', what: 'SIMD lanes across simd_sum, no simdgroup_barrier', inputs: { threads: 32, buffers: [{ bytes: 128 }] } },
  { file: 'uninitialized_threadgroup_counter', what: 'threadgroup counter never zeroed', inputs: { threads: 64, buffers: [{ bytes: 16 }] } },
];

const rows = [];
for (const bug of BUGS) {
  const kernel = (await compileKernel(`kernels/tests/races/${bug.file}.metal`)).kernel(bug.kernel);
  const inputs = resolveInputs(bug.inputs);
  const memories = new Map();
  const target = {
    bufferLabel: (i) => `buffer(${i})`,
    async run(seed, schedule) {
      const buffers = freshBuffers(inputs);
      const result = await kernel.dispatch({ threads: inputs.threads, buffers, seed, schedule });
      const memory = buffers.map((b) => b.read());
      const words = memory.map((bytes) => Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2)));
      return { memory, words, decisionCount: result.decisionCount, ...(result.decisions ? { decisions: result.decisions } : {}) };
    },
  };
  // The sequential schedule: every thread in turn, no preemption.
  const sequential = await target.run(1n, { strategy: 'scripted', script: new Uint16Array(0) });
  const same = (a, b) => a.every((bytes, i) => Buffer.from(bytes).equals(Buffer.from(b[i])));
  const exposes = bug.exposes ? (run) => bug.exposes(run.words) : (run) => !same(run.memory, sequential.memory);
  const cells = [];
  for (const strategy of ['random', 'pct', 'exhaustive']) {
    let exposed = 0;
    let calls = 0;
    // Counted: the exploration's own runs. Not counted: PCT's first run (it measures k) and the
    // reruns of the two most frequent outcomes at the end (they digest barriers).
    const counting = {
      ...target,
      async run(seed, schedule) {
        const result = await target.run(seed, schedule);
        const probe = strategy === 'pct' && calls++ === 0;
        if (!probe && !schedule.digestBarriers && exposes(result)) exposed++;
        return result;
      },
    };
    const started = Date.now();
    const report = await exploreSchedules(counting, { strategy, schedules: strategy === 'exhaustive' ? 100_000 : N });
    const runs = report.runs;
    cells.push(`${exposed.toLocaleString('en-US')} of ${runs.toLocaleString('en-US')} (${((100 * exposed) / runs).toFixed(1)}%)${strategy === 'exhaustive' && !report.exhausted ? ', not exhausted' : ''}`);
    process.stderr.write(`  ${bug.file} ${strategy}: ${exposed}/${runs} in ${Date.now() - started} ms\n`);
  }
  rows.push(`| ${bug.what} | \`${bug.file}\` | ${cells.join(' | ')} |`);
}
console.log(`\n| planted bug | kernel | random (${N}) | PCT d=3 (${N}) | exhaustive, 2 preemptions |\n|---|---|---|---|---|`);
for (const row of rows) console.log(row);

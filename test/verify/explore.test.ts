/**
 * Schedule exploration on the planted schedule-dependent bugs: the ABA stack (every access atomic,
 * so only schedules expose it) under random, PCT and exhaustive exploration; depth-first order and
 * its pruning; reruns from a report reproduce their outcome exactly.
 */
import { describe, expect, it } from 'vitest';

import { compileKernel, DeviceBuffer, InvalidArgumentError } from '../../src/index.js';
import type { ScheduleDecisions } from '../../src/kernel/native.js';
import { decodeScript, encodeScript, exploreSchedules, nextScript } from '../../src/verify/explore.js';
import { kernelDispatch, verifyKernel } from '../../src/verify/verify_kernel.js';

const STACK = [1, 2, 3, 4, 0, 0, 0, 0];

async function abaDispatch(threads = 32) {
  const kernel = (await compileKernel({ path: 'kernels/tests/races/atomicity_violation.metal', races: true })).kernel('aba_stack');
  return kernelDispatch(kernel, { threads, buffers: [{ type: 'uint32', data: STACK }] });
}

/** The ABA corruption: the stack's top is the node thread 1 popped and kept. */
async function corrupted(script: string, threads: number): Promise<boolean> {
  const kernel = (await compileKernel('kernels/tests/races/atomicity_violation.metal')).kernel('aba_stack');
  const stack = DeviceBuffer.from(new Uint32Array(STACK));
  await kernel.dispatch({ threads, buffers: [stack], schedule: { strategy: 'scripted', script: decodeScript(script) } });
  const words = stack.readUint32();
  return words[0] === words[6];
}

function decisions(rows: [options: number, chosen: number, preemption: 0 | 1, atomicAfter: 0 | 1][]): ScheduleDecisions {
  return {
    options: Uint16Array.from(rows.map((r) => r[0])),
    chosen: Uint16Array.from(rows.map((r) => r[1])),
    preemption: Uint8Array.from(rows.map((r) => r[2])),
    atomicAfter: Uint8Array.from(rows.map((r) => r[3])),
    truncated: false,
  };
}

describe('exhaustive exploration: depth first, bounded, pruned', () => {
  it('tries the next option of the deepest decision that has one, within the preemption bound', () => {
    const run = decisions([
      [2, 0, 0, 1],
      [3, 0, 1, 1],
      [2, 0, 1, 1],
    ]);
    expect(Array.from(nextScript(run, 2)!)).toEqual([0, 0, 1]);
    // With no preemption allowed, only the non-preemptive first decision may change.
    expect(Array.from(nextScript(run, 0)!)).toEqual([1]);
    // Decision 2 already took option 1 (one preemption): with a bound of 1, decision 1 cannot add another.
    const used = decisions([
      [2, 0, 0, 1],
      [3, 0, 1, 1],
      [2, 1, 1, 1],
    ]);
    expect(Array.from(nextScript(used, 1)!)).toEqual([0, 1]);
    expect(nextScript(decisions([[2, 1, 0, 1]]), 2)).toBeUndefined();
  });

  it('does not branch where the thread chosen did no atomic, and prunes below such a scripted choice', () => {
    const quiet = decisions([
      [3, 0, 0, 1],
      [3, 0, 0, 0],
    ]);
    expect(Array.from(nextScript(quiet, 2)!)).toEqual([1]);
    // The script chose option 1 at decision 0 and that thread did no atomic: nothing below it is new.
    const pruned = decisions([
      [3, 1, 0, 0],
      [2, 0, 0, 1],
    ]);
    expect(Array.from(nextScript(pruned, 2, 1)!)).toEqual([2]);
  });

  it('encodes a script as its non-default choices and decodes it back', () => {
    const script = Uint16Array.from([0, 0, 1, 0, 3]);
    expect(encodeScript(script)).toBe('2:1,4:3');
    expect(Array.from(decodeScript('2:1,4:3'))).toEqual([0, 0, 1, 0, 3]);
    expect(encodeScript(new Uint16Array(3))).toBe('-');
    expect(decodeScript('-')).toHaveLength(0);
    expect(() => decodeScript('2=1')).toThrow(InvalidArgumentError);
    expect(() => decodeScript('2:9999')).toThrow(/out of range/);
  });
});

describe('the ABA stack under each strategy', () => {
  it('exhaustive exploration runs every schedule within two preemptions and finds the corruption', async () => {
    // Four threads (two of them idle): 840 schedules; with 32 threads it is 11,060 (docs/EMULATOR.md).
    const report = await verifyKernel(await abaDispatch(4), { strategy: 'exhaustive', schedules: 5000 });
    expect(report.races).toEqual([]);
    expect(report.exploration.exhausted).toBe(true);
    expect(report.exploration.runs).toBeLessThan(5000);
    expect(report.deterministic).toBe(false);
    const exposing = [];
    for (const outcome of report.exploration.outcomes) if (await corrupted(outcome.reproduce.script!, 4)) exposing.push(outcome);
    expect(exposing).toHaveLength(1);
    expect(exposing[0]!.count).toBeGreaterThan(0);
    // No preemption at all is the sequential run: thread 0 pops before thread 1 starts.
    expect(await corrupted('-', 4)).toBe(false);
    // With no preemption the threads run one after another (in every order): the bug needs one.
    const sequential = await verifyKernel(await abaDispatch(4), { strategy: 'exhaustive', schedules: 5000, preemptionBound: 0, races: false });
    expect(sequential.exploration.exhausted).toBe(true);
    expect(sequential.exploration.runs).toBeLessThan(report.exploration.runs);
    for (const outcome of sequential.exploration.outcomes) expect(await corrupted(outcome.reproduce.script!, 4)).toBe(false);
  });

  it('PCT finds the corruption in far fewer schedules than uniform random scheduling', async () => {
    const dispatch = await abaDispatch();
    const share = async (strategy: 'random' | 'pct') => {
      const report = await exploreSchedules(
        {
          bufferLabel: () => 'stack',
          run: async (seed, schedule) => {
            const stack = DeviceBuffer.from(new Uint32Array(STACK));
            const result = await dispatch.kernel.dispatch({ threads: 32, buffers: [stack], seed, schedule });
            return { memory: [stack.read()], decisionCount: result.decisionCount };
          },
        },
        { strategy, schedules: 400 },
      );
      let exposed = 0;
      for (const outcome of report.outcomes) {
        // Rebuild each outcome's memory from its digest's first run: top == the node thread 1 kept.
        const stack = DeviceBuffer.from(new Uint32Array(STACK));
        await dispatch.kernel.dispatch({
          threads: 32,
          buffers: [stack],
          seed: outcome.reproduce.seed,
          schedule: strategy === 'pct' ? { strategy, pctDepth: outcome.reproduce.pctDepth!, pctSteps: outcome.reproduce.pctSteps! } : { strategy },
        });
        const words = stack.readUint32();
        if (words[0] === words[6]) exposed += outcome.count;
      }
      return exposed;
    };
    const random = await share('random');
    const pct = await share('pct');
    expect(pct).toBeGreaterThanOrEqual(4);
    expect(pct).toBeGreaterThan(4 * random);
  });

  it('reports the first differing bytes, and a rerun from the report reproduces its outcome', async () => {
    const dispatch = await abaDispatch();
    const report = await verifyKernel(dispatch, { strategy: 'pct', schedules: 60, races: false });
    expect(report.exploration.outcomes.length).toBeGreaterThan(1);
    const difference = report.exploration.difference!;
    expect(difference.label).toBe("buffer(0) 'stack'");
    expect(difference.word[0]).not.toBe(difference.word[1]);
    // No barriers: the runs part ways somewhere between the kernel's start and its end.
    expect(report.exploration.partsWays).toEqual({ barriersAlike: 0, barrier: null, lastAlike: null });
    for (const outcome of report.exploration.outcomes.slice(0, 3)) {
      const rerun = await verifyKernel(dispatch, { strategy: 'pct', schedules: 1, seed: outcome.reproduce.seed, pctDepth: outcome.reproduce.pctDepth!, pctSteps: outcome.reproduce.pctSteps!, races: false });
      expect(rerun.exploration.outcomes[0]!.digest).toBe(outcome.digest);
    }
  });
});

describe('exploration of kernels that stop or spin', () => {
  it('an exhaustive run that stops with an error is an outcome, and the search goes on', async () => {
    const kernel = (
      await compileKernel({
        source:
          '#include <metal_stdlib>\nusing namespace metal;\nkernel void k(device atomic_uint* c [[buffer(0)]], device uint* out [[buffer(1)]], uint tid [[thread_index_in_threadgroup]]) {\n' +
          '  uint x = atomic_fetch_add_explicit(&c[0], 1u, memory_order_relaxed);\n  if (x == 0u && tid == 1u) out[x + 20u] = 1u;\n  else out[tid] = x;\n}\n',
        fileName: 'oob_when_first.metal',
      })
    ).kernel();
    const report = await verifyKernel(kernelDispatch(kernel, { threads: 2, buffers: [{ bytes: 4 }, { bytes: 16 }] }), { strategy: 'exhaustive', schedules: 100, races: false });
    expect(report.exploration.exhausted).toBe(true);
    expect(report.exploration.outcomes.map((o) => o.error?.code ?? 'memory').sort()).toEqual(['E_OUT_OF_BOUNDS', 'memory']);
  });

  it('PCT and exhaustive exploration get past a spin-wait on another thread (the poller yields)', async () => {
    const kernel = (
      await compileKernel({
        source:
          '#include <metal_stdlib>\nusing namespace metal;\nkernel void ticket(device atomic_uint* c [[buffer(0)]], device uint* order [[buffer(1)]], uint tid [[thread_index_in_threadgroup]]) {\n' +
          '  while (atomic_load_explicit(c, memory_order_relaxed) != tid) {}\n  order[tid] = tid;\n  atomic_fetch_add_explicit(c, 1u, memory_order_relaxed);\n}\n',
        fileName: 'ticket.metal',
      })
    ).kernel();
    const dispatch = kernelDispatch(kernel, { threads: 6, buffers: [{ bytes: 4 }, { bytes: 24 }] });
    for (const strategy of ['pct', 'exhaustive'] as const) {
      const report = await verifyKernel(dispatch, { strategy, schedules: 30, races: false });
      expect(report.deterministic, strategy).toBe(true);
      expect(report.exploration.outcomes[0]!.error).toBeUndefined();
    }
  });
});

describe('exploration of kernels with barriers', () => {
  it('names the barrier after which two outcomes part ways', async () => {
    const kernel = (await compileKernel('kernels/tests/races/tg_write_write_missing_barrier.metal')).kernel();
    const report = await verifyKernel(kernelDispatch(kernel, { threads: 32, buffers: [{ bytes: 128 }] }), { schedules: 40, races: false });
    expect(report.exploration.outcomes).toHaveLength(2);
    // Memory is the same at no barrier: the two stores race before the first one.
    expect(report.exploration.partsWays?.barriersAlike).toBe(0);
    expect(report.exploration.partsWays?.barrier?.line).toBeGreaterThan(0);
    expect(report.exploration.difference?.label).toBe("buffer(0) 'out'");
  });

  it('a race-free reduction is deterministic under every strategy', async () => {
    const kernel = (await compileKernel('kernels/tests/races/simd_lanes_without_sync.metal')).kernel('simd_sync_fixed');
    const dispatch = kernelDispatch(kernel, { threads: 64, buffers: [{ bytes: 256 }] });
    for (const strategy of ['random', 'pct', 'exhaustive'] as const) {
      const report = await verifyKernel(dispatch, { strategy, schedules: 20 });
      expect(report.deterministic, strategy).toBe(true);
      expect(report.exploration.outcomes).toHaveLength(1);
    }
  });
});

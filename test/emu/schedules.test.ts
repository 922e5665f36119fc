import { describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

describe('seeded schedules', () => {
  it('make a racy result depend on the seed, and reproduce it exactly from the same seed', async () => {
    const kernel = await testKernel('racy_last_writer');
    const winnerFor = async (seed: number | bigint) => {
      const output = new DeviceBuffer(4);
      const result = await kernel.dispatch({ threads: 1024, seed, buffers: { output } });
      expect(result.seed).toBe(BigInt(seed));
      return output.readUint32()[0]!;
    };
    const winners = new Map<number, number>();
    for (let seed = 1; seed <= 12; seed++) winners.set(seed, await winnerFor(seed));
    expect(new Set(winners.values()).size).toBeGreaterThan(6);
    for (const [seed, winner] of winners) expect(await winnerFor(seed)).toBe(winner);
    // 64-bit seeds work and are distinct from their low 32 bits: seed k + 2^32 schedules unlike
    // seed k (a winner in common is a 1-in-1024 chance per seed).
    const high = new Map<number, number>();
    for (let seed = 1; seed <= 12; seed++) high.set(seed, await winnerFor(BigInt(seed) + (1n << 32n)));
    expect([...high].filter(([seed, winner]) => winner !== winners.get(seed)).length).toBeGreaterThanOrEqual(10);
    for (const [seed, winner] of high) expect(await winnerFor(BigInt(seed) + (1n << 32n))).toBe(winner);
  });

  it('default to seed 1', async () => {
    const kernel = await testKernel('racy_last_writer');
    const a = new DeviceBuffer(4);
    const b = new DeviceBuffer(4);
    expect((await kernel.dispatch({ threads: 1024, buffers: { output: a } })).seed).toBe(1n);
    await kernel.dispatch({ threads: 1024, seed: 1, buffers: { output: b } });
    expect(a.readUint32()[0]).toBe(b.readUint32()[0]);
  });
});

// The order threads run the code after a barrier, from a plain counter: the emulator never preempts
// a thread between two synchronisation points, so each thread's slot is its place in the schedule
// (a race by design: this kernel observes the scheduler, it is not one to copy).
const RUN_ORDER = `#include <metal_stdlib>
using namespace metal;
kernel void run_order(device uint* order [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
  threadgroup uint counter;
  if (tid == 0) counter = 0;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  const uint slot = counter;
  counter = slot + 1;
  order[slot] = tid;
}
`;

describe('the random schedule keeps SIMD-groups together', () => {
  const runOrder = async (seed: number) => {
    const kernel = (await compileKernel({ source: RUN_ORDER, fileName: 'run_order.metal' })).kernel('run_order');
    const order = new DeviceBuffer(1024 * 4);
    await kernel.dispatch({ threads: 1024, seed, buffers: [order] });
    return [...order.readUint32()];
  };

  it("runs each group's lanes back to back, in a rotation drawn per turn, and the groups in a drawn order", async () => {
    const directions = new Set<number>();
    const groupOrders = new Set<string>();
    const firstOfPair: number[] = [];
    for (let seed = 1; seed <= 24; seed++) {
      const order = await runOrder(seed);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1024 }, (_, t) => t));
      const groups: number[] = [];
      for (let turn = 0; turn < 32; turn++) {
        const lanes = order.slice(turn * 32, turn * 32 + 32);
        const group = lanes[0]! >> 5;
        // One group's 32 lanes, and nothing else, in one turn...
        expect(lanes.every((t) => t >> 5 === group), `seed ${seed}, turn ${turn}: ${lanes.join(' ')}`).toBe(true);
        // ...each lane one step from the last, all the same way round (wrapping at the group's end).
        const step = (lanes[1]! - lanes[0]! + 32) % 32;
        expect([1, 31]).toContain(step);
        for (let i = 1; i < 32; i++) expect((lanes[i]! - lanes[i - 1]! + 32) % 32).toBe(step);
        directions.add(step);
        groups.push(group);
      }
      groupOrders.add(groups.join(','));
      // Lanes 3 and 17 of group 5: which ran first.
      firstOfPair.push(order.indexOf(5 * 32 + 3) < order.indexOf(5 * 32 + 17) ? 3 : 17);
    }
    expect(directions).toEqual(new Set([1, 31]));  // both lane orders occur
    expect(groupOrders.size).toBe(24);  // the group order is drawn, not fixed
    expect(new Set(firstOfPair)).toEqual(new Set([3, 17]));  // two lanes of one group run in either order
  });

  it('is the same schedule for the same seed', async () => {
    expect(await runOrder(7)).toEqual(await runOrder(7));
    expect(await runOrder(7)).not.toEqual(await runOrder(8));
  });
});

// Review findings of 2026-12-06: the group-affine schedule must still draw each phase's order anew
// (the thread that releases a barrier does not go on with its own group's turn), and a group that
// loops on SIMD-group calls must not keep the others from running.
const TWO_PHASE = `#include <metal_stdlib>
using namespace metal;
kernel void two_phase(device uint* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
  threadgroup uint sh[2];
  sh[0] = tid;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  sh[1] = tid;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (tid == 0) { out[0] = sh[0]; out[1] = sh[1]; }
}
`;

const WAIT_FOR_GROUP = `#include <metal_stdlib>
using namespace metal;
// SIMD-group 0 waits, through a SIMD-group vote, for a flag SIMD-group 1 sets: plain memory, no
// atomics in the loop, so no preemption point (racy, as a GPU would still run it to the end).
kernel void wait_for_group(device uint* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
  threadgroup uint flag;
  if (tid == 0) flag = 0;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  volatile threadgroup uint* f = &flag;
  if (tid < 32u) {
    uint rounds = 0;
    while (simd_all(*f == 0u)) { ++rounds; }
    out[tid] = rounds;
  } else {
    *f = 1u;
  }
}
`;

describe('the random schedule draws every turn after a barrier or a SIMD-group call anew', () => {
  it('orders each phase independently: the last writer before a barrier and after it differ by seed', async () => {
    const kernel = (await compileKernel({ source: TWO_PHASE, fileName: 'two_phase.metal' })).kernel('two_phase');
    for (const threads of [32, 64]) {
      let same = 0;
      let differ = 0;
      const winners = new Set<number>();
      for (let seed = 1; seed <= 60; seed++) {
        const out = new DeviceBuffer(8);
        await kernel.dispatch({ threads, seed, buffers: [out] });
        const [first, second] = out.readUint32();
        winners.add(second!);
        if (first === second) same++;
        else differ++;
      }
      expect(differ, `${threads} threads`).toBeGreaterThan(30);  // independent phases: almost always
      expect(same + differ).toBe(60);
      expect(winners.size, `${threads} threads`).toBeGreaterThan(10);  // any thread can be last
    }
  });

  it('lets other SIMD-groups run while one loops on SIMD-group calls', async () => {
    const kernel = (await compileKernel({ source: WAIT_FOR_GROUP, fileName: 'wait_for_group.metal' })).kernel('wait_for_group');
    for (let seed = 1; seed <= 12; seed++) {
      const out = new DeviceBuffer(64 * 4);
      await kernel.dispatch({ threads: 64, seed, watchdogMs: 5000, buffers: [out] });
      expect(out.readUint32().subarray(0, 32).every((rounds) => rounds < 100_000), `seed ${seed}`).toBe(true);
    }
  });
});

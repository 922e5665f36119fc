import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { randomUints, testKernel } from '../helpers/kernels.js';

const FIELDS = ['ballot', 'active', 'isFirst', 'allSet', 'anySet', 'firstValue', 'voteAll', 'voteAny'] as const;

/** What Metal defines for one lane, computed from the inputs of its SIMD-group. */
function expectedVotes(bits: Uint32Array, tid: number): number[] {
  const base = tid - (tid % 32);
  const inBranch = (t: number) => (bits[t]! & 1) === (bits[tid]! & 1);
  const lanes = Array.from({ length: 32 }, (_, l) => base + l).filter((t) => t < bits.length && inBranch(t));
  const mask = (pick: (t: number) => boolean) => lanes.reduce((m, t) => (pick(t) ? (m | (1 << (t - base))) >>> 0 : m), 0);
  const ballot = mask((t) => (bits[t]! & 2) !== 0);
  const active = mask(() => true);
  return [
    ballot,
    active,
    lanes[0] === tid ? 1 : 0,
    lanes.every((t) => bits[t]! & 4) ? 1 : 0,
    lanes.some((t) => bits[t]! & 4) ? 1 : 0,
    bits[lanes[0]!]!,
    ballot === active ? 1 : 0,
    ballot !== 0 ? 1 : 0,
  ];
}

describe('ballot_inactive_lanes: votes inside a divergent branch', () => {
  it('counts only the lanes of each branch, with zeros for inactive lanes', async () => {
    const kernel = await testKernel('ballot_inactive_lanes');
    const bits = randomUints(1024, 3, 8);
    for (let t = 96; t < 128; t++) bits[t] = bits[t]! | 1; // SIMD-group 3: every lane in one branch
    for (let t = 128; t < 160; t++) bits[t] = (bits[t]! & ~1) | 2 | 4; // group 4: all in the other, all votes true
    const votes = new DeviceBuffer(1024 * FIELDS.length * 4);
    await kernel.dispatch({ threads: 1024, buffers: { input: DeviceBuffer.from(bits), votes } });
    const out = votes.readUint32();
    for (let tid = 0; tid < 1024; tid++) {
      const actual = Array.from(out.subarray(tid * FIELDS.length, (tid + 1) * FIELDS.length));
      expect({ tid, votes: actual }).toEqual({ tid, votes: expectedVotes(bits, tid) });
    }
    // The cases the data was shaped to cover: a full-group ballot, and vote_all true.
    expect(out[96 * FIELDS.length + 1]).toBe(0xffffffff);
    expect(out[128 * FIELDS.length + 6]).toBe(1);
  });

  it('leaves the lanes of a partial last SIMD-group out of every mask', async () => {
    const kernel = await testKernel('ballot_inactive_lanes');
    const bits = new Uint32Array(40).fill(1 | 2);
    const votes = new DeviceBuffer(40 * FIELDS.length * 4);
    await kernel.dispatch({ threads: 40, buffers: { input: DeviceBuffer.from(bits), votes } });
    const out = votes.readUint32();
    expect(out[33 * FIELDS.length + 0]).toBe(0xff); // lanes 0-7 of group 1 exist, 8-31 do not
    expect(out[33 * FIELDS.length + 1]).toBe(0xff);
    expect(out[33 * FIELDS.length + 6]).toBe(1);
    expect(out[0 + 1]).toBe(0xffffffff);
  });
});

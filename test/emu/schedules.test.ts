import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
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

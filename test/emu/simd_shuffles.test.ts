import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { expectEmulatorError, lineOf, randomUints, testKernel } from '../helpers/kernels.js';

describe('shuffles: where each SIMD-group data movement reads from', () => {
  it('matches the Metal definition of every shuffle for every lane', async () => {
    const kernel = await testKernel('shuffles');
    const values = Float32Array.from({ length: 1024 }, (_, t) => t * 1.5 + 0.25);
    const source = Uint16Array.from(randomUints(1024, 11, 32));
    const results = new DeviceBuffer(1024 * 48);
    await kernel.dispatch({ threads: 1024, buffers: { values: DeviceBuffer.from(values), source: DeviceBuffer.from(source), results } });
    const floats = results.readFloat32();
    const ints = results.readInt32();
    for (let t = 0; t < 1024; t++) {
      const lane = t % 32;
      const base = t - lane;
      const at = (l: number) => values[base + l]!;
      const row = t * 12;
      expect({ t, row: Array.from(floats.subarray(row, row + 7)) }).toEqual({
        t,
        row: [
          at(source[t]!),
          lane >= 3 ? at(lane - 3) : values[t]!,
          lane + 5 < 32 ? at(lane + 5) : values[t]!,
          at(lane ^ 7),
          at((lane + 28) % 32),
          at((lane + 30) % 32),
          at(9),
        ],
      });
      const from = lane + 1 < 32 ? t + 1 : t;
      expect(Array.from(ints.subarray(row + 8, row + 12))).toEqual([from, from * 2, -from, 7]);
    }
  });
});

describe('strict checks on SIMD-group data movement', () => {
  it('reports a read from a lane that does not exist in a partial SIMD-group, and allows it when not strict', async () => {
    const kernel = await testKernel('shuffle_inactive_lane');
    const input = new Uint32Array(1000).fill(1);
    const error = await expectEmulatorError(() =>
      kernel.dispatch({ threads: 1000, buffers: { input: DeviceBuffer.from(input), output: new DeviceBuffer(4000) } }),
    );
    expect(error.code).toBe('E_SIMD_INACTIVE_LANE');
    expect(error.message).toContain(`of SIMD-group 31 read lane 31 in simd_broadcast at shuffle_inactive_lane.metal:${lineOf('shuffle_inactive_lane', 'simd_broadcast(')}`);
    expect(error.message).toContain('active lanes: 0-7');
    const output = new DeviceBuffer(4000);
    await kernel.dispatch({ threads: 1000, strict: false, buffers: { input: DeviceBuffer.from(input), output } });
    // Full groups are well defined: lane 31's inclusive sum is 32.
    expect(output.readUint32().subarray(0, 992).every((v) => v === 32)).toBe(true);
  });

  it('reports a shuffle delta that differs between lanes', async () => {
    const kernel = await testKernel('shuffle_non_uniform');
    const error = await expectEmulatorError(() =>
      kernel.dispatch({ threads: 64, buffers: { input: DeviceBuffer.from(new Float32Array(64)), output: new DeviceBuffer(256) } }),
    );
    expect(error.code).toBe('E_SIMD_NON_UNIFORM');
    // Both groups pass 1 in lanes 0-15 and 2 in lanes 16-31: the report names whichever group's
    // call resolved first (the schedule's choice), with the thread that lane is.
    const named = /simd_shuffle_down at shuffle_non_uniform\.metal:\d+ needs the same argument in every active lane, but lane 16 \(thread (\d+)\) of SIMD-group ([01]) passed 2 while lane 0 passed 1/.exec(error.message);
    expect(named, error.message).not.toBeNull();
    expect(Number(named![1])).toBe(Number(named![2]) * 32 + 16);
  });
});

describe('SIMD-group functions in divergent code', () => {
  it('runs each side of a branch as its own active set, then reconverges', async () => {
    const kernel = await testKernel('simd_divergent_branches');
    const input = Int32Array.from(randomUints(1024, 21, 1000));
    const output = new DeviceBuffer(4096);
    await kernel.dispatch({ threads: 1024, buffers: { input: DeviceBuffer.from(input), output } });
    const out = output.readInt32();
    for (let t = 0; t < 1024; t++) {
      const base = t - (t % 32);
      const group = Array.from(input.subarray(base, base + 32));
      const mine = input[t]! % 3 === 0;
      const sum = group.filter((v) => (v % 3 === 0) === mine).reduce((s, v) => s + (mine ? v : v * 10), 0);
      expect({ t, value: out[t] }).toEqual({ t, value: sum * 100 + 32 });
    }
  });

  it('reports a simdgroup_barrier that some lanes skip', async () => {
    const kernel = await testKernel('simdgroup_barrier_partial');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 32, buffers: { output: new DeviceBuffer(128) } }));
    expect(error.code).toBe('E_SIMD_PARTIAL_BARRIER');
    expect(error.message).toContain('was reached by lanes 0, 2, 4');
    expect(error.message).toContain('while lanes 1, 3, 5');
    expect(error.message).toContain('are elsewhere or returned');
  });
});

describe('SIMD-group calls inside helper functions', () => {
  it('treats two calls of one helper as two call sites, across divergence and reconvergence', async () => {
    const kernel = await testKernel('simd_helper_reconverge');
    const out = new DeviceBuffer(64 * 3 * 4);
    await kernel.dispatch({ threads: 64, buffers: { out } });
    const values = out.readInt32();
    for (let t = 0; t < 64; t++) {
      const lane = t % 32;
      // Merged call sites would give 1616 and 1600 instead.
      expect({ t, values: Array.from(values.subarray(t * 3, t * 3 + 3)) }).toEqual({ t, values: [lane < 16 ? 16 : 0, 3200, 112] });
    }
  });

  it('reports a helper with a barrier called from both sides of a branch, with both call paths', async () => {
    const kernel = await testKernel('barrier_in_helper_divergent');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 128, buffers: { out: new DeviceBuffer(512) } }));
    expect(error.code).toBe('E_BARRIER_DIVERGENCE');
    const barrier = lineOf('barrier_in_helper_divergent', 'threadgroup_barrier');
    expect(error.message).toContain(
      `threads 0-63: waiting at threadgroup_barrier at barrier_in_helper_divergent.metal:${barrier} (in a helper called at barrier_in_helper_divergent.metal:${lineOf('barrier_in_helper_divergent', 'sync_all();', 1)})`,
    );
    expect(error.message).toContain(`(in a helper called at barrier_in_helper_divergent.metal:${lineOf('barrier_in_helper_divergent', 'sync_all();', 2)})`);
    expect(error.findings[0]!.groups[0]!.callPath).toHaveLength(1);
  });
});

describe('non-strict reads of inactive lanes', () => {
  it('return the same value whatever ran before on that thread', async () => {
    const kernel = await testKernel('shuffle_inactive_lane');
    const input = new Uint32Array(1000).fill(1);
    const run = () => {
      const output = new DeviceBuffer(4000);
      kernel.dispatchSync({ threads: 1000, strict: false, buffers: { input: DeviceBuffer.from(input), output } });
      return Array.from(output.readUint32().subarray(992));
    };
    const first = run();
    (await testKernel('prefix_scan')).dispatchSync({
      threads: 1024,
      buffers: { input: DeviceBuffer.from(Uint32Array.from({ length: 1024 }, (_, i) => i * 7)), output: new DeviceBuffer(4096) },
    });
    expect(run()).toEqual(first);
  });
});

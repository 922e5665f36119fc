/**
 * The race checker on the planted bugs of kernels/tests/races/: each race found with both accesses,
 * their .metal lines, the memory in the kernel's terms and the barriers around them; the fixed
 * versions and race-free kernels report nothing.
 */
import { describe, expect, it } from 'vitest';

import { compileKernel, DeviceBuffer, EmulatorError, InvalidArgumentError, type Finding, type Kernel } from '../../src/index.js';
import { expectEmulatorError, lineOf, testKernel } from '../helpers/kernels.js';

async function raceKernel(file: string, name?: string): Promise<Kernel> {
  const library = await compileKernel({ path: `kernels/tests/races/${file}.metal`, races: true });
  return library.kernel(name);
}

const line = (file: string, text: string) => lineOf(`races/${file}`, text);

function raceOf(finding: Finding) {
  expect(finding.race).toBeDefined();
  return finding.race!;
}

describe('race checking: planted races', () => {
  it('finds a write and a read of threadgroup memory with no barrier between, naming both lines', async () => {
    const kernel = await raceKernel('tg_write_read_missing_barrier');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 64, buffers: [new DeviceBuffer(256)], race: true }));
    expect(error.code).toBe('E_DATA_RACE');
    const race = raceOf(error.findings[0]!);
    expect(race.space).toBe('threadgroup');
    expect(race.variable).toBe('slots');
    expect(race.variableOffset! % 4).toBe(0);
    const kinds = [race.first!.kind, race.second.kind].sort();
    expect(kinds).toEqual(['read', 'write']);
    const lines = [race.first!.source?.line, race.second.source?.line].sort();
    expect(lines).toEqual([line('tg_write_read_missing_barrier', 'slots[tid] ='), line('tg_write_read_missing_barrier', 'out[tid] =')].sort());
    expect(race.first!.thread).not.toBe(race.second.thread);
    // Neighbours: the reader reads the writer's slot, one apart.
    expect(Math.abs(race.first!.thread - race.second.thread) % 62).toBe(1);
    expect(race.intervalStart).toBeNull();
    expect(race.intervalEnd).toBeNull();
    expect(error.message).toContain("data race on threadgroup variable 'slots'");
    expect(error.message).toContain("between the kernel's start and the kernel's end");
  });

  it('finds two writes of different values to one threadgroup word, bounded by the barrier after them', async () => {
    const kernel = await raceKernel('tg_write_write_missing_barrier');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 32, buffers: [new DeviceBuffer(128)], race: true }));
    expect(error.code).toBe('E_DATA_RACE');
    expect(error.findings).toHaveLength(1);
    const race = raceOf(error.findings[0]!);
    expect([race.first!.thread, race.second.thread].sort()).toEqual([0, 5]);
    expect(race.first!.kind).toBe('write');
    expect(race.second.kind).toBe('write');
    expect(race.variable).toBe('winner');
    const writeLine = line('tg_write_write_missing_barrier', 'winner = tid');
    expect(race.first!.source?.line).toBe(writeLine);
    expect(race.second.source?.line).toBe(writeLine);
    expect(race.intervalStart).toBeNull();
    expect(race.intervalEnd?.line).toBe(line('tg_write_write_missing_barrier', 'threadgroup_barrier'));
  });

  it('finds a device-memory race across a barrier that orders threadgroup memory only', async () => {
    const kernel = await raceKernel('device_write_read_missing_barrier');
    const threads = 64;
    const error = await expectEmulatorError(() => kernel.dispatch({ threads, buffers: [new DeviceBuffer(threads * 4), new DeviceBuffer(threads * 4)], race: true }));
    expect(error.code).toBe('E_DATA_RACE');
    const race = raceOf(error.findings[0]!);
    expect(race.space).toBe('device');
    expect(race.buffer).toBe(0);
    expect(race.offset % 4).toBe(0);
    expect([race.first!.source?.line, race.second.source?.line].sort()).toEqual(
      [line('device_write_read_missing_barrier', 'data[tid] ='), line('device_write_read_missing_barrier', 'out[tid] =')].sort(),
    );
    // The mem_threadgroup barrier does not bound a device interval: it runs from start to end.
    expect(race.intervalStart).toBeNull();
    expect(error.message).toContain('no barrier with mem_device orders them');
  });

  it('finds a plain read-modify-write of one device word by every thread', async () => {
    const kernel = await raceKernel('device_write_write');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 32, buffers: [new DeviceBuffer(16)], race: true }));
    expect(error.code).toBe('E_DATA_RACE');
    const race = raceOf(error.findings[0]!);
    expect(race.buffer).toBe(0);
    expect(race.offset).toBe(0);
    expect(race.occurrences).toBeGreaterThan(1);
  });

  it('finds lanes of one SIMD-group racing across a SIMD-group function, and not across simdgroup_barrier', async () => {
    const racy = await raceKernel('simd_lanes_without_sync', 'swap_pairs');
    const error = await expectEmulatorError(() => racy.dispatch({ threads: 32, buffers: [new DeviceBuffer(128)], race: true }));
    expect(error.code).toBe('E_DATA_RACE');
    const race = raceOf(error.findings[0]!);
    expect(race.variable).toBe('slots');
    expect(race.first!.thread ^ race.second.thread).toBe(1);
    expect([race.first!.source?.line, race.second.source?.line].sort()).toEqual(
      [line('simd_lanes_without_sync', 'slots[lane] ='), line('simd_lanes_without_sync', 'out[tid] = slots[lane ^ 1u] + total')].sort(),
    );
    const fixed = await raceKernel('simd_lanes_without_sync', 'simd_sync_fixed');
    const out = new DeviceBuffer(128);
    const result = await fixed.dispatch({ threads: 32, buffers: [out], race: true });
    expect(result.raceWarnings).toEqual([]);
    expect(result.raceCheckedAccesses).toBeGreaterThanOrEqual(32 * 3);
    expect(Array.from(out.readUint32())).toEqual(Array.from({ length: 32 }, (_, lane) => (lane ^ 1) * 11));
  });

  it('reports a read of threadgroup memory that no thread wrote (an atomic counter never zeroed)', async () => {
    const kernel = await raceKernel('uninitialized_threadgroup_counter');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 64, buffers: [new DeviceBuffer(16)], race: true }));
    expect(error.code).toBe('E_UNINITIALIZED_READ');
    const race = raceOf(error.findings[0]!);
    expect(race.first).toBeUndefined();
    expect(race.second.kind).toBe('atomic update');
    expect(race.second.source?.line).toBe(line('uninitialized_threadgroup_counter', 'atomic_fetch_add_explicit'));
    expect(race.variable).toBe('counter');
    // Atomics on one word never race with each other: the only reports are uninitialised reads.
    expect(error.findings.every((f) => f.code === 'E_UNINITIALIZED_READ')).toBe(true);
  });

  it('reports unordered writes of the same value as a warning, and the dispatch succeeds', async () => {
    const kernel = await raceKernel('same_value_flag');
    const values = DeviceBuffer.from(new Uint32Array(Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 42 : i))));
    const found = new DeviceBuffer(16);
    const result = await kernel.dispatch({ threads: 64, buffers: [values, found], race: true });
    expect(found.readUint32()[0]).toBe(1);
    expect(result.raceWarnings).toHaveLength(1);
    const warning = result.raceWarnings![0]!;
    expect(warning.code).toBe('W_SAME_VALUE_WRITE');
    expect(warning.race!.first!.kind).toBe('write');
    expect(warning.race!.second.source?.line).toBe(line('same_value_flag', 'found[0] = 1u'));
    expect(warning.message).toContain('unordered writes of the same value on buffer(1) byte 0');
  });

  it('does not flag the atomicity violation: every access is atomic (schedule exploration must find it)', async () => {
    const kernel = await raceKernel('atomicity_violation');
    for (const seed of [1, 2, 3]) {
      const stack = DeviceBuffer.from(new Uint32Array([1, 2, 3, 4, 0, 0, 0, 0]));
      const result = await kernel.dispatch({ threads: 32, buffers: [stack], race: true, seed });
      expect(result.raceWarnings).toEqual([]);
      expect(result.raceCheckedAccesses).toBeGreaterThanOrEqual(20);
    }
  });
});

const HEADER = '#include <metal_stdlib>\nusing namespace metal;\n';

async function inline(name: string, body: string): Promise<Kernel> {
  return (await compileKernel({ source: HEADER + body, fileName: `${name}.metal`, races: true })).kernel();
}

describe('race checking: the cases a review found', () => {
  it('a race between two threads on different bytes of one word and the first byte, under every seed', async () => {
    const kernel = await inline(
      'bytes_two_threads',
      'kernel void k(device uchar* d [[buffer(0)]], device uchar* out [[buffer(1)]], uint tid [[thread_index_in_threadgroup]]) {\n' +
        '  if (tid == 0) d[0] = 1;\n  if (tid == 1) { d[1] = 2; out[0] = d[0]; }\n}\n',
    );
    for (let seed = 1; seed <= 12; seed++) {
      const error = await expectEmulatorError(() => kernel.dispatch({ threads: 2, buffers: [new DeviceBuffer(16), new DeviceBuffer(16)], race: true, seed }));
      expect(error.code, `seed ${seed}`).toBe('E_DATA_RACE');
      expect(error.findings[0]!.race!.offset).toBe(0);
    }
  });

  it('an 8-byte store of the same value by every thread is one warning, not a race', async () => {
    const kernel = await inline('same_ulong', 'kernel void k(device ulong* f [[buffer(0)]]) { f[0] = 1ul; }\n');
    const result = await kernel.dispatch({ threads: 4, buffers: [new DeviceBuffer(16)], race: true });
    expect(result.raceWarnings!.map((w) => w.code)).toEqual(['W_SAME_VALUE_WRITE']);
  });

  it('a compare-exchange that fails only loads: no race with a plain read of the word', async () => {
    const kernel = await inline(
      'failed_cas',
      'kernel void k(device atomic_uint* a [[buffer(0)]], device uint* p [[buffer(1)]], device uint* out [[buffer(2)]], uint tid [[thread_index_in_threadgroup]]) {\n' +
        '  if (tid == 0) { out[0] = p[0]; } else if (tid == 1) { uint expected = 12345u; atomic_compare_exchange_weak_explicit(&a[0], &expected, 1u, memory_order_relaxed, memory_order_relaxed); out[1] = expected; }\n}\n',
    );
    const shared = new DeviceBuffer(64);
    for (const seed of [1, 2, 3]) await kernel.dispatch({ threads: 2, buffers: [shared, shared, new DeviceBuffer(64)], race: true, seed });
    // Had it matched, it would store: then it races with the plain read.
    shared.write(new Uint32Array([12345]));
    await expect(kernel.dispatch({ threads: 2, buffers: [shared, shared, new DeviceBuffer(64)], race: true })).rejects.toThrow(/data race on buffer\(\d\) byte 0/);
  });

  it('a simdgroup_barrier that only some lanes reach (strict: false) orders none of them', async () => {
    const kernel = await inline(
      'partial_simd_barrier',
      'kernel void k(device uint* d [[buffer(0)]], device uint* out [[buffer(1)]], uint tid [[thread_index_in_threadgroup]]) {\n' +
        '  uint r = 0;\n  if (tid == 1) r = d[0];\n  if (tid == 0) { simdgroup_barrier(mem_flags::mem_device); d[0] = 5u; }\n' +
        '  threadgroup_barrier(mem_flags::mem_device);\n  out[tid] = r;\n}\n',
    );
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 2, buffers: [new DeviceBuffer(16), new DeviceBuffer(16)], race: true, strict: false }));
    expect(error.code).toBe('E_DATA_RACE');
  });
});

describe('race checking: what stays quiet, and what is refused', () => {
  it('a race-free kernel with barriers reports nothing and computes the same result', async () => {
    const library = await compileKernel({ path: 'kernels/tests/barrier_phases.metal', races: true });
    const kernel = library.kernel();
    const run = async (race: boolean) => {
      const out = new DeviceBuffer(256 * 4);
      const result = await kernel.dispatch({ threads: 256, buffers: [out], race, seed: 7 });
      return { out: Array.from(out.readUint32()), result };
    };
    const plain = await run(false);
    const checked = await run(true);
    expect(checked.out).toEqual(plain.out);
    expect(checked.result.raceCheckedAccesses).toBeGreaterThan(256 * 4);
    expect(plain.result.raceCheckedAccesses).toBeUndefined();
  });

  it('dispatchSync with race: true needs the race-checking build made first', async () => {
    const kernel = await testKernel('reduce_sum');
    expect(kernel.library.raceInstrumented).toBe(false);
    // A source no other test compiles, so its race-checking build cannot exist yet in this process.
    const fresh = await compileKernel({ source: '#include <metal_stdlib>\nusing namespace metal;\nkernel void only_here(device uint* t [[buffer(0)]], uint i [[thread_index_in_threadgroup]]) { t[0] = t[0] + i; }\n', fileName: 'only_here.metal' });
    expect(fresh.raceCheckedIfBuilt()).toBeUndefined();
    expect(() => fresh.kernel().dispatchSync({ threads: 4, buffers: [new DeviceBuffer(16)], race: true })).toThrow(InvalidArgumentError);
    await fresh.raceChecked();
    expect(fresh.raceCheckedIfBuilt()?.raceInstrumented).toBe(true);
    expect(() => fresh.kernel().dispatchSync({ threads: 4, buffers: [new DeviceBuffer(16)], race: true })).toThrow(EmulatorError);
  });

  it('the same kernel run past its documented 256 threads is caught: its arrays overlap', async () => {
    const library = await compileKernel({ path: 'kernels/tests/barrier_phases.metal', races: true });
    const error = await expectEmulatorError(() => library.kernel().dispatch({ threads: 1024, buffers: [new DeviceBuffer(4096)], race: true }));
    expect(error.code).toBe('E_DATA_RACE');
    expect(error.findings[0]!.race!.space).toBe('threadgroup');
  });

  it('refuses a race option that is not a boolean', async () => {
    const kernel = await raceKernel('device_write_write');
    await expect(kernel.dispatch({ threads: 4, buffers: [new DeviceBuffer(16)], race: 'yes' as unknown as boolean })).rejects.toThrow(/race must be a boolean/);
  });
});

import { describe, expect, it } from 'vitest';
import { DeviceBuffer, InvalidArgumentError } from '../../src/index.js';
import { expectEmulatorError, lineOf, testKernel } from '../helpers/kernels.js';

describe('threadgroup memory', () => {
  it('shares kernel-scope arrays and [[threadgroup(n)]] buffers across the threadgroup', async () => {
    const kernel = await testKernel('threadgroup_param');
    const threads = 256;
    const output = new DeviceBuffer(threads * 4);
    const result = await kernel.dispatch({ threads, buffers: { output }, threadgroupMemory: { scratch: threads * 4 } });
    expect(Array.from(output.readUint32())).toEqual(Array.from({ length: threads }, (_, t) => (threads - 1 - t) * 2 + (t % 4) + 100));
    expect(result.stats.threadgroupMemoryBytes).toBe(threads * 4 + 16);
  });

  it('rejects a missing, unaligned or oversized [[threadgroup(n)]] length before running', async () => {
    const kernel = await testKernel('threadgroup_param');
    const output = new DeviceBuffer(4096);
    const missing = await expectEmulatorError(() => kernel.dispatch({ threads: 16, buffers: { output } }));
    expect(missing.code).toBe('E_INVALID_DISPATCH');
    expect(missing.message).toContain("threadgroup(0) 'scratch' has no length (0 bytes)");
    await expect(kernel.dispatch({ threads: 16, buffers: { output }, threadgroupMemory: [20] })).rejects.toThrow(InvalidArgumentError);
    await expect(kernel.dispatch({ threads: 16, buffers: { output }, threadgroupMemory: [40000] })).rejects.toThrow(/from 0 to 32768/);
    // Declared + bound memory past 32 KiB is caught when the kernel-scope array is allocated.
    const tooMuch = await expectEmulatorError(() => kernel.dispatch({ threads: 16, buffers: { output }, threadgroupMemory: [32768] }));
    expect(tooMuch.code).toBe('E_THREADGROUP_MEMORY_LIMIT');
    expect(tooMuch.message).toContain("'counts': 16 bytes");
  });

  it('rejects a kernel that declares more than 32 KiB, listing what it declared', async () => {
    const kernel = await testKernel('threadgroup_overflow');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 1024, buffers: { output: new DeviceBuffer(4096) } }));
    expect(error.code).toBe('E_THREADGROUP_MEMORY_LIMIT');
    expect(error.message).toContain('needs at least 36864 bytes of threadgroup memory, more than the 32768 bytes');
    expect(error.message).toContain(`'tiles': 32768 bytes at threadgroup_overflow.metal:${lineOf('threadgroup_overflow', 'tiles[8192]')}`);
    expect(error.message).toContain(`'extra': 4096 bytes at threadgroup_overflow.metal:${lineOf('threadgroup_overflow', 'extra[1024]')}  <- does not fit`);
  });

  it('starts as seeded noise: a read before any write changes with the seed, and only with the seed', async () => {
    const kernel = await testKernel('uninitialized_threadgroup');
    const run = async (seed: number) => {
      const output = new DeviceBuffer(64 * 4);
      await kernel.dispatch({ threads: 64, seed, buffers: { output } });
      return Array.from(output.readUint32());
    };
    const first = await run(1);
    expect(await run(1)).toEqual(first);
    expect(await run(2)).not.toEqual(first);
    expect(first.filter((v) => v === 0).length).toBeLessThan(4);
  });
});

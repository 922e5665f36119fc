import { describe, expect, it } from 'vitest';
import { DeviceBuffer, GpuosError, InvalidArgumentError } from '../../src/index.js';
import { expectEmulatorError, testKernel } from '../helpers/kernels.js';

describe('dispatch options are validated before anything runs', () => {
  it('rejects bad thread counts with the allowed range', async () => {
    const kernel = await testKernel('barrier_loop');
    const buffers = { output: new DeviceBuffer(4096), rounds: DeviceBuffer.from(new Uint32Array([1])) };
    await expect(kernel.dispatch({ threads: 0, buffers })).rejects.toThrow(/threads\[0\] must be an integer from 1 to 1024, got 0/);
    await expect(kernel.dispatch({ threads: 1025, buffers })).rejects.toThrow(InvalidArgumentError);
    await expect(kernel.dispatch({ threads: [64, 32], buffers })).rejects.toThrow(/at most 1024 threads; threads 64×32×1 is 2048/);
    await expect(kernel.dispatch({ threads: 1.5, buffers })).rejects.toThrow(InvalidArgumentError);
    await expect(kernel.dispatch({ threads: [1, 2, 3, 4], buffers })).rejects.toThrow(/1 to 3 numbers/);
  });

  it('rejects unknown binding names, listing the real ones, and non-buffers', async () => {
    const kernel = await testKernel('barrier_loop');
    await expect(kernel.dispatch({ threads: 32, buffers: { outptu: new DeviceBuffer(4) } })).rejects.toThrow(
      "buffers: the kernel has no buffer parameter 'outptu' (it has: output, rounds)",
    );
    await expect(kernel.dispatch({ threads: 32, buffers: [new Uint32Array(4) as never] })).rejects.toThrow('buffers[0] must be a DeviceBuffer');
    await expect(kernel.dispatch({ threads: 32, buffers: { 31: new DeviceBuffer(4) } })).rejects.toThrow('index 31 is above 30');
  });

  it('rejects a missing binding or a reference larger than its buffer, naming the parameter', async () => {
    const kernel = await testKernel('barrier_loop');
    const missing = await expectEmulatorError(() => kernel.dispatch({ threads: 32, buffers: { output: new DeviceBuffer(128) } }));
    expect(missing.code).toBe('E_INVALID_DISPATCH');
    expect(missing.message).toBe("kernel 'barrier_loop': buffer(1) 'rounds' (constant uint&) has no buffer bound; pass one at index 1");
    const small = await expectEmulatorError(() =>
      kernel.dispatch({ threads: 32, buffers: [new DeviceBuffer(128), new DeviceBuffer(2)] }),
    );
    expect(small.message).toContain("buffer(1) 'rounds' is a reference to 4 bytes but the bound buffer holds 2");
  });

  it('accepts bindings by index as an array or an object', async () => {
    const kernel = await testKernel('barrier_loop');
    const a = new DeviceBuffer(128);
    const b = new DeviceBuffer(128);
    const rounds = DeviceBuffer.from(new Uint32Array([3]));
    await kernel.dispatch({ threads: 32, buffers: [a, rounds] });
    await kernel.dispatch({ threads: 32, buffers: { 0: b, 1: rounds } });
    expect(a.read()).toEqual(b.read());
    // A hole leaves its index unbound, like undefined: here the kernel's buffer 0 is then missing.
    // eslint-disable-next-line no-sparse-arrays
    await expect(kernel.dispatch({ threads: 32, buffers: [, rounds] })).rejects.toThrow(/output/);
    await expect(kernel.dispatch({ threads: 32, buffers: new Array(100_000_000) })).rejects.toThrow(InvalidArgumentError);
  });

  it('honours [[max_total_threads_per_threadgroup]]', async () => {
    const kernel = await testKernel('bounded_threads');
    await kernel.dispatch({ threads: 256, buffers: { output: new DeviceBuffer(1024) } });
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 257, buffers: { output: new DeviceBuffer(2048) } }));
    expect(error.message).toContain('declares [[max_total_threads_per_threadgroup(256)]] but the dispatch asks for 257 threads');
  });

  it('rejects bad seeds, watchdogs and stack sizes', async () => {
    const kernel = await testKernel('bounded_threads');
    const buffers = { output: new DeviceBuffer(1024) };
    await expect(kernel.dispatch({ threads: 1, buffers, seed: -1 })).rejects.toThrow(/seed must be an integer/);
    await expect(kernel.dispatch({ threads: 1, buffers, seed: 2n ** 64n })).rejects.toThrow(/64 unsigned bits/);
    await expect(kernel.dispatch({ threads: 1, buffers, watchdogMs: 0 })).rejects.toThrow(/watchdogMs/);
    await expect(kernel.dispatch({ threads: 1, buffers, stackBytes: 1024 })).rejects.toThrow(/stackBytes/);
    // All the stacks together are bounded too: 256 threads of 32 MiB would be 8 GiB.
    await expect(kernel.dispatch({ threads: 256, buffers, stackBytes: 32 * 1024 * 1024 })).rejects.toThrow(/at most 4294967296 \(4 GiB\) in all/);
    // Large stacks are unmapped after their dispatch, and the next one maps its own.
    await kernel.dispatch({ threads: 256, buffers, stackBytes: 8 * 1024 * 1024 });
    await kernel.dispatch({ threads: 256, buffers });
    await expect(kernel.dispatch({ threads: 1, buffers, strict: 'yes' as never })).rejects.toThrow(/strict must be a boolean/);
  });
});

describe('dispatch runs off the event loop', () => {
  it('lets timers and I/O run while a long dispatch is in flight', async () => {
    const kernel = await testKernel('barrier_loop');
    const events: string[] = [];
    const output = new DeviceBuffer(4096);
    const dispatch = kernel
      .dispatch({ threads: 1024, buffers: { output, rounds: DeviceBuffer.from(new Uint32Array([4000])) } })
      .then(() => events.push('dispatch done'));
    setImmediate(() => events.push('event loop turned'));
    await dispatch;
    expect(events[0]).toBe('event loop turned');
    expect(events).toContain('dispatch done');
  });

  it('keeps a bound buffer out of reach until the dispatch settles', async () => {
    const kernel = await testKernel('barrier_loop');
    const output = new DeviceBuffer(4096);
    const rounds = DeviceBuffer.from(new Uint32Array([500]));
    const running = kernel.dispatch({ threads: 1024, buffers: { output, rounds } });
    expect(() => output.read()).toThrow(expect.objectContaining({ code: 'E_BUFFER_BUSY' }));
    expect(() => output.write(new Uint8Array(4))).toThrow(GpuosError);
    expect(() => output.release()).toThrow(/while a dispatch that binds it is running/);
    await expect(kernel.dispatch({ threads: 1024, buffers: { output, rounds } })).rejects.toThrow(/still running; await it first/);
    await running;
    expect(output.readUint32()[0]).toBe(500 % 1024);
  });

  it('runs dispatchSync on the calling thread with the same results', async () => {
    const kernel = await testKernel('barrier_loop');
    const a = new DeviceBuffer(4096);
    const b = new DeviceBuffer(4096);
    const rounds = DeviceBuffer.from(new Uint32Array([9]));
    const sync = kernel.dispatchSync({ threads: 1024, buffers: { output: a, rounds } });
    await kernel.dispatch({ threads: 1024, buffers: { output: b, rounds } });
    expect(a.read()).toEqual(b.read());
    expect(sync.stats.threadgroupBarriers).toBe(19);
  });
});

describe('DeviceBuffer', () => {
  it('copies in and out, and bounds-checks every access', () => {
    const buffer = DeviceBuffer.from(new Uint32Array([1, 2, 3]));
    expect(buffer.byteLength).toBe(12);
    buffer.write(new Uint32Array([9]), 4);
    expect(Array.from(buffer.readUint32())).toEqual([1, 9, 3]);
    expect(() => buffer.write(new Uint32Array([1, 2]), 8)).toThrow(/overruns the 12-byte buffer/);
    expect(() => buffer.read(8, 8)).toThrow(/overruns/);
    expect(() => new DeviceBuffer(0)).toThrow(InvalidArgumentError);
    expect(() => new DeviceBuffer(2 ** 31)).toThrow(/from 1 to 1073741824/);
    buffer.release();
    expect(() => buffer.read()).toThrow(expect.objectContaining({ code: 'E_BUFFER_RELEASED' }));
  });
});

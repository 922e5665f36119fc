import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { expectEmulatorError, lineOf, testKernel } from '../helpers/kernels.js';

describe('faults inside kernel code become findings, never crashes', () => {
  it('names the buffer, the offset and the thread of an out-of-bounds write, and the .metal line', async () => {
    const kernel = await testKernel('out_of_bounds');
    const output = new DeviceBuffer(4096);
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 1024, buffers: { output } }));
    expect(error.code).toBe('E_OUT_OF_BOUNDS');
    expect(error.message).toContain('thread 1023 accessed buffer(0) at byte offset 4096, outside its 4096 bytes');
    expect(error.findings[0]!.access).toEqual({ buffer: 0, offset: 4096, size: 4096 });
    expect(error.findings[0]!.fault?.source?.line).toBe(lineOf('out_of_bounds', 'output[index] = tid'));
    expect(error.message).toContain(`(at ${error.findings[0]!.fault?.source?.file}:${lineOf('out_of_bounds', 'output[index] = tid')})`);
    // The emulator keeps working after a fault.
    const again = await expectEmulatorError(() => kernel.dispatch({ threads: 1024, buffers: { output } }));
    expect(again.code).toBe('E_OUT_OF_BOUNDS');
  });

  it('reports a stack overflow as such, with the thread and its stack size', async () => {
    const kernel = await testKernel('stack_overflow');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 64, stackBytes: 64 * 1024, buffers: { sink: new DeviceBuffer(8) } }));
    expect(error.code).toBe('E_STACK_OVERFLOW');
    expect(error.message).toContain('thread 7 overflowed its 65536-byte stack');
    // Located in the .metal source, never in the translated C++ the emulator compiled.
    expect(error.message).toMatch(/stack_overflow\.metal:\d+/);
    expect(error.message).not.toMatch(/\.cpp:\d+/);
  });

  it('reports integer division by zero with the thread', async () => {
    const kernel = await testKernel('divide_by_zero');
    const divisors = Int32Array.from({ length: 32 }, (_, t) => (t === 3 ? 0 : t + 1));
    const error = await expectEmulatorError(() =>
      kernel.dispatch({ threads: 32, buffers: { divisors: DeviceBuffer.from(divisors), output: new DeviceBuffer(128) } }),
    );
    if (process.arch === 'arm64') {
      // AArch64 division by zero does not trap (it yields 0); nothing to report there.
      return;
    }
    expect(error.code).toBe('E_ARITHMETIC_FAULT');
    expect(error.message).toContain('thread 3 divided an integer by zero');
    expect(error.message).toMatch(/divide_by_zero\.metal:\d+/);
  });

  it('reports an access through a pointer into no buffer', async () => {
    const kernel = await testKernel('wild_pointer');
    const error = await expectEmulatorError(() =>
      kernel.dispatch({ threads: 4, buffers: { output: new DeviceBuffer(4), address: DeviceBuffer.from(new BigUint64Array([16n])) } }),
    );
    expect(error.code).toBe('E_INVALID_ACCESS');
    expect(error.message).toContain('thread 2 accessed address 0x10, which belongs to no buffer');
  });

  it('stops at the kernel line that indexes a vector outside its components, and lets every index inside pass', async () => {
    const kernel = await testKernel('vector_index_out_of_range');
    const output = new DeviceBuffer(32);
    await kernel.dispatch({ threads: 7, buffers: { component: DeviceBuffer.from(new Uint32Array([3, 2, 1, 0, 0, 1, 2])), output } });
    expect([...new Float32Array(output.read().buffer, 0, 7)]).toEqual([4, 3, 2, 1, 5, 6, 7]);
    for (const [thread, index] of [[1, 4], [5, 3], [6, 0xffffffff]] as const) {
      const components = new Uint32Array([0, 1, 2, 3, 0, 1, 2]);
      components[thread] = index;
      const error = await expectEmulatorError(() => kernel.dispatch({ threads: 7, buffers: { component: DeviceBuffer.from(components), output: new DeviceBuffer(32) } }));
      expect(error.code).toBe('E_INVALID_ACCESS');
      expect(error.message).toContain(`thread ${thread} reached a trap instruction`);
      expect(error.message).toContain("an index outside a vector's components");
      expect(error.message).toMatch(/vector_index_out_of_range\.metal:12\)/);
      expect(error.message).not.toContain('vector_types.h');
    }
  });

  it('reports threadgroup memory overrun past the 32 KiB the threadgroup has', async () => {
    const kernel = await testKernel('threadgroup_out_of_bounds');
    const error = await expectEmulatorError(() =>
      kernel.dispatch({ threads: 256, buffers: { output: new DeviceBuffer(1024), stride: DeviceBuffer.from(new Uint32Array([64])) } }),
    );
    expect(error.code).toBe('E_OUT_OF_BOUNDS');
    expect(error.message).toMatch(/thread \d+ accessed threadgroup memory at byte offset \d+, outside the 32768 bytes/);
    expect(error.findings[0]!.access?.buffer).toBeNull();
  });

  it('stops an endless loop with the watchdog, naming the running thread and the waiting ones', async () => {
    const kernel = await testKernel('endless_loop');
    const started = Date.now();
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 64, watchdogMs: 300, buffers: { counter: new DeviceBuffer(8) } }));
    expect(error.code).toBe('E_WATCHDOG');
    expect(error.message).toContain('ran past its 300 ms watchdog');
    expect(error.message).toContain('thread 5: running');
    expect(error.message).toMatch(new RegExp(`threads [0-9, -]+: waiting at threadgroup_barrier at endless_loop\\.metal:${lineOf('endless_loop', 'threadgroup_barrier')}`));
    const running = error.findings[0]!.groups.filter((g) => g.operation === 'running');
    expect(running).toEqual([{ threads: [5], operation: 'running', site: null, callPath: [] }]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('the watchdog', () => {
  it('stops a loop that keeps calling into the emulator runtime, every time', async () => {
    const kernel = await testKernel('endless_loop_in_runtime');
    for (let attempt = 0; attempt < 5; attempt++) {
      const started = Date.now();
      const error = await expectEmulatorError(() => kernel.dispatch({ threads: 32, watchdogMs: 100, buffers: { flag: new DeviceBuffer(8) } }));
      expect(error.code).toBe('E_WATCHDOG');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });
});

describe('stack guards', () => {
  it('turn a frame larger than a page into a stack overflow of that thread', async () => {
    const kernel = await testKernel('stack_big_frame');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 4, stackBytes: 32 * 1024, buffers: { sink: new DeviceBuffer(64) } }));
    expect(error.code).toBe('E_STACK_OVERFLOW');
    expect(error.message).toMatch(/thread \d overflowed its 32768-byte stack/);
  });
});

import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { expectEmulatorError, lineOf, testKernel } from '../helpers/kernels.js';

describe('threadgroup_barrier', () => {
  it('holds every thread at a barrier inside a loop, round after round', async () => {
    const kernel = await testKernel('barrier_loop');
    for (const threads of [1024, 1000, 33]) {
      const rounds = 37;
      const output = new DeviceBuffer(threads * 4);
      const result = await kernel.dispatch({ threads, buffers: { output, rounds: DeviceBuffer.from(new Uint32Array([rounds])) } });
      expect(Array.from(output.readUint32())).toEqual(Array.from({ length: threads }, (_, t) => (t + rounds) % threads));
      expect(result.stats.threadgroupBarriers).toBe(1 + 2 * rounds);
    }
  });

  it('reports threads that return before a barrier in strict mode, naming who returned and who waits', async () => {
    const kernel = await testKernel('early_return');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 1024, buffers: { output: new DeviceBuffer(4096) } }));
    expect(error.code).toBe('E_EXIT_BEFORE_BARRIER');
    expect(error.message).toContain('threads 512-1023 returned before threadgroup_barrier');
    expect(error.message).toContain(`early_return.metal:${lineOf('early_return', 'threadgroup_barrier')}`);
    expect(error.message).toContain('threads 0-511 wait');
    expect(error.message).toContain('seed 1');
    const returned = error.findings[0]!.groups.find((g) => g.operation === 'returned');
    expect(returned?.threads).toHaveLength(512);
    expect(returned?.threads[0]).toBe(512);
  });

  it('lets returned threads skip the barrier outside strict mode, as Apple GPUs do', async () => {
    const kernel = await testKernel('early_return');
    const output = new DeviceBuffer(4096);
    await kernel.dispatch({ threads: 1024, strict: false, buffers: { output } });
    const out = output.readUint32();
    for (let t = 0; t < 512; t++) expect(out[t]).toBe(((t + 1) % 512) * 3);
    for (let t = 512; t < 1024; t++) expect(out[t]).toBe(0);
  });

  it('rejects threads waiting at different barriers, naming both barriers and their threads', async () => {
    const kernel = await testKernel('divergent_barrier');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 1024, buffers: { output: new DeviceBuffer(4096) } }));
    expect(error.code).toBe('E_BARRIER_DIVERGENCE');
    const first = lineOf('divergent_barrier', 'threadgroup_barrier', 1);
    const second = lineOf('divergent_barrier', 'threadgroup_barrier', 2);
    expect(error.message).toContain(`threads 0-511: waiting at threadgroup_barrier at divergent_barrier.metal:${first}`);
    expect(error.message).toContain(`threads 512-1023: waiting at threadgroup_barrier at divergent_barrier.metal:${second}`);
    const sites = error.findings[0]!.groups.map((g) => g.site?.line);
    expect(sites.sort()).toEqual([first, second].sort());
    expect(error.findings[0]!.groups.every((g) => g.site?.file.endsWith('kernels/tests/divergent_barrier.metal'))).toBe(true);
  });

  it('reports a deadlock on a spin-wait that nothing can end, naming the spinner and the waiters', async () => {
    const kernel = await testKernel('deadlock');
    const error = await expectEmulatorError(() => kernel.dispatch({ threads: 1024, buffers: { flag: new DeviceBuffer(4) } }));
    expect(error.code).toBe('E_DEADLOCK');
    expect(error.message).toContain(`thread 0: spinning on an atomic at deadlock.metal:${lineOf('deadlock', 'atomic_load_explicit')}`);
    expect(error.message).toContain(`threads 1-1023: waiting at threadgroup_barrier at deadlock.metal:${lineOf('deadlock', 'threadgroup_barrier')}`);
  });
});

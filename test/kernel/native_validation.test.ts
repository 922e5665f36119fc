/**
 * The addon is reachable without the TypeScript validation in front of it; it must refuse what
 * it cannot use rather than reinterpret it.
 */
import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { nativeAddon } from '../../src/kernel/native.js';
import { testKernel } from '../helpers/kernels.js';

describe('the native addon re-checks what it is given', () => {
  it('refuses objects of the wrong class and thread counts that would overflow', async () => {
    const kernel = await testKernel('barrier_loop');
    const library = kernel.library.native;
    const options = {
      threads: [32, 1, 1] as [number, number, number],
      buffers: [new DeviceBuffer(128).native, DeviceBuffer.from(new Uint32Array([1])).native],
      threadgroupMemory: [],
      seed: 1n,
      strict: true,
      watchdogMs: 1000,
      stackBytes: 65536,
      profile: false,
      race: false,
    };
    expect(() => nativeAddon().dispatchSync({} as never, 'barrier_loop', options)).toThrow(/the first argument is not a KernelLibrary/);
    expect(() => nativeAddon().dispatchSync(library, 'barrier_loop', { ...options, buffers: [library as never] })).toThrow(
      /buffers\[0\] is not a DeviceBuffer/,
    );
    expect(() => nativeAddon().dispatchSync(library, 'barrier_loop', { ...options, threads: [2 ** 22, 2 ** 21, 2 ** 21] })).toThrow(
      /threads must hold integers from 1 to 1024/,
    );
    expect(() => nativeAddon().dispatchSync(library, 'barrier_loop', { ...options, seed: 2 ** 64 as never })).toThrow(/seed/);
    expect(nativeAddon().dispatchSync(library, 'barrier_loop', options).ok).toBe(true);
  });
});

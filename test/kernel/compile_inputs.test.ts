/**
 * What compileKernel takes from its caller and its environment: arguments of the wrong shape are
 * typed errors, a byte order mark is accepted as Apple's compiler accepts it, a runaway
 * preprocessor or compiler is stopped, and a kernel cache others could write to is refused.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { compileKernel, DeviceBuffer, InvalidArgumentError } from '../../src/index.js';
import { kernelCacheDir } from '../../src/kernel/kernel_cache.js';
import { runProcess } from '../../src/kernel/process_runner.js';

describe('compileKernel arguments', () => {
  it('are typed errors when they have the wrong shape', async () => {
    await expect(compileKernel(null as never)).rejects.toThrow(InvalidArgumentError);
    await expect(compileKernel({ source: 'x', includeDirs: '/tmp' as never })).rejects.toThrow(/includeDirs must be an array of directory paths/);
    await expect(compileKernel({ source: 'x', includeDirs: [5 as never] })).rejects.toThrow(/includeDirs must be an array/);
    await expect(compileKernel({ source: 'x', fileName: 5 as never })).rejects.toThrow(/fileName must be a file name/);
    await expect(compileKernel({ source: 'x', fileName: 'a"b.metal' })).rejects.toThrow(/fileName must be a file name/);
  });

  it('accept a source that starts with a UTF-8 byte order mark', async () => {
    const library = await compileKernel({
      source: '\ufeff#include <metal_stdlib>\nusing namespace metal;\nkernel void k(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) { o[t] = t * 2u; }\n',
      fileName: 'bom.metal',
    });
    const out = new DeviceBuffer(16);
    await library.kernel('k').dispatch({ threads: 4, buffers: [out] });
    expect(Array.from(out.readUint32())).toEqual([0, 2, 4, 6]);
  });
});

describe('the preprocessor and compiler processes', () => {
  it('are stopped past their time limit', async () => {
    const result = await runProcess('sleep', ['30'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.status).not.toBe(0);
  });

  // ulimit -v is refused on macOS, where only the time limit applies (docs/EMULATOR.md).
  it.runIf(process.platform === 'linux')('run under an address-space limit (Linux)', async () => {
    const allocate = ['-c', 'x = bytearray(1024 * 1024 * 1024); print("allocated")'];
    const limited = await runProcess('python3', allocate, { memoryBytes: 256 * 1024 * 1024 });
    expect(limited.status).not.toBe(0);
    expect(limited.stdout).not.toContain('allocated');
    const unlimited = await runProcess('python3', allocate, { memoryBytes: 4 * 1024 ** 3 });
    expect(unlimited.stdout).toContain('allocated');
  });

  it('report a command that does not exist as not started', async () => {
    const result = await runProcess('gpuos-no-such-compiler', ['--version']);
    expect(result.spawnError).toBeDefined();
  });
});

describe('the kernel cache in the shared temp directory', () => {
  const saved = { cwd: process.cwd(), cache: process.env['GPUOS_KERNEL_CACHE'], tmp: process.env['TMPDIR'] };
  afterEach(() => {
    process.chdir(saved.cwd);
    for (const [key, value] of [['GPUOS_KERNEL_CACHE', saved.cache], ['TMPDIR', saved.tmp]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('is private to its user, and refused when others may write to it', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gpuos-shared-tmp-'));
    const away = mkdtempSync(join(tmpdir(), 'gpuos-no-modules-'));
    delete process.env['GPUOS_KERNEL_CACHE'];
    process.env['TMPDIR'] = tmp;
    process.chdir(away); // no node_modules here: the cache falls back to the temp directory
    const dir = kernelCacheDir();
    expect(dir).toBe(join(tmp, `gpuos-replay-${userInfo().uid}`, 'kernels'));
    // Someone made it writable by everyone: a library planted there would be loaded.
    chmodSync(join(tmp, `gpuos-replay-${userInfo().uid}`), 0o777);
    expect(() => kernelCacheDir()).toThrow(/is not private to you .*mode 777.*GPUOS_KERNEL_CACHE/);
  });
});

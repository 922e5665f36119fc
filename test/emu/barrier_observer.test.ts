/**
 * dispatch({ onBarrier }): the dispatch pauses at every threadgroup barrier release and the
 * observer sees memory exactly as the phase before the barrier left it.
 */
import { describe, expect, it } from 'vitest';

import { GpuosError, InvalidArgumentError } from '../../src/errors.js';
import { compileKernel, DeviceBuffer, EmulatorError, type BarrierRelease, type Kernel } from '../../src/index.js';
import { buildInitialState } from '../../src/os/initial_state.js';
import { loadOsKernel, OS_THREADS } from '../../src/os/os_kernel.js';
import { renderScratchBytes, signatureBytes } from '../../src/os/session.js';
import { loadScene } from '../../src/scene/scene_compile.js';
import { expectEmulatorError, lineOf, SEEDS, testKernel } from '../helpers/kernels.js';

const KERNEL = 'barrier_phases';

/** What barrier_phases.metal's memory holds at each release, phase by phase (n threads). */
interface Expected {
  line: number;
  callPath: number[];
  variables: string[];
  a: number[];
  b?: number[];
  out: number[];
}

function expectedReleases(n: number): Expected[] {
  const ids = Array.from({ length: n }, (_, t) => t);
  const releases: Expected[] = [];
  let a = ids.slice();
  let out = ids.map((t) => t + 1000);
  releases.push({ line: lineOf(KERNEL, 'phase 1:'), callPath: [], variables: ['a'], a, out });
  let b = ids.map((t) => a[n - 1 - t]! * 2);
  out = ids.map((t) => out[t]! + a[(t + 1) % n]!);
  releases.push({ line: lineOf(KERNEL, 'phase 2:'), callPath: [], variables: ['a', 'b'], a, b, out });
  a = ids.map((t) => b[t]! + 7);
  releases.push({ line: lineOf(KERNEL, 'phase 3:'), callPath: [lineOf(KERNEL, 'shifted_copy(a, b, out, tid, n);')], variables: ['a', 'b'], a, b, out });
  out = ids.map((t) => a[(t + 5) % n]!);
  releases.push({ line: lineOf(KERNEL, 'phase 4:'), callPath: [], variables: ['a', 'b'], a, b, out });
  for (let round = 0; round < 2; round++) {
    b = ids.map((t) => a[t]! + round * 100);
    releases.push({ line: lineOf(KERNEL, 'rounds: b ='), callPath: [], variables: ['a', 'b'], a, b, out });
    out = ids.map((t) => b[(t + round + 1) % n]!);
    releases.push({ line: lineOf(KERNEL, 'rounds: out ='), callPath: [], variables: ['a', 'b'], a, b, out });
  }
  return releases;
}

function words(bytes: Uint8Array, count: number): number[] {
  return Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, count));
}

/** What an observer saw at one release, copied out while it could be read. */
interface Seen {
  index: number;
  line: number;
  file: string;
  callPath: number[];
  variables: string[];
  a: number[];
  b?: number[];
  out: number[];
}

function observe(out: DeviceBuffer, n: number, seen: Seen[]) {
  return (release: BarrierRelease): void => {
    const names = release.threadgroupVariables.map((v) => v.name);
    const all = release.threadgroup();
    // The whole copy and the per-variable copies agree, at the offsets the list gives.
    for (const variable of release.threadgroupVariables) {
      expect(all.subarray(variable.offset, variable.offset + variable.size)).toEqual(release.threadgroupVariable(variable.name));
    }
    seen.push({
      index: release.index,
      line: release.site.line,
      file: release.site.file,
      callPath: release.callPath.map((site) => site.line),
      variables: names,
      a: words(release.threadgroupVariable('a'), n),
      ...(names.includes('b') ? { b: words(release.threadgroupVariable('b'), n) } : {}),
      out: Array.from(out.readUint32()),
    });
  };
}

async function phasesKernel(): Promise<Kernel> {
  return testKernel(KERNEL);
}

describe('barrier observers see every release, in order, with memory as the phase left it', () => {
  it('under several seeds and thread counts, matching the profile timeline', async () => {
    const kernel = await phasesKernel();
    for (const threads of [256, 100]) {
      const expected = expectedReleases(threads);
      for (const seed of SEEDS) {
        const out = new DeviceBuffer(threads * 4);
        const seen: Seen[] = [];
        const result = await kernel.dispatch({ threads, buffers: [out], seed, profile: true, onBarrier: observe(out, threads, seen) });
        expect(seen.map((s) => s.index)).toEqual(expected.map((_, i) => i));
        expect(seen.map((s) => s.line)).toEqual(result.barrierTimeline!.map((mark) => mark.line));
        expect(seen.every((s, i) => s.file === result.barrierTimeline![i]!.file && s.file.endsWith('barrier_phases.metal'))).toBe(true);
        expect(seen.map(({ index: _index, file: _file, ...rest }) => rest)).toEqual(expected);
        expect(result.stats.threadgroupBarriers).toBe(expected.length);
        expect(Array.from(out.readUint32())).toEqual(expected.at(-1)!.out);
      }
    }
  });

  it('reports the call path of a barrier inside a helper, outermost call first', async () => {
    const kernel = await phasesKernel();
    const paths: { function: string; callPath: { line: number; function: string }[] }[] = [];
    await kernel.dispatch({
      threads: 64,
      buffers: [new DeviceBuffer(256)],
      onBarrier: (release) => void paths.push({ function: release.site.function, callPath: release.callPath.map(({ line, function: f }) => ({ line, function: f })) }),
    });
    expect(paths[2]!.function).toContain('shifted_copy');
    expect(paths[2]!.callPath).toEqual([{ line: lineOf(KERNEL, 'shifted_copy(a, b, out, tid, n);'), function: expect.stringContaining('barrier_phases') }]);
    expect(paths.filter((_, i) => i !== 2).every((p) => p.callPath.length === 0)).toBe(true);
  });

  it('lists only the variables declared so far, and names them when asked for another', async () => {
    const kernel = await phasesKernel();
    const errors: unknown[] = [];
    await kernel.dispatch({
      threads: 32,
      buffers: [new DeviceBuffer(128)],
      onBarrier(release) {
        if (release.index === 0) {
          expect(release.threadgroupVariables).toEqual([{ name: 'a', offset: 0, size: 1024 }]);
          expect(release.threadgroup().length).toBe(1024);
          try {
            release.threadgroupVariable('b');
          } catch (error) {
            errors.push(error);
          }
        }
      },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvalidArgumentError);
    expect((errors[0] as Error).message).toMatch(/no threadgroup variable 'b' is declared at barrier release 0 .*barrier_phases\.metal:\d+\); declared so far: a$/);
  });

  it('puts [[threadgroup(n)]] bindings first in threadgroup(), then the kernel-scope variables', async () => {
    const kernel = await testKernel('threadgroup_param');
    const threads = 64;
    const seen: { bytes: number; scratch: number[]; counts: { offset: number; size: number } }[] = [];
    await kernel.dispatch({
      threads,
      buffers: { output: new DeviceBuffer(threads * 4) },
      threadgroupMemory: { scratch: threads * 4 },
      onBarrier(release) {
        const all = release.threadgroup();
        const counts = release.threadgroupVariables.find((v) => v.name === 'counts')!;
        seen.push({ bytes: all.length, scratch: words(all, threads), counts: { offset: counts.offset, size: counts.size } });
        expect(words(release.threadgroupVariable('counts'), 4)).toEqual([100, 101, 102, 103]);
      },
    });
    expect(seen).toEqual([{ bytes: threads * 4 + 16, scratch: Array.from({ length: threads }, (_, t) => t * 2), counts: { offset: threads * 4, size: 16 } }]);
  });

  it('sees a barrier released by the last thread returning (strict: false)', async () => {
    const kernel = await testKernel('early_return');
    for (const seed of SEEDS) {
      const shared: number[][] = [];
      const output = new DeviceBuffer(1024 * 4);
      await kernel.dispatch({
        threads: 1024,
        buffers: { output },
        strict: false,
        seed,
        onBarrier: (release) => void shared.push(words(release.threadgroupVariable('shared'), 512)),
      });
      expect(shared).toEqual([Array.from({ length: 512 }, (_, t) => t * 3)]);
    }
  });
});

describe('the dispatch waits for its observer', () => {
  it('awaits a returned promise before resuming the threads, and memory holds still meanwhile', async () => {
    const kernel = await phasesKernel();
    const out = new DeviceBuffer(256 * 4);
    const log: string[] = [];
    let inside = false;
    await kernel.dispatch({
      threads: 256,
      buffers: [out],
      seed: 7,
      async onBarrier(release) {
        expect(inside).toBe(false);
        inside = true;
        const before = out.read();
        const threadgroup = release.threadgroup();
        await new Promise((resolve) => setTimeout(resolve, 5));
        // Nothing ran while the observer waited: device and threadgroup memory are unchanged.
        expect(out.read()).toEqual(before);
        expect(release.threadgroup()).toEqual(threadgroup);
        log.push(`release ${release.index}`);
        inside = false;
      },
    });
    expect(log).toEqual(Array.from({ length: 8 }, (_, i) => `release ${i}`));
  });

  it('does not let the watchdog fire while a slow observer runs, and still fires it afterwards', async () => {
    const kernel = await phasesKernel();
    const out = new DeviceBuffer(256 * 4);
    const slow = async (release: BarrierRelease) => {
      if (release.index === 1) await new Promise((resolve) => setTimeout(resolve, 400));
    };
    await kernel.dispatch({ threads: 256, buffers: [out], watchdogMs: 200, onBarrier: slow });
    expect(Array.from(out.readUint32())).toEqual(expectedReleases(256).at(-1)!.out);
    // The same on the calling thread, blocked for 400 ms.
    kernel.dispatchSync({
      threads: 256,
      buffers: [out],
      watchdogMs: 200,
      onBarrier: (release) => void (release.index === 1 && Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400)),
    });

    // The watchdog is re-armed after the observer, and faults are still caught after resuming.
    const library = await compileKernel({
      fileName: 'after_barrier.metal',
      source: `#include <metal_stdlib>
using namespace metal;
kernel void spin_after(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {
  o[t] = t;
  threadgroup_barrier(mem_flags::mem_device);
  if (t == 5u) { volatile device uint* s = o; while (s[0] != 0xffffffffu) { s[1] = s[1] + 1u; } }
}
kernel void fault_after(device uint* o [[buffer(0)]], uint t [[thread_index_in_threadgroup]]) {
  o[t] = t;
  threadgroup_barrier(mem_flags::mem_device);
  o[t == 63u ? 64u : t] = t + 1u;
}
`,
    });
    const o = new DeviceBuffer(64 * 4);
    let observed = 0;
    const count = () => void observed++;
    const watchdog = await expectEmulatorError(() => library.kernel('spin_after').dispatch({ threads: 64, buffers: [o], watchdogMs: 200, onBarrier: count }));
    expect(watchdog.code).toBe('E_WATCHDOG');
    const fault = await expectEmulatorError(() => library.kernel('fault_after').dispatch({ threads: 64, buffers: [o], onBarrier: count }));
    expect(fault.code).toBe('E_OUT_OF_BOUNDS');
    expect(fault.message).toContain('thread 63 accessed buffer(0) at byte offset 256');
    expect(() => library.kernel('fault_after').dispatchSync({ threads: 64, buffers: [o], onBarrier: count })).toThrow(EmulatorError);
    expect(observed).toBe(3);
  });
});

describe('an observer that throws stops the dispatch with its own error', () => {
  it('rejects with the same error, thrown or rejected, and the next dispatch works', async () => {
    const kernel = await phasesKernel();
    const expected = expectedReleases(256);
    for (const style of ['throw', 'reject'] as const) {
      const out = new DeviceBuffer(256 * 4);
      const failure = new Error(`observer ${style}s`);
      const seen: number[] = [];
      let kept: BarrierRelease | undefined;
      const onBarrier = (release: BarrierRelease) => {
        seen.push(release.index);
        if (release.index < 2) return undefined;
        kept = release;
        if (style === 'throw') throw failure;
        return Promise.reject(failure);
      };
      await expect(kernel.dispatch({ threads: 256, buffers: [out], onBarrier })).rejects.toBe(failure);
      expect(seen).toEqual([0, 1, 2]);
      // The threads never went past release 2, and the buffer is free again.
      expect(Array.from(out.readUint32())).toEqual(expected[2]!.out);
      out.write(new Uint32Array([1]));
      // A release read after its observer call settled is refused.
      expect(() => kept!.threadgroup()).toThrow(expect.objectContaining({ code: 'E_OBSERVER_EXPIRED' }));
    }
    // Every pool thread (4 by default) still dispatches correctly.
    for (let i = 0; i < 8; i++) {
      const out = new DeviceBuffer(256 * 4);
      await kernel.dispatch({ threads: 256, buffers: [out], seed: i });
      expect(Array.from(out.readUint32())).toEqual(expected.at(-1)!.out);
    }
  });

  it('throws the same error from dispatchSync, and the next dispatch on this thread works', async () => {
    const kernel = await phasesKernel();
    const expected = expectedReleases(128);
    const out = new DeviceBuffer(128 * 4);
    const failure = { reason: 'not even an Error' };
    let thrown: unknown;
    try {
      kernel.dispatchSync({
        threads: 128,
        buffers: [out],
        onBarrier: (release) => {
          if (release.index === 4) throw failure;
        },
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(failure);
    expect(Array.from(out.readUint32())).toEqual(expected[4]!.out);
    kernel.dispatchSync({ threads: 128, buffers: [out], seed: 9 });
    expect(Array.from(out.readUint32())).toEqual(expected.at(-1)!.out);
  });
});

describe('device buffers during an observer', () => {
  it('can be read, and not written, while bound to the paused dispatch (assertions in an observer fail the dispatch)', async () => {
    const kernel = await phasesKernel();
    const out = new DeviceBuffer(64 * 4);
    const other = new DeviceBuffer(64 * 4);
    const checkBuffers = (release: BarrierRelease) => {
      if (release.index !== 0) return;
      expect(out.readUint32()[3]).toBe(1003);
      expect(out.digest()).toBe(DeviceBuffer.from(out.read()).digest());
      for (const write of [() => out.write(new Uint8Array(4)), () => out.fill(0), () => out.release()]) {
        expect(write).toThrow(GpuosError);
        expect(write).toThrow(expect.objectContaining({ code: 'E_BUFFER_BUSY', message: expect.stringMatching(/paused in its barrier observer: the kernel is mid-flight/) }));
      }
      other.write(new Uint8Array([1, 2, 3])); // a buffer the dispatch does not bind is the caller's
      calls++;
    };
    let calls = 0;
    await kernel.dispatch({
      threads: 64,
      buffers: [out],
      async onBarrier(release) {
        checkBuffers(release);
        if (release.index !== 0) return;
        // Binding it to another dispatch is refused; this thread's own executor is free.
        await expect(kernel.dispatch({ threads: 64, buffers: [out] })).rejects.toThrow(expect.objectContaining({ code: 'E_BUFFER_BUSY' }));
        kernel.dispatchSync({ threads: 64, buffers: [other] });
        expect(Array.from(other.readUint32())).toEqual(expectedReleases(64).at(-1)!.out);
      },
    });
    kernel.dispatchSync({
      threads: 64,
      buffers: [out],
      onBarrier(release) {
        checkBuffers(release);
        // This thread's executor is the paused one.
        if (release.index === 0) expect(() => kernel.dispatchSync({ threads: 64, buffers: [other] })).toThrow(expect.objectContaining({ code: 'E_DISPATCH_REENTERED' }));
      },
    });
    expect(calls).toBe(2);
    out.write(new Uint8Array(4)); // settled: writable again
  });
});

describe('onBarrier options', () => {
  it('refuses what is not a function, and a promise from a dispatchSync observer', async () => {
    const kernel = await phasesKernel();
    const buffers = [new DeviceBuffer(64 * 4)];
    for (const onBarrier of [1, 'observer', {}, null, true]) {
      await expect(kernel.dispatch({ threads: 64, buffers, onBarrier: onBarrier as never })).rejects.toThrow(InvalidArgumentError);
      expect(() => kernel.dispatchSync({ threads: 64, buffers, onBarrier: onBarrier as never })).toThrow(/onBarrier must be a function/);
    }
    let calls = 0;
    const asyncObserver = async () => void calls++;
    expect(() => kernel.dispatchSync({ threads: 64, buffers, onBarrier: asyncObserver })).toThrow(InvalidArgumentError);
    expect(() => kernel.dispatchSync({ threads: 64, buffers, onBarrier: asyncObserver })).toThrow(/returned a promise at barrier release 0, which dispatchSync cannot await/);
    expect(calls).toBe(2);
  });

  it('gives dispatchSync the same releases and results as dispatch', async () => {
    const kernel = await phasesKernel();
    const expected = expectedReleases(200);
    const out = new DeviceBuffer(200 * 4);
    const seen: Seen[] = [];
    const result = kernel.dispatchSync({ threads: 200, buffers: [out], seed: 3, onBarrier: observe(out, 200, seen) });
    expect(seen.map(({ index: _index, file: _file, ...rest }) => rest)).toEqual(expected);
    expect(result.stats.threadgroupBarriers).toBe(expected.length);
  });
});

describe('the OS kernel under an observer', () => {
  it('dispatches with its four buffers, lists scratch at every release, and ends as it would unobserved', async () => {
    const kernel = await loadOsKernel();
    const width = 320;
    const height = 240;
    const scene = loadScene('fixtures/scenes/settings.json');
    const buffers = () => [
      DeviceBuffer.from(buildInitialState(scene, width, height)),
      new DeviceBuffer(width * height * 4),
      new DeviceBuffer(signatureBytes(width, height)),
      new DeviceBuffer(renderScratchBytes(width, height)),
    ];
    const observed = buffers();
    const releases: { line: number; scratch: number; bytes: number; state: bigint }[] = [];
    const result = await kernel.dispatch({
      threads: OS_THREADS,
      buffers: observed,
      seed: 11,
      profile: true,
      onBarrier(release) {
        const scratch = release.threadgroupVariables.find((v) => v.name === 'scratch');
        expect(scratch, `release ${release.index} lists ${release.threadgroupVariables.map((v) => v.name).join(', ')}`).toBeDefined();
        releases.push({ line: release.site.line, scratch: release.threadgroupVariable('scratch').length, bytes: release.threadgroup().length, state: observed[0]!.digest() });
        expect(scratch!.size).toBe(releases.at(-1)!.scratch);
      },
    });
    expect(releases.length).toBe(result.stats.threadgroupBarriers);
    expect(releases.length).toBeGreaterThan(4);
    expect(releases.map((r) => r.line)).toEqual(result.barrierTimeline!.map((mark) => mark.line));
    expect(releases.every((r) => r.bytes <= 32768 && r.bytes === result.stats.threadgroupMemoryBytes)).toBe(true);
    // Observing changes nothing: the same seed unobserved leaves the same device memory.
    const plain = buffers();
    await kernel.dispatch({ threads: OS_THREADS, buffers: plain, seed: 11 });
    expect(observed.map((b) => b.digest())).toEqual(plain.map((b) => b.digest()));
  });
});

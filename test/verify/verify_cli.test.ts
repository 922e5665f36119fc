/**
 * gpuos verify on a .metal kernel (one command: race check plus schedules), the inputs file it
 * reads (untrusted: every mistake a usage error naming the field), and toBeDeterministic.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pack } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';

import { compileKernel, InvalidArgumentError } from '../../src/index.js';
import { kernelDispatch } from '../../src/verify/verify_kernel.js';
import { readInputsFile, resolveInputs, type KernelInputs } from '../../src/verify/kernel_inputs.js';
import '../../src/vitest/index.js';
import { gpuos } from '../cli/cli_helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gpuos-verify-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inputsFile(name: string, contents: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof contents === 'string' ? contents : name.endsWith('.msgpack') ? pack(contents) : JSON.stringify(contents));
  return path;
}

const ABA = 'kernels/tests/races/atomicity_violation.metal';
const ABA_INPUTS: KernelInputs = { threads: 4, buffers: [{ type: 'uint32', data: [1, 2, 3, 4, 0, 0, 0, 0] }] };

describe('gpuos verify <kernel.metal>', () => {
  it('finds the ABA corruption exhaustively, prints every outcome with its rerun, and exits 1', async () => {
    const r = await gpuos('verify', ABA, '--inputs', inputsFile('aba.json', ABA_INPUTS), '--strategy', 'exhaustive', '--schedules', '5000');
    expect(r.code, r.text).toBe(1);
    const text = r.out.join('\n');
    expect(text).toContain('NOT DETERMINISTIC: kernel aba_stack (atomicity_violation.metal), 4 threads');
    expect(text).toMatch(/races: none in \d+ loads and stores checked/);
    expect(text).toMatch(/schedules: 840 runs \(exhaustive, at most 2 preemptions: every such schedule run\), 6 distinct outcomes/);
    expect(text).toContain('rerun: --strategy exhaustive --seed 1 --script 2:1');
    expect(text).toContain("first difference between the two most frequent: buffer(0) 'stack' byte 0");
    // The printed rerun reproduces that one outcome.
    const digest = /(\w{16})\s+rerun: --strategy exhaustive --seed 1 --script 2:1$/m.exec(text)![1]!;
    const rerun = await gpuos('verify', ABA, '--inputs', inputsFile('aba.json', ABA_INPUTS), '--strategy', 'exhaustive', '--script', '2:1', '--schedules', '1', '--no-races');
    expect(rerun.code).toBe(0);
    expect(rerun.out.join('\n')).toContain(`1 x memory ${digest}`);
    expect(rerun.out[0]).toContain('ONE SCHEDULE RUN');
  });

  it('names both lines of a planted race, and exits 1', async () => {
    const r = await gpuos('verify', 'kernels/tests/races/tg_write_read_missing_barrier.metal', '--inputs', inputsFile('neighbour.json', { threads: 64, buffers: [{ bytes: 256 }] }), '--schedules', '5');
    expect(r.code).toBe(1);
    const text = r.out.join('\n');
    expect(text).toContain("E_DATA_RACE: data race on threadgroup variable 'slots'");
    expect(text).toMatch(/wrote 4 bytes at tg_write_read_missing_barrier\.metal:9/);
    expect(text).toMatch(/read 4 bytes at tg_write_read_missing_barrier\.metal:11/);
  });

  it('passes a deterministic kernel (exit 0), and --json gives the report as data', async () => {
    const inputs = inputsFile('fixed.msgpack', { kernel: 'simd_sync_fixed', threads: 64, buffers: { out: { bytes: 256 } } });
    const r = await gpuos('verify', 'kernels/tests/races/simd_lanes_without_sync.metal', '--inputs', inputs, '--strategy', 'pct', '--schedules', '10', '--json');
    expect(r.code, r.text).toBe(0);
    const report = JSON.parse(r.out.join('\n'));
    expect(report.deterministic).toBe(true);
    expect(report.kernel).toBe('simd_sync_fixed');
    expect(report.exploration.runs).toBe(10);
    expect(report.exploration.outcomes).toHaveLength(1);
  });

  it('refuses a missing --inputs, an unknown kernel, and options for the other mode (exit 2)', async () => {
    expect((await gpuos('verify', ABA)).code).toBe(2);
    expect((await gpuos('verify', ABA, '--inputs', inputsFile('a.json', ABA_INPUTS), '--kernel', 'nope')).text).toContain("has no kernel 'nope'");
    expect((await gpuos('verify', ABA, '--inputs', inputsFile('a.json', ABA_INPUTS), '--races')).code).toBe(2);
    expect((await gpuos('verify', ABA, '--inputs', inputsFile('a.json', ABA_INPUTS), '--script', '1:1')).code).toBe(2);
    expect((await gpuos('verify', ABA, '--inputs', inputsFile('a.json', ABA_INPUTS), '--strategy', 'sometimes')).code).toBe(2);
    expect((await gpuos('verify', 'fixtures/traces/form-toggle.gtrace', '--strategy', 'exhaustive')).text).toContain('exhaustive is for small kernels');
    expect((await gpuos('verify', 'fixtures/traces/form-toggle.gtrace', '--inputs', 'x.json')).code).toBe(2);
  });
});

describe('inputs files', () => {
  const bad = (contents: unknown) => () => readInputsFile(inputsFile('bad.json', contents));

  it('accepts typed data, lengths with a fill, byte counts, raw msgpack bytes and named buffers', () => {
    const inputs = resolveInputs({ threads: [8, 2, 1], buffers: [{ type: 'int16', data: [-1, 2] }, { type: 'float32', length: 2, fill: 0.5 }, { bytes: 3 }, new Uint8Array([9])] });
    const buffers = inputs.buffers as Uint8Array[];
    expect(Array.from(buffers[0]!)).toEqual([0xff, 0xff, 2, 0]);
    expect(Array.from(new Float32Array(buffers[1]!.buffer))).toEqual([0.5, 0.5]);
    expect(Array.from(buffers[2]!)).toEqual([0, 0, 0]);
    expect(Array.from(buffers[3]!)).toEqual([9]);
    const packed = readInputsFile(inputsFile('raw.msgpack', { threads: 4, buffers: { data: { data: new Uint8Array([1, 2, 3]) } } }));
    expect(Array.from((packed.buffers as Record<string, Uint8Array>)['data']!)).toEqual([1, 2, 3]);
  });

  it('names what is wrong: the field, the value and what is allowed', () => {
    expect(bad({ buffers: [] })).toThrow(/threads is missing/);
    expect(bad({ threads: 4, buffers: [{ type: 'uint32', data: [1, -2] }] })).toThrow(/buffers\[0\]\.data\[1\] must be an integer from 0 to 4294967295 for uint32, got -2/);
    expect(bad({ threads: 4, buffers: [{ type: 'double', data: [1] }] })).toThrow(/buffers\[0\]\.type must be one of/);
    expect(bad({ threads: 4, buffers: [{ type: 'uint32', bytes: 6 }] })).toThrow(/multiple of 4/);
    expect(bad({ threads: 4, buffers: [{ data: [1], length: 2 }] })).toThrow(/both data and length/);
    expect(bad({ threads: 4, buffers: [{ length: 0 }] })).toThrow(/is empty/);
    expect(bad({ threads: 4, buffers: [{ bytes: 2 ** 31 }] })).toThrow(/from 0 to 268435456|past 268435456 bytes/);
    expect(bad({ threads: 4, buffers: [{ size: 4 }] })).toThrow(/buffers\[0\]\.size is not a buffer field/);
    expect(bad({ threads: 4, buffers: [], extra: 1 })).toThrow(/extra is not an inputs field/);
    expect(bad('{ not json')).toThrow(/is not valid JSON/);
    expect(bad({ threads: 4, buffers: 'all' })).toThrow(InvalidArgumentError);
  });

  it('a dispatch that does not fit the kernel fails at the first run with the emulator’s reason', async () => {
    const kernel = (await compileKernel(ABA)).kernel();
    await expect(expect(kernelDispatch(kernel, { threads: 4, buffers: [] })).toBeDeterministic({ schedules: 2, races: false })).rejects.toThrow(/stopped with E_INVALID_DISPATCH/);
  });
});

describe('toBeDeterministic', () => {
  it('passes a race-free kernel and fails the ABA stack with the whole report', async () => {
    const fixed = (await compileKernel('kernels/tests/races/simd_lanes_without_sync.metal')).kernel('simd_sync_fixed');
    await expect(kernelDispatch(fixed, { threads: 64, buffers: [{ bytes: 256 }] })).toBeDeterministic({ schedules: 20, strategy: 'pct' });
    const aba = (await compileKernel(ABA)).kernel();
    await expect(expect(kernelDispatch(aba, ABA_INPUTS)).toBeDeterministic({ schedules: 200, strategy: 'pct' })).rejects.toThrow(/NOT DETERMINISTIC: kernel aba_stack[\s\S]*rerun: --strategy pct --seed/);
    await expect(expect({ kernel: 1 }).toBeDeterministic()).rejects.toThrow(/expects kernelDispatch/);
  });
});

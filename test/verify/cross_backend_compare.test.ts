// The parts of the cross-backend kernel comparison that need no GPU: which buffers hold floats,
// the NaN-aware byte comparison, and the emulator reference run refusing racy kernels (it returns
// its verdict before CUDA is ever asked for).
import { describe, expect, it } from 'vitest';

import { compareBuffers, compareWithCuda, floatElementBytes, type CrossBackendReport } from '../../src/verify/cross_backend.js';
import { formatKernelComparison } from '../../src/verify/cross_backend_format.js';

const f32 = (...words: number[]): Uint8Array => new Uint8Array(new Uint32Array(words).buffer);

describe('floatElementBytes', () => {
  it('knows float and half elements, scalar, vector and packed', () => {
    expect(floatElementBytes('device float*')).toBe(4);
    expect(floatElementBytes('device const float4*')).toBe(4);
    expect(floatElementBytes('device packed_float3*')).toBe(4);
    expect(floatElementBytes('constant float&')).toBe(4);
    expect(floatElementBytes('device half2*')).toBe(2);
    expect(floatElementBytes('device const packed_half4*')).toBe(2);
  });

  it('compares every other type byte for byte', () => {
    for (const type of ['device uint*', 'device int4*', 'device const MathResult*', 'device floatish*', 'device atomic_uint*', 'device Float4*']) {
      expect(floatElementBytes(type), type).toBe(0);
    }
  });
});

describe('compareBuffers', () => {
  it('matches NaNs with other payloads in a float buffer, and counts them apart', () => {
    const found = compareBuffers('out', f32(1, 0xfff4e993, 0x7fc00000, 5), f32(1, 0x7fffffff, 0xffc00001, 5), 4);
    expect(found).toMatchObject({ binding: 'out', differingBytes: 0, nanPayloads: 2 });
  });

  it('still reports a NaN against a number, an infinity, or a differing number', () => {
    const found = compareBuffers('out', f32(0x7fc00000, 0x7f800000, 2, 3), f32(0x3f800000, 0x7fc00000, 2, 4), 4);
    expect(found?.differingBytes).toBeGreaterThan(0);
    expect(found?.nanPayloads).toBe(0);
    expect(found?.firstOffset).toBe(2); // little-endian: 00 00 c0 7f against 00 00 80 3f
  });

  it('reads the same bits as integers when the buffer is not floats', () => {
    const found = compareBuffers('bits', f32(0xfff4e993), f32(0x7fffffff), 0);
    expect(found).toMatchObject({ differingBytes: 4, nanPayloads: 0, firstOffset: 0 });
  });

  it('knows half NaNs, and a buffer whose length is not a whole number of elements', () => {
    const a = new Uint8Array([0x01, 0x7e, 0x00, 0x3c, 9]);
    const b = new Uint8Array([0xff, 0xfe, 0x00, 0x3c, 8]);
    expect(compareBuffers('h', a, b, 2)).toMatchObject({ differingBytes: 1, nanPayloads: 1, firstOffset: 4 });
    expect(compareBuffers('h', a, a, 2)).toBeUndefined();
  });
});

describe('compareWithCuda: the emulator reference run', () => {
  it('race-checks the kernel and does not compare a racy one', async () => {
    const report = await compareWithCuda('kernels/tests/races/device_write_write.metal', 'plain_total');
    expect(report.verdict).toBe('emulator-finding');
    expect(report.findings).toEqual(['E_DATA_RACE']);
    expect(report.differences).toEqual([]);
  });

  it('does not compare a kernel that indexes a vector outside its components', async () => {
    const report = await compareWithCuda('kernels/tests/msl_vectors.metal');
    expect(report.verdict).toBe('emulator-finding');
    expect(report.findings).toEqual(['E_INVALID_ACCESS']);
  });
});

describe('formatKernelComparison', () => {
  const report = (emulatorWord: number, cudaWord: number): CrossBackendReport => {
    const difference = compareBuffers('results', f32(7, emulatorWord), f32(7, cudaWord), 0)!;
    return { kernel: 'k', backends: ['emulator', 'cuda'], verdict: 'different', differences: [difference], inputs: 'generated' };
  };

  it('says when a differing word of a struct buffer reads as a NaN on both backends', () => {
    const text = formatKernelComparison('k.metal', report(0xffc00000, 0x7fffffff));
    expect(text).toContain('FAIL k.metal k (generated inputs)');
    expect(text).toContain('buffer results: 4 bytes differ, the first at byte 4');
    expect(text).toContain('read as float32, the word at byte 4 is a NaN on both');
  });

  it('gives no such hint where one side is a number', () => {
    const text = formatKernelComparison('k.metal', report(0xffc00000, 0x3f800000));
    expect(text).toContain('FAIL');
    expect(text).not.toContain('read as float32');
  });
});

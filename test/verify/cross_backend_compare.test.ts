// The parts of the cross-backend kernel comparison that need no GPU: which buffers hold floats,
// the NaN-aware byte comparison, and the emulator reference run refusing racy kernels (it returns
// its verdict before CUDA is ever asked for).
import { describe, expect, it } from 'vitest';

import { compareBuffers, compareWithCuda, floatElementBytes } from '../../src/verify/cross_backend.js';

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

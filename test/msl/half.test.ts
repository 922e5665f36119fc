/**
 * MSL `half` (kernels/tests/msl_half.metal): conversion from float with round-to-nearest-even,
 * the round trip of every bit pattern, and per-operation rounding. The reference binary16
 * encoder and decoder below are written from the IEEE 754 definition, independently of the
 * headers: a value is scaled by the unit in the last place of its binade (a power of two, so the
 * scaling is exact) and rounded to an integer with ties to even.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { randomUints, testKernel } from '../helpers/kernels.js';

// ---- reference binary16 ----

function roundHalfToEvenInteger(t: number): number {
  const below = Math.floor(t);
  const gap = t - below;
  if (gap !== 0.5) return gap < 0.5 ? below : below + 1;
  return below % 2 === 0 ? below : below + 1;
}

/** binary16 bits of the double `value` rounded to nearest, ties to even. */
function halfBitsOf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude < 2 ** -14) {
    // subnormal: a multiple of 2^-24; 1024 of them is the smallest normal, 0x0400
    return sign | roundHalfToEvenInteger(magnitude / 2 ** -24);
  }
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  const significand = roundHalfToEvenInteger(magnitude / 2 ** (exponent - 10)); // 1024..2048
  const biased = exponent + 15 + (significand === 2048 ? 1 : 0);
  if (biased >= 31) return sign | 0x7c00;
  return sign | (biased << 10) | (significand & 0x3ff);
}

/** The value of binary16 bits. */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

const isHalfNaN = (bits: number) => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
/** Rounds a double to the nearest half value. */
const h16 = (x: number) => halfValue(halfBitsOf(x));
const f32 = Math.fround;
const float32Bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;

describe('the reference encoder itself', () => {
  it('knows the landmarks of binary16', () => {
    expect([1, -2, 65504, 2 ** -14, 2 ** -24, -0, Infinity].map(halfBitsOf)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x8000, 0x7c00]);
    expect([0x3c00, 0x7bff, 0x0001, 0x8000, 0xfc00].map(halfValue)).toEqual([1, 65504, 2 ** -24, -0, -Infinity]);
  });
});

// ---- the kernel run ----

const HalfOp = {
  add: 0, sub: 1, mul: 2, div: 3, sqrt: 4, neg: 5, compoundFloat: 6, mixedFloat: 7, plusInt: 8,
  compare: 9, increment: 10, vector: 11, fromFloat4: 12, dot: 13, minMax: 14, literals: 15,
  fromInt: 16, toInt: 17, compoundHalf: 18, fract: 19,
} as const;

interface HalfCase {
  op: number;
  a: number;
  b: number;
  c: number;
  f: number;
}
const CASE_BYTES = 16;
const RESULT_BYTES = 32;
const cases: HalfCase[] = [];
function add(op: number, a = 0, b = 0, c = 0, f = 0): number {
  cases.push({ op, a, b, c, f });
  return cases.length - 1;
}

// Floats to convert: the interesting values, then random bit patterns spread over every binade.
const SPECIAL_FLOATS = [
  1, -2, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, 0, -0,
  1 + 2 ** -11, // a tie between 1 and 1 + 2^-10: to the even one, 1
  1 + 3 * 2 ** -11, // a tie between 1 + 2^-10 and 1 + 2^-9: to the even one, 1 + 2^-9
  1 + 2 ** -11 + 2 ** -23, // just above a tie: up
  2049, 2051, -2049, // ties at the integer spacing of 2
  0.1, 1 / 3, Math.PI,
  2 ** -25, // half the smallest subnormal: a tie, to 0
  2 ** -25 + 2 ** -40, // just above it: the smallest subnormal
  3 * 2 ** -25, // a tie between 1 and 2 subnormal units: 2
  2 ** -14 - 2 ** -25, // rounds up into the smallest normal
  1e-8, -1e-8, 1e-30,
  65519, 65519.99609375, // below the overflow threshold: 65504
  65520, -65520, 1e10, // at or above it: infinity
  Infinity, -Infinity, NaN,
];
const SIGNALING_NAN_BITS = 0x7f800001; // a NaN whose payload is only in the low bits
const randomFloatBits = Array.from(randomUints(4096, 1, 0x100000000)).map((bits, i) => {
  // Keep exponents near half's range (2^-30 .. 2^20) for most of them, so most are not 0 or inf.
  const exponent = 97 + (i % 51);
  return ((bits & 0x807fffff) | (exponent << 23)) >>> 0;
});

let converted: Uint16Array;
let widened: Uint32Array;
let narrowed: Uint16Array;
let halves: Uint16Array;
let floats: Float32Array;
const inputBits = new Uint32Array([...SPECIAL_FLOATS.map(float32Bits), SIGNALING_NAN_BITS, ...randomFloatBits]);

beforeAll(async () => {
  const input = new DataView(new ArrayBuffer(cases.length * CASE_BYTES));
  cases.forEach((c, i) => {
    const at = i * CASE_BYTES;
    input.setUint32(at, c.op, true);
    input.setUint16(at + 4, halfBitsOf(c.a), true);
    input.setUint16(at + 6, halfBitsOf(c.b), true);
    input.setUint16(at + 8, halfBitsOf(c.c), true);
    input.setFloat32(at + 12, c.f, true);
  });
  const convertedOut = new DeviceBuffer(inputBits.length * 2);
  const widenedOut = new DeviceBuffer(65536 * 4);
  const narrowedOut = new DeviceBuffer(65536 * 2);
  const results = new DeviceBuffer(cases.length * RESULT_BYTES);
  const kernel = await testKernel('msl_half');
  await kernel.dispatch({
    threads: 1024,
    buffers: {
      floats: DeviceBuffer.from(inputBits),
      converted: convertedOut,
      widened: widenedOut,
      narrowed: narrowedOut,
      cases: DeviceBuffer.from(input),
      results,
      counts: DeviceBuffer.from(new Uint32Array([inputBits.length, cases.length])),
    },
  });
  const view = (b: DeviceBuffer) => b.read();
  converted = new Uint16Array(view(convertedOut).buffer.slice(0));
  widened = widenedOut.readUint32();
  narrowed = new Uint16Array(view(narrowedOut).buffer.slice(0));
  const resultBytes = view(results);
  halves = new Uint16Array(resultBytes.buffer.slice(0));
  floats = new Float32Array(resultBytes.buffer.slice(0));
});

/** The half4 of a result, as values. */
const halfRow = (i: number) => Array.from(halves.subarray(i * 16, i * 16 + 4)).map(halfValue);
const halfBitsRow = (i: number) => Array.from(halves.subarray(i * 16, i * 16 + 4));
const floatRow = (i: number) => Array.from(floats.subarray(i * 8 + 4, i * 8 + 8));

describe('float -> half conversion', () => {
  it('rounds to nearest, ties to even, for the landmark values', () => {
    const got = SPECIAL_FLOATS.map((x, i) => ({ x, bits: converted[i]! }));
    const expected = SPECIAL_FLOATS.map((x) => ({ x, bits: halfBitsOf(f32(x)) }));
    // NaN: any quiet NaN encoding is acceptable; compare the class, not the payload
    const nanAt = SPECIAL_FLOATS.findIndex(Number.isNaN);
    expect(isHalfNaN(got[nanAt]!.bits)).toBe(true);
    got[nanAt]!.bits = expected[nanAt]!.bits;
    expect(got).toEqual(expected);
  });

  it('pins the ties, the subnormals and the overflow threshold', () => {
    const bitsOf = (x: number) => converted[SPECIAL_FLOATS.findIndex((v) => Object.is(v, x))]!;
    expect(bitsOf(1 + 2 ** -11)).toBe(0x3c00);
    expect(bitsOf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(bitsOf(1 + 2 ** -11 + 2 ** -23)).toBe(0x3c01);
    expect(halfValue(bitsOf(2049))).toBe(2048);
    expect(halfValue(bitsOf(2051))).toBe(2052);
    expect(bitsOf(2 ** -25)).toBe(0x0000);
    expect(bitsOf(2 ** -25 + 2 ** -40)).toBe(0x0001);
    expect(bitsOf(3 * 2 ** -25)).toBe(0x0002);
    expect(bitsOf(2 ** -14 - 2 ** -25)).toBe(0x0400);
    expect(bitsOf(65519)).toBe(0x7bff);
    expect(bitsOf(65519.99609375)).toBe(0x7bff);
    expect(bitsOf(65520)).toBe(0x7c00);
    expect(bitsOf(-65520)).toBe(0xfc00);
    expect(bitsOf(-0)).toBe(0x8000);
    expect(bitsOf(0)).toBe(0x0000);
  });

  it('keeps a NaN a NaN, even one whose payload is only in the low bits', () => {
    const bits = converted[SPECIAL_FLOATS.length]!;
    expect(isHalfNaN(bits)).toBe(true);
    expect(bits).not.toBe(0x7c00); // truncating the payload would make it infinity
  });

  it('matches the reference encoder on 4096 random floats', () => {
    const offset = SPECIAL_FLOATS.length + 1;
    const mismatches = randomFloatBits
      .map((bits, i) => ({ float: new Float32Array(new Uint32Array([bits]).buffer)[0]!, got: converted[offset + i]! }))
      .filter(({ float, got }) => got !== halfBitsOf(float))
      .map(({ float, got }) => ({ float, got: got.toString(16), expected: halfBitsOf(float).toString(16) }));
    expect(mismatches).toEqual([]);
  });
});

describe('all 65536 half bit patterns', () => {
  it('widen to the exact float value', () => {
    const mismatches: string[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const expected = halfValue(bits);
      const got = new Float32Array(new Uint32Array([widened[bits]!]).buffer)[0]!;
      const same = Number.isNaN(expected) ? Number.isNaN(got) : Object.is(got, expected);
      if (!same) mismatches.push(`${bits.toString(16)}: ${got} (expected ${expected})`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('narrow back to the same bits, except NaNs, which stay NaN', () => {
    const mismatches: string[] = [];
    let nans = 0;
    for (let bits = 0; bits < 65536; bits++) {
      const back = narrowed[bits]!;
      if (isHalfNaN(bits)) {
        nans++;
        if (!isHalfNaN(back)) mismatches.push(`NaN ${bits.toString(16)} -> ${back.toString(16)}`);
      } else if (back !== bits) {
        mismatches.push(`${bits.toString(16)} -> ${back.toString(16)}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(nans).toBe(2 * 1023); // both signs, every nonzero mantissa
  });
});

describe('half arithmetic rounds every operation to half', () => {
  const table: Array<[number, number, number, (a: number, b: number) => number]> = [
    [HalfOp.add, 2048, 1, (a, b) => a + b], // 2049 is a tie: to even, 2048
    [HalfOp.add, 2048, 3, (a, b) => a + b], // 2051 is a tie: to even, 2052
    [HalfOp.add, 0.1, 0.2, (a, b) => a + b],
    [HalfOp.add, 65504, 16, (a, b) => a + b], // 65520 overflows to infinity
    [HalfOp.sub, 1, 2 ** -12, (a, b) => a - b],
    [HalfOp.mul, 300, 300, (a, b) => a * b], // 90000: infinity
    [HalfOp.mul, 3 * 2 ** -24, 0.5, (a, b) => a * b], // 1.5 units: a subnormal tie, to 2 units
    [HalfOp.mul, 2 ** -24, 0.5, (a, b) => a * b], // 0.5 units: a tie, to 0
    [HalfOp.div, 1, 3, (a, b) => a / b],
    [HalfOp.div, 1, 0, (a, b) => a / b],
    [HalfOp.sqrt, 2, 0, (a) => Math.sqrt(a)],
    [HalfOp.neg, 0, 0, (a) => -a],
  ];
  const ids = table.map(([op, a, b]) => add(op, a, b));
  // h op= f computes h op f in float and rounds once; rounding f to half first would give
  // 2048 + 1 = 2049 -> 2048 instead of 2049.000244 -> 2050.
  const stepAboveOne = 1 + 2 ** -12;
  const compoundFloat = add(HalfOp.compoundFloat, 2048, 0, 0, stepAboveOne);
  const compoundHalf = add(HalfOp.compoundHalf, 0.1, 0.7, 3);
  const mixed = add(HalfOp.mixedFloat, 2048, 0, 0, stepAboveOne);
  const plusInt = add(HalfOp.plusInt, 1);
  const compare = add(HalfOp.compare, h16(2049), 2048, 0, 2049);
  const increment = add(HalfOp.increment, 2048);
  const incrementSmall = add(HalfOp.increment, 0.25);

  it('+ - * / sqrt and negation round to nearest half, ties to even', () => {
    const got = table.map(([op, a, b], k) => ({ op, a, b, bits: halfBitsRow(ids[k]!)[0] }));
    expect(got).toEqual(table.map(([op, a, b, f]) => ({ op, a, b, bits: halfBitsOf(f(h16(a), h16(b))) })));
    expect(halfRow(ids[0]!)[0]).toBe(2048);
    expect(halfRow(ids[1]!)[0]).toBe(2052);
    expect(halfRow(ids[3]!)[0]).toBe(Infinity);
    expect(halfBitsRow(ids[11]!)[0]).toBe(0x8000); // -0 keeps its sign
  });

  it('a compound assignment with a float operand computes in float and rounds once', () => {
    const f = f32(stepAboveOne);
    expect(halfRow(compoundFloat)).toEqual([h16(f32(2048 + f)), h16(f32(2048 - f)), h16(f32(2048 * f)), h16(f32(2048 / f))]);
    expect(halfRow(compoundFloat)[0]).toBe(2050);
    expect(halfRow(compoundFloat)[0]).not.toBe(2048);
  });

  it('a compound assignment with half operands rounds every step', () => {
    const [a, b, c] = [h16(0.1), h16(0.7), 3];
    expect(halfRow(compoundHalf)[0]).toBe(h16(h16(h16(h16(a + b) * c) - b) / c));
  });

  it('half op float is a float: not rounded to half', () => {
    const f = f32(stepAboveOne);
    expect(floatRow(mixed)).toEqual([f32(2048 + f), f32(f - 2048), f32(2048 * f), f32(f / 2048)]);
    expect(floatRow(mixed)[0]).toBe(2049.000244140625);
  });

  it('half op int is a half: the int converts to half first', () => {
    // 2049 -> half 2048; 1 + 2048 = 2049 -> 2048. In float it would be 2050 -> 2050.
    expect(halfRow(plusInt)).toEqual([2048, 2048, 3, 0]);
  });

  it('comparisons compare values', () => {
    // half(2049) is 2048: equal to 2048, less than the float 2049
    expect(floatRow(compare)).toEqual([1, 0, 0, 1]);
  });

  it('++ and -- add one and round: 2048 + 1 stays 2048', () => {
    expect(halfRow(increment).slice(0, 3)).toEqual([2048, 2048, 2047]);
    expect(halfRow(incrementSmall).slice(0, 3)).toEqual([2.25, 0.25, -0.75]);
  });
});

describe('half vectors, functions, literals and conversions', () => {
  const vector = add(HalfOp.vector, 0.1, 3, 0.3);
  const fromFloat4 = add(HalfOp.fromFloat4, 0, 0, 0, 1.0009765625 + 2 ** -13);
  const dot = add(HalfOp.dot, 0.1, 0.2, 0.3);
  const minMax = add(HalfOp.minMax, NaN, 1.5);
  const literals = add(HalfOp.literals);
  const fromInt = add(HalfOp.fromInt, 0, 0, 0, 65519);
  const toInt = add(HalfOp.toInt, 2.75);
  const fract = add(HalfOp.fract, -1e-4, -(2 ** -24), 1.25);

  it('half vectors compute per component, rounding each operation', () => {
    const [a, b, c] = [h16(0.1), 3, h16(0.3)];
    expect(halfRow(vector)).toEqual([a, b, c, a].map((x) => h16(h16(x * b) + c)));
    expect(floatRow(vector)).toEqual([a, b, c, a].map((x) => h16(x - 1)));
  });

  it('half4(float4) rounds each component', () => {
    const f = f32(1.0009765625 + 2 ** -13);
    expect(halfRow(fromFloat4)).toEqual([h16(f), h16(-f), h16(f32(f * 65536)), h16(f32(f / 65536))]);
    expect(halfRow(fromFloat4)[2]).toBe(Infinity);
  });

  it('dot and length round to half at every step', () => {
    const [a, b, c] = [h16(0.1), h16(0.2), h16(0.3)];
    const products = [a * b, b * c, c * a, a * b].map(h16);
    const sum = products.slice(1).reduce((s, p) => h16(s + p), products[0]!);
    expect(halfRow(dot)[0]).toBe(sum);
    expect(halfRow(dot)[1]).toBe(h16(Math.sqrt(h16(h16(a * a) + h16(b * b)))));
  });

  it('min, max, fmin and fmax prefer the non-NaN operand', () => {
    expect(halfRow(minMax)).toEqual([1.5, 1.5, 1.5, 1.5]);
  });

  it('h literals are half constants', () => {
    expect(halfBitsRow(literals)).toEqual([0x3800, halfBitsOf(f32(0.1)), 0x7bff, 0x8000]);
    expect(halfBitsRow(literals)[1]).toBe(0x2e66);
    expect(floatRow(literals)).toEqual([2, h16(f32(1e-7)), 65504, 65504]);
    expect(floatRow(literals)[1]).toBe(2 * 2 ** -24);
  });

  it('fract stays below 1 in half: a tiny negative input gives the half below 1', () => {
    const halfBelowOne = 1 - 2 ** -11; // 0x3bff
    // -1e-4 - floor(-1e-4) = 0.9999 rounds to 1.0 in half; fract clamps it to 0x3bff
    expect(halfRow(fract)).toEqual([halfBelowOne, halfBelowOne, 0.25, h16(1e-4)]);
    expect(halfRow(fract)).not.toContain(1);
    expect(floatRow(fract)).toEqual([1, 1, 1, 1]); // the half4 form agrees
  });

  it('integers convert to half with rounding, and half to integers truncates', () => {
    expect(halfRow(fromInt)).toEqual([65504, Infinity, -65504, Infinity]);
    expect(floatRow(toInt)).toEqual([2, -2, 2, 2]);
  });
});

/**
 * MSL integer functions and integer semantics (kernels/tests/msl_integer.metal), table-driven.
 * Every expected value comes from a BigInt reference written from the function's definition in
 * the Metal specification, for the bit width and signedness of the type under test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

const IntOp = {
  popcount: 0, clz: 1, ctz: 2, reverseBits: 3, rotate: 4, extractBits: 5, insertBits: 6, mulhi: 7,
  absdiff: 8, addsat: 9, subsat: 10, hadd: 11, rhadd: 12, abs: 13, minMaxClamp: 14, wrap: 15,
  char: 16, shifts: 17, vectorClzPopcount: 18, vectorAddsat: 19, vectorExtractInsert: 20,
  vectorMulhiRotate: 21, smallMulhiHadd: 22,
} as const;

// ---- BigInt references; w is the bit width ----

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const U = (x: bigint, w: number) => BigInt.asUintN(w, x);
const S = (x: bigint, w: number) => BigInt.asIntN(w, x);
/** How a result lands in its 64-bit output slot (signed results are sign-extended). */
const slot = (x: bigint) => BigInt.asUintN(64, x);
const interpret = (x: bigint, w: number, signed: boolean) => (signed ? S(x, w) : U(x, w));
const clampBig = (x: bigint, lo: bigint, hi: bigint) => (x < lo ? lo : x > hi ? hi : x);
const lowest = (w: number, signed: boolean) => (signed ? -(1n << BigInt(w - 1)) : 0n);
const highest = (w: number, signed: boolean) => (signed ? (1n << BigInt(w - 1)) - 1n : mask(w));

function popcount(x: bigint, w: number): bigint {
  let n = 0n;
  for (let v = U(x, w); v; v >>= 1n) n += v & 1n;
  return n;
}
function clz(x: bigint, w: number): bigint {
  const u = U(x, w);
  return BigInt(w - (u === 0n ? 0 : u.toString(2).length));
}
function ctz(x: bigint, w: number): bigint {
  const u = U(x, w);
  if (u === 0n) return BigInt(w);
  let n = 0n;
  for (let v = u; (v & 1n) === 0n; v >>= 1n) n++;
  return n;
}
function reverseBits(x: bigint, w: number): bigint {
  const bits = U(x, w).toString(2).padStart(w, '0');
  return BigInt(`0b${[...bits].reverse().join('')}`);
}
function rotate(x: bigint, k: bigint, w: number): bigint {
  const u = U(x, w);
  const s = U(k, w) % BigInt(w); // a negative count rotates the other way
  return s === 0n ? u : ((u << s) | (u >> (BigInt(w) - s))) & mask(w);
}
/** undefined where MSL leaves the result undefined (the field runs past the type). */
function extractBits(x: bigint, offset: number, bits: number, w: number, signed: boolean): bigint | undefined {
  if (offset + bits > w) return undefined;
  if (bits === 0) return 0n;
  const field = (U(x, w) >> BigInt(offset)) & mask(bits);
  return signed ? S(field, bits) : field;
}
function insertBits(base: bigint, insert: bigint, offset: number, bits: number, w: number): bigint | undefined {
  if (offset + bits > w) return undefined;
  const m = (mask(bits) << BigInt(offset)) & mask(w);
  return (U(base, w) & ~m & mask(w)) | ((U(insert, w) << BigInt(offset)) & m);
}
const mulhi = (x: bigint, y: bigint, w: number, signed: boolean) => (interpret(x, w, signed) * interpret(y, w, signed)) >> BigInt(w);
const absdiff = (x: bigint, y: bigint, w: number, signed: boolean) => {
  const d = interpret(x, w, signed) - interpret(y, w, signed);
  return U(d < 0n ? -d : d, w);
};
const addsat = (x: bigint, y: bigint, w: number, signed: boolean) =>
  clampBig(interpret(x, w, signed) + interpret(y, w, signed), lowest(w, signed), highest(w, signed));
const subsat = (x: bigint, y: bigint, w: number, signed: boolean) =>
  clampBig(interpret(x, w, signed) - interpret(y, w, signed), lowest(w, signed), highest(w, signed));
const hadd = (x: bigint, y: bigint, w: number, signed: boolean) => (interpret(x, w, signed) + interpret(y, w, signed)) >> 1n;
const rhadd = (x: bigint, y: bigint, w: number, signed: boolean) => (interpret(x, w, signed) + interpret(y, w, signed) + 1n) >> 1n;
const absWrapping = (x: bigint, w: number) => S(S(x, w) < 0n ? -S(x, w) : S(x, w), w);

// ---- the kernel run ----

interface IntCase {
  op: number;
  a: bigint;
  b: bigint;
  c: bigint;
}
const cases: IntCase[] = [];
/** Registers a case (at collection time, before the one dispatch); returns its index. */
function add(op: number, ...args: Array<bigint | number>): number {
  const [a = 0n, b = 0n, c = 0n] = args.map((v) => slot(BigInt(v)));
  cases.push({ op, a, b, c });
  return cases.length - 1;
}

let results: BigUint64Array;
beforeAll(async () => {
  const input = new BigUint64Array(cases.length * 4);
  cases.forEach((c, i) => {
    input[i * 4] = BigInt(c.op);
    input[i * 4 + 1] = c.a;
    input[i * 4 + 2] = c.b;
    input[i * 4 + 3] = c.c;
  });
  const out = new DeviceBuffer(cases.length * 32);
  const kernel = await testKernel('msl_integer');
  await kernel.dispatch({ threads: cases.length, buffers: { cases: DeviceBuffer.from(input), results: out } });
  const bytes = out.read();
  results = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
});

const row = (i: number) => Array.from(results.subarray(i * 4, i * 4 + 4));
/** Registers op for each argument tuple; the returned check compares all rows at once. */
function table(op: number, args: Array<Array<bigint | number>>, expected: (a: bigint, b: bigint, c: bigint) => Array<bigint | undefined>) {
  const ids = args.map((x) => add(op, ...x));
  return () => {
    const got = args.map((x, k) => ({ args: x.map(String), result: row(ids[k]!) }));
    const want = args.map((x) => {
      const [a, b, c] = [...x.map((v) => BigInt(v)), 0n, 0n] as [bigint, bigint, bigint];
      return { args: x.map(String), result: expected(a, b, c).map((v) => (v === undefined ? expect.anything() : slot(v))) };
    });
    expect(got).toEqual(want);
  };
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const ULONG_MAX = 2n ** 64n - 1n;

describe('bit counting: popcount, clz, ctz, reverse_bits', () => {
  const inputs: bigint[] = [0n, 1n, 0x80000000n, UINT_MAX, 0xf0f0f0f00000ff00n, 2n ** 63n, 0x10000n, 0x100n, 0x12345678n, ULONG_MAX];
  const popcountCheck = table(IntOp.popcount, inputs.map((x) => [x]), (a) => [popcount(a, 32), popcount(a, 64), popcount(a, 8), popcount(a, 32)]);
  const clzCheck = table(IntOp.clz, inputs.map((x) => [x]), (a) => [clz(a, 32), clz(a, 64), clz(a, 16), clz(a, 8)]);
  const ctzCheck = table(IntOp.ctz, inputs.map((x) => [x]), (a) => [ctz(a, 32), ctz(a, 64), ctz(a, 16), ctz(a, 32)]);
  const reverseCheck = table(IntOp.reverseBits, inputs.map((x) => [x]), (a) => [reverseBits(a, 32), reverseBits(a, 64), reverseBits(a, 8), reverseBits(a, 16)]);
  const zero = add(IntOp.clz, 0);
  const zeroCtz = add(IntOp.ctz, 0);

  it('popcount counts the set bits of the type', popcountCheck);
  it('clz and ctz count from each end; a zero input gives the bit width', () => {
    clzCheck();
    ctzCheck();
    expect(row(zero)).toEqual([32n, 64n, 16n, 8n]);
    expect(row(zeroCtz)).toEqual([32n, 64n, 16n, 32n]);
  });
  it('reverse_bits mirrors the bits within the type', reverseCheck);
});

describe('rotate, extract_bits, insert_bits', () => {
  const rotateArgs: Array<Array<bigint | number>> = [
    [0x80000001n, 1], [0x12345678n, 8], [0x12345678n, 36], [0x12345678n, -4], [0xf0n, 0], [0x8000000000000001n, 63], [0x81n, 9],
  ];
  const rotateCheck = table(IntOp.rotate, rotateArgs, (a, b) => [rotate(a, b, 32), rotate(a, b, 64), rotate(a, b, 8), rotate(a, b, 32)]);
  const extractArgs: Array<Array<bigint | number>> = [
    // [x, offset, bits]
    [0xf0n, 4, 4], [0xf0n, 3, 4], [0xabcd1234n, 8, 12], [0x80000000n, 31, 1], [0x12345678n, 0, 32], [0x7fn, 0, 0],
    [0xdeadbeefcafebaben, 32, 32], [0x0123456789abcdefn, 60, 4], [0x5an, 1, 3],
  ];
  const extractCheck = table(IntOp.extractBits, extractArgs, (a, b, c) => [
    extractBits(a, Number(b), Number(c), 32, false),
    extractBits(a, Number(b), Number(c), 32, true),
    extractBits(a, Number(b), Number(c), 64, false),
    extractBits(a, Number(b), Number(c), 8, true),
  ]);
  const at = (offset: number, bits: number) => offset | (bits << 8);
  const insertArgs: Array<Array<bigint | number>> = [
    // [base, insert, offset | bits << 8]
    [0xffffffffn, 0n, at(4, 8)], [0n, 0xffn, at(28, 4)], [0x12345678n, 0xabcn, at(8, 12)], [0n, 0x1ffn, at(0, 8)],
    [0x1111111111111111n, 0xfn, at(60, 4)], [0xaan, 0x5n, at(2, 3)], [0x12345678n, 0x9n, at(0, 0)],
  ];
  const insertCheck = table(IntOp.insertBits, insertArgs, (a, b, c) => {
    const [offset, bits] = [Number(c & 0xffn), Number(c >> 8n)];
    const signed = insertBits(a, b, offset, bits, 32);
    return [insertBits(a, b, offset, bits, 32), insertBits(a, b, offset, bits, 64), signed === undefined ? undefined : S(signed, 32), insertBits(a, b, offset, bits, 8)];
  });
  const signExtended = add(IntOp.extractBits, 0xf0, 4, 4);

  it('rotate rotates left, modulo the bit width, and a negative count rotates right', rotateCheck);
  it('extract_bits zero-extends unsigned fields and sign-extends signed ones', () => {
    extractCheck();
    // 0xf0 >> 4 = 0b1111: 15 as uint, -1 as int
    expect(row(signExtended).slice(0, 3)).toEqual([15n, slot(-1n), 15n]);
  });
  it('insert_bits replaces the field and keeps the other bits', insertCheck);
});

describe('mulhi, absdiff, addsat, subsat, hadd, rhadd', () => {
  const pairs: Array<Array<bigint | number>> = [
    [0, 0], [1, -1], [UINT_MAX, UINT_MAX], [INT_MIN, INT_MIN], [INT_MAX, 1], [INT_MIN, -1], [INT_MIN, INT_MAX],
    [0x7f, 1], [0x80, 0xff], [0xff, 1], [-100, 50], [ULONG_MAX, ULONG_MAX], [LONG_MIN, LONG_MAX], [LONG_MAX, LONG_MAX],
    [0x123456789abcdefn, 0xfedcba987654321n], [3, 4], [-3, -4],
  ];
  const mulhiCheck = table(IntOp.mulhi, pairs, (a, b) => [mulhi(a, b, 32, false), mulhi(a, b, 32, true), mulhi(a, b, 64, false), mulhi(a, b, 64, true)]);
  const absdiffCheck = table(IntOp.absdiff, pairs, (a, b) => [absdiff(a, b, 32, true), absdiff(a, b, 32, false), absdiff(a, b, 8, true), absdiff(a, b, 64, true)]);
  const addsatCheck = table(IntOp.addsat, pairs, (a, b) => [addsat(a, b, 32, true), addsat(a, b, 32, false), addsat(a, b, 8, true), addsat(a, b, 8, false)]);
  const subsatCheck = table(IntOp.subsat, pairs, (a, b) => [subsat(a, b, 32, true), subsat(a, b, 32, false), subsat(a, b, 8, true), subsat(a, b, 8, false)]);
  const haddCheck = table(IntOp.hadd, pairs, (a, b) => [hadd(a, b, 32, true), hadd(a, b, 32, false), hadd(a, b, 64, true), hadd(a, b, 64, false)]);
  const rhaddCheck = table(IntOp.rhadd, pairs, (a, b) => [rhadd(a, b, 32, true), rhadd(a, b, 32, false), rhadd(a, b, 64, true), rhadd(a, b, 64, false)]);
  const smallCheck = table(IntOp.smallMulhiHadd, pairs, (a, b) => [mulhi(a, b, 16, true), mulhi(a, b, 8, false), hadd(a, b, 8, true), rhadd(a, b, 16, false)]);
  const saturating = add(IntOp.addsat, INT_MAX, 1);
  const saturatingDown = add(IntOp.subsat, INT_MIN, 1);
  const floorAtZero = add(IntOp.subsat, 0, 1);
  const halving64 = add(IntOp.hadd, ULONG_MAX, ULONG_MAX);

  it('mulhi is the high half of the full product, 32- and 64-bit, signed and unsigned', mulhiCheck);
  it('absdiff is |x - y| without overflow', absdiffCheck);
  it('addsat and subsat clamp at the limits of the type', () => {
    addsatCheck();
    subsatCheck();
    expect(row(saturating).slice(0, 2)).toEqual([slot(INT_MAX), 2n ** 31n]);
    // INT_MIN - 1 stays INT_MIN as int; as uint it is 0x80000000 - 1, no saturation needed
    expect(row(saturatingDown).slice(0, 2)).toEqual([slot(INT_MIN), 0x7fffffffn]);
    // unsigned subtraction stops at 0, signed goes negative
    expect(row(floorAtZero)).toEqual([slot(-1n), 0n, slot(-1n), 0n]);
  });
  it('hadd and rhadd halve the sum without overflow, for every width', () => {
    haddCheck();
    rhaddCheck();
    smallCheck();
    // (2^64 - 1) + (2^64 - 1) overflows 64 bits; the halved sum does not
    expect(row(halving64)[3]).toBe(ULONG_MAX);
    expect(row(halving64)[3]).not.toBe(ULONG_MAX >> 1n);
  });
});

describe('abs, min, max, clamp, wrapping arithmetic, char, shifts', () => {
  const absCheck = table(IntOp.abs, [[-5], [7], [INT_MIN], [-128], [LONG_MIN], [-32768], [0]], (a) => [
    absWrapping(a, 32), absWrapping(a, 8), absWrapping(a, 64), absWrapping(a, 16),
  ]);
  const absMin = add(IntOp.abs, INT_MIN);
  const minMaxArgs: Array<Array<bigint | number>> = [[-5, 3, 10], [5, -3, 4], [INT_MIN, INT_MAX, 0], [-1, -2, 1], [0x80, 0x7f, 0x100], [INT_MAX, INT_MIN, -1]];
  const minMaxCheck = table(IntOp.minMaxClamp, minMaxArgs, (a, b, c) => [
    S(a, 32) < S(b, 32) ? S(a, 32) : S(b, 32),
    U(a, 32) > U(b, 32) ? U(a, 32) : U(b, 32),
    S(b, 32) > S(c, 32) ? undefined : clampBig(S(a, 32), S(b, 32), S(c, 32)), // lo > hi is undefined in MSL
    S(a, 8) > S(b, 8) ? S(a, 8) : S(b, 8),
  ]);
  const wrapArgs: Array<Array<bigint | number>> = [[INT_MAX, 1], [INT_MIN, -1], [0x10000, 0x10000], [INT_MIN, 0], [123456789, 987654321]];
  const wrapCheck = table(IntOp.wrap, wrapArgs, (a, b) => [S(a + b, 32), S(S(a, 32) * S(b, 32), 32), S(-S(a, 32), 32), S(a - b, 32)]);
  const charCheck = table(IntOp.char, [[0xff, 1], [0x7f, 1], [0x80, -1], [0x41, 2]], (a, b) => [S(a, 8), S(a, 8) < 0n ? 1n : 0n, S(S(a, 8) + S(b, 8), 8), U(a, 8)]);
  const shiftArgs: Array<Array<bigint | number>> = [[-16, 2], [0x80000000n, 31], [1, 31], [0xf0, 4], [-1, 0], [0x12345678, 12]];
  const shiftCheck = table(IntOp.shifts, shiftArgs, (a, b) => [S(a, 32) >> b, U(a, 32) >> b, S(S(a, 32) << b, 32), S(a, 8) >> b]);
  const charRow = add(IntOp.char, 0xff, 1);
  const overflow = add(IntOp.wrap, INT_MAX, 1);

  it('abs of the most negative value wraps to itself', () => {
    absCheck();
    expect(row(absMin)[0]).toBe(slot(INT_MIN));
  });
  it('min, max and clamp compare in the type (signed or unsigned)', minMaxCheck);
  it('signed overflow wraps around', () => {
    wrapCheck();
    expect(row(overflow)[0]).toBe(slot(INT_MIN));
  });
  it('char is signed: 0xff is -1 and compares below zero', () => {
    charCheck();
    expect(row(charRow)).toEqual([slot(-1n), 1n, 0n, 255n]);
  });
  it('>> is arithmetic on signed values and logical on unsigned ones', shiftCheck);
});

describe('vector forms of the integer functions', () => {
  const vectorBits = add(IntOp.vectorClzPopcount, 0x00f00000, 1, 0xffffffffn);
  const vectorSat = add(IntOp.vectorAddsat, INT_MAX, 5, -7);
  const at = (offset: number, bits: number) => offset | (bits << 8);
  const vectorFields = add(IntOp.vectorExtractInsert, 0x0000f000, 0x12345678, at(12, 4));
  const vectorMulhi = add(IntOp.vectorMulhiRotate, 0x80000000n, 0x12345678, 0x10);
  const pack16 = (v: bigint[]) => v.reduce((sum, x, i) => sum | (x << BigInt(16 * i)), 0n);
  const pack32 = (v: bigint[]) => U(v[0]!, 32) | (U(v[1]!, 32) << 32n);

  it('clz, ctz, popcount and reverse_bits apply per component', () => {
    const v = [0x00f00000n, 1n, 0xffffffffn, 0n];
    expect(row(vectorBits)).toEqual([pack16(v.map((x) => clz(x, 32))), pack16(v.map((x) => ctz(x, 32))), pack16(v.map((x) => popcount(x, 32))), reverseBits(v[0]!, 32)]);
  });
  it('addsat and subsat apply per component', () => {
    const x = [INT_MAX, 5n, -7n, -1n];
    const y = [5n, -7n, INT_MAX, INT_MIN];
    const s = x.map((v, i) => addsat(v, y[i]!, 32, true));
    const d = x.map((v, i) => subsat(v, y[i]!, 32, true));
    expect(row(vectorSat)).toEqual([pack32(s.slice(0, 2)), pack32(s.slice(2)), pack32(d.slice(0, 2)), pack32(d.slice(2))]);
  });
  it('extract_bits and insert_bits take vectors', () => {
    const x = [0x0000f000n, 0x12345678n];
    expect(row(vectorFields)).toEqual([
      pack32(x.map((v) => extractBits(v, 12, 4, 32, true)!)),
      pack32(x.map((v) => extractBits(v, 12, 4, 32, false)!)),
      pack32([insertBits(x[0]!, 0xffffffffn, 12, 4, 32)!, insertBits(x[1]!, 0n, 12, 4, 32)!]),
      0n,
    ]);
  });
  it('mulhi, rotate, hadd and absdiff apply per component', () => {
    const x = [0x80000000n, 0x12345678n];
    expect(row(vectorMulhi)).toEqual([
      pack32(x.map((v) => mulhi(v, 0x10n, 32, false))),
      pack32([rotate(x[0]!, 4n, 32), rotate(x[1]!, 36n, 32)]),
      pack32([hadd(x[0]!, -1n, 32, true), hadd(x[1]!, -2n, 32, true)]),
      absdiff(x[0]!, INT_MAX, 32, true),
    ]);
  });
});

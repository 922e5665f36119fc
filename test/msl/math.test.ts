/**
 * MSL math, common and geometric functions (kernels/tests/msl_math.metal), table-driven: each
 * case is an op and its arguments, one thread per case. Expected values are computed here:
 * Math.fround(a op b) is the correctly rounded float result of one + - * / or sqrt on floats, so
 * chains of float operations are mirrored by rounding after every step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

const Op = {
  min: 0, max: 1, fmin: 2, fmax: 3, clamp: 4, mix: 5, step: 6, smoothstep: 7, saturate: 8, sign: 9,
  fract: 10, floor: 11, ceil: 12, round: 13, rint: 14, trunc: 15, sqrt: 16, rsqrt: 17, fma: 18,
  mulAdd: 19, abs: 20, fabs: 21, copysign: 22, fmod: 23, pow: 24, exp: 25, log: 26, sin: 27,
  cos: 28, exp2: 29, log2: 30, sinpi: 31, cospi: 32, tanpi: 33,
  dot: 40, length: 41, distance: 42, normalize: 43, cross: 44, reflect: 45, minV: 46,
  maxVScalar: 47, clampVScalar: 48, mixV: 49, stepV: 50, smoothstepV: 51, absV: 52, fractV: 53,
  signV: 54, roundV: 55, lengthSwizzle: 56, fmaxV: 57,
  asTypeScalar: 60, asTypeVector: 61, asTypeHalf: 62, constantsA: 70, constantsB: 71,
} as const;

type V4 = [number, number, number, number];
interface MathCase {
  op: number;
  x: number;
  y: number;
  z: number;
  p: V4;
  q: V4;
}

const CASE_BYTES = 48;
const RESULT_BYTES = 32;
const cases: MathCase[] = [];

/** Registers a case (at collection time, before the one dispatch); returns its index. */
function add(op: number, x = 0, y = 0, z = 0): number {
  cases.push({ op, x, y, z, p: [0, 0, 0, 0], q: [0, 0, 0, 0] });
  return cases.length - 1;
}
function addVector(op: number, p: V4, q: V4 = [0, 0, 0, 0], x = 0, y = 0): number {
  cases.push({ op, x, y, z: 0, p, q });
  return cases.length - 1;
}

let values: Float32Array;
let bits: Uint32Array;

beforeAll(async () => {
  expect(cases.length).toBeLessThanOrEqual(1024);
  const input = new DataView(new ArrayBuffer(cases.length * CASE_BYTES));
  cases.forEach((c, i) => {
    const at = i * CASE_BYTES;
    input.setUint32(at, c.op, true);
    [c.x, c.y, c.z].forEach((v, k) => input.setFloat32(at + 4 + 4 * k, v, true));
    c.p.forEach((v, k) => input.setFloat32(at + 16 + 4 * k, v, true));
    c.q.forEach((v, k) => input.setFloat32(at + 32 + 4 * k, v, true));
  });
  const results = new DeviceBuffer(cases.length * RESULT_BYTES);
  const kernel = await testKernel('msl_math');
  await kernel.dispatch({ threads: cases.length, buffers: { cases: DeviceBuffer.from(input), results } });
  values = results.readFloat32();
  bits = results.readUint32();
});

const vec = (i: number): number[] => Array.from(values.subarray(i * 8, i * 8 + 4));
const first = (i: number): number => values[i * 8]!;
const rawBits = (i: number): number[] => Array.from(bits.subarray(i * 8 + 4, i * 8 + 8));

const f32 = Math.fround;
const FLOAT_BELOW_ONE = 1 - 2 ** -24; // 0x1.fffffep-1
const floatBitsOf = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0]!;

/** Registers op on each row's arguments; the returned check compares every result at once. */
function table(op: number, rows: Array<[args: number[], expected: number]>): () => void {
  const ids = rows.map(([args]) => add(op, ...args));
  return () => {
    const got = rows.map(([args], k) => ({ args, result: first(ids[k]!) }));
    expect(got).toEqual(rows.map(([args, expected]) => ({ args, result: expected })));
  };
}

// References for the rounding functions, written from their definitions.
function roundHalfAwayFromZero(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Math.trunc(x + Math.sign(x) * 0.5); // x + 0.5 is exact in double for every float x
}
function roundHalfToEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const below = Math.floor(x);
  const gap = x - below;
  const rounded = gap < 0.5 ? below : gap > 0.5 ? below + 1 : below % 2 === 0 ? below : below + 1;
  return rounded === 0 && (x < 0 || Object.is(x, -0)) ? -0 : rounded;
}
function fractReference(x: number): number {
  const r = f32(x - Math.floor(x));
  return Number.isNaN(r) ? r : Math.min(r, FLOAT_BELOW_ONE);
}

describe('min, max, fmin, fmax', () => {
  const rows: Array<[number[], number, number]> = [
    // [x, y], min, max
    [[1, 2], 1, 2],
    [[-1, -2], -2, -1],
    [[NaN, 1], 1, 1], // the non-NaN operand wins, on either side
    [[1, NaN], 1, 1],
    [[NaN, NaN], NaN, NaN],
    [[-Infinity, 3], -Infinity, 3],
  ];
  const checks = [Op.min, Op.fmin].map((op) => table(op, rows.map(([args, lo]) => [args, lo])));
  const checksMax = [Op.max, Op.fmax].map((op) => table(op, rows.map(([args, , hi]) => [args, hi])));
  const vectorMin = addVector(Op.minV, [1, NaN, -3, NaN], [2, 5, NaN, NaN]);
  const vectorFmax = addVector(Op.fmaxV, [1, NaN, -3, NaN], [2, 5, NaN, NaN]);
  const vectorMaxScalar = addVector(Op.maxVScalar, [-1, 0.5, 2, NaN], undefined, 0);

  it('returns the non-NaN operand when one is NaN, for scalars', () => checks.concat(checksMax).forEach((check) => check()));
  it('applies the same rules per component, with a scalar broadcast', () => {
    expect(vec(vectorMin)).toEqual([1, 5, -3, NaN]);
    expect(vec(vectorFmax)).toEqual([2, 5, -3, NaN]);
    expect(vec(vectorMaxScalar)).toEqual([0, 0.5, 2, 0]);
  });
});

describe('clamp, mix, step, smoothstep, saturate', () => {
  const clampCheck = table(Op.clamp, [
    [[5, 0, 1], 1],
    [[-1, 0, 1], 0],
    [[0.5, 0, 1], 0.5],
    [[-7, -10, -5], -7],
  ]);
  const mixArgs: number[][] = [
    [1, 3, 0.25],
    [0.1, 0.7, 0.3],
    [2, 5, 0],
    [2, 5, 1],
    [-4, 6, 0.7],
  ];
  const mixCheck = table(Op.mix, mixArgs.map((args): [number[], number] => {
    const [x, y, t] = args.map(f32) as [number, number, number];
    return [args, f32(x + f32(f32(y - x) * t))];
  }));
  // x + (y - x) * a, as the specification defines it, is not y at a = 1 when y - x rounds:
  const mixAtOne = add(Op.mix, 1, 2 ** -30, 1);
  const stepCheck = table(Op.step, [
    [[1, 0.5], 0],
    [[1, 1], 1],
    [[1, 2], 1],
    [[-2, -3], 0],
  ]);
  const smoothArgs: number[][] = [
    [0, 1, 0.5],
    [0, 2, 0.5],
    [0, 1, -1],
    [0, 1, 2],
    [1, 3, 2.2],
  ];
  const smoothCheck = table(Op.smoothstep, smoothArgs.map((args): [number[], number] => {
    const [e0, e1, x] = args.map(f32) as [number, number, number];
    const t = Math.min(Math.max(f32(f32(x - e0) / f32(e1 - e0)), 0), 1);
    return [args, f32(f32(t * t) * f32(3 - f32(2 * t)))];
  }));
  const quarterWay = add(Op.smoothstep, 0, 2, 0.5); // t = 1/4: 1/16 * 5/2
  const saturateCheck = table(Op.saturate, [
    [[-0.5], 0],
    [[1.5], 1],
    [[0.25], 0.25],
    [[Infinity], 1],
  ]);
  const clampVector = addVector(Op.clampVScalar, [-1, 0.25, 3, 1], undefined, 0, 1);
  const mixVector = addVector(Op.mixV, [0, 1, 2, 3], [4, 5, 6, 7], 0.25);
  const stepVector = addVector(Op.stepV, [0.5, 1, 1.5, -1], undefined, 1);
  const smoothVector = addVector(Op.smoothstepV, [-1, 0.5, 2, 0.25], undefined, 0, 1);

  it('clamp is min(max(x, lo), hi)', clampCheck);
  it('mix is x + (y - x) * a, rounded at each step', () => {
    mixCheck();
    expect(first(mixAtOne)).toBe(0);
    expect(first(mixAtOne)).not.toBe(f32(2 ** -30));
  });
  it('step(edge, x) is 0 below the edge and 1 from it on', stepCheck);
  it('smoothstep clamps t and evaluates t * t * (3 - 2 * t)', () => {
    smoothCheck();
    expect(first(quarterWay)).toBe(0.15625);
  });
  it('saturate clamps to [0, 1]', saturateCheck);
  it('the vector forms accept scalar bounds, weights and edges', () => {
    expect(vec(clampVector)).toEqual([0, 0.25, 1, 1]);
    expect(vec(mixVector)).toEqual([1, 2, 3, 4]);
    expect(vec(stepVector)).toEqual([0, 1, 1, 0]);
    expect(vec(smoothVector)).toEqual([0, 0.5, 1, f32(0.0625 * 2.5)]);
  });
});

describe('sign and fract', () => {
  const signCheck = table(Op.sign, [
    [[2.5], 1],
    [[-3], -1],
    [[0], 0],
    [[-0], -0], // sign keeps the sign of a zero
    [[NaN], 0], // and maps NaN to 0
    [[-Infinity], -1],
    [[1e-45], 1], // the smallest subnormal is still positive
  ]);
  const fractInputs = [0.25, -0.25, 1.75, -1.75, 1e20, -1e-10, -1e-8, 2.5e-8, NaN];
  const fractCheck = table(Op.fract, fractInputs.map((x): [number[], number] => [[x], fractReference(f32(x))]));
  const tinyNegative = add(Op.fract, -1e-10);
  const signVector = addVector(Op.signV, [-0, 0, NaN, -5]);
  const fractVector = addVector(Op.fractV, [-0.5, 3.25, -1e-10, 7]);

  it('sign is 1, -1, ±0 for ±0, and 0 for NaN', () => {
    signCheck();
    expect(vec(signVector)).toEqual([-0, 0, 0, -1]);
  });
  it('fract is x - floor(x), clamped below 1 for tiny negative x', () => {
    fractCheck();
    // -1e-10 - floor(-1e-10) rounds to 1.0 in float; fract clamps it to the float below 1
    expect(first(tinyNegative)).toBe(FLOAT_BELOW_ONE);
    expect(first(tinyNegative)).not.toBe(1);
    expect(vec(fractVector)).toEqual([0.5, 0.25, FLOAT_BELOW_ONE, 0]);
  });
});

describe('floor, ceil, round, rint, trunc', () => {
  const inputs = [2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 1.5, -1.5, 0.49999997, -0.2, 2.7, -2.7, 8388609, 1e30, -0, Infinity];
  const references: Array<[number, (x: number) => number]> = [
    [Op.floor, Math.floor],
    [Op.ceil, Math.ceil],
    [Op.round, roundHalfAwayFromZero],
    [Op.rint, roundHalfToEven],
    [Op.trunc, Math.trunc],
  ];
  const checks = references.map(([op, reference]) => table(op, inputs.map((x): [number[], number] => [[x], reference(f32(x))])));
  const ties = [2.5, 3.5, -2.5, 0.5, -0.5];
  const roundTies = ties.map((x) => add(Op.round, x));
  const rintTies = ties.map((x) => add(Op.rint, x));
  const roundVector = addVector(Op.roundV, [0.5, -0.5, 2.5, -2.5]);

  it('match their definitions on ties, negatives, signed zero and large values', () => checks.forEach((check) => check()));
  it('round sends halves away from zero, rint to even', () => {
    expect(roundTies.map(first)).toEqual([3, 4, -3, 1, -1]);
    expect(rintTies.map(first)).toEqual([2, 4, -2, 0, -0]);
    expect(vec(roundVector)).toEqual([1, -1, 3, -3]);
  });
});

describe('sqrt, rsqrt, fma, abs, copysign, fmod', () => {
  const sqrtInputs = [2, 0.25, 3, 1e-40, -0, Infinity, -1];
  const sqrtCheck = table(Op.sqrt, sqrtInputs.map((x): [number[], number] => [[x], f32(Math.sqrt(f32(x)))]));
  const rsqrtExact = table(Op.rsqrt, [
    [[4], 0.5],
    [[0.25], 2],
    [[0], Infinity],
    [[-1], NaN],
  ]);
  const rsqrtInputs = [2, 3, 10, 0.7];
  const rsqrtIds = rsqrtInputs.map((x) => add(Op.rsqrt, x));
  // (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 exactly; rounding the product first loses the 2^-24.
  const near1 = 1 + 2 ** -12;
  const fused = add(Op.fma, near1, near1, -1);
  const unfused = add(Op.mulAdd, near1, near1, -1);
  const absChecks = [Op.abs, Op.fabs].map((op) =>
    table(op, [
      [[-3.5], 3.5],
      [[-0], 0],
      [[-Infinity], Infinity],
      [[2], 2],
    ]),
  );
  const absVector = addVector(Op.absV, [-1.5, -0, 2, -Infinity]);
  const copysignCheck = table(Op.copysign, [
    [[2, -0], -2],
    [[-3, 1], 3],
    [[0, -1], -0],
  ]);
  const fmodArgs = [
    [5.5, 2],
    [-5.5, 2],
    [5.5, -2],
    [0.1, 0.03],
    [1, 0],
    [1e10, 3],
  ];
  // fmod is exact, and so is JavaScript's % on the float inputs
  const fmodCheck = table(Op.fmod, fmodArgs.map(([x, y]): [number[], number] => [[x!, y!], f32(x!) % f32(y!)]));
  const fmodNegative = add(Op.fmod, -5.5, 2);

  it('sqrt is correctly rounded, including subnormal, -0, infinite and negative inputs', sqrtCheck);
  it('rsqrt is exact on powers of four and within one ulp elsewhere', () => {
    rsqrtExact();
    rsqrtInputs.forEach((x, k) => {
      const got = first(rsqrtIds[k]!);
      const ulps = Math.abs(floatBitsOf(got) - floatBitsOf(f32(1 / Math.sqrt(f32(x)))));
      expect({ x, ulps }).toEqual({ x, ulps: ulps <= 1 ? ulps : -1 });
    });
  });
  it('fma rounds once; x * y + z rounds twice (no contraction)', () => {
    expect(first(fused)).toBe(2 ** -11 + 2 ** -24);
    expect(first(unfused)).toBe(2 ** -11);
  });
  it('abs and fabs clear the sign bit, for scalars and vectors', () => {
    absChecks.forEach((check) => check());
    expect(vec(absVector)).toEqual([1.5, 0, 2, Infinity]);
  });
  it('copysign takes the magnitude of x and the sign of y', copysignCheck);
  it('fmod is exact and takes the sign of x', () => {
    fmodCheck();
    expect(first(fmodNegative)).toBe(-1.5);
  });
});

describe('libm-backed functions', () => {
  // The host libm is not bit-exact to JavaScript's double results rounded to float (nor to
  // Apple's GPU), so these compare with a relative tolerance of 2e-6 (about 17 float ulps);
  // special values that every implementation gets exactly are compared exactly.
  const RELATIVE_TOLERANCE = 2e-6;
  const approximate: Array<[number, number[], (...args: number[]) => number]> = [
    [Op.pow, [2, 0.5], Math.pow],
    [Op.pow, [3.7, 2.3], Math.pow],
    [Op.pow, [0.5, -3.25], Math.pow],
    [Op.exp, [1], Math.exp],
    [Op.exp, [-3.5], Math.exp],
    [Op.exp, [10.25], Math.exp],
    [Op.log, [2], Math.log],
    [Op.log, [1e-3], Math.log],
    [Op.log, [12345.678], Math.log],
    [Op.sin, [1], Math.sin],
    [Op.sin, [-2.5], Math.sin],
    [Op.sin, [100], Math.sin],
    [Op.cos, [1], Math.cos],
    [Op.cos, [-2.5], Math.cos],
    [Op.cos, [100], Math.cos],
    [Op.exp2, [0.3], (x) => 2 ** x],
    [Op.log2, [10], Math.log2],
    [Op.sinpi, [0.25], (x) => Math.sin(Math.PI * x)],
    [Op.sinpi, [-0.3], (x) => Math.sin(Math.PI * x)],
    [Op.cospi, [0.1], (x) => Math.cos(Math.PI * x)],
    [Op.cospi, [1.3], (x) => Math.cos(Math.PI * x)],
    [Op.cospi, [12345.25], () => -Math.SQRT1_2], // an odd integer plus 1/4
    [Op.tanpi, [0.1], (x) => Math.tan(Math.PI * x)],
  ];
  const approximateIds = approximate.map(([op, args]) => add(op, ...args));
  const exactCheck = table(Op.pow, [
    [[2, 10], 1024],
    [[-2, 3], -8],
    [[5, 0], 1],
    [[0, -1], Infinity],
    [[-8, 1 / 3], NaN],
  ]);
  const exactOthers: Array<[number, number, number]> = [
    [Op.exp, 0, 1],
    [Op.exp, 89, Infinity],
    [Op.log, 1, 0],
    [Op.log, 0, -Infinity],
    [Op.log, -1, NaN],
    [Op.sin, 0, 0],
    [Op.sin, -0, -0],
    [Op.cos, 0, 1],
    [Op.exp2, 10, 1024],
    [Op.log2, 0.125, -3],
    // sinpi and cospi reduce their argument exactly: zeros and ±1 where sin(πx) has them
    [Op.sinpi, 1, 0],
    [Op.sinpi, -1, -0],
    [Op.sinpi, 0.5, 1],
    [Op.sinpi, -0.5, -1],
    [Op.sinpi, 2.5, 1],
    [Op.sinpi, 1000000.5, 1],
    [Op.cospi, 0.5, 0],
    [Op.cospi, 1, -1],
    [Op.cospi, 0, 1],
    [Op.cospi, 7, -1],
    [Op.cospi, 1000000.5, 0],
    [Op.cospi, -0.5, 0],
    [Op.tanpi, 0.25, 1],
    [Op.tanpi, -0.25, -1],
    [Op.tanpi, 0.5, Infinity],
    [Op.tanpi, 1.5, -Infinity],
    [Op.tanpi, 2, 0],
  ];
  const exactIds = exactOthers.map(([op, x]) => add(op, x));

  it('pow, exp, log, sin, cos, exp2, log2, sinpi, cospi, tanpi are within 2e-6 relative of Math.*', () => {
    approximate.forEach(([op, args, reference], k) => {
      const expected = reference(...args.map(f32));
      const got = first(approximateIds[k]!);
      const error = Math.abs(got - expected) / Math.abs(expected);
      const verdict = error <= RELATIVE_TOLERANCE ? 'within tolerance' : { got, expected, error };
      expect({ op, args, verdict }).toEqual({ op, args, verdict: 'within tolerance' });
    });
  });
  it('give exact results at the special values', () => {
    exactCheck();
    const got = exactOthers.map(([op, x], k) => ({ op, x, result: first(exactIds[k]!) }));
    expect(got).toEqual(exactOthers.map(([op, x, result]) => ({ op, x, result })));
  });
});

describe('geometric functions', () => {
  const p: V4 = [1.5, -2, 0.3, 4];
  const q: V4 = [0.7, 3, -1.1, 0.5];
  const dotId = addVector(Op.dot, p, q);
  const lengthId = addVector(Op.length, p);
  const distanceId = addVector(Op.distance, p, q);
  const normalizeId = addVector(Op.normalize, p);
  const normalize34 = addVector(Op.normalize, [3, 4, 0, 0]);
  const crossId = addVector(Op.cross, p, q);
  const crossAxes = addVector(Op.cross, [1, 0, 0, 0], [0, 1, 0, 0]);
  const reflectId = addVector(Op.reflect, p, [0, 1, 0, 0]);
  const reflectGeneral = addVector(Op.reflect, p, q);
  const swizzleArgs = addVector(Op.lengthSwizzle, [3, 4, 2, 5], [1, 1, 0, 9]);

  // The emulator sums in component order, rounding each product and each sum (no fma).
  const fp = p.map(f32) as V4;
  const fq = q.map(f32) as V4;
  const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => (i === 0 ? f32(v * b[0]!) : f32(sum + f32(v * b[i]!))), 0);
  const minus = (a: number[], b: number[]) => a.map((v, i) => f32(v - b[i]!));

  it('dot, length and distance sum the products in component order', () => {
    expect(first(dotId)).toBe(dot(fp, fq));
    expect(first(lengthId)).toBe(f32(Math.sqrt(dot(fp, fp))));
    const d = minus(fp, fq);
    expect(first(distanceId)).toBe(f32(Math.sqrt(dot(d, d))));
    expect(vec(swizzleArgs)).toEqual([5, 7, f32(Math.sqrt(17)), 0]);
  });
  it('normalize multiplies by the reciprocal square root of the squared length', () => {
    const scale = f32(1 / f32(Math.sqrt(dot(fp, fp))));
    expect(vec(normalizeId)).toEqual(fp.map((v) => f32(v * scale)));
    const unit = vec(normalize34);
    expect(unit).toEqual([f32(3 * f32(1 / 5)), f32(4 * f32(1 / 5)), 0, 0]);
    expect(Math.abs(unit[0]! - 0.6)).toBeLessThan(1e-7);
  });
  it('cross is the right-handed cross product of the xyz components', () => {
    expect(vec(crossAxes)).toEqual([0, 0, 1, 0]);
    const [a0, a1, a2] = fp;
    const [b0, b1, b2] = fq;
    expect(vec(crossId)).toEqual([
      f32(f32(a1 * b2) - f32(a2 * b1)),
      f32(f32(a2 * b0) - f32(a0 * b2)),
      f32(f32(a0 * b1) - f32(a1 * b0)),
      0,
    ]);
  });
  it('reflect is i - 2 * dot(n, i) * n', () => {
    expect(vec(reflectId)).toEqual([fp[0], 2, fp[2], fp[3]]);
    const twice = f32(2 * dot(fq, fp));
    expect(vec(reflectGeneral)).toEqual(fp.map((v, i) => f32(v - f32(fq[i]! * twice))));
  });
});

describe('as_type and constants', () => {
  const scalarId = add(Op.asTypeScalar, 1, -0);
  const vectorInput: V4 = [1, -2, 0.5, -0];
  const vectorId = addVector(Op.asTypeVector, vectorInput);
  const halfId = add(Op.asTypeHalf, 1, -2);
  const constantsA = add(Op.constantsA);
  const constantsB = add(Op.constantsB);

  it('as_type reinterprets scalar bits', () => {
    expect(rawBits(scalarId).slice(0, 3)).toEqual([0x3f800000, 0x80000000, 0]);
    expect(vec(scalarId).slice(0, 2)).toEqual([1 + 2 ** -23, 0]);
  });
  it('as_type reinterprets vectors component by component', () => {
    expect(rawBits(vectorId)).toEqual(vectorInput.map(floatBitsOf));
    expect(vec(vectorId)).toEqual([-1, -2, -0.5, -0]);
  });
  it('as_type reinterprets half vectors (x in the low bits)', () => {
    expect(rawBits(halfId).slice(0, 2)).toEqual([0xc0003c00, 0x3c00]);
    // 0x3f80 as a half: exponent 15, mantissa 0x380 -> 1 + 896 / 1024
    expect(first(halfId)).toBe(1.875);
  });
  it('M_PI_F, FLT_MAX, INFINITY and friends are the float values', () => {
    expect(vec(constantsA)).toEqual([f32(Math.PI), (2 - 2 ** -23) * 2 ** 127, Infinity, -Infinity]);
    expect(rawBits(constantsA)).toEqual([0x00800000, 0x34000000, floatBitsOf(Math.E), 0x7f7fffff]);
    expect(vec(constantsB)).toEqual([f32(Math.PI / 2), f32(Math.SQRT2), f32(Math.LN2), 65504]);
    expect(rawBits(constantsB)).toEqual([1, 1, 0x7fffffff, 0xffffffff]);
  });
});

/**
 * MSL vector semantics (kernels/tests/msl_vectors.metal): constructors, swizzles, element access,
 * element-wise operators, comparisons and layout. Expected rows are computed here from the same
 * inputs, with Math.fround rounding each float operation as float arithmetic does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

type Vec4 = [number, number, number, number];

const f32 = Math.fround;
const a: Vec4 = [1.5, -2.25, 3, 0.5];
const b: Vec4 = [4, 0.25, -8, 2];
const s = 3;
const k = 2;
const p: Vec4 = [7, -9, 12, -1];
const q: Vec4 = [2, 4, -5, 3];
const u: Vec4 = [0xf0f0f0f0, 1, 0x80000000, 5];

const map = (v: Vec4, f: (x: number, i: number) => number): Vec4 => v.map(f) as Vec4;
const zip = (x: Vec4, y: Vec4, f: (l: number, r: number) => number): Vec4 => map(x, (l, i) => f(l, y[i]!));
const i32 = (x: number) => x | 0;
const fromBool = (v: boolean[]): Vec4 => v.map((x) => (x ? 1 : 0)) as Vec4;

let floats: Float32Array;
let ints: Int32Array;
let layout: Uint32Array;
let float3Bytes: Float32Array;

beforeAll(async () => {
  const kernel = await testKernel('msl_vectors');
  const fout = new DeviceBuffer(38 * 16);
  const iout = new DeviceBuffer(32 * 16);
  const layoutOut = new DeviceBuffer(26 * 4);
  const f3out = new DeviceBuffer(2 * 16);
  f3out.fill(0xff); // NaN bytes: shows which bytes a float3 store wrote
  await kernel.dispatch({
    threads: 1,
    buffers: {
      fin: DeviceBuffer.from(new Float32Array([...a, ...b, s, 0, 0, 0])),
      iin: DeviceBuffer.from(new Int32Array([...p, ...q, ...u.map(i32), k, 0, 0, 0])),
      packed: DeviceBuffer.from(new Float32Array([0, 1, 2, 10, 11, 12, 20, 21, 22])),
      fout,
      iout,
      layout: layoutOut,
      f3out,
    },
  });
  floats = fout.readFloat32();
  ints = iout.readInt32();
  layout = layoutOut.readUint32();
  float3Bytes = f3out.readFloat32();
});

const frow = (n: number) => Array.from(floats.subarray(n * 4, n * 4 + 4));
const irow = (n: number) => Array.from(ints.subarray(n * 4, n * 4 + 4));

describe('vector constructors', () => {
  it('broadcasts a scalar into every component', () => {
    expect(frow(0)).toEqual([1, 1, 1, 1]);
    expect(frow(1)).toEqual([s, s, s, s]);
    expect(frow(6)).toEqual([0, 0, 0, 0]);
  });

  it('takes components from scalars and smaller vectors, in order', () => {
    expect(frow(2)).toEqual([a[0], a[1], 0, 1]);
    expect(frow(3)).toEqual([a[0], a[1], s, 9]);
    expect(frow(5)).toEqual([a[0], b[1], b[2], s]);
  });

  it('converts element types explicitly', () => {
    expect(frow(4)).toEqual(p);
    // float -> int truncates toward zero: 15 -22.5 30 5 -> 15 -22 30 5
    expect(irow(31)).toEqual(map(a, (x) => Math.trunc(x * 10)));
    expect(irow(31)).not.toEqual(map(a, (x) => Math.floor(x * 10)));
  });
});

describe('swizzles', () => {
  it('read components in the order they name, with repeats', () => {
    expect(frow(7)).toEqual([a[2], a[3], a[0], a[1]]);
    expect(frow(8)).toEqual([a[0], a[1], a[2], 0]);
    expect(frow(9)).toEqual(a);
    expect(frow(10)).toEqual([a[1], a[0], b[1], b[0]]);
    expect(frow(11)).toEqual([a[3], a[2], a[1], a[0]]);
    expect(frow(12)).toEqual([a[0], a[0], a[0], a[0]]);
    expect(frow(13)).toEqual([a[2], a[1], a[0], b[3]]);
  });

  it('write only the components they name', () => {
    expect(frow(14)).toEqual([b[2], b[3], a[2], a[3]]);
    expect(frow(15)).toEqual([a[0], a[1], a[2] + b[0], a[3] + b[1]]);
    expect(frow(16)).toEqual([a[0] * 2, a[1] * 2, a[2] * 2, a[3]]);
    expect(frow(17)).toEqual([b[1], a[1], a[2], b[0]]);
  });

  it('read the whole right-hand side before writing (c.yzw = c.xxx, c.yx = c.xy)', () => {
    expect(frow(18)).toEqual([a[0], a[0], a[0], a[0]]);
    expect(frow(21)).toEqual([a[1], a[0], a[2], a[3]]);
  });

  it('element access reads and writes one component, at a constant or run-time index', () => {
    expect(frow(19)).toEqual([5, a[1], 6, a[3]]);
    expect(frow(20)).toEqual([a[0], a[3], a[k], b[k + 1]]);
  });
});

describe('float vector arithmetic', () => {
  it('applies + - * / component-wise, each rounded to float', () => {
    expect(frow(22)).toEqual(zip(a, b, (x, y) => f32(x + y)));
    expect(frow(23)).toEqual(zip(a, b, (x, y) => f32(x - y)));
    expect(frow(24)).toEqual(zip(a, b, (x, y) => f32(x * y)));
    expect(frow(25)).toEqual(zip(a, b, (x, y) => f32(x / y)));
  });

  it('accepts a scalar on either side', () => {
    expect(frow(26)).toEqual(map(a, (x) => f32(x + s)));
    expect(frow(27)).toEqual(map(a, (x) => f32(s - x)));
    expect(frow(28)).toEqual(map(a, (x) => f32(x * 2)));
    // 1 / 1.5 is inexact: the quotient is the float-rounded one
    expect(frow(29)).toEqual(map(a, (x) => f32(1 / x)));
    expect(frow(29)[0]).not.toBe(1 / 1.5);
  });

  it('negates, increments (pre and post) and applies compound assignments', () => {
    expect(frow(30)).toEqual(map(a, (x) => -x));
    expect(frow(31)).toEqual(map(a, (x) => x + 1));
    expect(frow(32)).toEqual(a);
    expect(frow(33)).toEqual(map(a, (x) => x + 1));
    expect(frow(34)).toEqual([f32(a[0] * b[2]), f32(a[1] * b[3]), f32(a[2] / s), f32(a[3] / s)]);
    expect(frow(35)).toEqual(zip(a, b, (x, y) => f32(f32(f32(f32(x + y) * 0.5) - 1) / s)));
  });

  it('select picks b where the condition holds, a elsewhere', () => {
    expect(frow(36)).toEqual(zip(a, b, (x, y) => (x < y ? y : x)));
  });
});

describe('integer vector arithmetic', () => {
  it('applies + - * / % with C semantics: / truncates, % takes the dividend sign', () => {
    expect(irow(0)).toEqual(zip(p, q, (x, y) => x + y));
    expect(irow(1)).toEqual(zip(p, q, (x, y) => x - y));
    expect(irow(2)).toEqual(zip(p, q, (x, y) => Math.imul(x, y)));
    expect(irow(3)).toEqual([3, -2, -2, 0]);
    expect(irow(3)).toEqual(zip(p, q, (x, y) => Math.trunc(x / y) | 0));
    expect(irow(4)).toEqual([1, -1, 2, -1]);
    expect(irow(4)).toEqual(zip(p, q, (x, y) => (x % y) | 0));
    expect(irow(16)).toEqual(map(p, (x) => (x % 5) | 0));
  });

  it('applies bitwise operators and shifts (arithmetic for int, logical for uint)', () => {
    expect(irow(5)).toEqual(zip(p, q, (x, y) => x & y));
    expect(irow(6)).toEqual(zip(p, q, (x, y) => x | y));
    expect(irow(7)).toEqual(zip(p, q, (x, y) => x ^ y));
    expect(irow(8)).toEqual(map(p, (x) => x << 3));
    expect(irow(9)).toEqual(map(p, (x) => x >> 1));
    expect(irow(9)).toEqual([3, -5, 6, -1]);
    expect(irow(10)).toEqual(map(u, (x) => i32(x >>> 4)));
    expect(irow(10)[2]).toBe(0x08000000); // not sign-extended
    expect(irow(11)).toEqual(map(u, (x, i) => i32(x << (i + 1))));
    expect(irow(12)).toEqual(map(u, (x) => ~x));
  });

  it('accepts a scalar on either side, negates, increments and compounds', () => {
    expect(irow(13)).toEqual(map(p, (x) => 100 - x));
    expect(irow(14)).toEqual(map(p, (x) => 2 * x));
    expect(irow(15)).toEqual(map(p, (x) => -x));
    expect(irow(17)).toEqual(map(p, (x) => x + 2));
    expect(irow(18)).toEqual(zip(p, q, (x, y) => ((x << 2) | 1) ^ y));
  });
});

describe('comparisons produce bool vectors', () => {
  it('compares component-wise, against vectors or scalars', () => {
    expect(irow(19)).toEqual(fromBool(a.map((x, i) => x < b[i]!)));
    expect(irow(19)).toEqual([1, 1, 0, 1]);
    expect(irow(20)).toEqual(fromBool(a.map((x, i) => x >= b[i]!)));
    expect(irow(21)).toEqual([0, 0, 0, 0]);
    expect(irow(22)).toEqual([1, 1, 1, 1]);
    expect(irow(23)).toEqual([1, 0, 1, 0]);
    expect(irow(24)).toEqual([0, 0, 1, 0]);
  });

  it('all and any reduce bool vectors', () => {
    expect(irow(25)).toEqual([1, 0, 1, 1]);
    expect(irow(26)).toEqual([0, 0, 1, 0]);
  });

  it('select, ! && and || work per component', () => {
    expect(irow(27)).toEqual(zip(p, q, (x, y) => (x > y ? y : x)));
    expect(irow(28)).toEqual([0, 1, 0, 1]);
    expect(irow(29)).toEqual([1, 0, 0, 0]);
    expect(irow(30)).toEqual([1, 1, 1, 1]);
  });
});

describe('vector layout matches the Metal specification', () => {
  it('reads packed_float3 at a 12-byte stride and writes float3 at a 16-byte stride', () => {
    expect(frow(37)).toEqual([10, 11, 12, 0]);
    expect(Array.from(float3Bytes.subarray(4, 7))).toEqual([a[0], a[1], a[2]]);
    // Element 0 is not touched: the store went to bytes 16..27, not 12..23.
    expect(Array.from(float3Bytes.subarray(0, 4)).every(Number.isNaN)).toBe(true);
  });

  it('has the sizes and alignments of the specification', () => {
    const pairs = (names: string[]) => Object.fromEntries(names.map((n, i) => [n, [layout[2 * i], layout[2 * i + 1]]]));
    expect(pairs(['float2', 'float3', 'float4', 'half3', 'uchar3', 'packed_float3', 'bool4', 'int3', 'short3', 'half4', 'packed_half3', 'long3'])).toEqual({
      float2: [8, 8],
      float3: [16, 16],
      float4: [16, 16],
      half3: [8, 8],
      uchar3: [4, 4],
      packed_float3: [12, 4],
      bool4: [4, 4],
      int3: [16, 16],
      short3: [8, 8],
      half4: [8, 8],
      packed_half3: [6, 2],
      long3: [32, 32],
    });
    // struct { float; float3; } pads to 32, struct { float; packed_float3; } is 16
    expect([layout[24], layout[25]]).toEqual([32, 16]);
  });
});

/**
 * Unsuffixed floating literals are float (kernels/tests/msl_literals.metal). Each input is
 * chosen so that float evaluation and double evaluation give different floats; the test asserts
 * the float result and that it is not the double one, so a regression to double literals fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBuffer } from '../../src/index.js';
import { testKernel } from '../helpers/kernels.js';

const f32 = Math.fround;
const x = 13;
const small = 5.5;
const fiveSevenths = f32(5 / 7);

let out: Float32Array;
beforeAll(async () => {
  const kernel = await testKernel('msl_literals');
  const buffer = new DeviceBuffer(20 * 4);
  await kernel.dispatch({ threads: 1, buffers: { in: DeviceBuffer.from(new Float32Array([x, small, fiveSevenths])), out: buffer } });
  out = buffer.readFloat32();
});

describe('unsuffixed floating literals are float', () => {
  it('x * 0.1 is the float product with 0.1f, not the double product rounded once', () => {
    const asFloat = f32(f32(x) * f32(0.1));
    const asDouble = f32(x * 0.1);
    expect(asFloat).not.toBe(asDouble); // the input tells the two apart
    expect(out[0]).toBe(asFloat);
    expect(out[0]).not.toBe(asDouble);
    expect(out[1]).toBe(asFloat);
  });

  it('the same holds for exponent literals and for chains of operations', () => {
    expect(out[2]).toBe(f32(small * f32(1e-3)));
    expect(out[2]).not.toBe(f32(small * 1e-3));
    const chained = f32(f32(f32(x) * f32(0.1)) * 10);
    expect(chained).not.toBe(x);
    expect(out[3]).toBe(chained);
    const product = f32(f32(fiveSevenths * f32(1.1)) * f32(3.3));
    expect(product).not.toBe(f32(fiveSevenths * 1.1 * 3.3));
    expect(out[4]).toBe(product);
  });

  it('sizeof a floating literal, and of an expression with one, is 4', () => {
    expect([out[5], out[6], out[7], out[14]]).toEqual([4, 4, 4, 4]);
    expect(out[18]).toBe(2); // and an h literal is a 2-byte half
  });

  it('program-scope constants and vector constructors take float literals too', () => {
    expect(out[9]).toBe(f32(x * f32(0.1)));
    expect(out[12]).toBe(f32(x * f32(0.1)));
    expect(out[13]).toBe(f32(x * f32(0.3)));
    expect(out[15]).toBe(f32(0.1));
  });

  it('hexadecimal, dot-first, dot-last and exponent-only literals keep their values', () => {
    expect(out[8]).toBe(3);
    expect(out[10]).toBe(x * 0.5 + 2);
    expect(out[11]).toBe(302.5);
    expect(out[19]).toBe(19.5);
  });

  it('integer literals stay integers', () => {
    expect(out[16]).toBe(3);
    expect(out[17]).toBe(6.5);
  });
});

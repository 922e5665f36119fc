/**
 * Raw ring records the kernel must drop (docs/SCENES.md I2), one family per way to be malformed.
 * encodeEvent refuses all of these, so they are built field by field. Every field stays within
 * its ABI type (u16 type and modifiers, u32 code, f32 coordinates), so pushRawEvents stores what
 * is drawn here and the record stays malformed after the host's coercion.
 */
import fc from 'fast-check';

import { EVENT_TYPES, KEY_CODES, MAX_WHEEL_DELTA, type RawInputEvent } from '../os/input_events.js';

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** Coordinates no pointer event may have for a width x height framebuffer (float32 included). */
function badCoordinates(extent: number): number[] {
  // extent + 0.5 and -0.01 stay outside after rounding to float32 for any extent up to 32767.
  return [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.01, extent + 0.5, extent + 1, 1e9];
}

const BAD_WHEEL = [MAX_WHEEL_DELTA + 1, -(MAX_WHEEL_DELTA + 1), 1e9, -1e30, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const BAD_KEY_CODES = [KEY_CODES.End + 1, 0x1000, U16_MAX, U32_MAX];
const BAD_MODIFIERS = [16, 31, 255, U16_MAX];
const BAD_TEXT_CODES = [0, 0x0a, 0x1f, 0x7f, 0x80, 0xe9, 0x263a, U32_MAX];
const UNKNOWN_TYPES = [0, 8, 999, U16_MAX];

/** Raw events that break one of I2's rules each, on a width x height framebuffer. */
export function malformedEventArbitrary(width: number, height: number): fc.Arbitrary<RawInputEvent> {
  const pointerType = fc.constantFrom(EVENT_TYPES.pointerMove, EVENT_TYPES.pointerDown, EVENT_TYPES.pointerUp);
  const okX = fc.integer({ min: 0, max: width });
  const okY = fc.integer({ min: 0, max: height });
  const badX = fc.constantFrom(...badCoordinates(width));
  const badY = fc.constantFrom(...badCoordinates(height));
  const keyType = fc.constantFrom(EVENT_TYPES.keyDown, EVENT_TYPES.keyUp);
  const raw = (type: number, modifiers: number, code: number, x: number, y: number): RawInputEvent => ({ type, modifiers, code, x, y });
  return fc.oneof(
    // A pointer event off the screen or with a coordinate that is not finite: x, y or both.
    fc
      .tuple(pointerType, fc.oneof(fc.tuple(badX, okY), fc.tuple(okX, badY), fc.tuple(badX, badY)))
      .map(([type, [x, y]]) => raw(type, 0, type === EVENT_TYPES.pointerMove ? 0 : 1, x, y)),
    // A pointer event on the screen with modifiers above 15.
    fc.tuple(pointerType, fc.constantFrom(...BAD_MODIFIERS), okX, okY).map(([type, modifiers, x, y]) => raw(type, modifiers, 1, x, y)),
    // A wheel delta beyond ±100000 or not finite, on either axis.
    fc.tuple(fc.constantFrom(...BAD_WHEEL), fc.integer({ min: -20, max: 20 }), fc.boolean()).map(([bad, ok, onX]) => raw(EVENT_TYPES.wheel, 0, 0, onX ? bad : ok, onX ? ok : bad)),
    // A key past End, or a known key with modifiers above 15.
    fc.tuple(keyType, fc.constantFrom(...BAD_KEY_CODES)).map(([type, code]) => raw(type, 0, code, 0, 0)),
    fc.tuple(keyType, fc.constantFrom(...BAD_MODIFIERS), fc.constantFrom(...Object.values(KEY_CODES))).map(([type, modifiers, code]) => raw(type, modifiers, code, 0, 0)),
    // A text event whose character is not printable ASCII.
    fc.constantFrom(...BAD_TEXT_CODES).map((code) => raw(EVENT_TYPES.text, 0, code, 0, 0)),
    // A type the kernel does not know, with fields that would be valid for a known one.
    fc.tuple(fc.constantFrom(...UNKNOWN_TYPES), okX, okY).map(([type, x, y]) => raw(type, 0, 1, x, y)),
  );
}

/**
 * Input events as traces store them: exactly the 16-byte records the host wrote into the kernel's
 * ring, losslessly, in a few bytes each. Every field is kept bit for bit (a NaN's payload, a -0,
 * an unknown type), because a trace records what the kernel saw, not what the host meant.
 *
 * Per event, a flags byte, then the fields it says are present:
 *   bits 0-2  the type if it is 1-7; 0 means a LEB128 type follows (any other u16)
 *   bit 3     modifiers follow (LEB128 u16), else 0
 *   bit 4     code follows (LEB128 u32), else 0
 *   bit 5     x follows (4 bytes, the float32's bits, little-endian), else +0
 *   bit 6     y follows (same), else +0
 *   bit 7     must be 0
 * A pointer move is 9 bytes, a key 2-3, a typed character 2.
 */
import type { RawInputEvent } from '../os/input_events.js';
import { TraceError } from './trace_error.js';

/** The most events one encoded batch may hold (a full ring). */
export const MAX_EVENTS_PER_BATCH = 256;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function floatBits(value: number): number {
  f32[0] = value;
  return u32[0]!;
}

function bitsFloat(bits: number): number {
  u32[0] = bits;
  return f32[0]!;
}

function pushVarint(out: number[], value: number): void {
  do {
    out.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
    value = Math.floor(value / 128);
  } while (value > 0);
}

export function encodeEvents(events: readonly RawInputEvent[]): Uint8Array {
  const out: number[] = [];
  for (const event of events) {
    const type = event.type & 0xffff;
    const modifiers = event.modifiers & 0xffff;
    const code = event.code >>> 0;
    const x = floatBits(event.x);
    const y = floatBits(event.y);
    let flags = type >= 1 && type <= 7 ? type : 0;
    if (modifiers !== 0) flags |= 0x08;
    if (code !== 0) flags |= 0x10;
    if (x !== 0) flags |= 0x20;
    if (y !== 0) flags |= 0x40;
    out.push(flags);
    if ((flags & 0x07) === 0) pushVarint(out, type);
    if (modifiers !== 0) pushVarint(out, modifiers);
    if (code !== 0) pushVarint(out, code);
    for (const bits of [x, y]) {
      if (bits !== 0) out.push(bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Decodes a batch; throws TraceError (naming `where`, and carrying `offset`, the byte position of
 * the record holding it) for anything malformed.
 */
export function decodeEvents(bytes: Uint8Array, where: string, offset?: number): RawInputEvent[] {
  const events: RawInputEvent[] = [];
  let i = 0;
  const fail = (problem: string): never => {
    throw new TraceError('E_TRACE_CORRUPT', `${where}: event ${events.length} ${problem}`, offset === undefined ? undefined : { offset });
  };
  const varint = (max: number, name: string): number => {
    let value = 0;
    let scale = 1;
    // A u32 needs at most 5 LEB128 bytes: longer encodings (zero padding) are refused too.
    for (let length = 1; ; length++) {
      if (i >= bytes.byteLength) fail(`is cut off in its ${name}`);
      if (length > 5) fail(`has an over-long ${name}`);
      const byte = bytes[i++]!;
      value += (byte & 0x7f) * scale;
      if (value > max) fail(`has a ${name} above ${max}`);
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
  };
  const float = (name: string): number => {
    if (i + 4 > bytes.byteLength) fail(`is cut off in its ${name}`);
    const bits = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    i += 4;
    return bitsFloat(bits);
  };
  while (i < bytes.byteLength) {
    if (events.length >= MAX_EVENTS_PER_BATCH) fail(`is past the limit of ${MAX_EVENTS_PER_BATCH} events in one batch`);
    const flags = bytes[i++]!;
    if (flags & 0x80) fail('has an unknown flag bit');
    const type = (flags & 0x07) !== 0 ? flags & 0x07 : varint(0xffff, 'type');
    const modifiers = flags & 0x08 ? varint(0xffff, 'modifiers') : 0;
    const code = flags & 0x10 ? varint(0xffffffff, 'code') : 0;
    const x = flags & 0x20 ? float('x') : 0;
    const y = flags & 0x40 ? float('y') : 0;
    events.push({ type, modifiers, code, x, y });
  }
  return events;
}

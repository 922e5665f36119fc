/**
 * The trace's input-event codec (src/trace/event_codec.ts): every field of a raw event survives a
 * round trip bit for bit, the encoding is as small as documented, and malformed bytes are a
 * TraceError ('E_TRACE_CORRUPT', naming the caller's `where`), never another kind of exception.
 *
 * A note on NaN: a float32 NaN's payload is decided by JavaScript before the codec sees it. The
 * only way to hold a float32 in JS is as a number (a float64), and the engine may canonicalize
 * NaN payloads when it reads one out of a Float32Array or writes one back. So the round-trip
 * property compares the decoded numbers with Object.is against Math.fround(input) (NaN equals NaN,
 * -0 differs from +0), and additionally checks the stored bits exactly for every non-NaN pattern.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EVENT_TYPES, KEY_CODES, encodeEvent, type RawInputEvent } from '../../src/os/input_events.js';
import { MAX_EVENTS_PER_BATCH, decodeEvents, encodeEvents } from '../../src/trace/event_codec.js';
import { TraceError } from '../../src/trace/trace_error.js';

/** Fixed so a failure replays (0x5eedc0de = 1592639710, as the test names print it). */
const SEED = 0x5eed_c0de;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bitsToFloat(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

function floatToBits(value: number): number {
  f32[0] = value;
  return u32[0]!;
}

function isNanBits(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x007fffff) !== 0;
}

interface GeneratedEvent {
  type: number;
  modifiers: number;
  code: number;
  xBits: number;
  yBits: number;
}

/** Float bit patterns: uniformly random, plus the interesting ones (zeros, infinities, NaNs, denormals). */
const floatBitsArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff, 0xffffffff, 0x00000001, 0x807fffff, 0x7f7fffff, 0x3f800000),
  },
);
const u16Arb = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 1, 7, 8, 0x7f, 0x80, 0x3fff, 0x4000, 0xffff));
const u32Arb = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff));

const eventArb: fc.Arbitrary<GeneratedEvent> = fc.record({ type: u16Arb, modifiers: u16Arb, code: u32Arb, xBits: floatBitsArb, yBits: floatBitsArb });

function toRaw(e: GeneratedEvent): RawInputEvent {
  return { type: e.type, modifiers: e.modifiers, code: e.code, x: bitsToFloat(e.xBits), y: bitsToFloat(e.yBits) };
}

/** Calls decodeEvents, expecting a TraceError; returns it. */
function decodeError(bytes: number[] | Uint8Array, where: string): TraceError {
  try {
    decodeEvents(Uint8Array.from(bytes), where);
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return error as TraceError;
  }
  throw new Error(`decodeEvents accepted ${Buffer.from(Uint8Array.from(bytes)).toString('hex')}`);
}

describe('event codec: round trip', () => {
  it(`round-trips arbitrary raw events bit for bit (fast-check seed ${SEED}, 2000 runs)`, () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: MAX_EVENTS_PER_BATCH }), (generated) => {
        const events = generated.map(toRaw);
        const bytes = encodeEvents(events);
        const decoded = decodeEvents(bytes, 'round trip');
        expect(decoded).toHaveLength(events.length);
        decoded.forEach((d, i) => {
          const g = generated[i]!;
          const e = events[i]!;
          expect(d.type).toBe(g.type);
          expect(d.modifiers).toBe(g.modifiers);
          expect(d.code).toBe(g.code);
          // Object.is: NaN matches NaN, and -0 must come back as -0 (not +0).
          expect(Object.is(d.x, Math.fround(e.x)), `x of event ${i}: ${d.x} vs ${e.x}`).toBe(true);
          expect(Object.is(d.y, Math.fround(e.y)), `y of event ${i}: ${d.y} vs ${e.y}`).toBe(true);
          // Bit-exact wherever JS itself does not canonicalize (every pattern that is not a NaN).
          if (!isNanBits(g.xBits)) expect(floatToBits(d.x)).toBe(g.xBits);
          if (!isNanBits(g.yBits)) expect(floatToBits(d.y)).toBe(g.yBits);
        });
        // Encoding what was decoded gives the same bytes: the encoding is canonical. (Only checked
        // without NaNs, whose payloads JS may canonicalize on the way through a number.)
        if (!generated.some((g) => isNanBits(g.xBits) || isNanBits(g.yBits))) {
          expect(Buffer.from(encodeEvents(decoded)).equals(Buffer.from(bytes))).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('round-trips single events at the edges of every field', () => {
    const edges16 = [0, 1, 7, 8, 0x7f, 0x80, 0x3fff, 0x4000, 0xffff];
    const edges32 = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff];
    const floats = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1.401298464324817e-45, 3.4028234663852886e38];
    for (const type of edges16) {
      for (const code of edges32) {
        for (const x of floats) {
          const event = { type, modifiers: edges16[(type + code) % edges16.length]!, code, x, y: -x };
          const [decoded] = decodeEvents(encodeEvents([event]), 'edge');
          expect(decoded!.type).toBe(event.type);
          expect(decoded!.modifiers).toBe(event.modifiers);
          expect(decoded!.code).toBe(event.code);
          expect(Object.is(decoded!.x, event.x)).toBe(true);
          expect(Object.is(decoded!.y, event.y)).toBe(true);
        }
      }
    }
  });

  it('encodes an empty batch as no bytes, and decodes no bytes as no events', () => {
    expect(encodeEvents([])).toHaveLength(0);
    expect(decodeEvents(new Uint8Array(0), 'empty')).toEqual([]);
  });

  it('decodes a full ring of events (MAX_EVENTS_PER_BATCH)', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => ({ type: 1 + (i % 7), modifiers: i, code: i * 1000, x: i / 3, y: -i }));
    const decoded = decodeEvents(encodeEvents(events), 'full ring');
    expect(decoded).toHaveLength(MAX_EVENTS_PER_BATCH);
    expect(decoded.map((e) => e.code)).toEqual(events.map((e) => e.code));
  });
});

describe('event codec: sizes', () => {
  const W = 640;
  const H = 480;

  it('stores a pointer move with non-zero x and y in 9 bytes', () => {
    const [event] = encodeEvent({ type: 'pointerMove', x: 12.5, y: 300 }, W, H);
    expect(encodeEvents([event!])).toHaveLength(9);
    expect(encodeEvents([{ type: EVENT_TYPES.pointerMove, modifiers: 0, code: 0, x: 1, y: 1 }])).toHaveLength(9);
    // Either coordinate zero drops its 4 bytes; -0 is not +0, so it keeps them.
    expect(encodeEvents([{ type: 1, modifiers: 0, code: 0, x: 0, y: 5 }])).toHaveLength(5);
    expect(encodeEvents([{ type: 1, modifiers: 0, code: 0, x: 0, y: 0 }])).toHaveLength(1);
    expect(encodeEvents([{ type: 1, modifiers: 0, code: 0, x: -0, y: 0 }])).toHaveLength(5);
  });

  it('stores every typed character in 2 bytes', () => {
    for (let c = 0x20; c <= 0x7e; c++) {
      const events = encodeEvent({ type: 'text', text: String.fromCharCode(c) }, W, H);
      expect(events).toHaveLength(1);
      expect(encodeEvents(events), `character 0x${c.toString(16)}`).toHaveLength(2);
    }
    const text = encodeEvent({ type: 'text', text: 'hello, world' }, W, H);
    expect(encodeEvents(text)).toHaveLength(2 * 'hello, world'.length);
  });

  it('stores a keyDown of any named key without modifiers in 2 or 3 bytes', () => {
    for (const key of Object.keys(KEY_CODES)) {
      const events = encodeEvent({ type: 'keyDown', key }, W, H);
      const size = encodeEvents(events).byteLength;
      expect(size, key).toBeGreaterThanOrEqual(2);
      expect(size, key).toBeLessThanOrEqual(3);
      // 2 bytes for codes below 128 (one LEB128 byte), 3 for the arrows and Home/End (0x100+).
      expect(size, key).toBe(KEY_CODES[key as keyof typeof KEY_CODES] < 0x80 ? 2 : 3);
    }
    // With modifiers it costs one byte more.
    expect(encodeEvents(encodeEvent({ type: 'keyDown', key: 'Enter', modifiers: ['shift', 'control'] }, W, H))).toHaveLength(3);
  });

  it('stores an all-zero event of type 0 in 2 bytes (a flags byte and the type as LEB128)', () => {
    const bytes = encodeEvents([{ type: 0, modifiers: 0, code: 0, x: 0, y: 0 }]);
    expect([...bytes]).toEqual([0x00, 0x00]);
  });

  it('lays out the documented bytes for a full event', () => {
    const bytes = encodeEvents([{ type: 0x1234, modifiers: 0x81, code: 0x4000, x: 1, y: -2 }]);
    expect([...bytes]).toEqual([
      0x78, // no inline type; modifiers, code, x and y follow
      0xb4, 0x24, // type 0x1234
      0x81, 0x01, // modifiers 0x81
      0x80, 0x80, 0x01, // code 0x4000
      0x00, 0x00, 0x80, 0x3f, // 1.0f
      0x00, 0x00, 0x00, 0xc0, // -2.0f
    ]);
  });
});

describe('event codec: malformed bytes', () => {
  const where = 'frame 12 (byte 3456) operation 0';

  const cases: { name: string; bytes: number[]; fragment: string; event?: number }[] = [
    { name: 'flag bit 7 set', bytes: [0x80], fragment: 'has an unknown flag bit' },
    { name: 'flag bit 7 set on a later event', bytes: [0x01, 0x81], fragment: 'has an unknown flag bit', event: 1 },
    { name: 'type varint missing', bytes: [0x00], fragment: 'is cut off in its type' },
    { name: 'type varint cut mid-way', bytes: [0x00, 0x80], fragment: 'is cut off in its type' },
    { name: 'modifiers varint cut', bytes: [0x09, 0xff], fragment: 'is cut off in its modifiers' },
    { name: 'code varint cut', bytes: [0x11, 0x80, 0x80], fragment: 'is cut off in its code' },
    { name: 'x float cut (3 of 4 bytes)', bytes: [0x21, 0x00, 0x00, 0x80], fragment: 'is cut off in its x' },
    { name: 'x float missing', bytes: [0x21], fragment: 'is cut off in its x' },
    { name: 'y float cut (1 of 4 bytes)', bytes: [0x41, 0x3f], fragment: 'is cut off in its y' },
    { name: 'y float cut after a whole x', bytes: [0x61, 0, 0, 0x80, 0x3f, 0, 0], fragment: 'is cut off in its y' },
    { name: 'type 0x10000', bytes: [0x00, 0x80, 0x80, 0x04], fragment: 'has a type above 65535' },
    { name: 'type far above u16', bytes: [0x00, 0xff, 0xff, 0xff, 0xff, 0x0f], fragment: 'has a type above 65535' },
    { name: 'modifiers 0x10000', bytes: [0x09, 0x80, 0x80, 0x04], fragment: 'has a modifiers above 65535' },
    { name: 'code 2^32', bytes: [0x11, 0x80, 0x80, 0x80, 0x80, 0x10], fragment: 'has a code above 4294967295' },
    { name: 'code far above u32', bytes: [0x11, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], fragment: 'has a code above 4294967295' },
    { name: 'a valid event, then a cut-off one', bytes: [0x17, 0x61, 0x21, 0x00], fragment: 'is cut off in its x', event: 1 },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      const error = decodeError(c.bytes, where);
      expect(error.code).toBe('E_TRACE_CORRUPT');
      expect(error.message).toContain(where);
      expect(error.message).toContain(`event ${c.event ?? 0} ${c.fragment}`);
    });
  }

  it(`rejects more than MAX_EVENTS_PER_BATCH (${MAX_EVENTS_PER_BATCH}) events`, () => {
    expect(MAX_EVENTS_PER_BATCH).toBe(256);
    expect(decodeEvents(new Uint8Array(256).fill(0x01), where)).toHaveLength(256);
    const error = decodeError(new Uint8Array(257).fill(0x01), where);
    expect(error.code).toBe('E_TRACE_CORRUPT');
    expect(error.message).toContain(where);
    expect(error.message).toContain(`is past the limit of ${MAX_EVENTS_PER_BATCH} events in one batch`);
    // Many more (a hostile batch) fails the same way, at the 257th event.
    expect(decodeError(new Uint8Array(100_000).fill(0x07), where).message).toContain(`event ${MAX_EVENTS_PER_BATCH} is past the limit`);
  });

  it('accepts the largest values of every field', () => {
    const bytes = [0x78, 0xff, 0xff, 0x03, 0xff, 0xff, 0x03, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0x7f, 0x7f, 0xff, 0xff, 0x7f, 0xff];
    const [event] = decodeEvents(Uint8Array.from(bytes), where);
    expect(event!.type).toBe(0xffff);
    expect(event!.modifiers).toBe(0xffff);
    expect(event!.code).toBe(0xffffffff);
    expect(floatToBits(event!.x)).toBe(0x7f7fffff); // the largest finite float32
    expect(floatToBits(event!.y)).toBe(0xff7fffff);
    expect([...encodeEvents([event!])]).toEqual(bytes);
  });

  // Regression test for a bug found by this suite and fixed (src/trace/event_codec.ts, decodeEvents' varint(), lines 72-80): a LEB128 value whose
  // continuation bytes are all 0x80 keeps multiplying `scale` by 128 without limit. After 147
  // such bytes scale is Infinity, the next digit adds 0 * Infinity = NaN to the value, and
  // `NaN > max` is false, so the varint "succeeds" and returns NaN. decodeEvents then returns an
  // event whose type (or modifiers, or code) is NaN instead of throwing E_TRACE_CORRUPT; a trace
  // holding such an events operation opens, and a replay writes type 0 into the ring
  // (DataView.setUint16(NaN) stores 0). Expected: a TraceError for the over-long varint.
  // Repro: decodeEvents(Uint8Array.from([0x00, ...Array(147).fill(0x80), 0x00]), 'x')
  //   -> [{ type: NaN, modifiers: 0, code: 0, x: 0, y: 0 }]
  it('rejects an over-long varint of 0x80 continuation bytes', () => {
    const bytes = Uint8Array.from([0x00, ...new Array<number>(147).fill(0x80), 0x00]);
    let events: RawInputEvent[] | undefined;
    try {
      events = decodeEvents(bytes, where);
    } catch (error) {
      expect(error).toBeInstanceOf(TraceError);
      expect((error as TraceError).code).toBe('E_TRACE_CORRUPT');
      return;
    }
    // Reached only while the bug is there: say what came back.
    expect.fail(`decodeEvents returned ${JSON.stringify(events, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v))}`);
  });

  it('rejects over-long varints in modifiers and code too, and any varint longer than 5 bytes', () => {
    const zeros = new Array<number>(147).fill(0x80);
    expect(() => decodeEvents(Uint8Array.from([0x09, ...zeros, 0x00]), where)).toThrow(/event 0 has an over-long modifiers/);
    expect(() => decodeEvents(Uint8Array.from([0x11, ...zeros, 0x00]), where)).toThrow(/event 0 has an over-long code/);
    // Zero padding that keeps a small value small is still refused past five bytes.
    expect(() => decodeEvents(Uint8Array.from([0x11, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00]), where)).toThrow(/over-long code/);
    expect(decodeEvents(Uint8Array.from([0x11, 0x81, 0x80, 0x80, 0x80, 0x00]), where)[0]!.code).toBe(1);
  });

  it(`either decodes arbitrary bytes or throws a TraceError, never another error (fast-check seed ${SEED}, 3000 runs)`, () => {
    // Random bytes, and random bytes after a valid prefix (so later events are reached too).
    const bytesArb = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc
        .tuple(fc.array(eventArb, { maxLength: 8 }), fc.uint8Array({ minLength: 0, maxLength: 40 }))
        .map(([events, tail]) => Uint8Array.from([...encodeEvents(events.map(toRaw)), ...tail]))
        .filter((b) => b.byteLength <= 300),
    );
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        let events: RawInputEvent[];
        try {
          events = decodeEvents(bytes, 'fuzz');
        } catch (error) {
          if (!(error instanceof TraceError)) throw error; // fast-check reports it with the input
          expect(error.code).toBe('E_TRACE_CORRUPT');
          expect(error.message.startsWith('fuzz: event ')).toBe(true);
          return;
        }
        expect(events.length).toBeLessThanOrEqual(MAX_EVENTS_PER_BATCH);
        for (const e of events) {
          expect(Number.isInteger(e.type) && e.type >= 0 && e.type <= 0xffff).toBe(true);
          expect(Number.isInteger(e.modifiers) && e.modifiers >= 0 && e.modifiers <= 0xffff).toBe(true);
          expect(Number.isInteger(e.code) && e.code >= 0 && e.code <= 0xffffffff).toBe(true);
          expect(Object.is(e.x, Math.fround(e.x)) && Object.is(e.y, Math.fround(e.y))).toBe(true);
        }
        // Whatever decodes re-encodes to something that decodes to the same events.
        const again = decodeEvents(encodeEvents(events), 'fuzz again');
        expect(again.length).toBe(events.length);
        again.forEach((e, i) => {
          const o = events[i]!;
          expect([e.type, e.modifiers, e.code]).toEqual([o.type, o.modifiers, o.code]);
          expect(Object.is(e.x, o.x) && Object.is(e.y, o.y)).toBe(true);
        });
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});

/**
 * Bad input: real recorded traces (fixtures/traces/), mutated by fast-check in thousands of ways,
 * must never crash, hang or allocate without bound when opened and read. Trace.open (plain and
 * with { salvage: true }), every frame, every checkpoint and every checkpoint's inflation either
 * succeeds or throws a TraceError whose code is one of the documented E_TRACE_* codes. Any other
 * exception (TypeError, RangeError, …) fails the test, and fast-check reports the mutation that
 * caused it with its stack.
 *
 * Most byte-level mutations land inside a checksummed payload and are stopped by the CRC, so
 * besides the blind mutations asked for (bit flips, overwrites, truncation, insertion, deletion,
 * duplication, header bytes, huge lengths) there are structure-aware ones that re-frame the record
 * with a correct CRC: payload bytes changed, msgpack values replaced with hostile ones, hostile
 * msgpack extensions and headers, records dropped, repeated, swapped or retyped. Those reach the
 * record decoders, which is where a crash would hide.
 *
 * Every property runs with the fixed seed FUZZ_SEED (printed in each test's name) so a failure
 * replays exactly; fast-check prints the counterexample and its path as well.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TraceError } from '../../src/trace/trace_error.js';
import { Trace } from '../../src/trace/trace_reader.js';

/** 0xf022_7ace = 4028791502. Change it locally to explore; keep it fixed in the repository. */
const FUZZ_SEED = 0xf022_7ace;

const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/traces/', import.meta.url));
const FUZZ_FIXTURES = ['form-hostile', 'form-toggle', 'form-typing', 'inbox-scroll'] as const;
type FixtureName = (typeof FUZZ_FIXTURES)[number];

const TRACE_ERROR_CODES = new Set(['E_TRACE_NOT_A_TRACE', 'E_TRACE_VERSION', 'E_TRACE_CORRUPT', 'E_TRACE_INVALID', 'E_TRACE_TOO_LARGE', 'E_TRACE_IO']);
const PREAMBLE_BYTES = 9; // "GPUOSTRC" and the version byte
const RECORD_TYPE_BYTES = [0x48, 0x46, 0x43, 0x47, 0x45]; // H F C G E
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** One case (opening and reading a mutated trace of at most ~70 KB) taking longer than this is a hang. */
const CASE_TIME_LIMIT_MS = 5000;

// The same msgpack settings the trace format uses (src/trace/trace_records.ts), to take real
// payloads apart and put hostile ones together.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint', moreTypes: false });

// ---------------------------------------------------------------------------------------------
// The fixtures and their record layout, parsed here independently of src/ (an oracle).

interface RecordSpan {
  type: number;
  start: number;
  /** Where the LEB128 length starts and the CRC starts. */
  lengthStart: number;
  crcStart: number;
  payloadStart: number;
  end: number;
}

interface Fixture {
  name: FixtureName;
  bytes: Uint8Array;
  records: RecordSpan[];
  /** What the reader must report for the untouched file. */
  frames: number;
  checkpoints: number;
  goldens: number;
  pristinePath: string;
}

function parseRecords(bytes: Uint8Array): RecordSpan[] {
  const records: RecordSpan[] = [];
  let p = PREAMBLE_BYTES;
  while (p < bytes.byteLength) {
    const type = bytes[p]!;
    let q = p + 1;
    let length = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[q++]!;
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    records.push({ type, start: p, lengthStart: p + 1, crcStart: q, payloadStart: q + 4, end: q + 4 + length });
    p = q + 4 + length;
  }
  if (p !== bytes.byteLength) throw new Error('fixture does not end on a record boundary');
  return records;
}

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

/** A record framed with a correct CRC (type byte, LEB128 length, CRC-32 LE, payload). */
function frameRecord(type: number, payload: Uint8Array): Uint8Array {
  const crc = crc32(payload, crc32(Uint8Array.of(type)));
  const head = [type, ...leb128(payload.byteLength), crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24];
  const out = new Uint8Array(head.length + payload.byteLength);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

function payloadOf(fixture: Fixture, record: RecordSpan): Uint8Array {
  return fixture.bytes.subarray(record.payloadStart, record.end);
}

function recordBytes(fixture: Fixture, record: RecordSpan): Uint8Array {
  return fixture.bytes.subarray(record.start, record.end);
}

/** Rebuilds the file from (possibly replaced) records. */
function rebuild(fixture: Fixture, records: readonly Uint8Array[]): Uint8Array {
  return concat([fixture.bytes.subarray(0, PREAMBLE_BYTES), ...records]);
}

// ---------------------------------------------------------------------------------------------
// Temp files.

let workDir = '';
let casePath = '';
const fixtures = new Map<FixtureName, Fixture>();

function fixture(name: FixtureName): Fixture {
  return fixtures.get(name)!;
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'gpuos-trace-fuzz-'));
  casePath = join(workDir, 'case.gtrace');
  for (const name of FUZZ_FIXTURES) {
    const bytes = new Uint8Array(readFileSync(join(FIXTURE_DIR, `${name}.gtrace`)));
    const records = parseRecords(bytes);
    const pristinePath = join(workDir, `pristine-${name}.gtrace`);
    writeFileSync(pristinePath, bytes);
    fixtures.set(name, {
      name,
      bytes,
      records,
      frames: records.filter((r) => r.type === 0x46).length,
      checkpoints: records.filter((r) => r.type === 0x43).length,
      goldens: records.filter((r) => r.type === 0x47).length,
      pristinePath,
    });
  }
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  expect(workDir === '' || !existsSync(workDir)).toBe(true);
});

/** Open file descriptors of this process (Linux), to prove no failed open leaks one. */
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The check: open and read everything, accepting only success or a TraceError.

interface Outcome {
  opened: boolean;
  code?: string;
  frameCount?: number;
  checkpoints?: number;
  complete?: boolean;
  damage?: string | undefined;
  inflateErrors?: number;
}

/** Rethrows anything that is not a proper TraceError (fast-check then reports it and the input). */
function acceptTraceError(error: unknown, fileBytes: number, what: string): TraceError {
  if (!(error instanceof TraceError)) {
    if (error instanceof Error) error.message = `${what} threw a ${error.constructor.name}, not a TraceError: ${error.message}`;
    throw error;
  }
  if (!error.code.startsWith('E_TRACE_') || !TRACE_ERROR_CODES.has(error.code)) throw new Error(`${what}: TraceError with undocumented code ${error.code}: ${error.message}`, { cause: error });
  if (typeof error.message !== 'string' || error.message.length === 0) throw new Error(`${what}: TraceError ${error.code} without a message`);
  if (error.offset !== undefined && !(Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= fileBytes)) {
    throw new Error(`${what}: TraceError ${error.code} with offset ${error.offset} outside the ${fileBytes}-byte file: ${error.message}`);
  }
  return error;
}

function exercise(path: string, fileBytes: number, salvage: boolean): Outcome {
  const label = salvage ? 'Trace.open(salvage)' : 'Trace.open';
  let trace: Trace;
  try {
    trace = Trace.open(path, { salvage });
  } catch (error) {
    return { opened: false, code: acceptTraceError(error, fileBytes, label).code };
  }
  let inflateErrors = 0;
  try {
    expect(Number.isInteger(trace.frameCount) && trace.frameCount >= 0).toBe(true);
    expect(trace.trailingBytes).toBeGreaterThanOrEqual(0);
    expect(trace.trailingBytes).toBeLessThanOrEqual(fileBytes);
    // A complete trace's end record agrees with its frames (salvage never keeps an end record it
    // rejected: see 'salvage keeps an end record it rejected' below).
    if (trace.complete) expect(trace.end!.frames).toBe(trace.frameCount);
    if (!salvage) expect(trace.damage).toBeUndefined();
    // The scan decoded and checksummed every indexed frame and checkpoint already, and the file
    // has not changed: reading them again must not fail at all, let alone with another error.
    for (let i = 0; i < trace.frameCount; i++) {
      let frame;
      try {
        frame = trace.frame(i);
      } catch (error) {
        acceptTraceError(error, fileBytes, `frame(${i})`);
        throw new Error(`frame(${i}) of an opened trace failed after the scan accepted it: ${(error as Error).message}`, { cause: error });
      }
      expect(frame.index).toBe(i);
    }
    for (const entry of trace.checkpoints) {
      expect(entry.frame).toBeLessThan(trace.frameCount);
      let checkpoint;
      try {
        checkpoint = trace.checkpoint(entry);
      } catch (error) {
        acceptTraceError(error, fileBytes, `checkpoint(${entry.frame})`);
        throw new Error(`checkpoint(${entry.frame}) of an opened trace failed after the scan accepted it: ${(error as Error).message}`, { cause: error });
      }
      // The compressed memory is not inflated by the scan: a TraceError is allowed here.
      try {
        const memory = trace.inflateCheckpoint(checkpoint);
        expect(memory.pixels.byteLength).toBe(trace.header.config.width * trace.header.config.height * 4);
      } catch (error) {
        acceptTraceError(error, fileBytes, `inflateCheckpoint(${entry.frame})`);
        inflateErrors++;
      }
    }
    return { opened: true, frameCount: trace.frameCount, checkpoints: trace.checkpoints.length, complete: trace.complete, damage: trace.damage, inflateErrors };
  } finally {
    trace.close();
  }
}

/** Per mutation kind: cases, and how they ended (for the summary printed after each property). */
const stats = new Map<string, Map<string, number>>();
function count(kind: string, result: string): void {
  const byResult = stats.get(kind) ?? new Map<string, number>();
  byResult.set(result, (byResult.get(result) ?? 0) + 1);
  stats.set(kind, byResult);
}
let totalCases = 0;

/** Writes the mutated bytes, runs both opens, and checks the invariants between them. */
function check(kind: string, source: Fixture, bytes: Uint8Array): void {
  writeFileSync(casePath, bytes);
  const started = performance.now();
  const plain = exercise(casePath, bytes.byteLength, false);
  const salvaged = exercise(casePath, bytes.byteLength, true);
  const elapsed = performance.now() - started;
  if (elapsed > CASE_TIME_LIMIT_MS) throw new Error(`one case took ${elapsed.toFixed(0)} ms (limit ${CASE_TIME_LIMIT_MS} ms): a hang`);
  if (plain.opened) {
    // Salvage only changes what happens at damage; an undamaged file reads the same.
    expect(salvaged).toEqual(plain);
  }
  // Whatever failed, the reader still reads the untouched fixture exactly as before (no shared
  // state, e.g. in the msgpack decoder, was left broken by the hostile input).
  const again = exercise(source.pristinePath, source.bytes.byteLength, false);
  expect(again).toEqual({ opened: true, frameCount: source.frames, checkpoints: source.checkpoints, complete: true, damage: undefined, inflateErrors: 0 });
  count(kind, plain.opened ? (plain.complete ? 'opened complete' : 'opened cut off') : (plain.code ?? '?'));
  count(kind, salvaged.opened ? (salvaged.damage !== undefined ? 'salvage: opened damaged' : 'salvage: opened') : `salvage: ${salvaged.code}`);
  totalCases++;
}

function summary(kind: string): string {
  const byResult = stats.get(kind);
  if (!byResult) return `${kind}: no cases`;
  return `${kind}: ${[...byResult].map(([k, v]) => `${k} ${v}`).join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries. Positions are generated as plain numbers and taken modulo the file's size when
// applied, so one mutation shape serves every fixture (and shrinks well).

const fixtureArb = fc.constantFrom(...FUZZ_FIXTURES);
const position = fc.nat({ max: 0x7fffffff });
const at = (n: number, size: number): number => (size === 0 ? 0 : n % size);

function runProperty<T>(kind: string, arb: fc.Arbitrary<T>, numRuns: number, apply: (value: T) => { source: Fixture; bytes: Uint8Array }): void {
  const fdsBefore = openFds();
  fc.assert(
    fc.property(arb, (value) => {
      const { source, bytes } = apply(value);
      check(kind, source, bytes);
    }),
    { seed: FUZZ_SEED, numRuns },
  );
  const fdsAfter = openFds();
  if (fdsBefore !== undefined && fdsAfter !== undefined) expect(fdsAfter, 'file descriptors leaked').toBeLessThanOrEqual(fdsBefore);
  console.log(summary(kind));
}

/** A JavaScript value msgpack can carry, chosen to sit at or past every limit the decoders check. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, -0, 1, 2, 255, 256, 0xffff, 0x10000, 0xffffffff, 0x100000000, 60_000_001, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1.5, NaN, Infinity, -Infinity,
    '', '0', '18446744073709551616', '__proto__', 'constructor', 'x'.repeat(5000), '#fff', 'button', 'column',
    [], [0], [0, 1, 2], [[0, new Uint8Array(4)]], [0, new Uint8Array([0x80])], [2, 0, new Uint8Array(8)], [1, null, null], [1, -1, 2 ** 40],
    {}, { kind: 'column' }, { root: { kind: 'column', children: [] } }, { __proto__x: 1 },
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.array(fc.oneof(fc.integer(), fc.uint8Array({ maxLength: 8 }), fc.constant(null)), { maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxKeys: 4 }),
  fc.integer({ min: 1, max: 3000 }).map((n) => new Array<number>(n).fill(0)),
  fc.integer({ min: 1, max: 200 }).map((depth) => {
    let v: unknown = 0;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
);

/** Paths to every value in a decoded payload (arrays: their first 4 and last items). */
function valuePaths(value: unknown, prefix: (string | number)[] = [], depth = 0, out: (string | number)[][] = []): (string | number)[][] {
  if (depth > 8 || out.length > 400) return out;
  if (Array.isArray(value)) {
    const indexes = new Set([0, 1, 2, 3, value.length - 1].filter((i) => i >= 0 && i < value.length));
    for (const i of indexes) {
      out.push([...prefix, i]);
      valuePaths(value[i], [...prefix, i], depth + 1, out);
    }
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      valuePaths((value as Record<string, unknown>)[key], [...prefix, key], depth + 1, out);
    }
  }
  return out;
}

function containerAt(root: unknown, path: readonly (string | number)[]): Record<string | number, unknown> {
  let v = root;
  for (const key of path) v = (v as Record<string | number, unknown>)[key];
  return v as Record<string | number, unknown>;
}

/** Raw msgpack that is valid at most in its header: extensions, huge declared sizes, deep nesting. */
const hostileRaw: fc.Arbitrary<number[]> = fc.oneof(
  // An extension of a type msgpackr knows (bigint, error, structured-clone ids and pointers, Set,
  // typed arrays, RegExp, string bundles, timestamps, records) or not, with random contents and
  // random bytes after it (some extensions read the value that follows).
  fc
    .record({
      type: fc.oneof(fc.constantFrom(0x00, 0x42, 0x52, 0x62, 0x65, 0x69, 0x70, 0x72, 0x73, 0x74, 0x78, 0xff, 0xfe), fc.integer({ min: 0, max: 255 })),
      data: fc.uint8Array({ maxLength: 16 }),
      tail: fc.uint8Array({ maxLength: 24 }),
      fixed: fc.boolean(),
    })
    .map(({ type, data, fixed, tail }) => {
      if (fixed) {
        const sizes = [1, 2, 4, 8, 16];
        const size = sizes.find((s) => s >= data.byteLength) ?? 16;
        const body = [...data, ...new Array<number>(size).fill(0)].slice(0, size);
        return [0xd4 + sizes.indexOf(size), type, ...body, ...tail];
      }
      return [0xc7, data.byteLength, type, ...data, ...tail];
    }),
  // Declared sizes far past the payload: str32, bin32, array32, map32, ext32.
  fc
    .record({ head: fc.constantFrom(0xdb, 0xc6, 0xdd, 0xdf, 0xc9, 0xda, 0xc5, 0xdc, 0xde), size: fc.constantFrom(0xffffffff, 0x7fffffff, 0x10000000, 65536, 1000), tail: fc.uint8Array({ maxLength: 16 }) })
    .map(({ head, size, tail }) => {
      const wide = head === 0xdb || head === 0xc6 || head === 0xdd || head === 0xdf || head === 0xc9;
      const sizeBytes = wide ? [size >>> 24, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff] : [(size >>> 8) & 0xff, size & 0xff];
      return [head, ...sizeBytes, ...(head === 0xc9 ? [0x74] : []), ...tail];
    }),
  // Deep nesting: fixarrays or fixmaps of one, thousands deep.
  fc.record({ depth: fc.integer({ min: 1, max: 20000 }), map: fc.boolean() }).map(({ depth, map }) => {
    const out: number[] = [];
    for (let i = 0; i < depth; i++) out.push(...(map ? [0x81, 0xa1, 0x61] : [0x91]));
    out.push(0x00);
    return out;
  }),
  // Anything.
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 32 }),
);

/** A fixmap of the given entries, each value as raw msgpack (keys are the format's short names). */
function rawMap(entries: readonly [string, Uint8Array | number[]][]): Uint8Array {
  const out: number[] = [];
  if (entries.length < 16) out.push(0x80 | entries.length);
  else out.push(0xde, entries.length >> 8, entries.length & 0xff);
  for (const [key, value] of entries) {
    const k = Buffer.from(key, 'utf8');
    if (k.byteLength < 32) out.push(0xa0 | k.byteLength, ...k);
    else out.push(0xd9, k.byteLength, ...k);
    out.push(...value);
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------

describe('trace fuzz: mutated fixture traces never crash the reader', () => {
  it(`flips 1-8 random bits (seed ${FUZZ_SEED}, 700 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, bits: fc.array(fc.record({ at: position, bit: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 8 }) });
    runProperty('flip bits', arb, 700, ({ file, bits }) => {
      const source = fixture(file);
      const bytes = source.bytes.slice();
      for (const b of bits) bytes[at(b.at, bytes.byteLength)]! ^= 1 << b.bit;
      return { source, bytes };
    });
  });

  it(`overwrites a random range with random bytes (seed ${FUZZ_SEED}, 400 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, at: position, data: fc.uint8Array({ minLength: 1, maxLength: 64 }) });
    runProperty('overwrite', arb, 400, ({ file, at: where, data }) => {
      const source = fixture(file);
      const bytes = source.bytes.slice();
      const start = at(where, bytes.byteLength);
      bytes.set(data.subarray(0, bytes.byteLength - start), start);
      return { source, bytes };
    });
  });

  it(`truncates at a random length (seed ${FUZZ_SEED}, 300 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, length: position });
    runProperty('truncate', arb, 300, ({ file, length }) => {
      const source = fixture(file);
      return { source, bytes: source.bytes.slice(0, at(length, source.bytes.byteLength + 1)) };
    });
  });

  it(`inserts random bytes at a random position (seed ${FUZZ_SEED}, 300 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, at: position, data: fc.uint8Array({ minLength: 1, maxLength: 64 }) });
    runProperty('insert', arb, 300, ({ file, at: where, data }) => {
      const source = fixture(file);
      const i = at(where, source.bytes.byteLength + 1);
      return { source, bytes: concat([source.bytes.subarray(0, i), data, source.bytes.subarray(i)]) };
    });
  });

  it(`deletes a random range (seed ${FUZZ_SEED}, 300 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, at: position, length: fc.integer({ min: 1, max: 2000 }) });
    runProperty('delete', arb, 300, ({ file, at: where, length }) => {
      const source = fixture(file);
      const i = at(where, source.bytes.byteLength);
      return { source, bytes: concat([source.bytes.subarray(0, i), source.bytes.subarray(i + length)]) };
    });
  });

  it(`duplicates a range somewhere else (seed ${FUZZ_SEED}, 300 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, from: position, length: fc.integer({ min: 1, max: 4000 }), to: position });
    runProperty('duplicate range', arb, 300, ({ file, from, length, to }) => {
      const source = fixture(file);
      const start = at(from, source.bytes.byteLength);
      const copy = source.bytes.slice(start, start + length);
      const i = at(to, source.bytes.byteLength + 1);
      return { source, bytes: concat([source.bytes.subarray(0, i), copy, source.bytes.subarray(i)]) };
    });
  });

  it(`sets bytes of the first 40 (magic, version, header framing) (seed ${FUZZ_SEED}, 400 runs)`, () => {
    const arb = fc.record({
      file: fixtureArb,
      writes: fc.array(fc.record({ at: fc.integer({ min: 0, max: 39 }), value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 2, 0x7f, 0x80, 0xff, ...RECORD_TYPE_BYTES)) }), { minLength: 1, maxLength: 3 }),
    });
    runProperty('header bytes', arb, 400, ({ file, writes }) => {
      const source = fixture(file);
      const bytes = source.bytes.slice();
      for (const w of writes) bytes[w.at] = w.value;
      return { source, bytes };
    });
  });

  it(`writes a huge LEB128 length at a record boundary (seed ${FUZZ_SEED}, 300 runs)`, () => {
    const lengths: number[][] = [
      [0xff, 0xff, 0xff, 0xff, 0x0f], // 2^32 - 1: past the limit
      [0xff, 0xff, 0xff, 0xff, 0x7f], // 2^35 - 1
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // six bytes: malformed
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // ten bytes
      leb128(MAX_RECORD_BYTES), // at the limit, but past the end of the file
      leb128(MAX_RECORD_BYTES + 1),
      leb128(0x7fffffff),
      [0xff], // an unfinished length
    ];
    const arb = fc.record({ file: fixtureArb, record: position, length: fc.constantFrom(...lengths), replace: fc.boolean() });
    runProperty('huge length', arb, 300, ({ file, record, length, replace }) => {
      const source = fixture(file);
      const r = source.records[at(record, source.records.length)]!;
      const bytes = replace
        ? // the record's own length bytes replaced (everything after shifts)
          concat([source.bytes.subarray(0, r.lengthStart), Uint8Array.from(length), source.bytes.subarray(r.crcStart)])
        : // written over whatever follows the type byte
          (() => {
            const b = source.bytes.slice();
            b.set(Uint8Array.from(length).subarray(0, b.byteLength - r.lengthStart), r.lengthStart);
            return b;
          })();
      return { source, bytes };
    });
  });

  it(`changes a record's payload bytes and fixes its CRC (seed ${FUZZ_SEED}, 700 runs)`, () => {
    const arb = fc.record({
      file: fixtureArb,
      record: position,
      edit: fc.oneof(
        fc.record({ op: fc.constant('flip' as const), bits: fc.array(fc.record({ at: position, bit: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 4 }) }),
        fc.record({ op: fc.constant('overwrite' as const), at: position, data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
        fc.record({ op: fc.constant('truncate' as const), at: position }),
        fc.record({ op: fc.constant('insert' as const), at: position, data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
        fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
      ),
    });
    runProperty('payload edit, CRC fixed', arb, 700, ({ file, record, edit }) => {
      const source = fixture(file);
      const index = at(record, source.records.length);
      const r = source.records[index]!;
      const original = payloadOf(source, r);
      let payload: Uint8Array;
      const i = at(edit.op === 'flip' ? 0 : edit.at, original.byteLength);
      switch (edit.op) {
        case 'flip':
          payload = original.slice();
          for (const b of edit.bits) payload[at(b.at, payload.byteLength)]! ^= 1 << b.bit;
          break;
        case 'overwrite':
          payload = original.slice();
          payload.set(edit.data.subarray(0, payload.byteLength - i), i);
          break;
        case 'truncate':
          payload = original.slice(0, i);
          break;
        case 'insert':
          payload = concat([original.subarray(0, i), edit.data, original.subarray(i)]);
          break;
        case 'delete':
          payload = concat([original.subarray(0, i), original.subarray(i + edit.length)]);
          break;
      }
      const records = source.records.map((rec, k) => (k === index ? frameRecord(rec.type, payload) : recordBytes(source, rec)));
      return { source, bytes: rebuild(source, records) };
    });
  });

  it(`replaces a msgpack value of a record with a hostile one, CRC fixed (seed ${FUZZ_SEED}, 700 runs)`, () => {
    const arb = fc.record({
      file: fixtureArb,
      record: position,
      path: position,
      op: fc.constantFrom('set', 'set', 'set', 'delete', 'add key'),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'x', 'o', 's', 'children', 'root', 'kind'), fc.string({ maxLength: 6 })),
      value: hostileValue,
    });
    runProperty('msgpack value, CRC fixed', arb, 700, ({ file, record, path, op, key, value }) => {
      const source = fixture(file);
      const index = at(record, source.records.length);
      const r = source.records[index]!;
      const decoded = packr.unpack(payloadOf(source, r)) as unknown;
      const paths = valuePaths(decoded);
      let mutated: unknown = decoded;
      if (paths.length === 0) {
        mutated = value;
      } else {
        const target = paths[at(path, paths.length)]!;
        const parent = containerAt(decoded, target.slice(0, -1));
        const last = target[target.length - 1]!;
        if (op === 'set') parent[last] = value;
        else if (op === 'delete') {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else if (Array.isArray(parent)) parent.push(value);
        else Object.defineProperty(parent, key, { value, enumerable: true, configurable: true, writable: true });
      }
      const payload = packr.pack(mutated);
      const records = source.records.map((rec, k) => (k === index ? frameRecord(rec.type, payload) : recordBytes(source, rec)));
      return { source, bytes: rebuild(source, records) };
    });
  });

  it(`puts hostile raw msgpack (extensions, huge sizes, deep nesting) in a record's field, CRC fixed (seed ${FUZZ_SEED}, 500 runs)`, () => {
    const arb = fc.record({ file: fixtureArb, record: position, field: position, raw: hostileRaw });
    runProperty('hostile msgpack field, CRC fixed', arb, 500, ({ file, record, field, raw }) => {
      const source = fixture(file);
      const index = at(record, source.records.length);
      const r = source.records[index]!;
      const decoded = packr.unpack(payloadOf(source, r)) as Record<string, unknown>;
      const keys = Object.keys(decoded);
      const target = keys[at(field, keys.length)];
      const payload = rawMap(keys.map((k) => [k, k === target ? raw : packr.pack(decoded[k])]));
      const records = source.records.map((rec, k) => (k === index ? frameRecord(rec.type, payload) : recordBytes(source, rec)));
      return { source, bytes: rebuild(source, records) };
    });
  });

  it(`drops, repeats, swaps or retypes whole records, CRCs fixed (seed ${FUZZ_SEED}, 500 runs)`, () => {
    const arb = fc.record({
      file: fixtureArb,
      op: fc.constantFrom('drop', 'repeat', 'swap', 'move', 'retype'),
      a: position,
      b: position,
      type: fc.oneof(fc.constantFrom(...RECORD_TYPE_BYTES), fc.integer({ min: 0, max: 255 })),
    });
    runProperty('records reordered, CRCs fixed', arb, 500, ({ file, op, a, b, type }) => {
      const source = fixture(file);
      const records = source.records.map((rec) => recordBytes(source, rec));
      const i = at(a, records.length);
      const j = at(b, records.length);
      switch (op) {
        case 'drop':
          records.splice(i, 1);
          break;
        case 'repeat':
          records.splice(j, 0, records[i]!);
          break;
        case 'swap':
          [records[i], records[j]] = [records[j]!, records[i]!];
          break;
        case 'move':
          records.splice(j, 0, ...records.splice(i, 1));
          break;
        case 'retype':
          records[i] = frameRecord(type, payloadOf(source, source.records[i]!));
          break;
      }
      return { source, bytes: rebuild(source, records) };
    });
  });

  it('ran thousands of cases in all', () => {
    // Runs after the properties above (vitest keeps a file's tests in order).
    console.log(`trace fuzz: ${totalCases} mutated traces, each opened plainly and with salvage`);
    expect(totalCases).toBeGreaterThanOrEqual(3000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('trace fuzz: deterministic cases', () => {
  it('opens every truncation of form-hostile.gtrace (0..size bytes) as a cut-off recording', () => {
    const source = fixture('form-hostile');
    const size = source.bytes.byteLength;
    const headerEnd = source.records[0]!.end;
    expect(source.records[0]!.type).toBe(0x48);
    let previousFrames = 0;
    let opened = 0;
    const fdsBefore = openFds();
    for (let cut = 0; cut <= size; cut++) {
      const bytes = source.bytes.subarray(0, cut);
      writeFileSync(casePath, bytes);
      // The records wholly inside the first `cut` bytes, from the independent parse above.
      const whole = source.records.filter((r) => r.end <= cut);
      const lastEnd = whole.length > 0 ? whole[whole.length - 1]!.end : Math.min(cut, PREAMBLE_BYTES);
      for (const salvage of [false, true]) {
        let trace: Trace;
        try {
          trace = Trace.open(casePath, { salvage });
        } catch (error) {
          const e = acceptTraceError(error, cut, `Trace.open of the first ${cut} bytes`);
          // Only a file cut before its header record is complete may fail to open.
          expect(cut, `cut at ${cut} threw ${e.code}: ${e.message}`).toBeLessThan(headerEnd);
          expect(e.code).toBe(cut < 8 ? 'E_TRACE_NOT_A_TRACE' : 'E_TRACE_INVALID');
          continue;
        }
        try {
          expect(cut, `cut at ${cut} opened`).toBeGreaterThanOrEqual(headerEnd);
          expect(trace.frameCount, `frames at cut ${cut}`).toBe(whole.filter((r) => r.type === 0x46).length);
          expect(trace.checkpoints.length).toBe(whole.filter((r) => r.type === 0x43).length);
          expect(trace.goldens.length).toBe(whole.filter((r) => r.type === 0x47).length);
          expect(trace.trailingBytes, `trailing bytes at cut ${cut}`).toBe(cut - lastEnd);
          expect(trace.complete, `complete at cut ${cut}`).toBe(cut === size);
          expect(trace.damage).toBeUndefined();
          expect(trace.fileBytes).toBe(cut);
          expect(trace.frameCount).toBeGreaterThanOrEqual(previousFrames);
          if (!salvage) {
            previousFrames = trace.frameCount;
            opened++;
          }
          // The last readable frame reads (cheap enough to do for every cut).
          if (trace.frameCount > 0) expect(trace.frame(trace.frameCount - 1).index).toBe(trace.frameCount - 1);
        } finally {
          trace.close();
        }
      }
    }
    expect(previousFrames).toBe(source.frames);
    expect(opened).toBe(size + 1 - headerEnd);
    const fdsAfter = openFds();
    if (fdsBefore !== undefined && fdsAfter !== undefined) expect(fdsAfter).toBeLessThanOrEqual(fdsBefore);
  });

  it('refuses a length past MAX_RECORD_BYTES at every record boundary, before allocating it', () => {
    const source = fixture('form-typing');
    for (const [index, r] of source.records.entries()) {
      for (const [length, expected] of [
        [[0xff, 0xff, 0xff, 0x7f], 'E_TRACE_TOO_LARGE'], // the longest length a record may spell
        [[0xff, 0xff, 0xff, 0xff, 0x0f], 'E_TRACE_CORRUPT'], // five bytes: malformed
        [leb128(MAX_RECORD_BYTES + 1), 'E_TRACE_TOO_LARGE'],
        [[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'E_TRACE_CORRUPT'],
      ] as const) {
        const bytes = concat([source.bytes.subarray(0, r.lengthStart), Uint8Array.from(length), source.bytes.subarray(r.crcStart)]);
        writeFileSync(casePath, bytes);
        const buffersBefore = process.memoryUsage().arrayBuffers;
        let code: string | undefined;
        try {
          Trace.open(casePath).close();
        } catch (error) {
          code = acceptTraceError(error, bytes.byteLength, 'Trace.open').code;
        }
        expect(code, `record ${index}`).toBe(expected);
        // Nothing near the declared size was allocated (the whole file is ~12 KB).
        expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 * 1024 * 1024);
        // With salvage, the records before the damaged one are read (the header cannot be salvaged).
        if (index === 0) {
          expect(() => Trace.open(casePath, { salvage: true })).toThrow(TraceError);
        } else {
          const trace = Trace.open(casePath, { salvage: true });
          try {
            expect(trace.damage).toBeDefined();
            expect(trace.frameCount).toBe(source.records.slice(0, index).filter((x) => x.type === 0x46).length);
            expect(trace.complete).toBe(false);
            expect(trace.trailingBytes).toBe(bytes.byteLength - r.start);
          } finally {
            trace.close();
          }
        }
      }
    }
  });

  it('reads a length at the limit but past the end of the file as a cut-off recording, without allocating it', () => {
    const source = fixture('form-typing');
    const r = source.records[3]!; // a frame after the first checkpoint
    const bytes = concat([source.bytes.subarray(0, r.lengthStart), Uint8Array.from(leb128(MAX_RECORD_BYTES)), source.bytes.subarray(r.crcStart)]);
    writeFileSync(casePath, bytes);
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const trace = Trace.open(casePath);
    try {
      expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 * 1024 * 1024);
      expect(trace.complete).toBe(false);
      expect(trace.frameCount).toBe(source.records.slice(0, 3).filter((x) => x.type === 0x46).length);
      expect(trace.trailingBytes).toBe(bytes.byteLength - r.start);
    } finally {
      trace.close();
    }
  });

  // Regression test for a bug found by this suite and fixed (src/trace/trace_reader.ts, scan(), the 'end' branch, ~line 319): `end = decodeEnd(...)`
  // is assigned before the frame-count check throws. Plain open rethrows, but with salvage the
  // catch records `damage` and breaks with `end` still set, so the salvaged trace says
  // complete === true and end.frames (7) disagrees with frameCount (8), while damage says the
  // end record was rejected and trailingBytes counts the end record as not read (24 bytes).
  // Expected: complete false / end undefined whenever the end record is the damage.
  // Repro: form-hostile.gtrace with its 4th record (frame 1, bytes 10397-10551) written twice;
  // Trace.open(path) throws E_TRACE_INVALID "the end record says 7 frames but the file holds 8";
  // Trace.open(path, { salvage: true }) -> { complete: true, end.frames: 7, frameCount: 8, damage: <that message> }.
  it('salvage does not keep an end record it rejected', () => {
    const source = fixture('form-hostile');
    const r = source.records[3]!;
    expect(r.type).toBe(0x46);
    const bytes = concat([source.bytes.subarray(0, r.end), recordBytes(source, r), source.bytes.subarray(r.end)]);
    writeFileSync(casePath, bytes);
    expect(() => Trace.open(casePath)).toThrow(expect.objectContaining({ code: 'E_TRACE_INVALID', message: expect.stringContaining('the end record says 7 frames but the file holds 8') }));
    const trace = Trace.open(casePath, { salvage: true });
    try {
      expect(trace.frameCount).toBe(8);
      expect(trace.damage).toContain('the end record says 7 frames');
      expect(trace.complete).toBe(false);
      expect(trace.end).toBeUndefined();
    } finally {
      trace.close();
    }
  });

  /** form-typing.gtrace with one record's msgpack payload changed (and its CRC fixed). */
  function withRecordChanged(recordIndex: number, change: (decoded: Record<string, unknown>) => void): Uint8Array {
    const source = fixture('form-typing');
    const r = source.records[recordIndex]!;
    const decoded = packr.unpack(payloadOf(source, r)) as Record<string, unknown>;
    change(decoded);
    return rebuild(source, source.records.map((rec, k) => (k === recordIndex ? frameRecord(rec.type, packr.pack(decoded)) : recordBytes(source, rec))));
  }

  it('refuses a checkpoint whose memory inflates past its size (a zlib bomb), without inflating it all', () => {
    const source = fixture('form-typing');
    const index = source.records.findIndex((r) => r.type === 0x43);
    const bomb = deflateSync(Buffer.alloc(32 * 1024 * 1024)); // 32 MiB of zeros in ~32 KB
    for (const [field, bytes] of [
      ['p', bomb],
      ['s', bomb],
      ['k', bomb],
      ['p', new Uint8Array(0)],
      ['s', Uint8Array.from([1, 2, 3, 4, 5])],
      ['k', deflateSync(Buffer.alloc(7))],
    ] as const) {
      writeFileSync(casePath, withRecordChanged(index, (d) => (d[field] = bytes)));
      const trace = Trace.open(casePath);
      try {
        expect(trace.checkpoints).toHaveLength(1);
        const checkpoint = trace.checkpoint(trace.checkpoints[0]!);
        const buffersBefore = process.memoryUsage().arrayBuffers;
        let code: string | undefined;
        try {
          trace.inflateCheckpoint(checkpoint);
        } catch (error) {
          code = acceptTraceError(error, readFileSync(casePath).byteLength, `inflateCheckpoint with a bad '${field}'`).code;
        }
        expect(code, `field ${field} of ${bytes.byteLength} bytes`).toBe('E_TRACE_CORRUPT');
        expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 * 1024 * 1024);
      } finally {
        trace.close();
      }
    }
  });

  // Regression test for a bug found by this suite and fixed (src/trace/event_codec.ts, decodeEvents' varint(), ~lines 72-80), reached through a
  // trace file: a LEB128 of 147 0x80 bytes and then 0x00 makes `scale` Infinity and the value
  // 0 * Infinity = NaN, which passes the `value > max` check. So a frame whose events operation
  // holds such a type opens without error, and frame(i) returns an event with type NaN.
  // Expected: Trace.open throws E_TRACE_CORRUPT naming the frame and operation.
  // Repro: form-typing.gtrace, record 11 (frame 8; 'o' = [[0, <17 58>]]), events bytes replaced by
  // [0x00, 0x80 x 147, 0x00] and the CRC recomputed; Trace.open(path).frame(8).operations[0].events[0].type is NaN.
  it('refuses a trace whose events hold an over-long varint', () => {
    const nanType = Uint8Array.from([0x00, ...new Array<number>(147).fill(0x80), 0x00]);
    const source = fixture('form-typing');
    const index = 11;
    expect(source.records[index]!.type).toBe(0x46);
    writeFileSync(casePath, withRecordChanged(index, (d) => (d['o'] = [[0, nanType]])));
    let trace: Trace | undefined;
    try {
      trace = Trace.open(casePath);
    } catch (error) {
      expect(acceptTraceError(error, readFileSync(casePath).byteLength, 'Trace.open').code).toBe('E_TRACE_CORRUPT');
      return;
    }
    try {
      const frameIndex = source.records.slice(0, index).filter((r) => r.type === 0x46).length;
      const operation = trace.frame(frameIndex).operations[0]!;
      expect.fail(`opened; frame ${frameIndex} has ${JSON.stringify(operation, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v))}`);
    } finally {
      trace.close();
    }
  });

  // Regression test for a bug found by this suite and fixed (src/trace/trace_reader.ts, scan(): parseRecordHead returning 'incomplete' breaks out of
  // the loop before the `if (end)` check): bytes after the end record are refused when they are
  // a whole record ("a frame record follows the end record") or start with an unknown type byte
  // (E_TRACE_CORRUPT), but accepted when they are the start of a record: the trace then opens
  // with complete === true and trailingBytes > 0, although a writer never appends anything
  // after the end record (TraceWriter.close writes it last).
  // Expected: E_TRACE_CORRUPT for anything after the end record (or at least complete false).
  // Repro: form-typing.gtrace + one byte 0x46 -> opens, complete true, trailingBytes 1;
  //        form-typing.gtrace + one byte 0x00 -> E_TRACE_CORRUPT "unknown record type 0x00".
  it('refuses a partial record after the end record', () => {
    const source = fixture('form-typing');
    writeFileSync(casePath, concat([source.bytes, Uint8Array.of(0x00)]));
    expect(() => Trace.open(casePath)).toThrow(expect.objectContaining({ code: 'E_TRACE_CORRUPT' }));
    for (const tail of [[0x46], [0x45, 0x05], [0x47, 0x10, 0x01, 0x02]]) {
      writeFileSync(casePath, concat([source.bytes, Uint8Array.from(tail)]));
      let opened: { complete: boolean; trailingBytes: number } | undefined;
      try {
        const trace = Trace.open(casePath);
        opened = { complete: trace.complete, trailingBytes: trace.trailingBytes };
        trace.close();
      } catch (error) {
        acceptTraceError(error, readFileSync(casePath).byteLength, 'Trace.open');
      }
      expect(opened, `tail ${Buffer.from(tail).toString('hex')} opened as ${JSON.stringify(opened)}`).toBeUndefined();
    }
  });

  // Regression test for a bug found by this suite and fixed (src/trace/trace_records.ts, decodeFrame: `runs` is only checked for an even length)
  // against docs/TRACE_FORMAT.md "Reading untrusted files", which says Trace.open checks "every
  // value in every record (E_TRACE_INVALID): ... tracked-state runs inside the tracked memory".
  // Nothing checks the runs' items when a trace is opened or a frame read (only applyRuns does,
  // during a replay), so FrameRecord.stateRuns, typed (number | Uint8Array)[], can hold strings,
  // negative gaps or runs a gigabyte outside the state.
  // Repro: form-typing.gtrace, record 11 (frame 8) with 's' = ['x', 'y'] (CRC recomputed):
  // Trace.open succeeds and frame(8).stateRuns is ['x', 'y']. Same for [-5, <4 bytes>] and [1e9, <4 bytes>].
  it('refuses malformed or out-of-range state runs when opening', () => {
    for (const runs of [['x', 'y'], [-5, new Uint8Array(4)], [1e9, new Uint8Array(4)], [0.5, new Uint8Array(4)]]) {
      writeFileSync(casePath, withRecordChanged(11, (d) => (d['s'] = runs)));
      let code: string | undefined;
      try {
        const trace = Trace.open(casePath);
        trace.frame(8);
        trace.close();
      } catch (error) {
        code = acceptTraceError(error, readFileSync(casePath).byteLength, 'Trace.open').code;
      }
      expect(code, `state runs ${JSON.stringify(runs)}`).toBe('E_TRACE_INVALID');
    }
  });

  // Regression test for a bug found by this suite and fixed (src/trace/trace_records.ts decodeOperation's fail(), and src/trace/event_codec.ts
  // decodeEvents' fail(): both throw TraceError without { offset }) against
  // docs/TRACE_FORMAT.md: "Every failure is a TraceError with its code and the byte offset of the
  // record". The message names the byte, but error.offset is undefined.
  // Repro: form-typing.gtrace, record 11 (frame 8, at byte 11509) with 'o' = [[7, 1]] ->
  // E_TRACE_INVALID "frame 8 (byte 11509) operation 0 has unknown kind 7", offset undefined;
  // with 'o' = [[0, <80>]] -> E_TRACE_CORRUPT "... event 0 has an unknown flag bit", offset undefined.
  it("gives the record's byte offset for a bad operation or event", () => {
    const source = fixture('form-typing');
    const recordStart = source.records[11]!.start;
    for (const ops of [[[7, 1]], [[0, Uint8Array.of(0x80)]], [[2, -1, new Uint8Array(4)]]]) {
      writeFileSync(casePath, withRecordChanged(11, (d) => (d['o'] = ops)));
      let error: TraceError | undefined;
      try {
        Trace.open(casePath).close();
      } catch (e) {
        error = acceptTraceError(e, readFileSync(casePath).byteLength, 'Trace.open');
      }
      expect(error, 'Trace.open must refuse it').toBeDefined();
      expect(error!.message).toContain(`(byte ${recordStart})`);
      expect(error!.offset, error!.message).toBe(recordStart);
    }
  });

  it('opens an untouched copy of every fuzzed fixture completely', () => {
    for (const name of FUZZ_FIXTURES) {
      const source = fixture(name);
      expect(exercise(source.pristinePath, source.bytes.byteLength, false)).toEqual({
        opened: true,
        frameCount: source.frames,
        checkpoints: source.checkpoints,
        complete: true,
        damage: undefined,
        inflateErrors: 0,
      });
    }
  });

  it('says E_TRACE_IO for a missing file, and E_TRACE_NOT_A_TRACE for an empty one', () => {
    expect(() => Trace.open(join(workDir, 'does-not-exist.gtrace'))).toThrow(expect.objectContaining({ code: 'E_TRACE_IO' }));
    writeFileSync(casePath, new Uint8Array(0));
    expect(() => Trace.open(casePath)).toThrow(expect.objectContaining({ code: 'E_TRACE_NOT_A_TRACE' }));
    // A directory cannot be read as a trace either.
    let code: string | undefined;
    try {
      Trace.open(workDir).close();
    } catch (error) {
      code = acceptTraceError(error, readFileSync(casePath).byteLength, 'Trace.open(directory)').code;
    }
    expect(code).toBe('E_TRACE_IO');
  });
});

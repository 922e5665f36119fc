/**
 * The trace container and records: what is written reads back exactly; defaults keep idle frames
 * small; a recording cut off anywhere reads back to its last complete frame; damage, foreign files
 * and future versions are typed errors that say what to do.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { OsAbi } from '../../src/os/abi.js';
import { frameRecord, preamble, TRACE_FORMAT_VERSION } from '../../src/trace/record_framing.js';
import { TraceError } from '../../src/trace/trace_error.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { encodeHeader, pack } from '../../src/trace/trace_records.js';
import type { FrameRecord, TraceHeader } from '../../src/trace/trace_types.js';
import { TraceWriter } from '../../src/trace/trace_writer.js';
import { rewriteTrace, tempPath } from './trace_helpers.js';

const FIXTURE = 'fixtures/traces/form-toggle.gtrace';

function header(): TraceHeader {
  return Trace.open(FIXTURE).header;
}

function frame(index: number, overrides: Partial<FrameRecord> = {}): FrameRecord {
  return { index, timeUs: (index + 1) * 16_667, deltaUs: 16_667, fullRedraw: false, operations: [], digest: BigInt(index) * 0x1234567n, stateRuns: [], blocks: [], ...overrides };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return (error as TraceError).code;
  }
  return undefined;
}

describe('writing and reading', () => {
  it('reads back every field of every record', () => {
    const path = tempPath('all.gtrace');
    const writer = TraceWriter.create(path, header());
    const frames = [
      // A state run inside the tracked memory: the text pool.
      frame(0, { operations: [{ kind: 'events', events: [{ type: 1, modifiers: 0, code: 0, x: 10.5, y: 20.25 }] }], stateRuns: [OsAbi.get().offsetOf('gpuos_os_state', ['text']) + 4, Uint8Array.of(1, 2, 3, 4)], blocks: [{ index: 3, digest: 0xdeadbeef }] }),
      frame(1, { timeUs: 1_000_000, deltaUs: 5, fullRedraw: true, operations: [{ kind: 'counters', head: 7 }, { kind: 'write', offset: 100, bytes: Uint8Array.of(9) }], queueDigest: 1n, primitivesDigest: 2n, signaturesDigest: 2n ** 64n - 1n }),
      frame(2, { timeUs: 1_000_005, deltaUs: 5 }),
    ];
    for (const f of frames) writer.writeFrame(f);
    writer.writeGolden({ frame: 1, name: 'second' });
    const end = writer.close();
    const trace = Trace.open(path);
    expect(trace.frameCount).toBe(3);
    expect(trace.complete).toBe(true);
    expect(trace.end).toEqual(end);
    expect(trace.goldens).toEqual([{ frame: 1, name: 'second' }]);
    const read = [...trace.frames()];
    expect(read.map((f) => ({ ...f, stateRuns: f.stateRuns.map((r) => (r instanceof Uint8Array ? [...r] : r)) }))).toEqual(
      frames.map((f) => ({ ...f, stateRuns: f.stateRuns.map((r) => (r instanceof Uint8Array ? [...r] : r)) })),
    );
    trace.close();
  });

  it('keeps an idle frame under 64 bytes: only its digest is stored', () => {
    const path = tempPath('idle.gtrace');
    const writer = TraceWriter.create(path, header());
    writer.writeFrame(frame(0));
    const before = writer.size;
    writer.writeFrame(frame(1));
    expect(writer.size - before).toBeLessThanOrEqual(24);
    writer.close();
  });

  it('refuses frames out of order, goldens for frames not written, and duplicate golden names', () => {
    const writer = TraceWriter.create(tempPath('order.gtrace'), header());
    expect(() => writer.writeFrame(frame(1))).toThrow(/frame 1 written after frame -1/);
    writer.writeFrame(frame(0));
    expect(() => writer.writeGolden({ frame: 1, name: 'later' })).toThrow(/has not been written/);
    writer.writeGolden({ frame: 0, name: 'a' });
    expect(() => writer.writeGolden({ frame: 0, name: 'a' })).toThrow(/already used/);
    writer.abandon();
  });
});

describe('a recording cut off midway', () => {
  it('reads back to its last complete frame, wherever the cut falls', () => {
    const bytes = readFileSync(FIXTURE);
    const whole = Trace.open(FIXTURE);
    const path = tempPath('cut.gtrace');
    let previous = -1;
    // Every cut point past the header: frames never go backwards, and nothing throws.
    const headerEnd = (whole as unknown as { frameOffsets: Float64Array }).frameOffsets[0]!;
    expect(() => Trace.open((writeFileSync(path, bytes.subarray(0, headerEnd - 1)), path))).toThrow(/cut off before its header is complete/);
    for (let cut = headerEnd; cut <= bytes.length; cut += 3) {
      writeFileSync(path, bytes.subarray(0, cut));
      const trace = Trace.open(path);
      expect(trace.frameCount).toBeGreaterThanOrEqual(previous);
      expect(trace.complete).toBe(cut === bytes.length);
      previous = trace.frameCount;
      trace.close();
    }
    writeFileSync(path, bytes);
    expect(Trace.open(path).frameCount).toBe(whole.frameCount);
  });

  it('is what a killed recorder leaves: no end record, every frame written so far', () => {
    const path = tempPath('killed.gtrace');
    const writer = TraceWriter.create(path, header());
    for (let i = 0; i < 5; i++) writer.writeFrame(frame(i));
    writer.abandon();
    const trace = Trace.open(path);
    expect([trace.frameCount, trace.complete, trace.trailingBytes]).toEqual([5, false, 0]);
  });
});

describe('bad files', () => {
  it('names a file that is not a trace', () => {
    expect(codeOf(() => Trace.open('package.json'))).toBe('E_TRACE_NOT_A_TRACE');
    expect(() => Trace.open('package.json')).toThrow(/package\.json is not a gpuos trace/);
    expect(codeOf(() => Trace.open('no/such/file.gtrace'))).toBe('E_TRACE_IO');
  });

  it('says which version and program wrote a trace of a future format, and what to do', () => {
    const bytes = Buffer.from(readFileSync(FIXTURE));
    bytes[8] = TRACE_FORMAT_VERSION + 1;
    const path = tempPath('future.gtrace');
    writeFileSync(path, bytes);
    expect(codeOf(() => Trace.open(path))).toBe('E_TRACE_VERSION');
    expect(() => Trace.open(path)).toThrow(/is trace format 2 \(written by gpuos-replay [\d.]+\); this build of gpuos-replay reads format 1: upgrade gpuos-replay to read it/);
  });

  it('finds flipped bits by checksum, naming the record', () => {
    const bytes = Buffer.from(readFileSync(FIXTURE));
    const trace = Trace.open(FIXTURE);
    // Inside the payload of frame 5.
    const target = (trace as unknown as { framePayloadOffsets: Float64Array }).framePayloadOffsets[5]! + 1;
    bytes[target] = bytes[target]! ^ 0x10;
    const path = tempPath('flipped.gtrace');
    writeFileSync(path, bytes);
    expect(codeOf(() => Trace.open(path))).toBe('E_TRACE_CORRUPT');
    expect(() => Trace.open(path)).toThrow(/the frame record at byte \d+ fails its checksum/);
    // Salvage reads what comes before the damage.
    const salvaged = Trace.open(path, { salvage: true });
    expect(salvaged.frameCount).toBe(5);
    expect(salvaged.damage).toMatch(/fails its checksum/);
  });

  it('refuses absurd declared sizes before allocating anything', () => {
    const path = tempPath('huge.gtrace');
    const head = Buffer.concat([preamble(), frameRecord('header', encodeHeader(header()))]);
    // A frame record claiming 2^28 - 1 bytes (the longest length a record may spell).
    writeFileSync(path, Buffer.concat([head, Buffer.from([0x46, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])]));
    expect(codeOf(() => Trace.open(path))).toBe('E_TRACE_TOO_LARGE');
    // Longer spellings are malformed.
    writeFileSync(path, Buffer.concat([head, Buffer.from([0x46, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0, 0, 0])]));
    expect(codeOf(() => Trace.open(path))).toBe('E_TRACE_CORRUPT');
  });

  it('validates what the records say, not just their framing', () => {
    const base = Buffer.concat([preamble(), frameRecord('header', encodeHeader(header()))]);
    const cases: [string, Uint8Array, RegExp][] = [
      ['an unknown field', pack({ d: 16_667, x: new Uint8Array(8), zz: 1 }), /unknown field 'zz'/],
      ['a digest of the wrong size', pack({ d: 16_667, x: new Uint8Array(7) }), /8-byte digest/],
      ['time going backwards', pack({ d: 16_667, t: -5, x: new Uint8Array(8) }), /field 't' must be an integer/],
      ['a delta over a minute', pack({ d: 61_000_000, x: new Uint8Array(8) }), /field 'd' must be an integer from 0 to 60000000/],
      ['a block past the framebuffer', pack({ d: 16_667, x: new Uint8Array(8), c: Uint8Array.of(0x7f, 0x7f, 1, 0, 0, 0, 0) }), /names framebuffer block/],
      ['a write past the state', pack({ d: 16_667, x: new Uint8Array(8), o: [[2, 107_699, Uint8Array.of(1, 2)]] }), /not a write inside the 107700-byte state/],
      ['an unknown operation', pack({ d: 16_667, x: new Uint8Array(8), o: [[9, 1]] }), /unknown kind 9/],
    ];
    for (const [what, payload, message] of cases) {
      const path = tempPath('invalid.gtrace');
      writeFileSync(path, Buffer.concat([base, frameRecord('frame', payload)]));
      expect(() => Trace.open(path), what).toThrow(message);
      expect(codeOf(() => Trace.open(path)), what).toBe('E_TRACE_INVALID');
    }
  });

  it('validates the scene a header carries', () => {
    const h = header();
    const path = tempPath('scene.gtrace');
    writeFileSync(path, Buffer.concat([preamble(), frameRecord('header', encodeHeader({ ...h, scene: { root: { kind: 'widget' } } }))]));
    expect(() => Trace.open(path)).toThrow(/the scene in .* header is invalid: .*root.kind/);
  });

  it('refuses a header whose name is a path, or whose printed fields carry control characters', () => {
    const h = header();
    const cases: [Partial<TraceHeader>, RegExp][] = [
      [{ name: '..' }, /field 'name' is "\.\.", not a plain name/],
      [{ name: '/tmp/elsewhere' }, /not a plain name/],
      [{ name: 'a/../../b' }, /not a plain name/],
      [{ writer: 'gpuos\u001b[2J' }, /field 'writer' .* not printable ASCII/],
      [{ kernelDigest: 'not-hex-digest!!' }, /field 'kernel' .* not 16 hex digits/],
    ];
    for (const [override, message] of cases) {
      const path = tempPath('hostile-header.gtrace');
      writeFileSync(path, Buffer.concat([preamble(), frameRecord('header', encodeHeader({ ...h, ...override }))]));
      expect(() => Trace.open(path), JSON.stringify(override)).toThrow(message);
      expect(codeOf(() => Trace.open(path))).toBe('E_TRACE_INVALID');
    }
  });

  it('reads a recording whose tail the file system left zero-filled as cut off there', () => {
    const bytes = readFileSync(FIXTURE);
    const at = bytes.byteLength - 300; // inside the last frames, past the checkpoint
    const cut = tempPath('cut.gtrace');
    writeFileSync(cut, bytes.subarray(0, at));
    const zeroTail = tempPath('zero-tail.gtrace');
    writeFileSync(zeroTail, Buffer.concat([bytes.subarray(0, at), Buffer.alloc(4096)]));
    const a = Trace.open(cut);
    const b = Trace.open(zeroTail);
    expect(a.frameCount).toBeGreaterThan(20);
    expect(a.frameCount).toBeLessThan(Trace.open(FIXTURE).frameCount);
    expect(b.frameCount).toBe(a.frameCount);
    expect(b.complete).toBe(false);
    expect([...b.frames()].map((f) => f.digest)).toEqual([...a.frames()].map((f) => f.digest));
    // A non-zero byte in the tail is damage, not a cut.
    const damaged = tempPath('damaged-tail.gtrace');
    const tail = Buffer.alloc(4096);
    tail[4000] = 1;
    writeFileSync(damaged, Buffer.concat([bytes.subarray(0, at), tail]));
    expect(codeOf(() => Trace.open(damaged))).toBe('E_TRACE_CORRUPT');
  });

  it('reads a header alone, without the frames after it', () => {
    expect(Trace.readHeader(FIXTURE)).toEqual(header());
    // Damage after the header does not matter to it; opening the whole trace fails on it.
    const bytes = Buffer.from(readFileSync(FIXTURE));
    bytes[bytes.byteLength - 40] = bytes[bytes.byteLength - 40]! ^ 0xff;
    const damaged = tempPath('damaged-frames.gtrace');
    writeFileSync(damaged, bytes);
    expect(codeOf(() => Trace.open(damaged))).toBe('E_TRACE_CORRUPT');
    expect(Trace.readHeader(damaged).name).toBe('form-toggle');
  });

  it('refuses a FIFO or a directory at once instead of waiting on it', () => {
    const fifo = tempPath('fifo.gtrace');
    execFileSync('mkfifo', [fifo]);
    expect(() => Trace.open(fifo)).toThrow(/is not a regular file/);
    expect(codeOf(() => Trace.open(fifo))).toBe('E_TRACE_IO');
    expect(codeOf(() => Trace.open('fixtures/traces'))).toBe('E_TRACE_IO');
  });

  it('a rewritten trace is the same trace', () => {
    const copy = rewriteTrace(FIXTURE);
    const a = Trace.open(FIXTURE);
    const b = Trace.open(copy);
    expect(b.frameCount).toBe(a.frameCount);
    expect([...b.frames()].map((f) => f.digest)).toEqual([...a.frames()].map((f) => f.digest));
  });
});

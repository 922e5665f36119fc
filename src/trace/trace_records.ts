/**
 * Record payloads: TypeScript values ↔ msgpack maps with short keys (docs/TRACE_FORMAT.md).
 * Decoding treats the bytes as hostile: every key, type, range and size is checked, and anything
 * unexpected is a TraceError naming the record, never a crash or an unbounded allocation.
 */
import { Packr } from 'msgpackr';

import { PLAIN_NAME } from '../files.js';
import { decodeEvents, encodeEvents } from './event_codec.js';
import { checkRuns, type TrackedRange } from './state_regions.js';
import { TraceError } from './trace_error.js';
import type { BlockDigest, CheckpointRecord, EndRecord, FrameRecord, GoldenMark, HostOperation, TraceHeader } from './trace_types.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint', moreTypes: false });

/** Limits on what one record may declare (the format's, not the OS's). */
export const LIMITS = {
  maxOperationsPerFrame: 1024,
  maxStateRuns: 65536,
  maxTimeUs: Number.MAX_SAFE_INTEGER,
  maxDeltaUs: 60_000_000,
  maxNameLength: 200,
  maxDescriptionLength: 4000,
};


type Raw = Record<string, unknown>;

/** msgpackr decodes binary as Buffer; callers get plain Uint8Array views of the same bytes. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function pack(value: unknown): Uint8Array {
  return packr.pack(value);
}

function unpackMap(payload: Uint8Array, what: string, offset: number): Raw {
  let value: unknown;
  try {
    value = packr.unpack(payload);
  } catch (error) {
    throw new TraceError('E_TRACE_CORRUPT', `the ${what} at byte ${offset} is not valid msgpack: ${(error as Error).message}`, { offset, cause: error });
  }
  // A map whose keys included "__proto__" would come back with another prototype: refuse it.
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new TraceError('E_TRACE_CORRUPT', `the ${what} at byte ${offset} is not a map`, { offset });
  }
  return value as Raw;
}

/** Reads fields of one untrusted map, with errors that name the record and the key. */
class Fields {
  constructor(
    private readonly raw: Raw,
    private readonly where: string,
    private readonly offset: number,
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(raw)) if (!allowed.includes(key)) this.fail(`has an unknown field '${key}'`);
  }

  fail(problem: string): never {
    throw new TraceError('E_TRACE_INVALID', `${this.where} ${problem}`, { offset: this.offset });
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  integer(key: string, min: number, max: number, fallback?: number): number {
    const value = this.raw[key];
    if (value === undefined && fallback !== undefined) return fallback;
    const n = typeof value === 'bigint' && value >= BigInt(min) && value <= BigInt(max) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) this.fail(`field '${key}' must be an integer from ${min} to ${max}, got ${describe(value)}`);
    return n;
  }

  string(key: string, maxLength: number, fallback?: string): string {
    const value = this.raw[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value.length > maxLength) this.fail(`field '${key}' must be a string of at most ${maxLength} characters`);
    return value;
  }

  bytes(key: string, maxLength: number): Uint8Array {
    const value = this.raw[key];
    if (!(value instanceof Uint8Array) || value.byteLength > maxLength) this.fail(`field '${key}' must be binary of at most ${maxLength} bytes`);
    return plain(value);
  }

  digest(key: string): bigint {
    const bytes = this.bytes(key, 8);
    if (bytes.byteLength !== 8) this.fail(`field '${key}' must be an 8-byte digest`);
    return Buffer.from(bytes).readBigUInt64LE(0);
  }

  optionalDigest(key: string): bigint | undefined {
    return this.has(key) ? this.digest(key) : undefined;
  }

  array(key: string, maxLength: number): unknown[] {
    const value = this.raw[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length > maxLength) this.fail(`field '${key}' must be an array of at most ${maxLength} items`);
    return value;
  }

  object(key: string): Raw {
    const value = this.raw[key];
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) this.fail(`field '${key}' must be a map`);
    return value as Raw;
  }

  value(key: string): unknown {
    return this.raw[key];
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (Array.isArray(value)) return 'an array';
  return String(value);
}

export function digestBytes(digest: bigint): Uint8Array {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt.asUintN(64, digest));
  return out;
}

// ---- header ----

export function encodeHeader(header: TraceHeader): Uint8Array {
  return pack({
    format: header.format,
    writer: header.writer,
    name: header.name,
    description: header.description,
    abi: { version: header.abi.version, layout: header.abi.layoutDigest },
    kernel: header.kernelDigest,
    backend: header.backend,
    width: header.config.width,
    height: header.config.height,
    seed: header.config.seed.toString(),
    checkpoints: header.config.checkpointInterval,
    scene: header.scene,
  });
}

export function decodeHeader(payload: Uint8Array, offset: number): TraceHeader {
  const f = new Fields(unpackMap(payload, 'header', offset), 'the header', offset, [
    'format', 'writer', 'name', 'description', 'abi', 'kernel', 'backend', 'width', 'height', 'seed', 'checkpoints', 'scene',
  ]);
  const abi = new Fields(f.object('abi'), "the header's abi", offset, ['version', 'layout']);
  const seed = f.string('seed', 20);
  if (!/^\d{1,20}$/.test(seed) || BigInt(seed) >= 1n << 64n) f.fail(`field 'seed' must be a decimal integer below 2^64`);
  if (f.value('scene') === undefined) f.fail('has no scene');
  // The name becomes a folder (golden/<name>/, the replay's output): a plain name, never a path.
  const name = f.string('name', LIMITS.maxNameLength);
  if (!PLAIN_NAME.test(name)) f.fail(`field 'name' is ${JSON.stringify(name)}, not a plain name (letters, digits, _ . -, at most 64)`);
  // What is printed as is (inspect, replay warnings) must not carry terminal control sequences.
  const printable = (field: Fields, key: string, max: number, pattern: RegExp, what: string): string => {
    const value = field.string(key, max);
    if (!pattern.test(value)) f.fail(`field '${key}' is ${JSON.stringify(value)}, not ${what}`);
    return value;
  };
  const HEX_DIGEST = /^[0-9a-f]{16}$/;
  const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
  return {
    format: f.integer('format', 1, 255),
    writer: printable(f, 'writer', 100, PRINTABLE_ASCII, 'printable ASCII'),
    name,
    description: f.string('description', LIMITS.maxDescriptionLength, ''),
    abi: { version: abi.integer('version', 0, 0xffffffff), layoutDigest: printable(abi, 'layout', 16, HEX_DIGEST, '16 hex digits') },
    kernelDigest: printable(f, 'kernel', 16, HEX_DIGEST, '16 hex digits'),
    backend: printable(f, 'backend', 32, PRINTABLE_ASCII, 'printable ASCII'),
    config: {
      width: f.integer('width', 1, 3840),
      height: f.integer('height', 1, 2160),
      seed: BigInt(seed),
      checkpointInterval: f.integer('checkpoints', 1, 1_000_000),
    },
    scene: f.value('scene'),
  };
}

// ---- frames ----

/** The previous frame's time and delta, which a frame record's defaults refer to. */
export interface FrameContext {
  index: number;
  timeUs: number;
  deltaUs: number | undefined;
}

export function encodeFrame(frame: FrameRecord, previous: FrameContext): Uint8Array {
  const out: Raw = {};
  if (frame.deltaUs !== previous.deltaUs) out['d'] = frame.deltaUs;
  if (frame.timeUs !== previous.timeUs + frame.deltaUs) out['t'] = frame.timeUs;
  if (frame.fullRedraw) out['r'] = 1;
  if (frame.operations.length > 0) {
    out['o'] = frame.operations.map((op) => {
      switch (op.kind) {
        case 'events':
          return [0, encodeEvents(op.events)];
        case 'counters':
          return [1, op.head ?? null, op.tail ?? null];
        case 'write':
          return [2, op.offset, op.bytes];
      }
    });
  }
  out['x'] = digestBytes(frame.digest);
  if (frame.stateRuns.length > 0) out['s'] = frame.stateRuns;
  if (frame.queueDigest !== undefined) out['u'] = digestBytes(frame.queueDigest);
  if (frame.primitivesDigest !== undefined) out['p'] = digestBytes(frame.primitivesDigest);
  if (frame.signaturesDigest !== undefined) out['k'] = digestBytes(frame.signaturesDigest);
  if (frame.blocks.length > 0) out['c'] = encodeBlocks(frame.blocks);
  return pack(out);
}

function decodeOperation(value: unknown, where: string, stateBytes: number, offset: number): HostOperation {
  const fail = (problem: string): never => {
    throw new TraceError('E_TRACE_INVALID', `${where} ${problem}`, { offset });
  };
  if (!Array.isArray(value) || value.length < 2) fail('is not an operation');
  const op = value as unknown[];
  const [kind] = op;
  const u32 = (value: unknown, name: string): number | undefined => {
    if (value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) fail(`has a ${name} that is not a 32-bit unsigned integer`);
    return value as number;
  };
  switch (kind) {
    case 0: {
      if (op.length !== 2 || !(op[1] instanceof Uint8Array)) fail('is not an events operation');
      return { kind: 'events', events: decodeEvents(op[1] as Uint8Array, where, offset) };
    }
    case 1: {
      if (op.length !== 3) fail('is not a counters operation');
      const head = u32(op[1], 'head');
      const tail = u32(op[2], 'tail');
      return { kind: 'counters', ...(head === undefined ? {} : { head }), ...(tail === undefined ? {} : { tail }) };
    }
    case 2: {
      const offset = op[1];
      const bytes = op[2];
      if (op.length !== 3 || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || !(bytes instanceof Uint8Array) || offset + bytes.byteLength > stateBytes) {
        fail(`is not a write inside the ${stateBytes}-byte state`);
      }
      return { kind: 'write', offset: offset as number, bytes: plain(bytes as Uint8Array) };
    }
    default:
      return fail(`has unknown kind ${describe(kind)}`);
  }
}

/** Changed blocks as bytes: per block, the gap from the previous block's index + 1 (LEB128), then its digest (4 bytes LE). */
export function encodeBlocks(blocks: readonly BlockDigest[]): Uint8Array {
  const out = Buffer.alloc(blocks.length * 9);
  let length = 0;
  let cursor = 0;
  for (const block of blocks) {
    let gap = block.index - cursor;
    do {
      out[length++] = (gap & 0x7f) | (gap > 0x7f ? 0x80 : 0);
      gap >>>= 7;
    } while (gap > 0);
    out.writeUInt32LE(block.digest >>> 0, length);
    length += 4;
    cursor = block.index + 1;
  }
  return out.subarray(0, length);
}

function decodeBlocks(bytes: Uint8Array, blockCount: number, fail: (problem: string) => never): BlockDigest[] {
  const blocks: BlockDigest[] = [];
  let i = 0;
  let cursor = 0;
  while (i < bytes.byteLength) {
    let gap = 0;
    let scale = 1;
    for (;;) {
      if (i >= bytes.byteLength || scale > 2 ** 28) fail(`has a malformed block entry ${blocks.length}`);
      const byte = bytes[i++]!;
      gap += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    const index = cursor + gap;
    if (index >= blockCount) fail(`names framebuffer block ${index}, but the framebuffer has ${blockCount}`);
    if (i + 4 > bytes.byteLength) fail(`is cut off in block entry ${blocks.length}`);
    blocks.push({ index, digest: (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0 });
    i += 4;
    cursor = index + 1;
  }
  return blocks;
}

export interface FrameLimits {
  stateBytes: number;
  blocks: number;
  /** The tracked state (state_regions.ts) a frame's changes must stay inside. */
  ranges: readonly TrackedRange[];
}

export function decodeFrame(payload: Uint8Array, offset: number, previous: FrameContext, limits: FrameLimits): FrameRecord {
  const index = previous.index + 1;
  const where = `frame ${index} (byte ${offset})`;
  const f = new Fields(unpackMap(payload, `frame ${index}`, offset), where, offset, ['d', 't', 'r', 'o', 'x', 's', 'u', 'p', 'k', 'c']);
  if (!f.has('d') && previous.deltaUs === undefined) f.fail("has no delta ('d') and no earlier frame to take it from");
  const deltaUs = f.integer('d', 0, LIMITS.maxDeltaUs, previous.deltaUs);
  const timeUs = f.integer('t', previous.timeUs, LIMITS.maxTimeUs, previous.timeUs + deltaUs);
  if (timeUs > LIMITS.maxTimeUs) f.fail('has a time past 2^53 µs');
  const r = f.integer('r', 0, 1, 0);
  const operations = f.array('o', LIMITS.maxOperationsPerFrame).map((op, i) => decodeOperation(op, `${where} operation ${i}`, limits.stateBytes, offset));
  const runs = f.array('s', LIMITS.maxStateRuns * 2).map((item) => (item instanceof Uint8Array ? plain(item) : item));
  checkRuns(runs, limits.ranges, where, offset);
  const blocks = f.has('c') ? decodeBlocks(f.bytes('c', limits.blocks * 9), limits.blocks, (problem) => f.fail(problem)) : [];
  const frame: FrameRecord = {
    index,
    timeUs,
    deltaUs,
    fullRedraw: r === 1,
    operations,
    digest: f.digest('x'),
    stateRuns: runs as (number | Uint8Array)[],
    blocks,
  };
  const queue = f.optionalDigest('u');
  const primitives = f.optionalDigest('p');
  const signatures = f.optionalDigest('k');
  if (queue !== undefined) frame.queueDigest = queue;
  if (primitives !== undefined) frame.primitivesDigest = primitives;
  if (signatures !== undefined) frame.signaturesDigest = signatures;
  return frame;
}

// ---- golden marks ----

export function encodeGolden(mark: GoldenMark): Uint8Array {
  return pack({ f: mark.frame, m: mark.name });
}

export function decodeGolden(payload: Uint8Array, offset: number): GoldenMark {
  const f = new Fields(unpackMap(payload, 'golden mark', offset), `the golden mark at byte ${offset}`, offset, ['f', 'm']);
  const name = f.string('m', 64);
  if (!PLAIN_NAME.test(name)) f.fail(`names the golden ${JSON.stringify(name)}, which is not a plain file name (letters, digits, _ . -)`);
  return { frame: f.integer('f', 0, Number.MAX_SAFE_INTEGER), name };
}

// ---- checkpoints and the end ----

export function encodeCheckpoint(checkpoint: CheckpointRecord): Uint8Array {
  return pack({ f: checkpoint.frame, t: checkpoint.timeUs, d: checkpoint.deltaUs, s: checkpoint.state, p: checkpoint.pixels, k: checkpoint.signatures });
}

export function decodeCheckpoint(payload: Uint8Array, offset: number): CheckpointRecord {
  const where = `the checkpoint at byte ${offset}`;
  const f = new Fields(unpackMap(payload, 'checkpoint', offset), where, offset, ['f', 't', 'd', 's', 'p', 'k']);
  const max = 64 * 1024 * 1024;
  return {
    frame: f.integer('f', 0, Number.MAX_SAFE_INTEGER),
    timeUs: f.integer('t', 0, LIMITS.maxTimeUs),
    deltaUs: f.integer('d', 0, LIMITS.maxDeltaUs),
    state: f.bytes('s', max),
    pixels: f.bytes('p', max),
    signatures: f.bytes('k', max),
  };
}

export function encodeEnd(end: EndRecord): Uint8Array {
  return pack({ n: end.frames, x: digestBytes(end.digest) });
}

export function decodeEnd(payload: Uint8Array, offset: number): EndRecord {
  const f = new Fields(unpackMap(payload, 'end record', offset), `the end record at byte ${offset}`, offset, ['n', 'x']);
  return { frames: f.integer('n', 0, Number.MAX_SAFE_INTEGER), digest: f.digest('x') };
}


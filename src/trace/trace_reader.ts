/**
 * Reads a trace. Opening scans the file once, in bounded chunks: it checks the framing, every
 * checksum and every record's contents, and keeps only an index (where each frame and checkpoint
 * starts, and each frame's time), so a million-frame trace costs a few bytes a frame in memory.
 * Records are decoded again from the file when asked for.
 *
 * A file that ends mid-record (a recording killed midway) opens, with `complete` false and every
 * frame before the cut. Anything else wrong is a TraceError saying what and where.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { unpack } from 'msgpackr';

import { FileError, openRegularFile } from '../files.js';
import { OsAbi } from '../os/abi.js';
import { digestBlockCount, signatureBytes } from '../os/session.js';
import { SceneError } from '../scene/scene_error.js';
import { validateScene } from '../scene/scene_validate.js';
import {
  checkRecordCrc,
  parseRecordHead,
  TRACE_FORMAT_VERSION,
  TRACE_MAGIC,
  TRACE_PREAMBLE_BYTES,
  type RecordLocation,
} from './record_framing.js';
import { TraceError } from './trace_error.js';
import { trackedRanges } from './state_regions.js';
import { decodeCheckpoint, decodeEnd, decodeFrame, decodeGolden, decodeHeader, type FrameContext, type FrameLimits } from './trace_records.js';
import type { CheckpointRecord, EndRecord, FrameRecord, GoldenMark, TraceHeader } from './trace_types.js';

const CHUNK_BYTES = 1 << 20;

export interface CheckpointEntry {
  frame: number;
  offset: number;
}

export interface OpenTraceOptions {
  /** Stop at the first damaged record instead of failing (what `gpuos inspect --salvage` does). */
  salvage?: boolean;
  /** Read the header and nothing after it (Trace.readHeader). */
  headerOnly?: boolean;
}

export class Trace {
  readonly header: TraceHeader;
  /** Frames readable (complete records). */
  readonly frameCount: number;
  /** The end record, when the recording was closed properly. */
  readonly end: EndRecord | undefined;
  readonly checkpoints: readonly CheckpointEntry[];
  /** Frames compared with golden images, in the order marked. */
  readonly goldens: readonly GoldenMark[];
  /** Bytes after the last complete record (a cut-off recording), and why reading stopped there. */
  readonly trailingBytes: number;
  readonly damage: string | undefined;
  readonly fileBytes: number;

  private fd: number | undefined;
  private readonly frameOffsets: Float64Array;
  private readonly framePayloadOffsets: Float64Array;
  private readonly frameTimes: Float64Array;
  private readonly frameDeltas: Uint32Array;
  private readonly frameLengths: Uint32Array;
  private readonly frameCrcs: Uint32Array;
  private readonly stateBytes: number;
  private readonly signatureBytes: number;
  private readonly limits: FrameLimits;

  private constructor(readonly path: string, scan: ScanResult, fd: number) {
    this.fd = fd;
    this.header = scan.header;
    this.frameCount = scan.frames;
    this.end = scan.end;
    this.checkpoints = scan.checkpoints;
    this.goldens = scan.goldens;
    this.trailingBytes = scan.trailingBytes;
    this.damage = scan.damage;
    this.fileBytes = scan.fileBytes;
    this.frameOffsets = scan.offsets;
    this.framePayloadOffsets = scan.payloadOffsets;
    this.frameTimes = scan.times;
    this.frameDeltas = scan.deltas;
    this.frameLengths = scan.lengths;
    this.frameCrcs = scan.crcs;
    this.stateBytes = scan.stateBytes;
    this.signatureBytes = scan.signatureBytes;
    this.limits = scan.limits;
  }

  static open(path: string, options: OpenTraceOptions = {}): Trace {
    let fd: number;
    try {
      fd = openRegularFile(path, 'trace').fd;
    } catch (error) {
      if (error instanceof FileError) throw new TraceError('E_TRACE_IO', error.message, { cause: error });
      throw error;
    }
    try {
      return new Trace(path, scan(fd, path, options.salvage === true, options.headerOnly === true), fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** A trace's header, validated, without reading its frames (a run's names, before replaying). */
  static readHeader(path: string): TraceHeader {
    const trace = Trace.open(path, { headerOnly: true });
    trace.close();
    return trace.header;
  }

  /** True when the file ends with its end record: nothing was cut off. */
  get complete(): boolean {
    return this.end !== undefined;
  }

  /** The scene of the recording. */
  get scene(): unknown {
    return this.header.scene;
  }

  frame(index: number): FrameRecord {
    if (!Number.isInteger(index) || index < 0 || index >= this.frameCount) throw new TraceError('E_TRACE_INVALID', `${this.path} has frames 0 to ${this.frameCount - 1}, not ${index}`);
    const offset = this.frameOffsets[index]!;
    const payload = readBytes(this.fdOrThrow(), this.framePayloadOffsets[index]!, this.frameLengths[index]!, this.path);
    checkRecordCrc('frame', payload, this.frameCrcs[index]!, offset);
    const previous: FrameContext = index === 0 ? { index: -1, timeUs: 0, deltaUs: undefined } : { index: index - 1, timeUs: this.frameTimes[index - 1]!, deltaUs: this.frameDeltas[index - 1]! };
    return decodeFrame(payload, offset, previous, this.limits);
  }

  /** Bytes a frame's record takes in the file, framing included. */
  frameBytes(index: number): number {
    return this.framePayloadOffsets[index]! - this.frameOffsets[index]! + this.frameLengths[index]!;
  }

  *frames(from = 0, to = this.frameCount): Generator<FrameRecord> {
    for (let i = Math.max(0, from); i < Math.min(to, this.frameCount); i++) yield this.frame(i);
  }

  /** The latest checkpoint taken after a frame before `frameIndex`, if any. */
  checkpointBefore(frameIndex: number): CheckpointEntry | undefined {
    let best: CheckpointEntry | undefined;
    for (const entry of this.checkpoints) if (entry.frame < frameIndex && (!best || entry.frame > best.frame)) best = entry;
    return best;
  }

  checkpoint(entry: CheckpointEntry): CheckpointRecord {
    const head = this.readHead(entry.offset);
    return decodeCheckpoint(head.payload, entry.offset);
  }

  /** A checkpoint's memory, decompressed to exactly the sizes the trace's configuration implies. */
  inflateCheckpoint(checkpoint: CheckpointRecord): { state: Uint8Array; pixels: Uint8Array; signatures: Uint8Array } {
    const { width, height } = this.header.config;
    const inflate = (bytes: Uint8Array, size: number, what: string): Uint8Array => {
      let out: Buffer;
      try {
        out = inflateSync(bytes, { maxOutputLength: size });
      } catch (error) {
        throw new TraceError('E_TRACE_CORRUPT', `the checkpoint after frame ${checkpoint.frame}: its ${what} does not decompress to ${size} bytes (${(error as Error).message})`, { cause: error });
      }
      if (out.byteLength !== size) throw new TraceError('E_TRACE_CORRUPT', `the checkpoint after frame ${checkpoint.frame}: its ${what} is ${out.byteLength} bytes, not ${size}`);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    };
    return {
      state: inflate(checkpoint.state, this.stateBytes, 'state'),
      pixels: inflate(checkpoint.pixels, width * height * 4, 'framebuffer'),
      signatures: inflate(checkpoint.signatures, this.signatureBytes, 'damage signatures'),
    };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private readHead(offset: number): { payload: Uint8Array } {
    const fd = this.fdOrThrow();
    const parsed = parseRecordHead(readBytes(fd, offset, 16, this.path), 0, offset);
    if (parsed.kind !== 'record') throw new TraceError('E_TRACE_CORRUPT', `the record at byte ${offset} is cut off`, { offset });
    const payload = readBytes(fd, parsed.location.payloadOffset, parsed.location.payloadLength, this.path);
    checkRecordCrc(parsed.location.type, payload, parsed.crc, offset);
    return { payload };
  }

  private fdOrThrow(): number {
    if (this.fd === undefined) throw new TraceError('E_TRACE_IO', `${this.path} is closed`);
    return this.fd;
  }
}

function readBytes(fd: number, position: number, length: number, path: string): Uint8Array {
  const out = Buffer.alloc(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
  } catch (error) {
    throw new TraceError('E_TRACE_IO', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return done === length ? out : out.subarray(0, done);
}

interface ScanResult {
  header: TraceHeader;
  frames: number;
  end: EndRecord | undefined;
  checkpoints: CheckpointEntry[];
  goldens: GoldenMark[];
  trailingBytes: number;
  damage: string | undefined;
  fileBytes: number;
  offsets: Float64Array;
  payloadOffsets: Float64Array;
  times: Float64Array;
  deltas: Uint32Array;
  lengths: Uint32Array;
  crcs: Uint32Array;
  stateBytes: number;
  signatureBytes: number;
  limits: FrameLimits;
}

/** A growable column of numbers for the index (typed arrays, doubled as they fill). */
class Column<T extends Float64Array | Uint32Array> {
  length = 0;
  constructor(public data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * Where the file's trailing run of zero bytes begins (fileBytes when the last byte is not zero).
 * A machine that stops after a file grew but before its data reached the disk leaves such a run:
 * a record that fails inside it is a recording cut off there, not a damaged one.
 */
function trailingZerosStart(fd: number, fileBytes: number, path: string): number {
  for (let end = fileBytes; end > 0; end -= CHUNK_BYTES) {
    const start = Math.max(0, end - CHUNK_BYTES);
    const chunk = readBytes(fd, start, end - start, path);
    for (let i = chunk.byteLength - 1; i >= 0; i--) if (chunk[i] !== 0) return start + i + 1;
  }
  return 0;
}

function scan(fd: number, path: string, salvage: boolean, headerOnly: boolean): ScanResult {
  const fileBytes = fstatSync(fd).size;
  const start = readBytes(fd, 0, Math.min(fileBytes, TRACE_PREAMBLE_BYTES), path);
  if (start.byteLength < TRACE_MAGIC.length || !TRACE_MAGIC.equals(start.subarray(0, TRACE_MAGIC.length))) {
    const looksCut = start.byteLength < TRACE_MAGIC.length && TRACE_MAGIC.subarray(0, start.byteLength).equals(start);
    throw new TraceError('E_TRACE_NOT_A_TRACE', looksCut ? `${path} is cut off before its header (${fileBytes} bytes)` : `${path} is not a gpuos trace (it does not start with "GPUOSTRC")`);
  }
  if (start.byteLength < TRACE_PREAMBLE_BYTES) throw new TraceError('E_TRACE_INVALID', `${path} is cut off before its header (${fileBytes} bytes)`);
  const version = start[TRACE_MAGIC.length]!;
  if (version !== TRACE_FORMAT_VERSION) {
    const writer = guessWriter(fd, fileBytes);
    const advice = version > TRACE_FORMAT_VERSION ? 'upgrade gpuos-replay to read it' : 'this format version was never released; the file is damaged';
    throw new TraceError('E_TRACE_VERSION', `${path} is trace format ${version}${writer ? ` (written by ${writer})` : ''}; this build of gpuos-replay reads format ${TRACE_FORMAT_VERSION}: ${advice}`);
  }

  const abi = OsAbi.get();
  const stateBytes = abi.struct('gpuos_os_state').size;
  let header: TraceHeader | undefined;
  let signatures = 0;
  let limits: FrameLimits | undefined;
  let end: EndRecord | undefined;
  let damage: string | undefined;
  const checkpoints: CheckpointEntry[] = [];
  const goldens: GoldenMark[] = [];
  const offsets = new Column(new Float64Array(1024));
  const payloadOffsets = new Column(new Float64Array(1024));
  const times = new Column(new Float64Array(1024));
  const deltas = new Column(new Uint32Array(1024));
  const lengths = new Column(new Uint32Array(1024));
  const crcs = new Column(new Uint32Array(1024));
  let previous: FrameContext = { index: -1, timeUs: 0, deltaUs: undefined };

  // A window of the file: [windowStart, windowStart + window.byteLength).
  let windowStart = TRACE_PREAMBLE_BYTES;
  let window: Uint8Array = readBytes(fd, windowStart, Math.min(CHUNK_BYTES, fileBytes - windowStart), path);
  let position = TRACE_PREAMBLE_BYTES;

  const ensure = (from: number, length: number): Uint8Array | undefined => {
    if (from + length > fileBytes) return undefined;
    if (from < windowStart || from + length > windowStart + window.byteLength) {
      windowStart = from;
      window = readBytes(fd, from, Math.min(Math.max(length, CHUNK_BYTES), fileBytes - from), path);
    }
    return window.subarray(from - windowStart, from - windowStart + length);
  };

  while (position < fileBytes) {
    if (end) {
      // Nothing may follow the end record, not even part of a record.
      const error = new TraceError('E_TRACE_CORRUPT', `${fileBytes - position} bytes follow the end record at byte ${position}`, { offset: position });
      if (!salvage) throw error;
      damage = error.message;
      break;
    }
    let location: RecordLocation;
    let crc: number;
    let recordEnd = position; // where the record being read ends, once its head is known
    let intact = false; // its framing and checksum passed: what follows is about its content
    try {
      const headBytes = ensure(position, Math.min(16, fileBytes - position))!;
      const parsed = parseRecordHead(headBytes, 0, position);
      if (parsed.kind === 'incomplete') break;
      location = parsed.location;
      recordEnd = location.payloadOffset + location.payloadLength;
      crc = parsed.crc;
      const payload = ensure(location.payloadOffset, location.payloadLength);
      if (!payload) break; // cut off inside this record's payload: a recording killed midway
      checkRecordCrc(location.type, payload, crc, position);
      intact = true;
      if (!header) {
        if (location.type !== 'header') throw new TraceError('E_TRACE_CORRUPT', `the first record is a ${location.type}, not the header`, { offset: position });
        header = checkHeader(decodeHeader(payload, position), path);
        signatures = signatureBytes(header.config.width, header.config.height);
        limits = { stateBytes, blocks: digestBlockCount(header.config.width, header.config.height), ranges: trackedRanges(countWidgets(header.scene)) };
        if (headerOnly) {
          position = location.payloadOffset + location.payloadLength;
          break;
        }
      } else if (location.type === 'header') {
        throw new TraceError('E_TRACE_CORRUPT', `a second header at byte ${position}`, { offset: position });
      } else if (location.type === 'frame') {
        const frame = decodeFrame(payload, position, previous, limits!);
        offsets.push(position);
        payloadOffsets.push(location.payloadOffset);
        times.push(frame.timeUs);
        deltas.push(frame.deltaUs);
        lengths.push(location.payloadLength);
        crcs.push(crc);
        previous = { index: frame.index, timeUs: frame.timeUs, deltaUs: frame.deltaUs };
      } else if (location.type === 'checkpoint') {
        const checkpoint = decodeCheckpoint(payload, position);
        if (checkpoint.frame !== previous.index || checkpoint.timeUs !== previous.timeUs || checkpoint.deltaUs !== previous.deltaUs) {
          throw new TraceError('E_TRACE_INVALID', `the checkpoint at byte ${position} claims frame ${checkpoint.frame} at ${checkpoint.timeUs} µs but follows frame ${previous.index} at ${previous.timeUs} µs`, { offset: position });
        }
        checkpoints.push({ frame: checkpoint.frame, offset: position });
      } else if (location.type === 'golden') {
        const mark = decodeGolden(payload, position);
        if (mark.frame > previous.index) throw new TraceError('E_TRACE_INVALID', `the golden mark '${mark.name}' at byte ${position} names frame ${mark.frame}, which comes later`, { offset: position });
        if (goldens.some((g) => g.name === mark.name)) throw new TraceError('E_TRACE_INVALID', `the golden name '${mark.name}' is used twice`, { offset: position });
        goldens.push(mark);
      } else {
        const last = decodeEnd(payload, position);
        if (last.frames !== previous.index + 1) {
          throw new TraceError('E_TRACE_INVALID', `the end record says ${last.frames} frames but the file holds ${previous.index + 1}`, { offset: position });
        }
        end = last;
      }
    } catch (error) {
      // The file's zero-filled tail begins inside this record and runs on past it: cut off here,
      // readable up to here. (A last record that merely ends in zeros and fails is damage.)
      if (!intact && header && error instanceof TraceError && recordEnd < fileBytes && trailingZerosStart(fd, fileBytes, path) <= recordEnd) break;
      if (!salvage || !header || !(error instanceof TraceError)) throw error;
      damage = error.message;
      break;
    }
    position = location.payloadOffset + location.payloadLength;
  }
  if (!header) throw new TraceError('E_TRACE_INVALID', `${path} is cut off before its header is complete (${fileBytes} bytes)`);
  return {
    header,
    frames: offsets.length,
    end,
    checkpoints,
    goldens,
    trailingBytes: fileBytes - position,
    damage,
    fileBytes,
    offsets: offsets.trimmed(),
    payloadOffsets: payloadOffsets.trimmed(),
    times: times.trimmed(),
    deltas: deltas.trimmed(),
    lengths: lengths.trimmed(),
    crcs: crcs.trimmed(),
    stateBytes,
    signatureBytes: signatures,
    limits: limits!,
  };
}

/** Widgets in a validated scene: the root and its descendants. */
function countWidgets(scene: unknown): number {
  let count = 0;
  const visit = (widget: { children?: unknown[] }): void => {
    count++;
    for (const child of widget.children ?? []) visit(child as { children?: unknown[] });
  };
  visit((scene as { root: { children?: unknown[] } }).root);
  return count;
}

function checkHeader(header: TraceHeader, path: string): TraceHeader {
  try {
    validateScene(header.scene, `${path} (header scene)`);
  } catch (error) {
    if (error instanceof SceneError) throw new TraceError('E_TRACE_INVALID', `the scene in ${path}'s header is invalid: ${error.message}`, { cause: error });
    throw error;
  }
  return header;
}

/** Best effort: which program wrote a file of another format version (for the error message). */
function guessWriter(fd: number, fileBytes: number): string | undefined {
  try {
    const bytes = readBytes(fd, TRACE_PREAMBLE_BYTES, Math.min(fileBytes - TRACE_PREAMBLE_BYTES, 1 << 20), '');
    const head = parseRecordHead(bytes, 0, TRACE_PREAMBLE_BYTES);
    if (head.kind !== 'record') return undefined;
    const start = head.location.payloadOffset - TRACE_PREAMBLE_BYTES;
    const decoded: unknown = unpack(bytes.subarray(start, start + head.location.payloadLength));
    const writer = typeof decoded === 'object' && decoded !== null ? (decoded as { writer?: unknown }).writer : undefined;
    return typeof writer === 'string' ? writer.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}

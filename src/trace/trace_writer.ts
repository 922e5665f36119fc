/**
 * Writes a trace append-only: the preamble and header when created, then each frame (and each
 * checkpoint) as soon as it exists, with one write call per record. A process killed at any point
 * leaves a file that reads back to its last complete frame.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

import { prepareOutputFile } from '../files.js';
import { frameRecord, preamble } from './record_framing.js';
import { TraceError } from './trace_error.js';
import { encodeCheckpoint, encodeEnd, encodeFrame, encodeGolden, encodeHeader, LIMITS, type FrameContext } from './trace_records.js';
import type { CheckpointRecord, EndRecord, FrameRecord, GoldenMark, TraceHeader } from './trace_types.js';

export class TraceWriter {
  private fd: number | undefined;
  private previous: FrameContext = { index: -1, timeUs: 0, deltaUs: undefined };
  private lastDigest = 0n;
  private bytesWritten = 0;
  private readonly goldenNames = new Set<string>();

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Starts a trace file at `path` and writes the header. With `exclusive`, an existing file is an error rather than
   * replaced (the recorder's .partial file: another recording may be writing it, or a cut-off one
   * may be all that is left of a session).
   */
  static create(path: string, header: TraceHeader, options: { exclusive?: boolean } = {}): TraceWriter {
    let fd: number;
    prepareOutputFile(path);
    try {
      fd = openSync(path, options.exclusive ? 'wx' : 'w');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new TraceError('E_TRACE_IO', `${path} exists: another recording is writing it, or one was cut off there (it reads back to its last frame: gpuos inspect ${path}); move it away first`, { cause: error });
      }
      throw new TraceError('E_TRACE_IO', `cannot create ${path}: ${(error as Error).message}`, { cause: error });
    }
    const writer = new TraceWriter(path, fd);
    writer.append(Buffer.concat([preamble(), frameRecord('header', encodeHeader(header))]));
    return writer;
  }

  /** Frames written so far. */
  get frames(): number {
    return this.previous.index + 1;
  }

  get size(): number {
    return this.bytesWritten;
  }

  writeFrame(frame: FrameRecord): void {
    if (frame.index !== this.previous.index + 1) throw new TraceError('E_TRACE_INVALID', `frame ${frame.index} written after frame ${this.previous.index}`);
    // Never write what the reader refuses (trace_records.ts decodeFrame holds it to the same limits).
    if (frame.operations.length > LIMITS.maxOperationsPerFrame) throw new TraceError('E_TRACE_INVALID', `frame ${frame.index} has ${frame.operations.length} host operations; a frame holds at most ${LIMITS.maxOperationsPerFrame}`);
    if (frame.stateRuns.length > LIMITS.maxStateRuns * 2) throw new TraceError('E_TRACE_INVALID', `frame ${frame.index} has ${frame.stateRuns.length / 2} state runs; a frame holds at most ${LIMITS.maxStateRuns}`);
    this.append(frameRecord('frame', encodeFrame(frame, this.previous)));
    this.previous = { index: frame.index, timeUs: frame.timeUs, deltaUs: frame.deltaUs };
    this.lastDigest = frame.digest;
  }

  writeCheckpoint(checkpoint: CheckpointRecord): void {
    if (checkpoint.frame !== this.previous.index) throw new TraceError('E_TRACE_INVALID', `a checkpoint after frame ${checkpoint.frame} written after frame ${this.previous.index}`);
    this.append(frameRecord('checkpoint', encodeCheckpoint(checkpoint)));
  }

  /** Marks a frame already written for comparison with a golden image. */
  writeGolden(mark: GoldenMark): void {
    if (mark.frame > this.previous.index || mark.frame < 0) throw new TraceError('E_TRACE_INVALID', `a golden mark for frame ${mark.frame}, which has not been written`);
    if (this.goldenNames.has(mark.name)) throw new TraceError('E_TRACE_INVALID', `the golden name '${mark.name}' is already used in this trace`);
    this.goldenNames.add(mark.name);
    this.append(frameRecord('golden', encodeGolden(mark)));
  }

  /** Writes the end record and closes the file: the trace is complete. */
  close(): EndRecord {
    const end: EndRecord = { frames: this.frames, digest: this.lastDigest };
    this.append(frameRecord('end', encodeEnd(end)));
    const fd = this.fd!;
    this.fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return end;
  }

  /** Closes without an end record, as a killed recorder would leave it (for tests and aborts). */
  abandon(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(bytes: Buffer): void {
    if (this.fd === undefined) throw new TraceError('E_TRACE_IO', `${this.path} is already closed`);
    try {
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(this.fd, bytes, written, bytes.byteLength - written);
    } catch (error) {
      throw new TraceError('E_TRACE_IO', `cannot write ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    this.bytesWritten += bytes.byteLength;
  }
}

/**
 * The trace container (docs/TRACE_FORMAT.md): the magic, a format version byte, then records
 * appended one after another, each
 *
 *   type     1 byte   'H' header, 'F' frame, 'C' checkpoint, 'G' golden mark, 'E' end
 *   length   LEB128   payload bytes (at most MAX_RECORD_BYTES, so 1 to 4 bytes)
 *   crc32    4 bytes  little-endian CRC-32 (zlib's) of the type byte and the payload
 *   payload  msgpack
 *
 * Appending whole records only, a writer killed midway leaves a file whose last record is
 * incomplete; a reader stops there, having lost nothing before it.
 */
import { crc32 } from 'node:zlib';

import { TraceError } from './trace_error.js';

export const TRACE_MAGIC = Buffer.from('GPUOSTRC', 'ascii');
export const TRACE_FORMAT_VERSION = 1;
/** Bytes before the first record: the magic and the version byte. */
export const TRACE_PREAMBLE_BYTES = TRACE_MAGIC.length + 1;
/** No record may be larger: a 3840x2160 checkpoint compresses well below it. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export const RECORD_TYPES = { header: 0x48, frame: 0x46, checkpoint: 0x43, golden: 0x47, end: 0x45 } as const;
export type RecordType = keyof typeof RECORD_TYPES;
const TYPE_NAMES = new Map<number, RecordType>(Object.entries(RECORD_TYPES).map(([name, code]) => [code, name as RecordType]));

export function recordTypeName(code: number): RecordType | undefined {
  return TYPE_NAMES.get(code);
}

export function preamble(): Buffer {
  return Buffer.concat([TRACE_MAGIC, Buffer.from([TRACE_FORMAT_VERSION])]);
}

function checksum(type: number, payload: Uint8Array): number {
  return crc32(payload, crc32(Buffer.from([type])));
}

/** One record, framed. */
export function frameRecord(type: RecordType, payload: Uint8Array): Buffer {
  if (payload.byteLength > MAX_RECORD_BYTES) throw new TraceError('E_TRACE_TOO_LARGE', `a ${type} record of ${payload.byteLength} bytes passes the ${MAX_RECORD_BYTES}-byte limit`);
  const code = RECORD_TYPES[type];
  const length: number[] = [];
  let n = payload.byteLength;
  do {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  const head = Buffer.alloc(1 + length.length + 4);
  head[0] = code;
  Buffer.from(length).copy(head, 1);
  head.writeUInt32LE(checksum(code, payload), 1 + length.length);
  return Buffer.concat([head, payload]);
}

export interface RecordLocation {
  type: RecordType;
  /** Where the record starts (its type byte) and where its payload starts and ends. */
  offset: number;
  payloadOffset: number;
  payloadLength: number;
}

export type HeadParse = { kind: 'record'; location: RecordLocation; crc: number } | { kind: 'incomplete' };

/**
 * Parses the framing at `offset` of `bytes` (which may end mid-record). Returns 'incomplete' when
 * the bytes end before the header does; throws for an unknown type or an oversized length.
 */
export function parseRecordHead(bytes: Uint8Array, offset: number, fileOffset: number): HeadParse {
  if (offset >= bytes.byteLength) return { kind: 'incomplete' };
  const type = recordTypeName(bytes[offset]!);
  if (!type) {
    throw new TraceError('E_TRACE_CORRUPT', `unknown record type 0x${bytes[offset]!.toString(16).padStart(2, '0')} at byte ${fileOffset}: the file is damaged`, { offset: fileOffset });
  }
  let length = 0;
  let shift = 0;
  let cursor = offset + 1;
  for (;;) {
    if (cursor >= bytes.byteLength) return { kind: 'incomplete' };
    const byte = bytes[cursor++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    if (shift >= 28) throw new TraceError('E_TRACE_CORRUPT', `the length of the ${type} record at byte ${fileOffset} is malformed`, { offset: fileOffset });
  }
  if (length > MAX_RECORD_BYTES) {
    throw new TraceError('E_TRACE_TOO_LARGE', `the ${type} record at byte ${fileOffset} declares ${length} bytes; records are limited to ${MAX_RECORD_BYTES}`, { offset: fileOffset });
  }
  if (cursor + 4 > bytes.byteLength) return { kind: 'incomplete' };
  const crc = (bytes[cursor]! | (bytes[cursor + 1]! << 8) | (bytes[cursor + 2]! << 16) | (bytes[cursor + 3]! << 24)) >>> 0;
  const payloadOffset = cursor + 4;
  return { kind: 'record', crc, location: { type, offset: fileOffset, payloadOffset: fileOffset + (payloadOffset - offset), payloadLength: length } };
}

export function checkRecordCrc(type: RecordType, payload: Uint8Array, expected: number, fileOffset: number): void {
  if (checksum(RECORD_TYPES[type], payload) !== expected) {
    throw new TraceError('E_TRACE_CORRUPT', `the ${type} record at byte ${fileOffset} fails its checksum: the file is damaged (flipped bits or an edit)`, { offset: fileOffset });
  }
}

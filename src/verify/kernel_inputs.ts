/**
 * What a determinism check dispatches: a kernel's thread count, its buffers' starting contents and
 * its threadgroup lengths, described as data (a JSON or msgpack file for `gpuos verify k.metal
 * --inputs`, an object for verifyKernel). Untrusted: every field is validated, sizes are bounded,
 * and an error names the field and says what to write instead.
 *
 *   {
 *     "kernel": "aba_stack",                  optional: the file's only kernel, or --kernel
 *     "threads": 32,                          or [x, y, z]
 *     "buffers": [                            by index, or { "name": spec } by parameter name
 *       { "type": "uint32", "data": [1, 2, 3, 4, 0, 0, 0, 0] },
 *       { "type": "float32", "length": 1024, "fill": 0.5 },
 *       { "bytes": 64 }                       zeroed
 *     ],
 *     "threadgroupMemory": [256],             bytes per [[threadgroup(n)]], or by name
 *     "strict": true
 *   }
 */
import { extname } from 'node:path';

import { unpack } from 'msgpackr';

import { InvalidArgumentError } from '../errors.js';
import { readBoundedFile } from '../files.js';
import { DeviceBuffer } from '../kernel/device_buffer.js';

/** Input files above this are refused (a description, not a data dump). */
export const MAX_INPUTS_FILE_BYTES = 64 * 1024 * 1024;
/** All buffers of one dispatch together. */
export const MAX_INPUT_BUFFER_BYTES = 256 * 1024 * 1024;

const ELEMENT_TYPES = {
  uint8: { bytes: 1, min: 0, max: 255, float: false },
  int8: { bytes: 1, min: -128, max: 127, float: false },
  uint16: { bytes: 2, min: 0, max: 0xffff, float: false },
  int16: { bytes: 2, min: -0x8000, max: 0x7fff, float: false },
  uint32: { bytes: 4, min: 0, max: 0xffffffff, float: false },
  int32: { bytes: 4, min: -0x80000000, max: 0x7fffffff, float: false },
  float32: { bytes: 4, min: -Infinity, max: Infinity, float: true },
} as const;
export type ElementType = keyof typeof ELEMENT_TYPES;

/** One buffer's starting contents: raw bytes, or typed values. */
export type BufferSpec =
  | Uint8Array
  | { type?: ElementType; data?: readonly number[] | Uint8Array; length?: number; bytes?: number; fill?: number };

export interface KernelInputs {
  kernel?: string;
  threads: number | [number, number, number];
  buffers: BufferSpec[] | Record<string, BufferSpec>;
  threadgroupMemory?: number[] | Record<string, number>;
  strict?: boolean;
}

/** The inputs, validated: buffer contents as bytes, ready to copy into fresh buffers per run. */
export interface ResolvedInputs {
  kernel?: string;
  threads: number | [number, number, number];
  /** Contents by index or by parameter name, as given. */
  buffers: Uint8Array[] | Record<string, Uint8Array>;
  threadgroupMemory?: number[] | Record<string, number>;
  strict: boolean;
}

const fail = (where: string, what: string): never => {
  throw new InvalidArgumentError(`inputs: ${where} ${what}`);
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function count(where: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) fail(where, `must be an integer from 0 to ${max}, got ${JSON.stringify(value)}`);
  return value as number;
}

function bufferBytes(where: string, spec: unknown, budget: { left: number }): Uint8Array {
  if (spec instanceof Uint8Array) {
    if (spec.byteLength > budget.left) fail(where, `takes the buffers past ${MAX_INPUT_BUFFER_BYTES} bytes`);
    budget.left -= spec.byteLength;
    return new Uint8Array(spec);
  }
  if (!isRecord(spec)) return fail(where, 'must be { type, data } or { type, length, fill } or { bytes }');
  const known = new Set(['type', 'data', 'length', 'bytes', 'fill']);
  for (const key of Object.keys(spec)) if (!known.has(key)) fail(`${where}.${key}`, `is not a buffer field (the fields are: ${[...known].join(', ')})`);
  const typeName = spec['type'] ?? 'uint8';
  if (typeof typeName !== 'string' || !(typeName in ELEMENT_TYPES)) fail(`${where}.type`, `must be one of ${Object.keys(ELEMENT_TYPES).join(', ')}, got ${JSON.stringify(typeName)}`);
  const type = ELEMENT_TYPES[typeName as ElementType];
  const data = spec['data'];
  if (data !== undefined && spec['length'] !== undefined) fail(where, 'has both data and length: give one');
  if (spec['bytes'] !== undefined && (data !== undefined || spec['length'] !== undefined)) fail(where, 'has bytes with data or length: bytes alone is a zeroed buffer of that size');
  if (data instanceof Uint8Array) {
    if (typeName !== 'uint8') fail(`${where}.data`, 'as raw bytes needs type uint8 (or no type)');
    return bufferBytes(where, data, budget);
  }
  let length: number;
  if (data !== undefined) {
    if (!Array.isArray(data)) return fail(`${where}.data`, 'must be an array of numbers');
    length = data.length;
  } else if (spec['bytes'] !== undefined) {
    length = count(`${where}.bytes`, spec['bytes'], MAX_INPUT_BUFFER_BYTES) / type.bytes;
    if (!Number.isInteger(length)) fail(`${where}.bytes`, `must be a multiple of ${type.bytes} for ${typeName}`);
  } else if (spec['length'] !== undefined) {
    length = count(`${where}.length`, spec['length'], MAX_INPUT_BUFFER_BYTES);
  } else {
    return fail(where, 'needs data, length or bytes');
  }
  const byteLength = length * type.bytes;
  if (byteLength === 0) fail(where, 'is empty: a buffer needs at least one byte');
  if (byteLength > budget.left) fail(where, `takes the buffers past ${MAX_INPUT_BUFFER_BYTES} bytes`);
  budget.left -= byteLength;
  const bytes = new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer);
  const put = (i: number, value: unknown, label: string) => {
    if (typeof value !== 'number' || Number.isNaN(value) || (!type.float && (!Number.isInteger(value) || value < type.min || value > type.max))) {
      fail(label, `must be ${type.float ? 'a number' : `an integer from ${type.min} to ${type.max}`} for ${typeName}, got ${JSON.stringify(value)}`);
    }
    const n = value as number;
    switch (typeName) {
      case 'uint8': view.setUint8(i, n); break;
      case 'int8': view.setInt8(i, n); break;
      case 'uint16': view.setUint16(i * 2, n, true); break;
      case 'int16': view.setInt16(i * 2, n, true); break;
      case 'uint32': view.setUint32(i * 4, n, true); break;
      case 'int32': view.setInt32(i * 4, n, true); break;
      case 'float32': view.setFloat32(i * 4, n, true); break;
    }
  };
  if (Array.isArray(data)) {
    for (let i = 0; i < length; i++) put(i, data[i], `${where}.data[${i}]`);
  } else if (spec['fill'] !== undefined) {
    for (let i = 0; i < length; i++) put(i, spec['fill'], `${where}.fill`);
  }
  return bytes;
}

/** Validates an inputs object (from a file or from code). */
export function resolveInputs(value: unknown): ResolvedInputs {
  if (!isRecord(value)) return fail('', 'must be an object: { threads, buffers, threadgroupMemory? }');
  const known = new Set(['kernel', 'threads', 'buffers', 'threadgroupMemory', 'strict']);
  for (const key of Object.keys(value)) if (!known.has(key)) fail(key, `is not an inputs field (the fields are: ${[...known].join(', ')})`);
  const kernel = value['kernel'];
  if (kernel !== undefined && (typeof kernel !== 'string' || kernel === '')) fail('kernel', 'must be a kernel name');
  const threads = value['threads'];
  if (threads === undefined) fail('threads', 'is missing: how many threads (up to 1024), or [x, y, z]');
  if (!(typeof threads === 'number' || (Array.isArray(threads) && threads.length === 3))) fail('threads', `must be a number or [x, y, z], got ${JSON.stringify(threads)}`);
  const budget = { left: MAX_INPUT_BUFFER_BYTES };
  const rawBuffers = value['buffers'];
  let buffers: Uint8Array[] | Record<string, Uint8Array>;
  if (Array.isArray(rawBuffers)) {
    if (rawBuffers.length > 31) fail('buffers', 'has more than 31 entries (Metal has 31 buffer slots)');
    buffers = rawBuffers.map((spec, i) => bufferBytes(`buffers[${i}]`, spec, budget));
  } else if (isRecord(rawBuffers)) {
    if (Object.keys(rawBuffers).length > 31) fail('buffers', 'has more than 31 entries (Metal has 31 buffer slots)');
    buffers = Object.fromEntries(Object.entries(rawBuffers).map(([name, spec]) => [name, bufferBytes(`buffers.${name}`, spec, budget)]));
  } else {
    return fail('buffers', 'must be an array (by index) or an object (by parameter name)');
  }
  const threadgroupMemory = value['threadgroupMemory'];
  if (threadgroupMemory !== undefined && !Array.isArray(threadgroupMemory) && !isRecord(threadgroupMemory)) fail('threadgroupMemory', 'must be an array or an object of byte lengths');
  const strict = value['strict'];
  if (strict !== undefined && typeof strict !== 'boolean') fail('strict', 'must be true or false');
  return {
    ...(kernel === undefined ? {} : { kernel: kernel as string }),
    threads: threads as ResolvedInputs['threads'],
    buffers,
    ...(threadgroupMemory === undefined ? {} : { threadgroupMemory: threadgroupMemory as ResolvedInputs['threadgroupMemory'] }),
    strict: (strict as boolean | undefined) ?? true,
  };
}

/** Reads an inputs file: .json, or .msgpack / .mpk (which may hold raw bytes as binary). */
export function readInputsFile(path: string): ResolvedInputs {
  const bytes = readBoundedFile(path, MAX_INPUTS_FILE_BYTES, 'kernel inputs file');
  const extension = extname(path).toLowerCase();
  let value: unknown;
  try {
    value = extension === '.msgpack' || extension === '.mpk' ? unpack(bytes) : JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new InvalidArgumentError(`${path} is not valid ${extension === '.json' ? 'JSON' : extension === '.msgpack' || extension === '.mpk' ? 'msgpack' : 'JSON (name a msgpack file .msgpack)'}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return resolveInputs(value);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Fresh buffers holding the inputs' starting contents (one set per run). */
export function freshBuffers(inputs: ResolvedInputs): DeviceBuffer[] | Record<string, DeviceBuffer> {
  if (Array.isArray(inputs.buffers)) return inputs.buffers.map((bytes) => DeviceBuffer.from(bytes));
  return Object.fromEntries(Object.entries(inputs.buffers).map(([name, bytes]) => [name, DeviceBuffer.from(bytes)]));
}

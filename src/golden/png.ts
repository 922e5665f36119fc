/**
 * The PNG codec for framebuffers and goldens (pngjs): RGBA8, no gamma or colour-profile
 * conversion, so the bytes read back are exactly the bytes written.
 */
import { PNG } from 'pngjs';

import { GpuosError, InvalidArgumentError } from '../errors.js';
import { FileError, readBoundedFile, writeFileAtomic } from '../files.js';

/** Larger images are refused before decoding (a 3840×2160 frame is the OS's largest). */
export const MAX_PNG_WIDTH = 3840;
export const MAX_PNG_HEIGHT = 2160;
/** A PNG file larger than this is refused before it is read. */
export const MAX_PNG_FILE_BYTES = 64 * 1024 * 1024;

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, rows top to bottom. */
  data: Uint8Array;
}

/** A PNG that cannot be used (corrupt, too large, or not a file). */
export class PngError extends GpuosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_PNG_INVALID', message, options);
  }
}

/** Refuses an image whose size is out of range or whose data is not width × height × 4 bytes. */
export function checkImage(image: RgbaImage, what = 'an image'): void {
  if (typeof image !== 'object' || image === null) throw new InvalidArgumentError(`${what} must be an RGBA image { width, height, data }`);
  const { width, height, data } = image;
  if (!Number.isSafeInteger(width) || width < 1 || width > MAX_PNG_WIDTH || !Number.isSafeInteger(height) || height < 1 || height > MAX_PNG_HEIGHT) {
    throw new InvalidArgumentError(`${what} must be 1×1 to ${MAX_PNG_WIDTH}×${MAX_PNG_HEIGHT}, got ${width}×${height}`);
  }
  if (!(data instanceof Uint8Array) || data.byteLength !== width * height * 4) {
    throw new InvalidArgumentError(`a ${width}×${height} RGBA image has ${width * height * 4} bytes, got ${data?.byteLength}`);
  }
}

export function encodePng(image: RgbaImage): Buffer {
  checkImage(image);
  const png = new PNG({ width: image.width, height: image.height, colorType: 6, inputColorType: 6, bitDepth: 8, inputHasAlpha: true });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8, inputHasAlpha: true });
}

export function decodePng(bytes: Uint8Array, name = 'the PNG'): RgbaImage {
  // Check the header's size before pngjs allocates for it: a hostile file can claim 2^31×2^31.
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.byteLength < 33 || signature.some((byte, i) => bytes[i] !== byte)) throw new PngError(`${name} is not a PNG file`);
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = header.getUint32(16);
  const height = header.getUint32(20);
  if (width < 1 || height < 1 || width > MAX_PNG_WIDTH || height > MAX_PNG_HEIGHT) {
    throw new PngError(`${name} is ${width}×${height}; images are limited to ${MAX_PNG_WIDTH}×${MAX_PNG_HEIGHT}`);
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: false });
  } catch (error) {
    throw new PngError(`${name} is corrupt: ${(error as Error).message}`, { cause: error });
  }
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

export function readPng(path: string): RgbaImage {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(path, MAX_PNG_FILE_BYTES, 'PNG');
  } catch (error) {
    if (error instanceof FileError) throw new PngError(error.message, { cause: error });
    throw error;
  }
  return decodePng(bytes, path);
}

/** Writes atomically (temporary file, then rename): a reader never sees half a PNG. */
export function writePng(path: string, image: RgbaImage): void {
  writeFileAtomic(path, encodePng(image));
}

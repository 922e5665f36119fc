/**
 * Memory a kernel binds with [[buffer(n)]]. Reads and writes copy: a buffer's bytes cannot change
 * under a running dispatch, and a dispatch that binds a buffer makes it unusable (E_BUFFER_BUSY)
 * until it settles; only reads are allowed while that dispatch is paused in its onBarrier observer.
 * Out-of-bounds accesses by a kernel fault on guard pages and are reported.
 */
import { InvalidArgumentError } from '../errors.js';
import { callNative, nativeAddon, type NativeDeviceBuffer } from './native.js';

/** Largest buffer: 1 GiB (a 3840×2160 RGBA framebuffer is 33 MB). */
export const MAX_DEVICE_BUFFER_BYTES = 1 << 30;

type Bytes = ArrayBufferView | ArrayBuffer;

function asUint8(data: Bytes): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError('expected a typed array, DataView, Buffer or ArrayBuffer');
}

function checkIndex(name: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer from 0 to ${max}, got ${String(value)}`);
  }
}

export class DeviceBuffer {
  /** @internal */
  readonly native: NativeDeviceBuffer;

  constructor(byteLength: number) {
    if (!Number.isSafeInteger(byteLength) || byteLength < 1 || byteLength > MAX_DEVICE_BUFFER_BYTES) {
      throw new InvalidArgumentError(`DeviceBuffer byteLength must be an integer from 1 to ${MAX_DEVICE_BUFFER_BYTES}, got ${String(byteLength)}`);
    }
    this.native = callNative(() => new (nativeAddon().DeviceBuffer)(byteLength));
  }

  /** A buffer holding a copy of `data`. */
  static from(data: Bytes): DeviceBuffer {
    const bytes = asUint8(data);
    const buffer = new DeviceBuffer(Math.max(1, bytes.byteLength));
    buffer.write(bytes);
    return buffer;
  }

  get byteLength(): number {
    return this.native.byteLength;
  }

  // A GPU backend keeps a copy of this buffer in its own memory (src/kernel/cuda/cuda_library.ts).
  // After a GPU dispatch that copy is the newer one: `pullFromDevice` fetches it, the first time
  // anything here needs the bytes. `hostVersion` counts writes made here, so the backend knows
  // when its copy is stale.
  private pullFromDevice: (() => Uint8Array) | undefined;
  private version = 0;

  /** @internal */
  get hostVersion(): number {
    return this.version;
  }

  /** @internal the device's copy is newer; `pull` returns it (all bytes). */
  deviceIsNewer(pull: () => Uint8Array): void {
    this.pullFromDevice = pull;
  }

  /** @internal the emulator is about to run a kernel that may write these bytes in place. */
  willChangeInPlace(): void {
    this.settle();
    this.version++;
  }

  /** @internal brings a newer device copy here, if there is one. */
  settle(): void {
    const pull = this.pullFromDevice;
    if (!pull) return;
    this.pullFromDevice = undefined;
    const bytes = pull();
    callNative(() => this.native.write(bytes, 0));
  }

  write(data: Bytes, byteOffset = 0): void {
    const bytes = asUint8(data);
    checkIndex('byteOffset', byteOffset, this.byteLength);
    this.settle();
    this.version++;
    callNative(() => this.native.write(bytes, byteOffset));
  }

  /** A copy of `byteLength` bytes from `byteOffset` (default: to the end). */
  read(byteOffset = 0, byteLength = this.byteLength - byteOffset): Uint8Array {
    checkIndex('byteOffset', byteOffset, this.byteLength);
    checkIndex('byteLength', byteLength, this.byteLength);
    this.settle();
    return callNative(() => this.native.read(byteOffset, byteLength));
  }

  readFloat32(): Float32Array {
    return new Float32Array(this.alignedCopy(4));
  }

  readUint32(): Uint32Array {
    return new Uint32Array(this.alignedCopy(4));
  }

  readInt32(): Int32Array {
    return new Int32Array(this.alignedCopy(4));
  }

  fill(byte: number): void {
    checkIndex('byte', byte, 255);
    this.pullFromDevice = undefined;
    this.version++;
    callNative(() => this.native.fill(byte));
  }

  /** XXH64 of `byteLength` bytes from `byteOffset`, computed in place (nothing is copied out). */
  digest(byteOffset = 0, byteLength = this.byteLength - byteOffset): bigint {
    checkIndex('byteOffset', byteOffset, this.byteLength);
    checkIndex('byteLength', byteLength, this.byteLength - byteOffset);
    this.settle();
    return callNative(() => this.native.digest(byteOffset, byteLength));
  }

  /**
   * For a width x height RGBA8 image at the start of the buffer, the low 32 bits of XXH64 over
   * each listed tile's pixels (tileSize square, row-major tile indices; edge tiles are cut).
   */
  tileDigests(width: number, height: number, tileSize: number, tiles: Uint32Array): Uint32Array {
    if (!(tiles instanceof Uint32Array)) throw new InvalidArgumentError('tileDigests: tiles must be a Uint32Array');
    this.settle();
    return callNative(() => this.native.tileDigests(width, height, tileSize, tiles));
  }

  /** Unmaps the memory now instead of at garbage collection. */
  release(): void {
    this.pullFromDevice = undefined;
    callNative(() => this.native.release());
  }

  private alignedCopy(elementBytes: number): ArrayBuffer {
    const bytes = this.read(0, this.byteLength - (this.byteLength % elementBytes));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/**
 * Typed views over the OS's device memory, built from the layout the C++ compiler computed for
 * kernels/gpuos_abi.h (exported by the addon): field names, offsets and types come from the one
 * header the kernel also compiles, so this view cannot drift from it. The kernel's threadgroup
 * scratch (`os_scratch`, kernels/os/os_scratch.h) and the SIMD-group role constants (OS_*) are
 * exported the same way, apart (they are not device memory), and read through the same methods.
 */
import { GpuosError } from '../errors.js';
import { nativeAddon } from '../kernel/native.js';

type Scalar = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32';

const SCALARS: Record<string, Scalar> = {
  uint8_t: 'u8',
  int8_t: 'i8',
  uint16_t: 'u16',
  int16_t: 'i16',
  uint32_t: 'u32',
  int32_t: 'i32',
  float: 'f32',
  GPUOS_ATOMIC_U32: 'u32',
};

export interface AbiField {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly count: number;
  /** Two-dimensional arrays only: elements per row (count is rows * columns, row-major). */
  readonly columns?: number;
  /** Set for scalar fields; struct fields name their struct in `type`. */
  readonly scalar?: Scalar;
}

export interface AbiStruct {
  readonly name: string;
  readonly size: number;
  readonly fields: ReadonlyMap<string, AbiField>;
  /** 'device' for the ABI of buffer 0 and the tile states; 'threadgroup' for os_scratch. */
  readonly memory: 'device' | 'threadgroup';
}

export type AbiValue = number | number[] | AbiRecord | AbiRecord[];
export interface AbiRecord {
  [field: string]: AbiValue;
}

export class OsAbi {
  private readonly structs = new Map<string, AbiStruct>();
  private readonly constantValues = new Map<string, number>();

  private constructor() {
    const addon = nativeAddon();
    for (const [memory, layout] of [
      ['device', addon.osAbiLayout()],
      ['threadgroup', addon.osThreadgroupLayout()],
    ] as const) {
      for (const [name, struct] of Object.entries(layout.structs)) {
        const fields = new Map<string, AbiField>();
        for (const field of struct.fields) {
          const scalar = SCALARS[field.type];
          fields.set(field.name, { ...field, ...(scalar ? { scalar } : {}) });
        }
        this.structs.set(name, { name, size: struct.size, fields, memory });
      }
      for (const [name, value] of Object.entries(layout.constants)) this.constantValues.set(name, value);
    }
  }

  private static instance: OsAbi | undefined;
  static get(): OsAbi {
    return (OsAbi.instance ??= new OsAbi());
  }

  struct(name: string): AbiStruct {
    const found = this.structs.get(name);
    if (!found) throw new GpuosError('E_INTERNAL', `the OS ABI has no struct ${name}`);
    return found;
  }

  field(structName: string, fieldName: string): AbiField {
    const field = this.struct(structName).fields.get(fieldName);
    if (!field) throw new GpuosError('E_INTERNAL', `${structName} has no field ${fieldName}`);
    return field;
  }

  constant(name: string): number {
    const value = this.constantValues.get(name);
    if (value === undefined) throw new GpuosError('E_INTERNAL', `the OS ABI has no constant ${name}`);
    return value;
  }

  /**
   * Byte offset of a path such as ['widgets', 3, 'value'] from the start of `structName`. An index
   * into a two-dimensional array counts elements row-major (['region', w * 4 + k]).
   */
  offsetOf(structName: string, path: readonly (string | number)[]): number {
    let struct = this.struct(structName);
    let offset = 0;
    for (let i = 0; i < path.length; i++) {
      const field = this.field(struct.name, String(path[i]));
      offset += field.offset;
      const next = path[i + 1];
      if (typeof next === 'number') {
        if (next < 0 || next >= field.count) throw new GpuosError('E_INTERNAL', `${field.name}[${next}] is out of range`);
        offset += next * field.size;
        i++;
      }
      if (!field.scalar && i + 1 < path.length) struct = this.struct(field.type);
    }
    return offset;
  }

  /** Reads a whole struct (nested structs and arrays included; two-dimensional arrays flat, row-major) from `view` at `base`. */
  read(structName: string, view: DataView, base = 0): AbiRecord {
    const out: AbiRecord = {};
    for (const field of this.struct(structName).fields.values()) {
      const element = (index: number): number | AbiRecord =>
        field.scalar ? readScalar(view, base + field.offset + index * field.size, field.scalar) : this.read(field.type, view, base + field.offset + index * field.size);
      if (field.count === 1) {
        out[field.name] = element(0);
      } else {
        out[field.name] = Array.from({ length: field.count }, (_, i) => element(i)) as number[] | AbiRecord[];
      }
    }
    return out;
  }

  /** Writes the given scalar fields of a struct; fields not named keep their bytes. */
  write(structName: string, view: DataView, base: number, values: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(values)) {
      const field = this.field(structName, name);
      if (!field.scalar || field.count !== 1) throw new GpuosError('E_INTERNAL', `${structName}.${name} is not a scalar field`);
      writeScalar(view, base + field.offset, field.scalar, value);
    }
  }
}

export function readScalar(view: DataView, offset: number, type: Scalar): number {
  switch (type) {
    case 'u8':
      return view.getUint8(offset);
    case 'i8':
      return view.getInt8(offset);
    case 'u16':
      return view.getUint16(offset, true);
    case 'i16':
      return view.getInt16(offset, true);
    case 'u32':
      return view.getUint32(offset, true);
    case 'i32':
      return view.getInt32(offset, true);
    case 'f32':
      return view.getFloat32(offset, true);
  }
}

export function writeScalar(view: DataView, offset: number, type: Scalar, value: number): void {
  switch (type) {
    case 'u8':
      return view.setUint8(offset, value);
    case 'i8':
      return view.setInt8(offset, value);
    case 'u16':
      return view.setUint16(offset, value, true);
    case 'i16':
      return view.setInt16(offset, value, true);
    case 'u32':
      return view.setUint32(offset, value, true);
    case 'i32':
      return view.setInt32(offset, value, true);
    case 'f32':
      return view.setFloat32(offset, value, true);
  }
}

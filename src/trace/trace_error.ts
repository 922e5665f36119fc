import { GpuosError } from '../errors.js';

/**
 * A trace that cannot be used. The code says which way:
 *   E_TRACE_NOT_A_TRACE  the file does not start with the trace magic
 *   E_TRACE_VERSION      written in a format version this build does not read
 *   E_TRACE_CORRUPT      a record's checksum or structure is wrong (flipped bits, an edited file)
 *   E_TRACE_INVALID      well-formed, but a value is out of range or inconsistent
 *   E_TRACE_TOO_LARGE    a declared size passes the format's limits (nothing is allocated for it)
 *   E_TRACE_IO           the file cannot be read or written
 * `offset` is the byte position of the record at fault, where there is one.
 */
export type TraceErrorCode = 'E_TRACE_NOT_A_TRACE' | 'E_TRACE_VERSION' | 'E_TRACE_CORRUPT' | 'E_TRACE_INVALID' | 'E_TRACE_TOO_LARGE' | 'E_TRACE_IO';

export class TraceError extends GpuosError {
  readonly offset: number | undefined;

  constructor(code: TraceErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.offset = options?.offset;
  }
}

/**
 * Which bytes of the OS's device memory a trace tracks exactly, and how it encodes their change
 * from one frame to the next.
 *
 * Tracked exactly (every changed byte is stored, as runs): the frame state except its first 24
 * bytes, the widgets, their layout, the text pool. Those 24 bytes (frame number, time, time in
 * seconds, delta) are predicted from the frame's index and time instead, since they change every
 * frame. Everything else (the input ring, the primitives, the damage signatures, the pixels) is
 * covered by digests. Knowing the tracked bytes exactly is what lets a replay name the widget and
 * field that diverged.
 */
import { OsAbi } from '../os/abi.js';
import { TraceError } from './trace_error.js';

export interface TrackedRange {
  name: 'frame' | 'widgets' | 'layout' | 'text';
  start: number;
  end: number;
}

/** Bytes at the start of gpuos_frame_state that are predicted, not stored. */
export const PREDICTED_FRAME_BYTES = 24;

export function trackedRanges(widgetCount: number): TrackedRange[] {
  const abi = OsAbi.get();
  const at = (...path: (string | number)[]) => abi.offsetOf('gpuos_os_state', path);
  const frame = at('frame', 0);
  return [
    { name: 'frame', start: frame + PREDICTED_FRAME_BYTES, end: frame + abi.struct('gpuos_frame_state').size },
    { name: 'widgets', start: at('widgets', 0), end: at('widgets', 0) + widgetCount * abi.struct('gpuos_widget').size },
    { name: 'layout', start: at('layout', 0), end: at('layout', 0) + widgetCount * abi.struct('gpuos_widget_layout').size },
    { name: 'text', start: at('text'), end: at('text') + abi.constant('GPUOS_TEXT_POOL_BYTES') },
  ];
}

/**
 * The changed bytes of the tracked ranges, as runs: a flat list [gap, bytes, gap, bytes, …] where
 * each gap is the distance from the end of the previous run (from 0 for the first). Compared a
 * 4-byte word at a time; runs closer than 8 bytes are merged.
 */
export function diffRuns(previous: Uint8Array, current: Uint8Array, ranges: readonly TrackedRange[]): (number | Uint8Array)[] {
  const a = new Uint32Array(previous.buffer, previous.byteOffset, previous.byteLength >>> 2);
  const b = new Uint32Array(current.buffer, current.byteOffset, current.byteLength >>> 2);
  const runs: [number, number][] = [];
  for (const range of ranges) {
    let last: [number, number] | undefined; // runs never cross from one range into another
    for (let word = range.start >>> 2; word < range.end >>> 2; word++) {
      if (a[word] === b[word]) continue;
      const offset = word * 4;
      if (last && offset - last[1] < 8) {
        last[1] = offset + 4;
      } else {
        last = [offset, offset + 4];
        runs.push(last);
      }
    }
  }
  const out: (number | Uint8Array)[] = [];
  let cursor = 0;
  for (const [start, end] of runs) {
    out.push(start - cursor, current.slice(start, end));
    cursor = end;
  }
  return out;
}

/**
 * Checks runs from diffRuns (an untrusted trace's): well-formed, each inside one tracked range.
 * Calls `each(start, bytes)` for every run when given.
 */
export function checkRuns(runs: readonly unknown[], ranges: readonly TrackedRange[], where: string, offset?: number, each?: (start: number, bytes: Uint8Array) => void): void {
  const fail = (problem: string): never => {
    throw new TraceError('E_TRACE_INVALID', `${where}: ${problem}`, offset === undefined ? undefined : { offset });
  };
  if (runs.length % 2 !== 0) fail('has an odd number of state-change items');
  let cursor = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const gap = runs[i];
    const bytes = runs[i + 1];
    if (typeof gap !== 'number' || !Number.isInteger(gap) || gap < 0 || !(bytes instanceof Uint8Array) || bytes.byteLength === 0) fail(`state change ${i / 2} is malformed`);
    const start = cursor + (gap as number);
    const end = start + (bytes as Uint8Array).byteLength;
    if (!ranges.some((r) => start >= r.start && end <= r.end)) fail(`state change ${i / 2} writes bytes ${start}-${end}, outside the tracked memory`);
    each?.(start, bytes as Uint8Array);
    cursor = end;
  }
}

/** Applies runs from diffRuns to `state` in place; throws if they are malformed or reach outside the ranges. */
export function applyRuns(state: Uint8Array, runs: readonly (number | Uint8Array)[], ranges: readonly TrackedRange[], where: string): void {
  checkRuns(runs, ranges, where, undefined, (start, bytes) => state.set(bytes, start));
}

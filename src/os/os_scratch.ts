/**
 * The OS kernel's threadgroup scratch (`os_scratch`, kernels/os/os_scratch.h), decoded by name from
 * a barrier observer's copy of the kernel's `scratch` variable:
 *
 *   await session.step({ onBarrier(release) {
 *     if (osPhaseOf(release) === 'input') console.log(readOsScratch(release).events);
 *   } });
 *
 * Offsets, sizes and counts all come from the layout the addon exports from the kernel's own
 * field list (OsAbi.struct('os_scratch')); this file has none of its own. Field names are the
 * kernel's. Threadgroup memory starts each frame as noise and a phase writes only its own fields,
 * so a field means something only after the barrier that ends the phase writing it (events and
 * event_count after 'input', draw_order and visible_count after 'visibility', …).
 */
import { InvalidArgumentError } from '../errors.js';
import type { BarrierRelease } from '../kernel/barrier_observer.js';
import { OsAbi, type AbiRecord } from './abi.js';
import type { RawInputEvent } from './input_events.js';

/** The kernel-scope threadgroup variable of kernels/os_kernel.metal that holds the scratch. */
export const OS_SCRATCH_VARIABLE = 'scratch';

export interface OsScratch {
  /** Phase 1: this frame's valid events, in order: the first event_count (at most 32) of event_slots. */
  readonly events: RawInputEvent[];
  readonly event_count: number;
  /** Every event slot as the bytes hold it (those past event_count are leftovers or noise). */
  readonly event_slots: RawInputEvent[];
  /** Phases 2-3, per hit-testing SIMD-group: (z + 1) << 16 | widget of its frontmost hit, 0 for none (for the last event hit-tested). */
  readonly hit_key: number[];
  /** Per state SIMD-group: did an animation move this frame. */
  readonly animating: number[];
  readonly time_changes_pixels: number;
  /** Phase 4 (layout), per widget. */
  readonly preferred_w: number[];
  readonly preferred_h: number[];
  readonly subtree: number[];
  /** Per widget: [x0, y0, x1, y1], what its parent lets through. */
  readonly region: number[][];
  readonly main_size: number[];
  readonly grow_state: number[];
  readonly placed: number[];
  readonly depth_partial: number[];
  readonly max_depth: number;
  /** Phase 5: the drawn widgets' keys, (z << 16) | widget, in draw order: the first visible_count (at most 256) of draw_order_all. */
  readonly draw_order: number[];
  /** Every draw-order slot as the bytes hold it (after phase 5: the drawn keys, then 0xffffffff). */
  readonly draw_order_all: number[];
  readonly visible_count: number;
  readonly primitive_count: number;
  readonly tiles_rendered: number[];
  readonly glyphs_drawn: number[];
  /** Every field of os_scratch exactly as the layout export lists it (arrays flat and untrimmed). */
  readonly raw: AbiRecord;
}

const SCRATCH = 'os_scratch';

function toEvent(record: AbiRecord): RawInputEvent {
  const r = record as Record<string, number>;
  return { type: r['type']!, modifiers: r['modifiers']!, code: r['code']!, x: r['x']!, y: r['y']! };
}

/** Decodes os_scratch from its bytes (a copy of the kernel's `scratch` variable; at least sizeof(os_scratch)). */
export function decodeOsScratch(bytes: Uint8Array): OsScratch {
  const abi = OsAbi.get();
  const struct = abi.struct(SCRATCH);
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('decodeOsScratch: pass a Uint8Array');
  if (bytes.byteLength < struct.size) {
    throw new InvalidArgumentError(`decodeOsScratch: os_scratch is ${struct.size} bytes, got ${bytes.byteLength}`);
  }
  const raw = abi.read(SCRATCH, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const scalar = (name: string) => raw[name] as number;
  const array = (name: string) => raw[name] as number[];
  // A two-dimensional array arrives flat, row-major: rows of `columns` elements.
  const rows = (name: string): number[][] => {
    const columns = abi.field(SCRATCH, name).columns ?? 1;
    const flat = array(name);
    return Array.from({ length: flat.length / columns }, (_, row) => flat.slice(row * columns, (row + 1) * columns));
  };
  const eventSlots = (raw['events'] as AbiRecord[]).map(toEvent);
  const drawOrderAll = array('draw_order');
  // Counts are bounded by their arrays: before the phase that writes them they hold noise.
  const eventCount = scalar('event_count');
  const visibleCount = scalar('visible_count');
  return {
    events: eventSlots.slice(0, Math.min(eventCount, eventSlots.length)),
    event_count: eventCount,
    event_slots: eventSlots,
    hit_key: array('hit_key'),
    animating: array('animating'),
    time_changes_pixels: scalar('time_changes_pixels'),
    preferred_w: array('preferred_w'),
    preferred_h: array('preferred_h'),
    subtree: array('subtree'),
    region: rows('region'),
    main_size: array('main_size'),
    grow_state: array('grow_state'),
    placed: array('placed'),
    depth_partial: array('depth_partial'),
    max_depth: scalar('max_depth'),
    draw_order: drawOrderAll.slice(0, Math.min(visibleCount, drawOrderAll.length)),
    draw_order_all: drawOrderAll,
    visible_count: visibleCount,
    primitive_count: scalar('primitive_count'),
    tiles_rendered: array('tiles_rendered'),
    glyphs_drawn: array('glyphs_drawn'),
    raw,
  };
}

/** The OS kernel's scratch at a barrier release of its frame (Kernel.dispatch's or OsSession.step's onBarrier). */
export function readOsScratch(release: BarrierRelease): OsScratch {
  return decodeOsScratch(release.threadgroupVariable(OS_SCRATCH_VARIABLE));
}

/**
 * The options of eventStreamArbitrary: what a property may ask for and their defaults.
 * resolveEventStreamOptions checks them (a RangeError names a bad one) and fills in the defaults.
 */
import type { WidgetLayout } from '../os/os_state.js';
import { RING_CAPACITY } from './event_stream_ring.js';

/** The gestures a stream is made of (see event_gestures.ts for what each one does). */
export type GestureKind = 'hover' | 'click' | 'pressRelease' | 'drag' | 'wheel' | 'tab' | 'key' | 'text' | 'focusAndType' | 'burst';
export const GESTURE_KINDS: readonly GestureKind[] = ['hover', 'click', 'pressRelease', 'drag', 'wheel', 'tab', 'key', 'text', 'focusAndType', 'burst'];

export interface EventStreamOptions {
  /** The framebuffer the stream is for (required): valid pointer events stay in [0, width] x [0, height]. */
  width: number;
  height: number;
  /** The most frames in a stream, 1 to 1000. Default 12. Every count from 1 up is as likely. */
  maxFrames?: number;
  /**
   * The most events in one frame, 0 to 256 (the ring). Default 48, so frames of more than the 32
   * the kernel takes per frame (I1) happen. The ring's bound also cuts frames: see event_stream_ring.ts.
   */
  maxEventsPerFrame?: number;
  /**
   * Also generate events the kernel must drop (I2): NaN, infinite and off-screen coordinates,
   * unknown types, key codes above End, modifiers above 15, text codes outside printable ASCII,
   * wheel deltas beyond ±100000. Default false: every event is valid.
   */
  malformed?: boolean;
  /**
   * Frame times: 'varied' (default) is mostly 16667 µs with 0, 1, 8333, 33333, 100000, a second
   * and more (up to the host's minute) mixed in; 'fixed' is always 16667 µs.
   */
  deltas?: 'fixed' | 'varied';
  /** The gestures to draw from. Default: all of GESTURE_KINDS. */
  gestures?: readonly GestureKind[];
  /**
   * The layout points are aimed at, by widget index. Default: the reference model's layout of the
   * scene (src/model/layout_model.ts) on this framebuffer with every scroll view at 0. Pass a
   * session's layouts to aim at a later state (a scrolled view, say).
   */
  layout?: readonly WidgetLayout[];
}

export interface ResolvedEventStreamOptions {
  width: number;
  height: number;
  maxFrames: number;
  maxEventsPerFrame: number;
  malformed: boolean;
  deltas: 'fixed' | 'varied';
  gestures: readonly GestureKind[];
  layout: readonly WidgetLayout[] | undefined;
}

function wholeNumber(name: string, value: number | undefined, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`eventStreamArbitrary: ${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Checks the options and fills in the defaults. */
export function resolveEventStreamOptions(options: EventStreamOptions): ResolvedEventStreamOptions {
  if (typeof options !== 'object' || options === null) throw new RangeError('eventStreamArbitrary: options with width and height are required');
  const gestures = options.gestures ?? GESTURE_KINDS;
  for (const kind of gestures) if (!GESTURE_KINDS.includes(kind)) throw new RangeError(`eventStreamArbitrary: unknown gesture '${String(kind)}' in gestures`);
  if (options.deltas !== undefined && options.deltas !== 'fixed' && options.deltas !== 'varied') throw new RangeError("eventStreamArbitrary: deltas must be 'fixed' or 'varied'");
  return {
    width: wholeNumber('width', options.width, 1, 32767),
    height: wholeNumber('height', options.height, 1, 32767),
    maxFrames: wholeNumber('maxFrames', options.maxFrames, 1, 1000, 12),
    maxEventsPerFrame: wholeNumber('maxEventsPerFrame', options.maxEventsPerFrame, 0, RING_CAPACITY, 48),
    malformed: options.malformed ?? false,
    deltas: options.deltas ?? 'varied',
    gestures,
    layout: options.layout,
  };
}

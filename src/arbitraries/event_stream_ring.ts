/**
 * The input ring's bound on a stream (docs/SCENES.md I1), kept by eventStreamArbitrary.
 *
 * The contract: a caller pushes frame i's events into the ring, then steps frame i, starting on a
 * fresh session (nothing pending). Each step the kernel takes up to 32 events; the rest stay
 * pending. The host refuses a push the ring has no room for (QueueFullError), so every frame's
 * events plus what earlier bursts left pending must fit in 256. The arbitrary keeps that by
 * construction: fitFramesToRing cuts each frame to the room left (never filtering, so every
 * shrink candidate fits too), and pendingAfter says what is left after each frame.
 */
import type { RawInputEvent } from '../os/input_events.js';

/** I1: the ring's slots and the most events a frame takes. */
export const RING_CAPACITY = 256;
export const EVENTS_PER_FRAME = 32;

/** One frame of input: the events pushed before it is stepped, and its deltaUs. */
export interface EventFrame {
  deltaUs: number;
  events: RawInputEvent[];
}

/**
 * Events pending in the ring after each frame (what the next frame's push finds), for a caller
 * who pushes each frame's events just before stepping it on a fresh session.
 */
export function pendingAfter(frames: readonly { events: readonly unknown[] }[]): number[] {
  let pending = 0;
  return frames.map((frame) => {
    pending = Math.max(pending + frame.events.length - EVENTS_PER_FRAME, 0);
    return pending;
  });
}

/** The largest number of events in the ring at once (just after a push) over the stream. */
export function mostQueued(frames: readonly { events: readonly unknown[] }[]): number {
  let pending = 0;
  let most = 0;
  for (const frame of frames) {
    most = Math.max(most, pending + frame.events.length);
    pending = Math.max(pending + frame.events.length - EVENTS_PER_FRAME, 0);
  }
  return most;
}

/**
 * Cuts each frame's events to `maxPerFrame` and to the room the ring has left when it is pushed,
 * keeping the first ones, so that mostQueued(frames) <= 256 always holds.
 */
export function fitFramesToRing(frames: readonly EventFrame[], maxPerFrame: number): EventFrame[] {
  let pending = 0;
  return frames.map(({ deltaUs, events }) => {
    const kept = events.slice(0, Math.min(maxPerFrame, RING_CAPACITY - pending));
    pending = Math.max(pending + kept.length - EVENTS_PER_FRAME, 0);
    return { deltaUs, events: kept };
  });
}

/**
 * Everything a host can do to a running OS between two frames, as data: what a recorder writes
 * into a trace and a replayer applies again, in order, before the frame they precede.
 */
import { describeEvent, type RawInputEvent } from './input_events.js';

export type HostOperation =
  /** Events written into the input ring (and head advanced past them). */
  | { kind: 'events'; events: RawInputEvent[] }
  /** The ring's counters overwritten. */
  | { kind: 'counters'; head?: number; tail?: number }
  /** Bytes of device memory (buffer 0) overwritten. */
  | { kind: 'write'; offset: number; bytes: Uint8Array };

/** A frame as the host asked for it. */
export interface FrameRequest {
  timeUs: number;
  deltaUs: number;
  fullRedraw: boolean;
}

/** Told about every operation and frame of a session, as they happen (see OsSession.observe). */
export interface SessionObserver {
  operation?(operation: HostOperation): void;
  /** After each frame, while its results are in device memory. */
  frame?(frame: FrameRequest): void;
}

/** What an operation did, one line per event (inspect --events, the HTML report). */
export function describeOperation(op: HostOperation): string[] {
  switch (op.kind) {
    case 'events':
      return op.events.map(describeEvent);
    case 'counters': {
      const counters = [op.head !== undefined ? `head ${op.head}` : '', op.tail !== undefined ? `tail ${op.tail}` : ''].filter(Boolean).join(' ');
      return [`ring counters overwritten: ${counters}`];
    }
    case 'write':
      return [`${op.bytes.byteLength} bytes of device memory written at ${op.offset}`];
  }
}

/**
 * eventStreamArbitrary: a fast-check arbitrary of the input a property test feeds a session,
 * frame by frame, aimed at one scene's layout.
 *
 *   fc.assert(fc.asyncProperty(eventStreamArbitrary(scene, { width: 320, height: 240 }), async (frames) => {
 *     const session = await openSession({ scene, width: 320, height: 240 });
 *     for (const frame of frames) {
 *       session.pushRawEvents(frame.events);      // never refused: see event_stream_ring.ts
 *       await session.step({ deltaUs: frame.deltaUs });
 *     }
 *   }));
 *
 * A stream is drawn as an fc.array of frames, each an fc.array of gestures (event_gestures.ts),
 * then assembled by a pure function: a gesture's later parts go into the frames after its own
 * (the last frame takes what runs past the end), and each frame is cut to maxEventsPerFrame and to
 * the ring's room. So shrinking removes frames and gestures, simplifies each gesture, and turns
 * deltas back into 16667 µs, and every shrink candidate is itself a stream that fits the ring.
 */
import fc from 'fast-check';

import type { Scene } from '../scene/scene_types.js';
import { Gestures, someOf, type Gesture } from './event_gestures.js';
import { malformedEventArbitrary } from './event_malformed.js';
import { targetsOf } from './event_points.js';
import { fitFramesToRing, type EventFrame } from './event_stream_ring.js';
import { resolveEventStreamOptions, type EventStreamOptions, type GestureKind } from './event_stream_options.js';

/** One frame at 60 Hz: what deltas shrink to. */
const FRAME_US = 16_667;
/** The longest frame the host accepts (MAX_DELTA_US in src/os/session.ts); the kernel counts a second of it (I13). */
const HOST_MAX_DELTA_US = 60_000_000;

/** How often each gesture is drawn; the order is the shrink order (simplest first). */
const GESTURE_WEIGHTS: readonly [GestureKind, number][] = [
  ['hover', 2],
  ['click', 5],
  ['key', 3],
  ['text', 3],
  ['tab', 5],
  ['wheel', 3],
  ['pressRelease', 2],
  ['drag', 3],
  ['focusAndType', 5],
  ['burst', 1],
];

const deltaArbitrary = (deltas: 'fixed' | 'varied'): fc.Arbitrary<number> =>
  deltas === 'fixed'
    ? fc.constant(FRAME_US)
    : fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constant(FRAME_US), weight: 16 },
        { arbitrary: fc.constantFrom(0, 1, 8333, 33_333, 100_000), weight: 4 },
        { arbitrary: fc.constantFrom(1_000_000, 1_000_001, 5_000_000, HOST_MAX_DELTA_US), weight: 1 },
        { arbitrary: fc.integer({ min: 0, max: 2_000_000 }), weight: 1 },
      );

interface FrameDraft {
  deltaUs: number;
  gestures: Gesture[];
}

/** Part j of a gesture drawn in frame i goes to frame i + j, or the last frame. */
function spread(drafts: readonly FrameDraft[]): EventFrame[] {
  const frames: EventFrame[] = drafts.map(({ deltaUs }) => ({ deltaUs, events: [] }));
  drafts.forEach(({ gestures }, i) => {
    for (const parts of gestures) parts.forEach((part, j) => frames[Math.min(i + j, frames.length - 1)]!.events.push(...part));
  });
  return frames;
}

/**
 * Frames of raw input for `scene` on a `width` x `height` framebuffer (see EventStreamOptions).
 * Valid events are built with encodeEvent; with `malformed`, records the kernel must drop (I2) are
 * mixed in. Half the streams start with an idle frame, because events in frame 1 hit nothing
 * (H3: nothing has been laid out yet). No frame has more than maxEventsPerFrame events, and a
 * caller that pushes each frame's events just before stepping it, from a fresh session, never
 * overfills the ring (event_stream_ring.ts). A bad option throws a RangeError at once.
 */
export function eventStreamArbitrary(scene: Scene, options: EventStreamOptions): fc.Arbitrary<EventFrame[]> {
  const o = resolveEventStreamOptions(options);
  const gestures = new Gestures(targetsOf(scene, o.width, o.height, o.layout));
  const weighted = GESTURE_WEIGHTS.filter(([kind]) => o.gestures.includes(kind)).map(([kind, weight]) => ({ arbitrary: gestures.of(kind), weight }));
  // One malformed event a gesture: several come from several gestures, each removable alone.
  if (o.malformed) weighted.push({ arbitrary: malformedEventArbitrary(o.width, o.height).map((event) => [[event]]), weight: 4 });
  const gesture = weighted.length > 0 ? fc.oneof({ withCrossShrink: true }, ...weighted) : undefined;
  // A quarter of the frames are idle (stretches of them happen); shrinks to idle frames.
  const frameGestures: fc.Arbitrary<Gesture[]> =
    gesture === undefined ? fc.constant([]) : fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant<Gesture[]>([]), weight: 1 }, { arbitrary: someOf(gesture, 4), weight: 3 });
  const frame = fc.record({ deltaUs: deltaArbitrary(o.deltas), gestures: frameGestures });
  return fc
    .record({
      settle: fc.boolean(),
      // size 'max': every count up to maxFrames is as likely, so long streams are not rare. A
      // filter, not minLength 1, so a trailing frame can be shrunk away (see someOf).
      drafts: fc.array(frame, { maxLength: o.maxFrames, size: 'max' }).filter((drafts) => drafts.length > 0),
    })
    .map(({ settle, drafts }) => {
      const all = settle ? [{ deltaUs: FRAME_US, gestures: [] }, ...drafts].slice(0, o.maxFrames) : drafts;
      return fitFramesToRing(spread(all), o.maxEventsPerFrame);
    });
}

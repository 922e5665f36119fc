/**
 * Generated sessions: a scene on a screen and a stream of input aimed at it
 * (eventStreamArbitrary), and the loop that plays one through a real session.
 */
import fc from 'fast-check';

import { describeEventStream, eventStreamArbitrary, type EventFrame } from '../arbitraries/index.js';
import { openSession, type OsSession, type StepOptions } from '../os/session.js';
import { sceneCaseArbitrary, type SceneCase } from './layout_properties.js';
import { eventFrames, FIRST_FRAME_US, type OsCase } from './os_case.js';
import type { PropertyScale } from './property.js';

export interface SessionCase extends SceneCase {
  frames: EventFrame[];
  /** The emulator's schedule seed (the session seed: every frame derives its own from it). */
  seed: number;
}

export function sessionCaseArbitrary(scale: PropertyScale): fc.Arbitrary<SessionCase> {
  return sceneCaseArbitrary(scale).chain((sceneCase) =>
    fc
      .record({
        frames: eventStreamArbitrary(sceneCase.scene, { width: sceneCase.width, height: sceneCase.height, malformed: true, deltas: 'varied', maxFrames: scale === 'test' ? 8 : 24 }),
        seed: fc.integer({ min: 1, max: 0x7fffffff }),
      })
      .map(({ frames, seed }) => ({ ...sceneCase, frames, seed })),
  );
}

export function sessionCaseOf(value: SessionCase): OsCase {
  return { scene: value.scene, width: value.width, height: value.height, frames: eventFrames(value.frames), seed: value.seed };
}

export function describeSessionCase(value: SessionCase): string {
  return `${value.width}x${value.height}, schedule seed ${value.seed}, ${value.frames.length} frames:\n${describeEventStream(value.frames)}`;
}

/** How one of the sessions a case is played on runs: its schedule seed and extra step options. */
export interface Run {
  seed: number;
  step?: StepOptions;
}

/**
 * Plays a case on several new sessions in lockstep: frame 1 (the scene appearing), then each
 * frame's events and step on every session; `after` runs after every frame with the sessions in
 * the order of `runs` and the frame's number (1 for the first).
 */
export async function playInLockstep(value: SessionCase, runs: readonly Run[], after: (sessions: OsSession[], frame: number) => void | Promise<void>): Promise<void> {
  const sessions: OsSession[] = [];
  try {
    for (const run of runs) sessions.push(await openSession({ scene: value.scene, width: value.width, height: value.height, seed: run.seed }));
    for (let frame = 1; frame <= value.frames.length + 1; frame++) {
      const input = frame === 1 ? { deltaUs: FIRST_FRAME_US, events: [] } : value.frames[frame - 2]!;
      for (const [i, session] of sessions.entries()) {
        session.pushRawEvents(input.events);
        await session.step({ deltaUs: input.deltaUs, ...runs[i]!.step });
      }
      await after(sessions, frame);
    }
  } finally {
    for (const session of sessions) session.close();
  }
}

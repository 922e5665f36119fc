/**
 * One case of a property: a scene on a screen and frames of input. Every property's failing case
 * becomes one of these, so it can be written as a scenario (frame steps with their exact lengths
 * and raw events) and recorded as a trace that `gpuos replay`, `inspect` and `render` open.
 */
import type { RawInputEvent } from '../os/input_events.js';
import { scenarioCoordinate, type Scenario, type Step } from '../recorder/scenario.js';
import type { Scene } from '../scene/scene_types.js';

/** What the host does before a frame: write events into the ring, or overwrite its counters. */
export type CaseOperation = { events: RawInputEvent[] } | { counters: { head?: number; tail?: number } };

/** One frame: the host's operations in order, then a frame of `deltaUs`. */
export interface CaseFrame {
  deltaUs: number;
  operations: CaseOperation[];
}

/** Frames of events alone (what eventStreamArbitrary gives) as case frames. */
export function eventFrames(frames: readonly { deltaUs: number; events: RawInputEvent[] }[]): CaseFrame[] {
  return frames.map((frame) => ({ deltaUs: frame.deltaUs, operations: frame.events.length > 0 ? [{ events: frame.events }] : [] }));
}

export interface OsCase {
  scene: Scene;
  width: number;
  height: number;
  /** Frames after the first (the scene appearing); each pushes its events, then steps. */
  frames: CaseFrame[];
  /** Scroll offsets (whole px) asked of scroll views by widget index: a Chromium check's own input. */
  scrollPx?: ReadonlyMap<number, number>;
  /** The emulator's schedule seed the case ran under (the scenario's `seed`; default 1). */
  seed?: number;
}

export const FIRST_FRAME_US = 16_667;

function scenarioEvent(event: RawInputEvent): { type: number; modifiers: number; code: number; x: number | string; y: number | string } {
  return { type: event.type, modifiers: event.modifiers, code: event.code, x: scenarioCoordinate(event.x), y: scenarioCoordinate(event.y) };
}

/**
 * The case as a scenario: the scene inline, and for each frame its operations in order (`push`
 * and `counters` steps) and a `frame` step of its exact length.
 */
export function scenarioOf(name: string, description: string, osCase: OsCase): Scenario {
  const steps: Step[] = [];
  for (const frame of osCase.frames) {
    for (const operation of frame.operations) {
      if ('counters' in operation) steps.push({ counters: operation.counters });
      else if (operation.events.length > 0) steps.push({ push: operation.events.map(scenarioEvent) as never });
    }
    steps.push({ frame: { deltaUs: frame.deltaUs } });
  }
  return {
    name,
    description: description.slice(0, 2000),
    scene: osCase.scene,
    width: osCase.width,
    height: osCase.height,
    ...(osCase.seed === undefined ? {} : { seed: osCase.seed }),
    frameUs: FIRST_FRAME_US,
    steps,
  };
}

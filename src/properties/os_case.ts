/**
 * One case of a property: a scene on a screen and frames of input. Every property's failing case
 * becomes one of these, so it can be written as a scenario (frame steps with their exact lengths
 * and raw events) and recorded as a trace that `gpuos replay`, `inspect` and `render` open.
 */
import type { RawInputEvent } from '../os/input_events.js';
import { scenarioCoordinate, type Scenario, type Step } from '../recorder/scenario.js';
import type { Scene } from '../scene/scene_types.js';

/** One frame of input: what the host writes into the ring, then how long the frame is. */
export interface CaseFrame {
  deltaUs: number;
  events: RawInputEvent[];
}

export interface OsCase {
  scene: Scene;
  width: number;
  height: number;
  /** Frames after the first (the scene appearing); each pushes its events, then steps. */
  frames: CaseFrame[];
  /** Scroll offsets (whole px) asked of scroll views by widget index: a Chromium check's own input. */
  scrollPx?: ReadonlyMap<number, number>;
}

export const FIRST_FRAME_US = 16_667;

function scenarioEvent(event: RawInputEvent): { type: number; modifiers: number; code: number; x: number | string; y: number | string } {
  return { type: event.type, modifiers: event.modifiers, code: event.code, x: scenarioCoordinate(event.x), y: scenarioCoordinate(event.y) };
}

/** The case as a scenario: the scene inline, one `frame` step per frame, exact lengths and events. */
export function scenarioOf(name: string, description: string, osCase: OsCase): Scenario {
  const steps: Step[] = osCase.frames.map((frame) => ({
    frame: { deltaUs: frame.deltaUs, ...(frame.events.length > 0 ? { raw: frame.events.map(scenarioEvent) as never } : {}) },
  }));
  return { name, description: description.slice(0, 2000), scene: osCase.scene, width: osCase.width, height: osCase.height, frameUs: FIRST_FRAME_US, steps };
}

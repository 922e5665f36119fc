/**
 * Shared by the OS tests: open a scene, find a widget's centre, click and type through the real
 * input ring, and assert the state is still valid after every frame.
 */
import { expect } from 'vitest';

import { checkOsInvariants } from '../../src/os/invariants.js';
import type { InputEvent } from '../../src/os/input_events.js';
import { openSession, type OpenSessionOptions, type OsSession } from '../../src/os/session.js';
import type { SceneWidget } from '../../src/scene/scene_types.js';

/** A session on a scene given as its root widget (640x360 unless said otherwise). */
export async function sessionWith(root: SceneWidget, options: Partial<OpenSessionOptions> = {}): Promise<OsSession> {
  return openSession({ width: 640, height: 360, ...options, scene: { root } });
}

export function centreOf(session: OsSession, id: string | number): { x: number; y: number } {
  const { layout } = session.widget(id);
  expect(layout.visible, `${String(id)} is not visible, so it cannot be clicked`).toBe(true);
  return { x: layout.x + Math.floor(layout.width / 2) + 0.5, y: layout.y + Math.floor(layout.height / 2) + 0.5 };
}

export function clickAt(x: number, y: number): InputEvent[] {
  return [
    { type: 'pointerMove', x, y },
    { type: 'pointerDown', x, y },
    { type: 'pointerUp', x, y },
  ];
}

/** Pushes the events, steps one frame, and checks the OS's invariants. */
export async function frameWith(session: OsSession, events: readonly InputEvent[] = []): Promise<void> {
  if (events.length > 0) session.pushEvents(events);
  await session.step();
  expectValidState(session);
}

export async function click(session: OsSession, id: string): Promise<void> {
  const { x, y } = centreOf(session, id);
  await frameWith(session, clickAt(x, y));
}

export function expectValidState(session: OsSession): void {
  expect(checkOsInvariants(session.stateBytes(), session.scene)).toEqual([]);
}

/** Equality of two framebuffers, reported as the first differing pixel rather than 3 MB of bytes. */
export function firstDifference(a: Uint8Array, b: Uint8Array, width: number): string | undefined {
  if (a.byteLength !== b.byteLength) return `sizes differ: ${a.byteLength} and ${b.byteLength} bytes`;
  const words = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  const other = new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== other[i]) return `pixel (${i % width}, ${Math.floor(i / width)}): 0x${words[i]!.toString(16)} vs 0x${other[i]!.toString(16)}`;
  }
  return undefined;
}

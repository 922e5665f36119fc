/**
 * Barrier-phase invariants, observed inside the frame: at each phase barrier of the OS kernel
 * (src/os/os_phases.ts) a barrier observer reads threadgroup and device memory while every thread
 * waits, and the phase's post-conditions are checked there, against the model of a session stepped
 * in lockstep:
 *
 * - input: the frame's valid events compacted in order (the model's), and every event pushed is
 *   accounted for (taken + dropped + still queued = pushed);
 * - hit testing: at each per-event hit barrier, the frontmost widget is the hit model's (H2, on the
 *   previous frame's layout, at the cursor the earlier events left);
 * - layout: boxes are the layout model's, clips lie on the screen and inside what a scroll view
 *   lets through, sizes respect min, max and padding;
 * - visibility: the draw order is exactly the visible widgets, sorted by paint order;
 * - rendering: the damaged framebuffer is a full redraw's, pixel for pixel;
 * - frame end: checkOsInvariants holds and device memory is bit-identical under another schedule.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { describeScene } from '../arbitraries/index.js';
import type { BarrierRelease } from '../kernel/barrier_observer.js';
import { hitModel } from '../model/hit_model.js';
import { OsModel } from '../model/os_model.js';
import { checkOsInvariants } from '../os/invariants.js';
import type { RawInputEvent } from '../os/input_events.js';
import { osKernelPath } from '../os/os_kernel.js';
import { osPhaseOf } from '../os/os_phases.js';
import { readOsScratch } from '../os/os_scratch.js';
import { OsStateView, type WidgetLayout } from '../os/os_state.js';
import { openSession, type OsSession } from '../os/session.js';
import { layoutDifferences } from './layout_properties.js';
import { FIRST_FRAME_US } from './os_case.js';
import { PropertyViolation, type OsProperty } from './property.js';
import { describeSessionCase, sessionCaseArbitrary, sessionCaseOf, type SessionCase } from './session_case.js';

const POSITIONED = new Set([1, 2, 3, 4]); // pointer move, down, up, wheel: hit-tested (phase 2)
const WHEEL = 4;

/** The line of the barrier that follows each event's hit test in os_phase_dispatch (phase 3). */
function hitBarrierLine(): number {
  const file = join(dirname(osKernelPath()), 'os', 'phase_3_dispatch.h');
  const lines = readFileSync(file, 'utf8').split('\n');
  const call = lines.findIndex((line) => /^\s*os_hit_test\(os, scratch/.test(line));
  const barrier = call < 0 ? -1 : lines.findIndex((line, i) => i > call && /threadgroup_barrier\(/.test(line));
  if (barrier < 0) throw new Error(`${file}: no threadgroup_barrier after os_hit_test in os_phase_dispatch; src/properties/phase_properties.ts needs updating`);
  return barrier + 1;
}

let hitLine: number | undefined;
const isHitBarrier = (release: BarrierRelease): boolean =>
  release.callPath.length === 1 && release.site.file.endsWith('phase_3_dispatch.h') && release.site.line === (hitLine ??= hitBarrierLine());

/** What the model expects of one frame, worked out before the model takes it. */
interface FrameExpectations {
  valid: RawInputEvent[];
  hits: (number | undefined)[];
  /** The model's layout after the frame. */
  layout: WidgetLayout[];
}

function expectations(model: OsModel, timeUs: number, deltaUs: number): FrameExpectations {
  const { valid } = model.nextFrameEvents();
  const previous = model.layout;
  let cursor = { x: model.frame.cursorX, y: model.frame.cursorY };
  const hits: (number | undefined)[] = [];
  for (const event of valid) {
    if (!POSITIONED.has(event.type)) continue;
    const point = event.type === WHEEL ? cursor : { x: event.x, y: event.y };
    hits.push(hitModel(previous, point.x, point.y));
    if (event.type !== WHEEL) cursor = { x: Math.fround(event.x), y: Math.fround(event.y) };
  }
  model.step(timeUs, deltaUs);
  return { valid, hits, layout: model.layout };
}

const sameEvent = (a: RawInputEvent, b: RawInputEvent): boolean =>
  a.type === b.type && a.modifiers === b.modifiers && a.code === b.code && Object.is(Math.fround(a.x), Math.fround(b.x)) && Object.is(Math.fround(a.y), Math.fround(b.y));

/** Post-conditions of layout that hold whatever the model says (L2, V2). */
function layoutShape(model: OsModel, layout: readonly WidgetLayout[], width: number, height: number): string[] {
  const out: string[] = [];
  for (const node of model.tree.nodes) {
    const box = layout[node.index]!;
    if (!box.visible) continue;
    const [x0, y0, x1, y1] = box.clip;
    if (x0 < 0 || y0 < 0 || x1 > width || y1 > height) out.push(`#${node.index} ${node.kind} is visible with clip [${box.clip}] off the ${width}x${height} screen`);
    const [top, right, bottom, left] = node.padding;
    for (const [axis, size, min, max, pad] of [['width', box.width, node.min.w, node.max.w, left + right], ['height', box.height, node.min.h, node.max.h, top + bottom]] as const) {
      const floor = Math.max(min, pad);
      if (size < floor) out.push(`#${node.index} ${node.kind} ${axis} ${size} is below its min and padding (${floor})`);
      if (max !== undefined && size > Math.max(max, floor) && size < 32767) out.push(`#${node.index} ${node.kind} ${axis} ${size} is above its max ${max}`);
    }
    const parent = node.parent;
    if (parent?.kind === 'scroll') {
      const port = layout[parent.index]!;
      const [pt, pr, pb, pl] = parent.padding;
      const inner = [port.x + pl, port.y + pt, port.x + port.width - pr, port.y + port.height - pb];
      if (x0 < inner[0]! || y0 < inner[1]! || x1 > inner[2]! || y1 > inner[3]!) out.push(`#${node.index} ${node.kind} shows [${box.clip}] outside its scroll view's inner box [${inner}]`);
    }
  }
  return out;
}

export const phasesHoldAtBarriers: OsProperty<SessionCase> = {
  name: 'phases-hold-at-barriers',
  claim: "each phase's post-conditions hold at its barrier, observed inside the frame under random schedules",
  oracle: 'the models of a session and of hit testing, stepped in lockstep; a full redraw of the same frame; another schedule seed',
  testRuns: 60,
  arbitrary: sessionCaseArbitrary,
  async check(value) {
    const open = (seed: number): Promise<OsSession> => openSession({ scene: value.scene, width: value.width, height: value.height, seed });
    const observed = await open(value.seed);
    const full = await open((value.seed * 31 + 7) >>> 0 || 1);
    const other = await open((value.seed ^ 0x2545f491) >>> 0 || 1);
    const model = new OsModel(value.scene, value.width, value.height);
    const fail = (frame: number, phase: string, problems: readonly string[]): never => {
      throw new PropertyViolation(`frame ${frame}, at the ${phase} barrier:\n  ${problems.slice(0, 12).join('\n  ')}${problems.length > 12 ? `\n  ... ${problems.length - 12} more` : ''}\n\nscene:\n${describeScene(value.scene)}\n\n${describeSessionCase(value)}`);
    };
    let pushed = 0;
    let timeUs = 0;
    try {
      const frames = [{ deltaUs: FIRST_FRAME_US, events: [] as RawInputEvent[] }, ...value.frames];
      for (const [i, frame] of frames.entries()) {
        const number = i + 1;
        timeUs += frame.deltaUs;
        model.push(frame.events);
        pushed += frame.events.length;
        const expected = expectations(model, timeUs, frame.deltaUs);
        for (const session of [full, other]) session.pushRawEvents(frame.events);
        await full.step({ deltaUs: frame.deltaUs, fullRedraw: true });
        await other.step({ deltaUs: frame.deltaUs });
        observed.pushRawEvents(frame.events);
        let hitIndex = 0;
        await observed.step({
          deltaUs: frame.deltaUs,
          onBarrier(release) {
            if (isHitBarrier(release)) {
              const keys = readOsScratch(release).hit_key;
              const best = Math.max(...keys);
              const hit = best === 0 ? undefined : best & 0xffff;
              const want = expected.hits[hitIndex];
              if (hit !== want) fail(number, `hit test of positioned event ${hitIndex + 1}`, [`the kernel hit ${hit ?? 'nothing'}, the hit model ${want ?? 'nothing'}`]);
              hitIndex++;
              return;
            }
            const phase = osPhaseOf(release);
            if (phase === undefined) return;
            const memory = observed.deviceMemoryNow();
            const view = new OsStateView(memory.state, observed.scene);
            if (phase === 'input') {
              const scratch = readOsScratch(release);
              const problems: string[] = [];
              if (scratch.event_count !== expected.valid.length || !scratch.events.every((e, k) => sameEvent(e, expected.valid[k]!))) {
                problems.push(`compacted ${scratch.event_count} events, the model expects ${expected.valid.length}, in order`);
              }
              const state = view.frame();
              if (state.eventsProcessed + state.eventsDropped + state.eventsPending !== pushed) {
                problems.push(`taken ${state.eventsProcessed} + dropped ${state.eventsDropped} + still queued ${state.eventsPending} is not the ${pushed} pushed`);
              }
              if (problems.length > 0) fail(number, phase, problems);
            } else if (phase === 'dispatch') {
              if (hitIndex !== expected.hits.length) fail(number, phase, [`${hitIndex} events were hit-tested, the model expects ${expected.hits.length}`]);
            } else if (phase === 'layout') {
              const layout = observed.scene.widgets.map((_, k) => view.widget(k).layout);
              const problems = [...layoutDifferences(value.scene, layout, expected.layout), ...layoutShape(model, layout, value.width, value.height)];
              if (problems.length > 0) fail(number, phase, problems);
            } else if (phase === 'visibility') {
              const scratch = readOsScratch(release);
              const visible = observed.scene.widgets.map((_, k) => k).filter((k) => view.widget(k).layout.visible);
              const order = scratch.draw_order;
              const problems: string[] = [];
              if (order.some((key, k) => k > 0 && key <= order[k - 1]!)) problems.push(`the draw order is not sorted: ${order.slice(0, 12).join(', ')}`);
              const drawn = order.map((key) => key & 0xffff).sort((a, b) => a - b);
              if (JSON.stringify(drawn) !== JSON.stringify(visible)) problems.push(`draws widgets [${drawn.slice(0, 20)}], the visible ones are [${visible.slice(0, 20)}]`);
              for (const key of order) if (key >>> 16 !== view.widget(key & 0xffff).layout.z) problems.push(`key ${key} does not carry widget ${key & 0xffff}'s paint order`);
              if (problems.length > 0) fail(number, phase, problems);
            } else if (phase === 'render') {
              if (!Buffer.from(memory.framebuffer).equals(Buffer.from(full.framebuffer()))) fail(number, phase, ['the damaged framebuffer differs from a full redraw of the same frame']);
            }
          },
        });
        const problems = checkOsInvariants(observed.stateBytes(), observed.scene);
        if (observed.capture().digest !== other.capture().digest) problems.push(`device memory differs from the same frame under another schedule seed`);
        if (problems.length > 0) fail(number, 'frame end', problems);
      }
    } finally {
      for (const session of [observed, full, other]) session.close();
    }
  },
  toCase: sessionCaseOf,
};

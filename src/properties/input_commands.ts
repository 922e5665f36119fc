/**
 * The commands of the model-based input test (fc.commands): what a user and a host do to a running
 * OS. Each command works out its events from the model's state (the previous frame's layout, where
 * the user would aim), so the same command list gives the same events every time it is run, with
 * the kernel or without it (which is how a failing list is written out as frames: commandFrames).
 *
 * Events go into the real session and the model alike; a Step runs one frame on both and compares
 * everything the model keeps (session_compare.ts).
 */
import fc from 'fast-check';

import { ModelQueueFull, type OsModel } from '../model/os_model.js';
import { KEY_CODES, encodeEvent, describeEvent, type RawInputEvent } from '../os/input_events.js';
import { QueueFullError } from '../os/os_errors.js';
import type { OsSession } from '../os/session.js';
import { FIRST_FRAME_US, type CaseFrame, type CaseOperation } from './os_case.js';
import { PropertyViolation } from './property.js';
import { sessionDifferences } from './session_compare.js';

/** The system under test, and what has been done to it so far (for the failure report). */
export interface InputReal {
  session: OsSession;
  timeUs: number;
  log: string[];
}

type Where = 'centre' | 'inside' | 'edge-start' | 'edge-end' | 'outside-start' | 'outside-end' | 'clipped' | 'anywhere';

export interface TargetSpec {
  /**
   * What to aim at when any is visible: interactive widgets (buttons, toggles, sliders, fields),
   * text fields only (so editing keys find a focused field), or any visible widget.
   */
  aim: 'control' | 'field' | 'any';
  /** Which visible widget, as a fraction of the candidates in paint order. */
  pick: number;
  where: Where;
  fx: number;
  fy: number;
  /** Sub-pixel part of the coordinates. */
  fraction: number;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** A point for `spec` on the model's current (previous-frame) layout, always on the screen. */
export function resolveTarget(model: OsModel, spec: TargetSpec): { x: number; y: number } {
  const shown = model.layout.map((box, index) => ({ box, index })).filter(({ box }) => box.visible);
  const kinds = spec.aim === 'field' ? ['textField'] : ['button', 'toggle', 'slider', 'textField'];
  const aimed = spec.aim === 'any' ? [] : shown.filter(({ index }) => kinds.includes(model.tree.nodes[index]!.kind));
  const visible = aimed.length > 0 ? aimed : shown;
  const onScreen = (x: number, y: number) => ({ x: clamp(x + spec.fraction, 0, model.width), y: clamp(y + spec.fraction, 0, model.height) });
  if (visible.length === 0 || spec.where === 'anywhere') return onScreen(Math.floor(spec.fx * model.width), Math.floor(spec.fy * model.height));
  const { box } = visible[Math.min(Math.floor(spec.pick * visible.length), visible.length - 1)]!;
  const inside = (f: number, start: number, size: number): number => start + Math.min(Math.floor(f * size), Math.max(size - 1, 0));
  const x = inside(spec.fx, box.x, box.width);
  const y = inside(spec.fy, box.y, box.height);
  switch (spec.where) {
    case 'centre':
      return onScreen(box.x + (box.width >> 1), box.y + (box.height >> 1));
    case 'inside':
      return onScreen(x, y);
    case 'edge-start':
      return onScreen(spec.fx < 0.5 ? box.x : x, spec.fx < 0.5 ? y : box.y);
    case 'edge-end':
      return onScreen(spec.fx < 0.5 ? box.x + box.width - 1 : x, spec.fx < 0.5 ? y : box.y + box.height - 1);
    case 'outside-start':
      return onScreen(spec.fx < 0.5 ? box.x - 1 : x, spec.fx < 0.5 ? y : box.y - 1);
    case 'outside-end':
      return onScreen(spec.fx < 0.5 ? box.x + box.width : x, spec.fx < 0.5 ? y : box.y + box.height);
    case 'clipped': {
      // Inside the box but outside its clip region (what a scroll view clips away), if any.
      const [, cy0, , cy1] = box.clip;
      if (cy0 > box.y) return onScreen(x, box.y + Math.floor(spec.fy * (cy0 - box.y)));
      if (cy1 < box.y + box.height) return onScreen(x, cy1 + Math.floor(spec.fy * (box.y + box.height - cy1)));
      return onScreen(x, y);
    }
  }
}

/** A command's events, or a frame step. */
abstract class InputCommand implements fc.AsyncCommand<OsModel, InputReal> {
  check(): boolean {
    return true;
  }
  /** The events this command writes, worked out on the model's state. */
  abstract events(model: OsModel): RawInputEvent[];
  abstract toString(): string;

  async run(model: OsModel, real: InputReal): Promise<void> {
    const events = this.events(model);
    let modelRefused = false;
    try {
      model.push(events);
    } catch (error) {
      if (!(error instanceof ModelQueueFull)) throw error;
      modelRefused = true;
    }
    let kernelRefused = false;
    try {
      real.session.pushRawEvents(events);
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      kernelRefused = true;
    }
    real.log.push(`${this.toString()}${events.length ? `: ${events.map(describeEvent).join('; ')}` : ''}${kernelRefused ? ' (refused: the ring is full)' : ''}`);
    if (modelRefused !== kernelRefused) {
      throw new PropertyViolation(`the host ${kernelRefused ? 'refused' : 'took'} ${events.length} events the model says it would ${modelRefused ? 'refuse' : 'take'}\n${real.log.join('\n')}`);
    }
  }
}

export class PointerCommand extends InputCommand {
  constructor(
    readonly action: 'move' | 'down' | 'up' | 'click' | 'other-button',
    readonly target: TargetSpec,
  ) {
    super();
  }
  events(model: OsModel): RawInputEvent[] {
    const { x, y } = resolveTarget(model, this.target);
    const at = (type: 'pointerMove' | 'pointerDown' | 'pointerUp') => encodeEvent({ type, x, y }, model.width, model.height)[0]!;
    switch (this.action) {
      case 'move':
        return [at('pointerMove')];
      case 'down':
        return [at('pointerDown')];
      case 'up':
        return [at('pointerUp')];
      case 'click':
        return [at('pointerMove'), at('pointerDown'), at('pointerUp')];
      case 'other-button':
        return [{ ...at('pointerDown'), code: 2 }, { ...at('pointerUp'), code: 2 }];
    }
  }
  toString(): string {
    return `${this.action} ${this.target.where} of widget ${this.target.pick.toFixed(2)} (${this.target.fx.toFixed(2)}, ${this.target.fy.toFixed(2)})`;
  }
}

export class WheelCommand extends InputCommand {
  constructor(
    readonly dy: number,
    readonly dx: number,
  ) {
    super();
  }
  events(model: OsModel): RawInputEvent[] {
    return encodeEvent({ type: 'wheel', dx: this.dx, dy: this.dy }, model.width, model.height);
  }
  toString(): string {
    return `wheel dy ${this.dy}`;
  }
}

export class KeyCommand extends InputCommand {
  constructor(
    readonly key: string,
    readonly shift: boolean,
    readonly up: boolean,
  ) {
    super();
  }
  events(model: OsModel): RawInputEvent[] {
    const modifiers = this.shift ? (['shift'] as const) : [];
    const down = encodeEvent({ type: 'keyDown', key: this.key, modifiers }, model.width, model.height);
    return this.up ? [...down, ...encodeEvent({ type: 'keyUp', key: this.key, modifiers }, model.width, model.height)] : down;
  }
  toString(): string {
    return `key ${this.shift ? 'Shift+' : ''}${this.key}${this.up ? '' : ' (down only)'}`;
  }
}

export class TextCommand extends InputCommand {
  constructor(readonly text: string) {
    super();
  }
  events(model: OsModel): RawInputEvent[] {
    return encodeEvent({ type: 'text', text: this.text }, model.width, model.height);
  }
  toString(): string {
    return `type ${JSON.stringify(this.text)}`;
  }
}

/** Events the kernel must drop (I2), exactly as given. */
export class RawCommand extends InputCommand {
  constructor(readonly event: RawInputEvent) {
    super();
  }
  events(): RawInputEvent[] {
    return [this.event];
  }
  toString(): string {
    return `raw ${describeEvent(this.event)}`;
  }
}

/** More events than a frame takes (I1): pointer moves across the screen. */
export class BurstCommand extends InputCommand {
  constructor(readonly count: number) {
    super();
  }
  events(model: OsModel): RawInputEvent[] {
    return Array.from({ length: this.count }, (_, i) => encodeEvent({ type: 'pointerMove', x: (i * 37) % (model.width + 1), y: (i * 23) % (model.height + 1) }, model.width, model.height)[0]!);
  }
  toString(): string {
    return `burst of ${this.count} moves`;
  }
}

/** The host overwrites the ring's counters (hostile input: I1's reset). */
export class CountersCommand implements fc.AsyncCommand<OsModel, InputReal> {
  constructor(readonly pending: number) {}
  check(): boolean {
    return true;
  }
  counters(model: OsModel): { tail: number } {
    return { tail: (model.head - this.pending) >>> 0 };
  }
  async run(model: OsModel, real: InputReal): Promise<void> {
    const counters = this.counters(model);
    model.setCounters(counters);
    real.session.setQueueCounters(counters);
    real.log.push(this.toString());
  }
  toString(): string {
    return `counters: tail = head - ${this.pending}`;
  }
}

/** One frame on both, then everything the model keeps is compared. */
export class StepCommand implements fc.AsyncCommand<OsModel, InputReal> {
  constructor(readonly deltaUs: number) {}
  check(): boolean {
    return true;
  }
  async run(model: OsModel, real: InputReal): Promise<void> {
    real.timeUs += this.deltaUs;
    model.step(real.timeUs, this.deltaUs);
    await real.session.step({ deltaUs: this.deltaUs });
    real.log.push(this.toString());
    const problems = sessionDifferences(model, real.session);
    if (problems.length > 0) {
      throw new PropertyViolation(`after frame ${model.frame.frameNumber}, the kernel and the model differ:\n  ${problems.slice(0, 12).join('\n  ')}${problems.length > 12 ? `\n  ... ${problems.length - 12} more` : ''}\n\nwhat happened:\n  ${real.log.join('\n  ')}`);
    }
  }
  toString(): string {
    return `step ${this.deltaUs} us`;
  }
}

export type AnyInputCommand = InputCommand | StepCommand | CountersCommand;

const targetArbitrary: fc.Arbitrary<TargetSpec> = fc.record({
  aim: fc.constantFrom<TargetSpec['aim']>('control', 'control', 'field', 'any'),
  pick: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  // Mostly on a widget, often on its edges or just outside them, where off-by-one slips live.
  where: fc.constantFrom<Where>('centre', 'inside', 'centre', 'inside', 'centre', 'inside', 'edge-start', 'edge-end', 'outside-start', 'outside-end', 'clipped', 'anywhere'),
  fx: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fy: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fraction: fc.constantFrom(0, 0.5, 0.25, 0.999),
});

const KEYS = ['Tab', 'Tab', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Backspace', 'Delete', 'Space', 'Enter', 'Escape', 'a', 'Z'];
/** The keys that edit a focused field (I12), drawn on their own so editing sequences are common. */
const EDITING_KEYS = ['Backspace', 'Backspace', 'Delete', 'ArrowLeft', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];

/** Events the kernel must drop: each breaks one rule of I2. */
const malformedArbitrary: fc.Arbitrary<RawInputEvent> = fc.oneof(
  fc.record({ type: fc.constantFrom(0, 8, 999), modifiers: fc.constant(0), code: fc.constant(0), x: fc.constant(1), y: fc.constant(1) }),
  fc.record({ type: fc.constantFrom(1, 2, 3), modifiers: fc.constant(0), code: fc.constant(1), x: fc.constantFrom(Number.NaN, -1, 100000, Number.POSITIVE_INFINITY), y: fc.constant(5) }),
  fc.record({ type: fc.constant(5), modifiers: fc.constantFrom(0, 16), code: fc.constantFrom(0x106, 0xffffffff, KEY_CODES.Tab), x: fc.constant(0), y: fc.constant(0) }),
  fc.record({ type: fc.constant(7), modifiers: fc.constant(0), code: fc.constantFrom(0x1f, 0x7f, 0x263a), x: fc.constant(0), y: fc.constant(0) }),
  fc.record({ type: fc.constant(4), modifiers: fc.constant(0), code: fc.constant(0), x: fc.constant(0), y: fc.constantFrom(Number.NaN, 100001, -1e9) }),
);

const repeat = <T>(times: number, item: T): T[] => Array.from({ length: times }, () => item);

/** The command list: steps are common, so most commands are compared within a frame or two. */
/** The replayPath fast-check writes into a commands value's description, if it has one. */
export function commandsReplayPath(commands: Iterable<AnyInputCommand>): string | undefined {
  return /\/\*replayPath="([^"]*)"\*\/\s*$/.exec(String(commands))?.[1];
}

export function inputCommandsArbitrary(maxCommands: number, replayPath?: string): fc.Arbitrary<Iterable<AnyInputCommand>> {
  const step = fc.constantFrom(16_667, 16_667, 16_667, 0, 1000, 50_000, 1_500_000).map((d): AnyInputCommand => new StepCommand(d));
  return fc.commands<OsModel, InputReal>(
    [
      // Listed several times to weigh the choice: frames and clicks most, bursts least.
      ...repeat(3, step),
      ...repeat(3, fc.tuple(fc.constant('click' as const), targetArbitrary).map(([a, t]) => new PointerCommand(a, t))),
      ...repeat(2, fc.tuple(fc.constantFrom('move', 'down', 'up', 'other-button' as const), targetArbitrary).map(([a, t]) => new PointerCommand(a, t))),
      ...repeat(2, fc.tuple(fc.constantFrom(...KEYS), fc.boolean(), fc.boolean()).map(([k, s, u]) => new KeyCommand(k, s && k === 'Tab', u || k === 'Tab'))),
      fc.constantFrom(...EDITING_KEYS).map((k) => new KeyCommand(k, false, true)),
      fc.string({ unit: fc.constantFrom(...'ab Z~0'.split('')), minLength: 1, maxLength: 6 }).map((t) => new TextCommand(t)),
      fc.tuple(fc.constantFrom(12, -12, 0.7, -40.25, 300, -5000), fc.constantFrom(0, 0, 3)).map(([dy, dx]) => new WheelCommand(dy, dx)),
      malformedArbitrary.map((e) => new RawCommand(e)),
      fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 33, max: 70 }).map((n): AnyInputCommand => new BurstCommand(n)) },
        { weight: 1, arbitrary: fc.constantFrom(0, 40, 300, 100000).map((p): AnyInputCommand => new CountersCommand(p)) },
      ),
    ],
    { maxCommands, size: '+1', ...(replayPath === undefined ? {} : { replayPath }) },
  ) as fc.Arbitrary<Iterable<AnyInputCommand>>;
}

/**
 * The frames a command list writes, worked out on the model alone (no kernel): what a failing list
 * is written out as (a scenario and its trace). Refused writes (a full ring) are left out: they
 * changed nothing.
 */
export function commandFrames(model: OsModel, commands: Iterable<AnyInputCommand>): CaseFrame[] {
  const frames: CaseFrame[] = [];
  let operations: CaseOperation[] = [];
  let timeUs = FIRST_FRAME_US;
  model.step(timeUs, FIRST_FRAME_US); // the first frame, the scene appearing
  for (const listed of commands) {
    // fc.commands hands out each command in a wrapper that holds it as `cmd`.
    const command = (listed as unknown as { cmd?: AnyInputCommand }).cmd ?? listed;
    if (command instanceof StepCommand) {
      timeUs += command.deltaUs;
      model.step(timeUs, command.deltaUs);
      frames.push({ deltaUs: command.deltaUs, operations });
      operations = [];
    } else if (command instanceof CountersCommand) {
      const counters = command.counters(model);
      model.setCounters(counters);
      operations.push({ counters });
    } else {
      const events = command.events(model);
      try {
        model.push(events);
        operations.push({ events });
      } catch (error) {
        if (!(error instanceof ModelQueueFull)) throw error;
      }
    }
  }
  if (operations.length > 0) frames.push({ deltaUs: FIRST_FRAME_US, operations });
  return frames;
}

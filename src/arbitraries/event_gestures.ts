/**
 * Gestures: the units a stream is made of, each a short run of valid events spread over one or
 * more frames (part j of a gesture lands j frames after the frame it starts in; see
 * event_stream_arbitrary.ts). They aim where bugs hide: clicks within a frame and across two,
 * presses released on another widget, slider drags past both ends, hover, wheel deltas small,
 * fractional and huge, Tab and Shift+Tab, keys for whatever has focus, typing into a text field
 * that was just clicked or tabbed to, and bursts of more events than a frame takes (I1).
 *
 * Typed events go through encodeEvent, which validates them, so a valid stream can never hold a
 * malformed event by mistake. Every choice shrinks towards the simplest: no hover first, one
 * frame, the primary button, no modifiers, fewer moves, text "a".
 */
import fc from 'fast-check';

import { encodeEvent, type InputEvent, type Modifier, type NamedKey, type RawInputEvent } from '../os/input_events.js';
import { biasedPointArbitrary, pointSpecArbitrary, resolvePoint, widgetArbitrary, type Point, type PointKind, type Targets } from './event_points.js';
import type { GestureKind } from './event_stream_options.js';

/** A gesture's events, frame by frame: part 0 in the frame it starts in, part 1 in the next... */
export type Gesture = RawInputEvent[][];

/** Printable ASCII, letters first so that shrunk text reads "aaa". */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const CHAR = fc.constantFrom(...ALPHABET);
const MODIFIERS: readonly Modifier[] = ['shift', 'control', 'alt', 'meta'];
const FOCUS_KEYS: readonly NamedKey[] = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Backspace', 'Delete', 'Space', 'Enter', 'Escape'];
const EDIT_KEYS: readonly NamedKey[] = ['Backspace', 'Delete', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];

/**
 * One to `maxLength` of `arb`. Drawn with minLength 0 and filtered, not with minLength 1, because
 * fast-check's array shrinker cannot drop the last element of an array at its minLength: [needed,
 * junk] would stay two long. An empty draw (1 in maxLength + 1) is simply drawn again.
 */
export function someOf<T>(arb: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> {
  return fc.array(arb, { maxLength }).filter((items) => items.length > 0);
}

/** true with odds `yes` : `no`; shrinks to false. */
function chance(yes: number, no: number): fc.Arbitrary<boolean> {
  return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(false), weight: no }, { arbitrary: fc.constant(true), weight: yes });
}

/** Mostly none; sometimes some. Shrinks to none. */
const modifiersArbitrary: fc.Arbitrary<Modifier[]> = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant<Modifier[]>([]), weight: 6 }, { arbitrary: fc.subarray([...MODIFIERS], { minLength: 1 }), weight: 1 });

/** The primary button mostly; 2 and 3, which the kernel treats as moves only (I5, I6), sometimes. */
const buttonArbitrary: fc.Arbitrary<number> = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constantFrom(2, 3), weight: 1 });

/** Wheel deltas: small whole pixels, fractions, the largest the kernel takes, anything in between. */
const wheelDeltaArbitrary: fc.Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 4 },
  { arbitrary: fc.constantFrom(0.7, -0.7, 12.25, -12.25, 0.001), weight: 2 },
  { arbitrary: fc.constantFrom(5000, -5000, 100_000, -100_000), weight: 1 },
  { arbitrary: fc.double({ min: -300, max: 300, noNaN: true }), weight: 1 },
);

/** Point specs that land on a widget (not outside it), for focusing clicks and presses. */
const onWidgetSpec = pointSpecArbitrary.map((spec) => ({ ...spec, kind: (['centre', 'inside', 'fractional', 'edge'] as PointKind[])[spec.side]! }));

/** Builds the gestures of one scene's targets. */
export class Gestures {
  constructor(private readonly targets: Targets) {}

  private encode(event: InputEvent): RawInputEvent[] {
    return encodeEvent(event, this.targets.width, this.targets.height);
  }

  private pointer(type: 'pointerMove' | 'pointerDown' | 'pointerUp', p: Point, button = 1, modifiers: Modifier[] = []): RawInputEvent {
    const raw = this.encode({ type, x: p.x, y: p.y, modifiers })[0]!;
    return type === 'pointerMove' ? raw : { ...raw, code: button };
  }

  private key(type: 'keyDown' | 'keyUp', key: string, modifiers: Modifier[] = []): RawInputEvent {
    return this.encode({ type, key, modifiers })[0]!;
  }

  private get point(): fc.Arbitrary<Point> {
    return biasedPointArbitrary(this.targets);
  }

  /** Moves alone: hover, and leaving what was hovered. */
  hover(): fc.Arbitrary<Gesture> {
    return someOf(this.point, 4).map((points) => [points.map((p) => this.pointer('pointerMove', p))]);
  }

  /** Down and up at one point, in one frame or across two; sometimes a move there first. */
  click(): fc.Arbitrary<Gesture> {
    return fc.record({ at: this.point, button: buttonArbitrary, modifiers: modifiersArbitrary, moveFirst: chance(1, 2), split: chance(1, 2) }).map(({ at, button, modifiers, moveFirst, split }) => {
      const first = moveFirst ? [this.pointer('pointerMove', at)] : [];
      const down = this.pointer('pointerDown', at, button, modifiers);
      const up = this.pointer('pointerUp', at, button, modifiers);
      return split ? [[...first, down], [up]] : [[...first, down, up]];
    });
  }

  /** A press on one point and its release on another (often another widget): no click (I6). */
  pressRelease(): fc.Arbitrary<Gesture> {
    return fc.record({ from: this.point, to: this.point, moves: fc.array(this.point, { maxLength: 2 }), split: chance(1, 1) }).map(({ from, to, moves, split }) => {
      const down = this.pointer('pointerDown', from);
      const rest = [...moves.map((p) => this.pointer('pointerMove', p)), this.pointer('pointerUp', to)];
      return split ? [[down], rest] : [[down, ...rest]];
    });
  }

  /**
   * Down on a widget (a slider when there is one), moves along its row, past both ends and to the
   * screen's edges, or anywhere on it, then up (or, sometimes, still held). The moves may come one
   * a frame, so a drag spans frames with their layouts.
   */
  drag(): fc.Arbitrary<Gesture> {
    const { targets } = this;
    const widget = fc.oneof({ withCrossShrink: true }, { arbitrary: widgetArbitrary(targets.sliders, targets.interactive, targets.visible, targets.laidOut), weight: 3 }, { arbitrary: widgetArbitrary(targets.visible, targets.laidOut), weight: 1 });
    const stop = fc.record({ along: chance(3, 1), u: fc.nat(1023), spec: pointSpecArbitrary });
    return fc
      .record({ widget, press: onWidgetSpec, stops: someOf(stop, 8), perFrame: chance(1, 1), hold: chance(1, 5) })
      .map(({ widget: index, press, stops, perFrame, hold }) => {
        const start = resolvePoint(targets, index, press);
        const box = index === undefined ? undefined : targets.boxes[index];
        const moves = stops.map(({ along, u, spec }) => {
          if (!along || box === undefined) return this.pointer('pointerMove', resolvePoint(targets, index, spec));
          // Along the row: from a quarter of the width before the box to a quarter past it.
          const x = Math.round(box.x + ((u / 1023) * 1.5 - 0.25) * box.width);
          return this.pointer('pointerMove', { x: Math.min(Math.max(x, 0), targets.width), y: start.y });
        });
        const last = moves[moves.length - 1]!;
        const end = hold ? [] : [this.pointer('pointerUp', { x: last.x, y: last.y })];
        const down = this.pointer('pointerDown', start);
        return perFrame ? [[down], ...moves.map((m) => [m]), ...(end.length > 0 ? [end] : [])] : [[down, ...moves, ...end]];
      });
  }

  /** Sometimes a move over a scroll view (the wheel scrolls what is under the cursor: I7), then wheel events. */
  wheel(): fc.Arbitrary<Gesture> {
    const delta = fc.record({ dy: wheelDeltaArbitrary, dx: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: wheelDeltaArbitrary, weight: 1 }) });
    const at = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: biasedPointArbitrary(this.targets, this.targets.scrolling), weight: 3 });
    return fc.record({ at, deltas: someOf(delta, 4) }).map(({ at: p, deltas }) => [
      [...(p === undefined ? [] : [this.pointer('pointerMove', p)]), ...deltas.flatMap(({ dx, dy }) => this.encode(dx === undefined ? { type: 'wheel', dy } : { type: 'wheel', dx, dy }))],
    ]);
  }

  /** Tab and Shift+Tab (I11), one to five, sometimes with their keyUp. */
  tab(): fc.Arbitrary<Gesture> {
    return someOf(fc.record({ shift: chance(1, 2), up: chance(1, 3) }), 5).map((tabs) => [
      tabs.flatMap(({ shift, up }) => {
        const modifiers: Modifier[] = shift ? ['shift'] : [];
        return up ? [this.key('keyDown', 'Tab', modifiers), this.key('keyUp', 'Tab', modifiers)] : [this.key('keyDown', 'Tab', modifiers)];
      }),
    ]);
  }

  /** A key for whatever has focus (I8, I9, I12): named keys, or a printable character; sometimes its keyUp. */
  keyPress(): fc.Arbitrary<Gesture> {
    const key = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constantFrom<string>(...FOCUS_KEYS), weight: 3 }, { arbitrary: CHAR, weight: 1 });
    return fc.record({ key, modifiers: modifiersArbitrary, up: chance(1, 2) }).map(({ key: k, modifiers, up }) => [up ? [this.key('keyDown', k, modifiers), this.key('keyUp', k, modifiers)] : [this.key('keyDown', k, modifiers)]]);
  }

  /** Text of 1 to 10 printable characters: one event each. */
  text(): fc.Arbitrary<Gesture> {
    return fc.string({ unit: CHAR, minLength: 1, maxLength: 10 }).map((text) => [this.encode({ type: 'text', text })]);
  }

  /**
   * Focus a text field (a click on it, or Tabs), then type and edit, in the same frame or the
   * next: typing only does something with a focused field, so this makes it common.
   */
  focusAndType(): fc.Arbitrary<Gesture> {
    const { targets } = this;
    const byClick = fc.tuple(widgetArbitrary(targets.textFields, targets.interactive, targets.visible, targets.laidOut), onWidgetSpec).map(([index, spec]) => {
      const at = resolvePoint(targets, index, spec);
      return [this.pointer('pointerDown', at), this.pointer('pointerUp', at)];
    });
    const byTab = fc.tuple(fc.integer({ min: 1, max: 4 }), chance(1, 3)).map(([n, shift]) => Array.from({ length: n }, () => this.key('keyDown', 'Tab', shift ? ['shift'] : [])));
    const edit = fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.string({ unit: CHAR, minLength: 1, maxLength: 10 }).map((text) => this.encode({ type: 'text', text })), weight: 3 },
      { arbitrary: fc.constantFrom(...EDIT_KEYS).map((key) => [this.key('keyDown', key)]), weight: 1 },
    );
    return fc
      // Sometimes no focusing first (typing into whatever has focus); it is what focus shrinks to.
      .record({ focus: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant<RawInputEvent[]>([]), weight: 1 }, { arbitrary: byClick, weight: 4 }, { arbitrary: byTab, weight: 2 }), edits: someOf(edit, 4), split: chance(1, 2) })
      .map(({ focus, edits, split }) => (split && focus.length > 0 ? [focus, edits.flat()] : [[...focus, ...edits.flat()]]));
  }

  /** More events than the kernel takes in a frame (I1): moves, characters, Tabs, or a mix. */
  burst(): fc.Arbitrary<Gesture> {
    const move = this.point.map((p) => this.pointer('pointerMove', p));
    const character = CHAR.map((c) => this.encode({ type: 'text', text: c })[0]!);
    const tab = chance(1, 2).map((shift) => this.key('keyDown', 'Tab', shift ? ['shift'] : []));
    const wheel = wheelDeltaArbitrary.map((dy) => this.encode({ type: 'wheel', dy })[0]!);
    const many = (event: fc.Arbitrary<RawInputEvent>) => fc.array(event, { minLength: 33, maxLength: 96 });
    return fc.oneof(many(move), many(character), many(tab), many(fc.oneof(move, character, tab, wheel))).map((events) => [events]);
  }

  /** The gesture of a kind. */
  of(kind: GestureKind): fc.Arbitrary<Gesture> {
    switch (kind) {
      case 'hover':
        return this.hover();
      case 'click':
        return this.click();
      case 'pressRelease':
        return this.pressRelease();
      case 'drag':
        return this.drag();
      case 'wheel':
        return this.wheel();
      case 'tab':
        return this.tab();
      case 'key':
        return this.keyPress();
      case 'text':
        return this.text();
      case 'focusAndType':
        return this.focusAndType();
      case 'burst':
        return this.burst();
    }
  }
}

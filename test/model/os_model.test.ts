/**
 * The model of a session on examples worked by hand from docs/SCENES.md I1-I13 (the rule each one
 * pins is in its name). The numbers are computed from the document's formulas in the comments,
 * not read from the kernel: the property test input-matches-model compares model and kernel on
 * generated input; these pin the model to what the document says.
 */
import { describe, expect, it } from 'vitest';

import { layoutModel } from '../../src/model/layout_model.js';
import { modelTree } from '../../src/model/model_tree.js';
import { OsModel } from '../../src/model/os_model.js';
import { EVENT_TYPES, KEY_CODES, MODIFIER_BITS, type RawInputEvent } from '../../src/os/input_events.js';
import type { Scene, SceneWidget } from '../../src/scene/scene_types.js';

const FRAME_US = 16_667;
const fixed = (kind: SceneWidget['kind'], id: string, extra: Partial<SceneWidget> = {}): SceneWidget => ({ kind, id, width: 100, height: 20, padding: 0, ...extra });

/**
 * A column on a 200 x 200 screen, every box placed by hand (L4, crossAlign start):
 *   #1 button b      y 0..20       #4 slider s (110 wide)  y 60..80
 *   #2 toggle t      y 20..40      #5 scroll sv (40 high)  y 80..120, content 3 x 30 = 90
 *   #3 textField f   y 40..60         #6 #7 #8 buttons in1..in3, 30 high
 *   #9 column, disabled, y 120..140: #10 button off
 */
const scene: Scene = {
  root: {
    kind: 'column',
    padding: 0,
    gap: 0,
    crossAlign: 'start',
    children: [
      fixed('button', 'b', { text: 'B' }),
      fixed('toggle', 't', { text: 'T' }),
      fixed('textField', 'f', { text: 'abc', capacity: 5 }),
      fixed('slider', 's', { width: 110, min: 0, max: 10, step: 2, value: 0 }),
      { kind: 'scroll', id: 'sv', width: 100, height: 40, padding: 0, gap: 0, children: ['in1', 'in2', 'in3'].map((id) => fixed('button', id, { height: 30 })) },
      { kind: 'column', disabled: true, padding: 0, gap: 0, crossAlign: 'start', children: [fixed('button', 'off')] },
    ],
  },
};
const B = 1, T = 2, F = 3, S = 4, SV = 5, IN3 = 8, OFF = 10;

const move = (x: number, y: number): RawInputEvent => ({ type: EVENT_TYPES.pointerMove, modifiers: 0, code: 0, x, y });
const down = (x: number, y: number, button = 1): RawInputEvent => ({ type: EVENT_TYPES.pointerDown, modifiers: 0, code: button, x, y });
const up = (x: number, y: number, button = 1): RawInputEvent => ({ type: EVENT_TYPES.pointerUp, modifiers: 0, code: button, x, y });
const key = (code: number, modifiers = 0): RawInputEvent => ({ type: EVENT_TYPES.keyDown, modifiers, code, x: 0, y: 0 });
const text = (character: string): RawInputEvent => ({ type: EVENT_TYPES.text, modifiers: 0, code: character.charCodeAt(0), x: 0, y: 0 });
const wheel = (dy: number): RawInputEvent => ({ type: EVENT_TYPES.wheel, modifiers: 0, code: 0, x: 0, y: dy });
const click = (x: number, y: number): RawInputEvent[] => [down(x, y), up(x, y)];

/** A model on the scene after frame 1 (the scene appearing, so events hit its layout). */
function session(): { model: OsModel; frame(...events: RawInputEvent[]): OsModel } {
  const model = new OsModel(scene, 200, 200);
  let timeUs = FRAME_US;
  model.step(timeUs, FRAME_US);
  return {
    model,
    frame(...events) {
      model.push(events);
      timeUs += FRAME_US;
      model.step(timeUs, FRAME_US);
      return model;
    },
  };
}

describe('the worked scene', () => {
  it('is laid out where the comment above says', () => {
    const boxes = layoutModel(modelTree(scene), { width: 200, height: 200 }).boxes;
    expect([B, T, F, S, SV, 9, OFF].map((i) => [boxes[i]!.y, boxes[i]!.height])).toEqual([[0, 20], [20, 20], [40, 20], [60, 20], [80, 40], [120, 20], [120, 20]]);
    expect(boxes[S]!.width).toBe(110);
    expect(boxes[SV]!.contentHeight).toBe(90);
  });
});

describe('I1 the ring', () => {
  it('takes 32 events a frame and keeps the rest, in order, for the next', () => {
    const { model, frame } = session();
    frame(...Array.from({ length: 40 }, (_, i) => move(i, 1)));
    expect(model.frame).toMatchObject({ eventsProcessed: 32, eventsPending: 8, cursorX: 31 });
    expect([model.head, model.tail]).toEqual([40, 32]);
    frame();
    expect(model.frame).toMatchObject({ eventsProcessed: 40, eventsPending: 0, cursorX: 39 });
    expect(model.tail).toBe(40);
  });

  it('more than 256 between head and tail is corruption: nothing is taken, tail = head, a reset counted', () => {
    const { model, frame } = session();
    model.setCounters({ head: 1000, tail: 0 });
    frame();
    expect(model.frame).toMatchObject({ queueResets: 1, eventsProcessed: 0, eventsPending: 0 });
    expect(model.tail).toBe(1000);
  });

  it('the host cannot write more than the free slots', () => {
    const { model } = session();
    expect(() => model.push(Array.from({ length: 257 }, () => move(1, 1)))).toThrow(/room for 256 events, not 257/);
    expect(model.head).toBe(0);
  });
});

describe('I2 malformed events', () => {
  it('are dropped and counted; the edges of the screen are inside', () => {
    const { model, frame } = session();
    frame(move(Number.NaN, 3), move(201, 3), move(3, -1), text('\u007f'), key(0x106), { type: 9, modifiers: 0, code: 0, x: 0, y: 0 }, move(200, 200));
    expect(model.frame).toMatchObject({ eventsDropped: 6, eventsProcessed: 1, cursorX: 200, cursorY: 200 });
  });
});

describe('I3-I6 pointer', () => {
  it('a press and release on the same button is a click', () => {
    const { model, frame } = session();
    frame(...click(50, 10));
    expect(model.widgets[B]).toMatchObject({ activations: 1, pressed: false, focused: true, hovered: true });
    expect(model.frame).toMatchObject({ focused: B, pressed: undefined, hovered: B, buttons: 0 });
  });

  it('a release over another widget is no click; the widget under the release is hovered', () => {
    const { model, frame } = session();
    frame(down(50, 10), up(50, 30));
    expect(model.widgets[B]!.activations).toBe(0);
    expect(model.widgets[T]).toMatchObject({ activations: 0, checked: false, hovered: true });
    expect(model.frame).toMatchObject({ pressed: undefined, hovered: T, focused: B });
  });

  it('a button other than the primary one only moves the cursor and hover', () => {
    const { model, frame } = session();
    frame(down(50, 30, 2), up(50, 30, 2));
    expect(model.widgets[T]).toMatchObject({ checked: false, activations: 0, focused: false, hovered: true });
    expect(model.frame.buttons).toBe(0);
  });

  it('inside a disabled subtree nothing is a target: no hover, no focus, no click; a press there clears focus', () => {
    const { model, frame } = session();
    frame(...click(50, 10));
    frame(...click(50, 130));
    expect(model.widgets[OFF]).toMatchObject({ activations: 0, hovered: false, focused: false });
    expect(model.frame).toMatchObject({ focused: undefined, hovered: undefined });
  });

  it('moving off every interactive widget hovers nothing', () => {
    const { model, frame } = session();
    frame(move(50, 10));
    expect(model.frame.hovered).toBe(B);
    frame(move(150, 10)); // right of the button: only the root column is there
    expect(model.frame.hovered).toBeUndefined();
    expect(model.widgets[B]!.hovered).toBe(false);
  });
});

describe('I8 sliders', () => {
  // thumb = min(inner height 20, line 16 + 4) = 20; its centre travels 10..100; length 90.
  it('a press takes the value under x, snapped to the step from min (halves up)', () => {
    const { model, frame } = session();
    // offset 55 - 10 = 45: 0 + floor((45 x 10 + 45) / 90) = 5, snapped to step 2: 6
    frame(down(55, 70));
    expect(model.widgets[S]).toMatchObject({ value: 6, dragging: true, pressed: true });
    // a drag past the end clamps to the length: 10
    frame(move(199, 70));
    expect(model.widgets[S]!.value).toBe(10);
    frame(up(199, 70));
    expect(model.widgets[S]).toMatchObject({ value: 10, dragging: false, activations: 0 });
  });

  it('keys move a focused slider by its step, clamped; Home and End go to min and max', () => {
    const { model, frame } = session();
    frame(...click(10, 70)); // offset 0: value 0
    expect(model.widgets[S]!.value).toBe(0);
    frame(key(KEY_CODES.ArrowRight), key(KEY_CODES.ArrowUp));
    expect(model.widgets[S]!.value).toBe(4);
    frame(key(KEY_CODES.End), key(KEY_CODES.ArrowRight));
    expect(model.widgets[S]!.value).toBe(10);
    frame(key(KEY_CODES.ArrowDown), key(KEY_CODES.Home), key(KEY_CODES.ArrowLeft));
    expect(model.widgets[S]!.value).toBe(0);
  });
});

describe('I9, I10 keys and activation', () => {
  it('Space and Enter activate the focused toggle; other keys do nothing', () => {
    const { model, frame } = session();
    frame(...click(50, 30));
    expect(model.widgets[T]).toMatchObject({ checked: true, activations: 1 });
    frame(key(KEY_CODES.Space), key(KEY_CODES.Enter), key(KEY_CODES.Escape));
    expect(model.widgets[T]).toMatchObject({ checked: true, activations: 3 });
  });

  it('a keyDown or keyUp sets the held modifiers', () => {
    const { model, frame } = session();
    frame(key(KEY_CODES.Escape, MODIFIER_BITS.control | MODIFIER_BITS.alt));
    expect(model.frame.modifiers).toBe(6);
    frame({ type: EVENT_TYPES.keyUp, modifiers: 0, code: KEY_CODES.Escape, x: 0, y: 0 });
    expect(model.frame.modifiers).toBe(0);
  });
});

describe('I11 focus order', () => {
  it('Tab goes to the first focusable widget, in tree order, skipping the disabled subtree, and wraps', () => {
    const { model, frame } = session();
    frame(key(KEY_CODES.Tab));
    expect(model.frame.focused).toBe(B);
    frame(key(KEY_CODES.Tab, MODIFIER_BITS.shift)); // before the first: wraps to the last enabled one
    expect(model.frame.focused).toBe(IN3);
    frame(key(KEY_CODES.Tab));
    expect(model.frame.focused).toBe(B);
  });

  it('focus by Tab scrolls its scroll view just enough to show it', () => {
    const { model, frame } = session();
    // in3's box in content pixels is 60..90; the viewport is 40 high: target 90 - 40 = 50 px
    frame(key(KEY_CODES.Tab, MODIFIER_BITS.shift));
    expect(model.widgets[SV]!.scrollTarget).toBe(50 * 256);
  });
});

describe('I7 wheel and I13 animation', () => {
  it('scrolls the view under the cursor by dy x 256 truncated, clamped to the range; eases a quarter of the gap a frame', () => {
    const { model, frame } = session();
    frame(move(50, 90), wheel(12.7));
    // trunc(12.7 x 256) = 3251 (12.7 as a 32-bit float is 12.69999981); range (90 - 40) x 256 = 12800.
    // f = min(floor(16667 x 16384 / 16667), 65536) = 16384: the offset covers floor(3251 x 16384 / 65536) = 812.
    expect(model.widgets[SV]).toMatchObject({ scrollTarget: 3251, scrollOffset: 812 });
    frame(wheel(100));
    expect(model.widgets[SV]!.scrollTarget).toBe(12800);
  });

  it('a wheel over no scroll view scrolls nothing', () => {
    const { model, frame } = session();
    frame(move(50, 10), wheel(40));
    expect(model.widgets[SV]!.scrollTarget).toBe(0);
  });

  it('hover and press highlights move by ceil(delta x 65535 / duration) a frame', () => {
    const { model, frame } = session();
    frame(down(50, 10));
    // 16667 x 65535 / 120000 = 9102.27 -> 9103; / 80000 = 13653.40 -> 13654
    expect(model.widgets[B]).toMatchObject({ hoverAnim: 9103, pressAnim: 13654 });
    frame(up(150, 10));
    expect(model.widgets[B]).toMatchObject({ hoverAnim: 0, pressAnim: 0 });
  });

  it('arrives when the gap before the move is under a quarter pixel', () => {
    const { model, frame } = session();
    frame(move(50, 90), wheel(0.25)); // trunc(64) = 64: not under 64, so it moves floor(64 / 4) = 16
    expect(model.widgets[SV]).toMatchObject({ scrollTarget: 64, scrollOffset: 16 });
    frame(); // gap 48 < 64: arrives
    expect(model.widgets[SV]!.scrollOffset).toBe(64);
  });
});

describe('I12 text fields', () => {
  it('insert at the caret up to the capacity; Backspace, Delete, arrows, Home and End edit and move it', () => {
    const { model, frame } = session();
    // A press places the caret under x: column floor((x - box x + 8 / 2) / 8); at x 13: floor(17 / 8) = 2.
    frame(...click(13, 50));
    expect(model.widgets[F]).toMatchObject({ focused: true, caret: 2 });
    frame(text('X'), text('Y'), text('Z')); // capacity 5: 'abXYc' and Z is refused
    expect(model.widgets[F]).toMatchObject({ text: 'abXYc', caret: 4 });
    frame(key(KEY_CODES.Home), key(KEY_CODES.Delete), key(KEY_CODES.ArrowRight));
    expect(model.widgets[F]).toMatchObject({ text: 'bXYc', caret: 1 });
    frame(key(KEY_CODES.End), key(KEY_CODES.Backspace), key(KEY_CODES.ArrowLeft), key(KEY_CODES.Backspace));
    expect(model.widgets[F]).toMatchObject({ text: 'bY', caret: 1 });
  });

  it('a field focused by Tab takes its caret at the end', () => {
    const { model, frame } = session();
    frame(key(KEY_CODES.Tab), key(KEY_CODES.Tab), key(KEY_CODES.Tab));
    expect(model.frame.focused).toBe(F);
    expect(model.widgets[F]!.caret).toBe(3);
  });
});

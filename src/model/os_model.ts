/**
 * The reference model of a whole OS session, written from docs/SCENES.md "Input" (I1-I13) on top
 * of the layout and hit-testing models: the host's side of the input ring, the kernel's taking of
 * events, their dispatch in order against the previous frame's layout, the animations, and the
 * frame's layout. It holds the state the host API reports (widgets and frame), so a model-based
 * test can step it beside a real session and compare them after every frame.
 */
import type { WidgetLayout } from '../os/os_state.js';
import { readRawEvent, writeRawEvent, type RawInputEvent } from '../os/input_events.js';
import type { Scene } from '../scene/scene_types.js';
import { targetModel, wheelTargetModel } from './hit_model.js';
import { layoutModel, type ScrollState } from './layout_model.js';
import { FONT_CELLS, isEnabled, isInteractive, modelTree, type ModelNode, type ModelTree } from './model_tree.js';

/** I1: the ring's slots and the most a frame takes. */
export const RING_CAPACITY = 256;
export const EVENTS_PER_FRAME = 32;
/** I2's limits and codes (the event types and keys of docs/SCENES.md). */
const MAX_WHEEL_DELTA = 100000;
const KEY_LAST = 0x105;
const PRIMARY = 1;
const TYPE = { pointerMove: 1, pointerDown: 2, pointerUp: 3, wheel: 4, keyDown: 5, keyUp: 6, text: 7 } as const;
const KEY = { backspace: 8, tab: 9, enter: 13, space: 32, delete: 127, left: 0x100, right: 0x101, up: 0x102, down: 0x103, home: 0x104, end: 0x105 } as const;
const SHIFT = 1;

export interface ModelWidget {
  hovered: boolean;
  pressed: boolean;
  focused: boolean;
  checked: boolean;
  dragging: boolean;
  text: string;
  caret: number;
  value: number;
  activations: number;
  /** 0..65535 */
  hoverAnim: number;
  pressAnim: number;
  /** 1/256 px */
  scrollTarget: number;
  scrollOffset: number;
  /** 1/256 units */
  displayValue: number;
}

export interface ModelFrame {
  frameNumber: number;
  timeUs: number;
  cursorX: number;
  cursorY: number;
  buttons: number;
  modifiers: number;
  focused: number | undefined;
  hovered: number | undefined;
  pressed: number | undefined;
  eventsProcessed: number;
  eventsDropped: number;
  queueResets: number;
  eventsPending: number;
}

/** The host's ring write was refused: `count` events, room for `free` (QueueFullError's rule). */
export class ModelQueueFull extends Error {
  constructor(
    readonly free: number,
    readonly count: number,
  ) {
    super(`the ring has room for ${free} events, not ${count}`);
  }
}

const f32 = Math.fround;

export class OsModel {
  readonly tree: ModelTree;
  readonly widgets: ModelWidget[];
  readonly frame: ModelFrame;
  /** The layout of the last frame (all zero before frame 1): what events are hit-tested against. */
  layout: WidgetLayout[];
  head = 0;
  tail = 0;
  private readonly slots = new DataView(new ArrayBuffer(RING_CAPACITY * 16));

  constructor(
    scene: Scene,
    readonly width: number,
    readonly height: number,
  ) {
    this.tree = modelTree(scene);
    this.widgets = this.tree.nodes.map((node) => ({
      hovered: false,
      pressed: false,
      focused: false,
      checked: node.checked,
      dragging: false,
      text: node.text,
      caret: node.text.length,
      value: node.value,
      activations: 0,
      hoverAnim: 0,
      pressAnim: 0,
      scrollTarget: 0,
      scrollOffset: 0,
      displayValue: node.valueMin * 256,
    }));
    this.frame = {
      frameNumber: 0,
      timeUs: 0,
      cursorX: 0,
      cursorY: 0,
      buttons: 0,
      modifiers: 0,
      focused: undefined,
      hovered: undefined,
      pressed: undefined,
      eventsProcessed: 0,
      eventsDropped: 0,
      queueResets: 0,
      eventsPending: 0,
    };
    this.layout = this.tree.nodes.map(() => ({ x: 0, y: 0, width: 0, height: 0, clip: [0, 0, 0, 0], contentWidth: 0, contentHeight: 0, z: 0, visible: false }));
  }

  // ---- the host's side of the ring (I1) ----

  /** Events the host writes; all or none (ModelQueueFull when the ring lacks room). */
  push(events: readonly RawInputEvent[]): void {
    if (events.length === 0) return;
    const pending = (this.head - this.tail) >>> 0;
    const free = pending > RING_CAPACITY ? 0 : RING_CAPACITY - pending;
    if (events.length > free) throw new ModelQueueFull(free, events.length);
    events.forEach((event, i) => writeRawEvent(this.slots, (((this.head + i) >>> 0) % RING_CAPACITY) * 16, event));
    this.head = (this.head + events.length) >>> 0;
  }

  setCounters(counters: { head?: number; tail?: number }): void {
    if (counters.head !== undefined) this.head = counters.head >>> 0;
    if (counters.tail !== undefined) this.tail = counters.tail >>> 0;
  }

  // ---- one frame ----

  step(timeUs: number, deltaUs: number): void {
    for (const event of this.takeEvents()) this.apply(event);
    this.animate(deltaUs);
    this.relayout();
    this.frame.frameNumber += 1;
    this.frame.timeUs = timeUs;
  }

  /** What the next frame will take from the ring (I1, I2), without taking it. */
  nextFrameEvents(): { valid: RawInputEvent[]; taken: number; reset: boolean } {
    const pending = (this.head - this.tail) >>> 0;
    if (pending > RING_CAPACITY) return { valid: [], taken: 0, reset: true };
    const taken = Math.min(pending, EVENTS_PER_FRAME);
    const valid: RawInputEvent[] = [];
    for (let k = 0; k < taken; k++) {
      const event = readRawEvent(this.slots, (((this.tail + k) >>> 0) % RING_CAPACITY) * 16);
      if (this.isValid(event)) valid.push(event);
    }
    return { valid, taken, reset: false };
  }

  /** I1, I2: up to 32 events from the ring, the malformed ones dropped and counted. */
  private takeEvents(): RawInputEvent[] {
    const pending = (this.head - this.tail) >>> 0;
    if (pending > RING_CAPACITY) {
      this.tail = this.head;
      this.frame.queueResets += 1;
      this.frame.eventsPending = 0;
      return [];
    }
    const { valid, taken: take } = this.nextFrameEvents();
    this.tail = (this.tail + take) >>> 0;
    this.frame.eventsProcessed += valid.length;
    this.frame.eventsDropped += take - valid.length;
    this.frame.eventsPending = pending - take;
    return valid;
  }

  private isValid(e: RawInputEvent): boolean {
    const finite = Number.isFinite(e.x) && Number.isFinite(e.y);
    switch (e.type) {
      case TYPE.pointerMove:
      case TYPE.pointerDown:
      case TYPE.pointerUp:
        return finite && e.x >= 0 && e.y >= 0 && e.x <= this.width && e.y <= this.height && e.modifiers <= 15;
      case TYPE.wheel:
        return finite && Math.abs(e.x) <= MAX_WHEEL_DELTA && Math.abs(e.y) <= MAX_WHEEL_DELTA;
      case TYPE.keyDown:
      case TYPE.keyUp:
        return e.code <= KEY_LAST && e.modifiers <= 15;
      case TYPE.text:
        return e.code >= 0x20 && e.code <= 0x7e;
      default:
        return false;
    }
  }

  private apply(e: RawInputEvent): void {
    switch (e.type) {
      case TYPE.pointerMove:
        return this.pointerMove(e);
      case TYPE.pointerDown:
        return this.pointerDown(e);
      case TYPE.pointerUp:
        return this.pointerUp(e);
      case TYPE.wheel:
        return this.wheel(e);
      case TYPE.keyDown:
        this.frame.modifiers = e.modifiers;
        return this.keyDown(e);
      case TYPE.keyUp:
        this.frame.modifiers = e.modifiers;
        return;
      case TYPE.text:
        return this.typeCharacter(e.code);
    }
  }

  private target(e: RawInputEvent): number | undefined {
    return targetModel(this.tree, this.layout, e.x, e.y);
  }

  private moveCursor(e: RawInputEvent): void {
    this.frame.cursorX = f32(e.x);
    this.frame.cursorY = f32(e.y);
  }

  private setHovered(widget: number | undefined): void {
    if (this.frame.hovered !== undefined) this.widgets[this.frame.hovered]!.hovered = false;
    if (widget !== undefined) this.widgets[widget]!.hovered = true;
    this.frame.hovered = widget;
  }

  private setFocused(widget: number | undefined): void {
    if (this.frame.focused === widget) return;
    if (this.frame.focused !== undefined) this.widgets[this.frame.focused]!.focused = false;
    this.frame.focused = widget;
    if (widget === undefined) return;
    const state = this.widgets[widget]!;
    state.focused = true;
    if (this.tree.nodes[widget]!.kind === 'textField') state.caret = state.text.length;
  }

  /** I4 */
  private pointerMove(e: RawInputEvent): void {
    this.moveCursor(e);
    this.setHovered(this.target(e));
    const pressed = this.frame.pressed;
    if (pressed !== undefined && this.widgets[pressed]!.dragging) this.dragSlider(pressed, e.x);
  }

  /** I5 */
  private pointerDown(e: RawInputEvent): void {
    this.moveCursor(e);
    const target = this.target(e);
    this.setHovered(target);
    if (e.code !== PRIMARY) return;
    this.frame.buttons |= PRIMARY;
    this.setFocused(target);
    const previous = this.frame.pressed;
    if (previous !== undefined && previous !== target) {
      this.widgets[previous]!.pressed = false;
      this.widgets[previous]!.dragging = false;
    }
    this.frame.pressed = target;
    if (target === undefined) return;
    this.widgets[target]!.pressed = true;
    const kind = this.tree.nodes[target]!.kind;
    if (kind === 'slider') {
      this.widgets[target]!.dragging = true;
      this.dragSlider(target, e.x);
    } else if (kind === 'textField') {
      this.placeCaret(target, e.x);
    }
  }

  /** I6 */
  private pointerUp(e: RawInputEvent): void {
    this.moveCursor(e);
    const target = this.target(e);
    if (e.code !== PRIMARY) return this.setHovered(target);
    this.frame.buttons &= ~PRIMARY;
    const pressed = this.frame.pressed;
    if (pressed !== undefined) {
      if (pressed === target && this.tree.nodes[pressed]!.kind !== 'slider') this.activate(pressed);
      this.widgets[pressed]!.pressed = false;
      this.widgets[pressed]!.dragging = false;
    }
    this.frame.pressed = undefined;
    this.setHovered(target);
  }

  /** I7 */
  private wheel(e: RawInputEvent): void {
    const view = wheelTargetModel(this.tree, this.layout, this.frame.cursorX, this.frame.cursorY);
    if (view === undefined) return;
    const state = this.widgets[view]!;
    state.scrollTarget = clamp(state.scrollTarget + Math.trunc(f32(e.y) * 256), 0, this.scrollRange(view));
  }

  /** L8 on the previous frame's layout, in 1/256 px. */
  private scrollRange(view: number): number {
    const node = this.tree.nodes[view]!;
    const box = this.layout[view]!;
    const [top, , bottom] = node.padding;
    const viewport = Math.max(box.height - top - bottom, 0);
    return Math.max(box.contentHeight - top - bottom - viewport, 0) * 256;
  }

  /** I9 */
  private keyDown(e: RawInputEvent): void {
    if (e.code === KEY.tab) return this.moveFocus((e.modifiers & SHIFT) !== 0);
    const focused = this.frame.focused;
    if (focused === undefined) return;
    const node = this.tree.nodes[focused]!;
    const state = this.widgets[focused]!;
    if (node.kind === 'textField') return this.editText(focused, e.code);
    if (node.kind === 'slider') {
      const step = Math.max(node.step, 1);
      if (e.code === KEY.left || e.code === KEY.down) this.setSlider(focused, state.value - step);
      if (e.code === KEY.right || e.code === KEY.up) this.setSlider(focused, state.value + step);
      if (e.code === KEY.home) this.setSlider(focused, node.valueMin);
      if (e.code === KEY.end) this.setSlider(focused, node.valueMax);
      return;
    }
    if (e.code === KEY.space || e.code === KEY.enter) this.activate(focused);
  }

  /** I10 */
  private activate(widget: number): void {
    const kind = this.tree.nodes[widget]!.kind;
    const state = this.widgets[widget]!;
    if (kind === 'toggle') state.checked = !state.checked;
    if (kind === 'toggle' || kind === 'button') state.activations += 1;
  }

  /** I8: the thumb's travel on the previous frame's layout. */
  private dragSlider(widget: number, x: number): void {
    const node = this.tree.nodes[widget]!;
    const box = this.layout[widget]!;
    const [top, right, bottom, left] = node.padding;
    const x0 = box.x + left;
    const x1 = Math.max(box.x + box.width - right, x0);
    const y0 = box.y + top;
    const y1 = Math.max(box.y + box.height - bottom, y0);
    const thumb = Math.min(y1 - y0, FONT_CELLS[node.font].line + 4);
    const start = x0 + Math.floor(thumb / 2);
    const end = Math.max(x1 - Math.floor(thumb / 2), start);
    const length = Math.max(end - start, 1);
    const offset = clamp(Math.floor(x) - start, 0, length);
    const range = Math.max(node.valueMax - node.valueMin, 0);
    this.setSlider(widget, node.valueMin + Math.floor((offset * range + Math.floor(length / 2)) / length));
  }

  /** I8: clamp, snap to the nearest step from min (halves up), clamp again. */
  private setSlider(widget: number, value: number): void {
    const node = this.tree.nodes[widget]!;
    const step = Math.max(node.step, 1);
    const inRange = clamp(value, node.valueMin, node.valueMax);
    const snapped = node.valueMin + Math.floor((inRange - node.valueMin + Math.floor(step / 2)) / step) * step;
    this.widgets[widget]!.value = clamp(snapped, node.valueMin, node.valueMax);
  }

  /** I5: the caret goes to the column under x. */
  private placeCaret(widget: number, x: number): void {
    const node = this.tree.nodes[widget]!;
    const advance = FONT_CELLS[node.font].advance;
    const column = Math.floor((Math.floor(x) - (this.layout[widget]!.x + node.padding[3]) + Math.floor(advance / 2)) / advance);
    const state = this.widgets[widget]!;
    state.caret = clamp(column, 0, state.text.length);
  }

  /** I12 */
  private typeCharacter(code: number): void {
    const focused = this.frame.focused;
    if (focused === undefined || this.tree.nodes[focused]!.kind !== 'textField') return;
    const state = this.widgets[focused]!;
    if (state.text.length >= this.tree.nodes[focused]!.capacity) return;
    state.text = state.text.slice(0, state.caret) + String.fromCharCode(code) + state.text.slice(state.caret);
    state.caret += 1;
  }

  private editText(widget: number, key: number): void {
    const state = this.widgets[widget]!;
    const { text, caret } = state;
    if (key === KEY.backspace && caret > 0) {
      state.text = text.slice(0, caret - 1) + text.slice(caret);
      state.caret = caret - 1;
    } else if (key === KEY.delete && caret < text.length) {
      state.text = text.slice(0, caret) + text.slice(caret + 1);
    } else if (key === KEY.left && caret > 0) {
      state.caret = caret - 1;
    } else if (key === KEY.right && caret < text.length) {
      state.caret = caret + 1;
    } else if (key === KEY.home) {
      state.caret = 0;
    } else if (key === KEY.end) {
      state.caret = text.length;
    }
  }

  /** I11: Tab order is the tree's depth-first order; focus by Tab scrolls its widget into view. */
  private moveFocus(backwards: boolean): void {
    const focusable = this.tree.nodes.filter((n) => isInteractive(n) && isEnabled(n)).map((n) => n.index);
    if (focusable.length === 0) return;
    const current = this.frame.focused;
    let next: number;
    if (backwards) {
      const before = current === undefined ? [] : focusable.filter((i) => i < current);
      next = before.length > 0 ? before[before.length - 1]! : focusable[focusable.length - 1]!;
    } else {
      next = (current === undefined ? undefined : focusable.find((i) => i > current)) ?? focusable[0]!;
    }
    this.setFocused(next);
    this.scrollIntoView(this.tree.nodes[next]!);
  }

  private scrollIntoView(node: ModelNode): void {
    let view = node.parent;
    while (view && view.kind !== 'scroll') view = view.parent;
    if (!view) return;
    const port = this.layout[view.index]!;
    const box = this.layout[node.index]!;
    const state = this.widgets[view.index]!;
    const [top, , bottom] = view.padding;
    const innerY = port.y + top;
    const viewport = Math.max(port.height - top - bottom, 0);
    const shown = Math.floor((state.scrollOffset + 128) / 256);
    const boxTop = box.y - innerY + shown;
    const boxBottom = boxTop + box.height;
    const current = Math.floor(state.scrollTarget / 256);
    let wanted: number;
    if (boxTop < current) wanted = boxTop;
    else if (boxBottom > current + viewport) wanted = boxBottom - viewport;
    else return; // already in view: the target stays where it is
    state.scrollTarget = clamp(wanted * 256, 0, this.scrollRange(view.index));
  }

  /** I13: highlights, smooth scrolling and progress bars, on the frame's delta. */
  private animate(deltaUs: number): void {
    const delta = Math.min(deltaUs, 1_000_000);
    const ease = (current: number, on: boolean, durationUs: number): number => {
      const step = Math.min(Math.ceil((delta * 65535) / durationUs), 65535);
      return on ? Math.min(current + step, 65535) : Math.max(current - step, 0);
    };
    const fraction = Math.min(Math.floor((delta * 16384) / 16667), 65536);
    const approach = (current: number, target: number): number => {
      const gap = target - current;
      return gap > -64 && gap < 64 ? target : current + Math.floor((gap * fraction) / 65536);
    };
    this.tree.nodes.forEach((node, i) => {
      const state = this.widgets[i]!;
      state.hoverAnim = ease(state.hoverAnim, state.hovered, 120_000);
      state.pressAnim = ease(state.pressAnim, state.pressed, 80_000);
      if (node.kind === 'scroll') state.scrollOffset = approach(state.scrollOffset, state.scrollTarget);
      if (node.kind === 'progress') state.displayValue = approach(state.displayValue, clamp(state.value, node.valueMin, node.valueMax) * 256);
    });
  }

  /** The frame's layout (L1-L10), which also clamps the scroll views it lays out (L8). */
  private relayout(): void {
    const scroll = new Map<number, ScrollState>();
    this.tree.nodes.forEach((node, i) => {
      if (node.kind === 'scroll') scroll.set(i, { target: this.widgets[i]!.scrollTarget, offset: this.widgets[i]!.scrollOffset });
    });
    const result = layoutModel(this.tree, { width: this.width, height: this.height, scroll });
    for (const [i, state] of result.scroll) {
      this.widgets[i]!.scrollTarget = state.target;
      this.widgets[i]!.scrollOffset = state.offset;
    }
    this.layout = result.boxes.map((box) => ({ ...box, clip: [...box.clip] as [number, number, number, number] }));
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(Math.max(value, lo), hi);
}

/**
 * Turns a validated scene into what the OS kernel reads: one gpuos_widget record per widget in
 * depth-first order (so the root is 0 and paint order follows), the tree links, and the text pool.
 * Defaults come from the theme and the widget's kind, so a scene only says what differs.
 */

import { FileError, readJsonFile } from '../files.js';
import { SceneError } from './scene_error.js';
import { DEFAULT_CAPACITY, validateScene } from './scene_validate.js';
import type { CrossAlign, MainAlign, Padding, Scene, SceneWidget, Theme, WidgetKind } from './scene_types.js';

/** A scene file larger than this is refused before parsing. */
export const MAX_SCENE_FILE_BYTES = 1024 * 1024;

export const DEFAULT_THEME: Theme = {
  background: '#16181d',
  surface: '#23262e',
  field: '#1b1d23',
  foreground: '#e6e8ee',
  muted: '#9aa0ad',
  accent: '#4f8cff',
  border: '#3a3f4b',
};

export const NO_WIDGET = 0xffff;
export const AUTO = -1;

/** The kernel's GPUOS_WIDGET_* codes (test/os/abi_layout.test.ts checks them against the header). */
export const KIND_CODES: Record<WidgetKind, number> = {
  row: 1,
  column: 2,
  label: 3,
  button: 4,
  toggle: 5,
  slider: 6,
  textField: 7,
  scroll: 8,
  progress: 9,
};
export const MAIN_ALIGN: Record<MainAlign, number> = { start: 0, center: 1, end: 2, 'space-between': 4 };
export const CROSS_ALIGN: Record<CrossAlign, number> = { start: 0, center: 1, end: 2, stretch: 3 };

/** One widget as the kernel's gpuos_widget (field names as in kernels/gpuos_abi.h). */
export type WidgetRecord = Record<string, number>;

export interface CompiledScene {
  readonly name: string;
  /** The validated scene it was compiled from (what a trace's header stores). */
  readonly source?: Scene;
  readonly widgets: readonly WidgetRecord[];
  readonly text: Uint8Array;
  readonly ids: ReadonlyMap<string, number>;
  readonly kinds: readonly WidgetKind[];
}

/** RGBA8 with R in the low byte, as the kernel stores colours. */
export function parseColor(color: string): number {
  let hex = color.slice(1);
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  if (hex.length === 6) hex += 'ff';
  const value = Number.parseInt(hex, 16);
  const r = (value >>> 24) & 0xff;
  const g = (value >>> 16) & 0xff;
  const b = (value >>> 8) & 0xff;
  const a = value & 0xff;
  return (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
}

function paddingOf(padding: Padding | undefined, fallback: [number, number, number, number]): [number, number, number, number] {
  if (padding === undefined) return fallback;
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  return [padding[0], padding[1], padding[2], padding[3]];
}

interface KindDefaults {
  padding: [number, number, number, number]; // top, right, bottom, left
  background: keyof Theme | 'transparent';
  foreground: keyof Theme;
  border: keyof Theme | 'transparent';
  borderWidth: number;
  cornerRadius: number;
  crossAlign: CrossAlign;
}

function defaultsFor(kind: WidgetKind): KindDefaults {
  const base: KindDefaults = { padding: [0, 0, 0, 0], background: 'transparent', foreground: 'foreground', border: 'border', borderWidth: 0, cornerRadius: 0, crossAlign: 'stretch' };
  switch (kind) {
    case 'button':
      return { ...base, padding: [6, 14, 6, 14], background: 'surface', borderWidth: 1, cornerRadius: 6 };
    case 'textField':
      return { ...base, padding: [6, 8, 6, 8], background: 'field', borderWidth: 1, cornerRadius: 5 };
    case 'toggle':
    case 'slider':
      return { ...base, padding: [4, 0, 4, 0] };
    case 'progress':
      return { ...base, padding: [2, 0, 2, 0] };
    case 'label':
      return { ...base, padding: [2, 0, 2, 0] };
    default:
      return base;
  }
}

function compileWidgets(scene: Scene): CompiledScene {
  const theme: Theme = { ...DEFAULT_THEME, ...scene.theme };
  const color = (name: keyof Theme | 'transparent', override: string | undefined): number =>
    override !== undefined ? parseColor(override) : name === 'transparent' ? 0 : parseColor(theme[name]);

  const records: WidgetRecord[] = [];
  const kinds: WidgetKind[] = [];
  const ids = new Map<string, number>();
  const textParts: number[] = [];

  const visit = (widget: SceneWidget, parent: number, depth: number): number => {
    const index = records.length;
    const defaults = defaultsFor(widget.kind);
    const [top, right, bottom, left] = paddingOf(widget.padding, defaults.padding);
    const text = widget.text ?? '';
    const capacity = widget.kind === 'textField' ? (widget.capacity ?? DEFAULT_CAPACITY) : text.length;
    const textOffset = textParts.length;
    for (let i = 0; i < capacity; i++) textParts.push(i < text.length ? text.charCodeAt(i) : 0);
    const min = widget.min ?? 0;
    const max = widget.max ?? 100;
    const value = widget.value ?? min;
    const record: WidgetRecord = {
      kind: KIND_CODES[widget.kind],
      flags: (widget.hidden ? 1 : 0) | (widget.disabled ? 2 : 0),
      parent,
      first_child: NO_WIDGET,
      next_sibling: NO_WIDGET,
      depth,
      width: widget.width ?? AUTO,
      height: widget.height ?? AUTO,
      min_width: widget.minWidth ?? 0,
      min_height: widget.minHeight ?? 0,
      max_width: widget.maxWidth ?? AUTO,
      max_height: widget.maxHeight ?? AUTO,
      padding_left: left,
      padding_top: top,
      padding_right: right,
      padding_bottom: bottom,
      gap: widget.gap ?? 0,
      main_align: MAIN_ALIGN[widget.align ?? 'start'],
      cross_align: CROSS_ALIGN[widget.crossAlign ?? defaults.crossAlign],
      grow: widget.grow ?? 0,
      font: widget.font === 'title' ? 1 : 0,
      text_offset: textOffset,
      text_length: text.length,
      text_capacity: capacity,
      caret: text.length,
      value,
      value_min: min,
      value_max: max,
      value_step: widget.step ?? 1,
      // The root paints the screen: the theme's background unless the scene says otherwise.
      background: color(parent === NO_WIDGET ? 'background' : defaults.background, widget.background),
      foreground: color(defaults.foreground, widget.foreground),
      accent: color('accent', widget.accent),
      border_color: color(defaults.border, widget.borderColor),
      corner_radius: widget.cornerRadius ?? defaults.cornerRadius,
      border_width: widget.borderWidth ?? defaults.borderWidth,
      state: widget.checked ? 8 : 0,
      hover_anim: 0,
      press_anim: 0,
      scroll_target: 0,
      scroll_offset: 0,
      // Progress bars fill in from empty when the scene appears (the kernel eases towards value).
      display_value: min * 256,
      activations: 0,
    };
    records.push(record);
    kinds.push(widget.kind);
    if (widget.id !== undefined) ids.set(widget.id, index);

    let previous = NO_WIDGET;
    for (const child of widget.children ?? []) {
      const childIndex = visit(child, index, depth + 1);
      if (previous === NO_WIDGET) record.first_child = childIndex;
      else records[previous]!.next_sibling = childIndex;
      previous = childIndex;
    }
    return index;
  };
  visit(scene.root, NO_WIDGET, 0);
  return { name: scene.name ?? 'scene', source: structuredClone(scene), widgets: records, text: Uint8Array.from(textParts), ids, kinds };
}

/** Validates and compiles a scene given as an object (e.g. parsed JSON). */
export function compileScene(value: unknown, source?: string): CompiledScene {
  return compileWidgets(validateScene(value, source));
}

/** Reads, validates and compiles a scene file. */
export function loadScene(path: string): CompiledScene {
  let parsed: unknown;
  try {
    parsed = readJsonFile(path, MAX_SCENE_FILE_BYTES, 'scene');
  } catch (error) {
    if (error instanceof FileError) throw new SceneError('scene', error.message);
    throw error;
  }
  return compileScene(parsed, path);
}

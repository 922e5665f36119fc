/**
 * Validates an untrusted scene (parsed JSON): every property's type and range, the kinds, the
 * limits the OS has (256 widgets, depth 8, 32 KiB of text), unique ids. The first problem found is
 * thrown as a SceneError naming its path; nothing is allocated in proportion to a hostile input
 * before its size is checked.
 */
import { OsAbi } from '../os/abi.js';
import { SceneError } from './scene_error.js';
import { CONTAINER_KINDS, TEXT_KINDS, VALUE_KINDS, WIDGET_KINDS, type Scene, type WidgetKind } from './scene_types.js';

// The OS's own limits (kernels/gpuos_abi.h, through the exported layout).
export const MAX_WIDGETS: number = OsAbi.get().constant('GPUOS_MAX_WIDGETS');
export const MAX_DEPTH: number = OsAbi.get().constant('GPUOS_MAX_DEPTH');
export const TEXT_POOL_BYTES: number = OsAbi.get().constant('GPUOS_TEXT_POOL_BYTES');
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPACITY = 1024;
export const MAX_SIZE = 4096;
export const DEFAULT_CAPACITY = 32;

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const PRINTABLE = /^[\x20-\x7e]*$/;
const ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

const WIDGET_PROPERTIES = [
  'kind', 'id', 'children', 'text', 'capacity', 'value', 'min', 'max', 'step', 'checked', 'hidden', 'disabled',
  'width', 'height', 'minWidth', 'minHeight', 'maxWidth', 'maxHeight', 'padding', 'gap', 'grow', 'align',
  'crossAlign', 'font', 'background', 'foreground', 'accent', 'borderColor', 'borderWidth', 'cornerRadius',
] as const;
const THEME_PROPERTIES = ['background', 'surface', 'field', 'foreground', 'muted', 'accent', 'border'] as const;
const SCENE_PROPERTIES = ['name', 'description', 'theme', 'root'] as const;

/** Properties only some kinds of widget have; every other property is any widget's. */
const KIND_ONLY_PROPERTIES: Readonly<Record<string, readonly WidgetKind[]>> = {
  text: TEXT_KINDS,
  capacity: ['textField'],
  checked: ['toggle'],
  value: VALUE_KINDS,
  min: VALUE_KINDS,
  max: VALUE_KINDS,
  step: VALUE_KINDS,
  children: CONTAINER_KINDS,
  align: CONTAINER_KINDS,
  gap: CONTAINER_KINDS,
};

/** The properties a widget of this kind may have (the rest of WIDGET_PROPERTIES belong to other kinds). */
function widgetProperties(kind: WidgetKind): string[] {
  return WIDGET_PROPERTIES.filter((key) => KIND_ONLY_PROPERTIES[key]?.includes(kind) ?? true);
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

class Validator {
  private widgets = 0;
  private textBytes = 0;
  private readonly ids = new Map<string, string>();

  constructor(private readonly source: string | undefined) {}

  fail(path: string, problem: string): never {
    throw new SceneError(path, problem, this.source);
  }

  /**
   * An object with no keys outside `allowed`. The message for an unknown one lists `valid`: the
   * keys this object may really have (a widget's depend on its kind), with the nearest as a guess.
   */
  object(value: unknown, path: string, allowed: readonly string[], valid: readonly string[] = allowed): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `expected an object, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const suggestion = closest(key, valid);
        this.fail(`${path}.${key}`, `unknown property${suggestion ? `; did you mean '${suggestion}'?` : ''} (allowed: ${valid.join(', ')})`);
      }
    }
    return value as Record<string, unknown>;
  }

  integer(value: unknown, path: string, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
    }
  }

  color(value: unknown, path: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !COLOR.test(value)) this.fail(path, `expected a colour like "#rrggbb" or "#rrggbbaa", got ${describe(value)}`);
  }

  oneOf(value: unknown, path: string, options: readonly string[]): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !options.includes(value)) this.fail(path, `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${describe(value)}`);
  }

  boolean(value: unknown, path: string): void {
    if (value !== undefined && typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
  }

  scene(value: unknown): Scene {
    const scene = this.object(value, 'scene', SCENE_PROPERTIES);
    if (scene.name !== undefined && (typeof scene.name !== 'string' || scene.name.length > 200)) this.fail('scene.name', 'expected a string of at most 200 characters');
    if (scene.description !== undefined && (typeof scene.description !== 'string' || scene.description.length > 2000)) {
      this.fail('scene.description', 'expected a string of at most 2000 characters');
    }
    if (scene.theme !== undefined) {
      const theme = this.object(scene.theme, 'theme', THEME_PROPERTIES);
      for (const key of THEME_PROPERTIES) this.color(theme[key], `theme.${key}`);
    }
    if (scene.root === undefined) this.fail('scene.root', 'missing: a scene needs a root widget');
    this.widget(scene.root, 'root', 0);
    return value as Scene;
  }

  widget(value: unknown, path: string, depth: number): void {
    if (++this.widgets > MAX_WIDGETS) this.fail(path, `the scene has more than ${MAX_WIDGETS} widgets, the most the OS holds`);
    if (depth > MAX_DEPTH) this.fail(path, `nested ${depth} levels below the root; the OS lays out at most ${MAX_DEPTH}`);
    const kindOf = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { kind?: unknown }).kind : undefined;
    const w = this.object(value, path, WIDGET_PROPERTIES, WIDGET_KINDS.includes(kindOf as WidgetKind) ? widgetProperties(kindOf as WidgetKind) : WIDGET_PROPERTIES);
    this.oneOf(w.kind, `${path}.kind`, WIDGET_KINDS);
    if (w.kind === undefined) this.fail(`${path}.kind`, `missing: one of ${WIDGET_KINDS.join(', ')}`);
    const kind = w.kind as WidgetKind;

    if (w.id !== undefined) {
      if (typeof w.id !== 'string' || !ID.test(w.id)) this.fail(`${path}.id`, 'expected an identifier: letters, digits, _ . -, starting with a letter or _, at most 64 characters');
      const other = this.ids.get(w.id);
      if (other) this.fail(`${path}.id`, `"${w.id}" is already the id of ${other}`);
      this.ids.set(w.id, path);
    }

    for (const key of ['width', 'height', 'minWidth', 'minHeight', 'maxWidth', 'maxHeight', 'gap', 'cornerRadius', 'borderWidth'] as const) {
      this.integer(w[key], `${path}.${key}`, 0, MAX_SIZE);
    }
    this.integer(w.grow, `${path}.grow`, 0, 1000);
    if (w.padding !== undefined) {
      const padding = w.padding;
      const parts = typeof padding === 'number' ? [padding] : Array.isArray(padding) && (padding.length === 2 || padding.length === 4) ? padding : undefined;
      if (!parts) this.fail(`${path}.padding`, 'expected a number, [vertical, horizontal] or [top, right, bottom, left]');
      for (let i = 0; i < parts.length; i++) {
        const at = `${path}.padding${typeof padding === 'number' ? '' : `[${i}]`}`;
        if (parts[i] === undefined) this.fail(at, 'missing: every side needs a number');
        this.integer(parts[i], at, 0, 1024);
      }
    }
    if (typeof w.minWidth === 'number' && typeof w.maxWidth === 'number' && w.minWidth > w.maxWidth) this.fail(`${path}.minWidth`, `is larger than maxWidth (${w.maxWidth})`);
    if (typeof w.minHeight === 'number' && typeof w.maxHeight === 'number' && w.minHeight > w.maxHeight) this.fail(`${path}.minHeight`, `is larger than maxHeight (${w.maxHeight})`);
    this.oneOf(w.align, `${path}.align`, ['start', 'center', 'end', 'space-between']);
    this.oneOf(w.crossAlign, `${path}.crossAlign`, ['start', 'center', 'end', 'stretch']);
    this.oneOf(w.font, `${path}.font`, ['body', 'title']);
    for (const key of ['background', 'foreground', 'accent', 'borderColor'] as const) this.color(w[key], `${path}.${key}`);
    for (const key of ['hidden', 'disabled', 'checked'] as const) this.boolean(w[key], `${path}.${key}`);

    for (const [key, kinds] of Object.entries(KIND_ONLY_PROPERTIES)) {
      if (w[key] !== undefined && !kinds.includes(kind)) this.fail(`${path}.${key}`, `a ${kind} has no ${key} (only ${kinds.join(', ')})`);
    }

    if (w.text !== undefined) {
      if (typeof w.text !== 'string') this.fail(`${path}.text`, `expected a string, got ${describe(w.text)}`);
      if (w.text.length > MAX_TEXT_LENGTH) this.fail(`${path}.text`, `is ${w.text.length} characters; at most ${MAX_TEXT_LENGTH}`);
      if (!PRINTABLE.test(w.text)) this.fail(`${path}.text`, 'may hold printable ASCII only (the built-in font has no other characters)');
    }
    this.integer(w.capacity, `${path}.capacity`, 1, MAX_CAPACITY);
    const textLength = typeof w.text === 'string' ? w.text.length : 0;
    if (kind === 'textField') {
      const capacity = typeof w.capacity === 'number' ? w.capacity : DEFAULT_CAPACITY;
      if (textLength > capacity) this.fail(`${path}.text`, `is ${textLength} characters, more than the field's capacity ${capacity}`);
      this.textBytes += capacity;
    } else {
      this.textBytes += textLength;
    }
    if (this.textBytes > TEXT_POOL_BYTES) this.fail(`${path}.text`, `the scene's text (text-field capacities included) passes the OS's ${TEXT_POOL_BYTES}-byte text pool`);

    for (const key of ['value', 'min', 'max'] as const) this.integer(w[key], `${path}.${key}`, -1_000_000, 1_000_000);
    this.integer(w.step, `${path}.step`, 1, 1_000_000);
    if (VALUE_KINDS.includes(kind)) {
      const min = typeof w.min === 'number' ? w.min : 0;
      const max = typeof w.max === 'number' ? w.max : 100;
      if (min >= max) this.fail(`${path}.min`, `must be below max (${max})`);
      if (typeof w.value === 'number' && (w.value < min || w.value > max)) this.fail(`${path}.value`, `${w.value} is outside ${min}..${max}`);
    }

    if (w.children !== undefined) {
      if (!Array.isArray(w.children)) this.fail(`${path}.children`, `expected an array, got ${describe(w.children)}`);
      // An index loop, not forEach: a hole is a missing widget, not one skipped. It stops at the
      // 257th widget, however long the array claims to be.
      for (let i = 0; i < w.children.length; i++) this.widget(w.children[i], `${path}.children[${i}]`, depth + 1);
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Checks `value` is a valid scene and returns it typed; throws SceneError otherwise. */
export function validateScene(value: unknown, source?: string): Scene {
  return new Validator(source).scene(value);
}

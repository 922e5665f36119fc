/**
 * Input events as the host describes them, and their 16-byte form in the kernel's input ring
 * (gpuos_input_event in kernels/gpuos_abi.h).
 *
 * Typed events are validated here so a caller's mistake is an error with its position, not an
 * event the kernel silently drops. Raw events skip that: they exist so tests (and traces recorded
 * from other hosts) can hand the kernel anything, and the kernel's own validation is what decides.
 */
import { InvalidArgumentError } from '../errors.js';

export type Modifier = 'shift' | 'control' | 'alt' | 'meta';

/** Named keys; any other key is its printable ASCII character, e.g. 'a'. */
export const KEY_CODES = {
  Backspace: 8,
  Tab: 9,
  Enter: 13,
  Escape: 27,
  Space: 32,
  Delete: 127,
  ArrowLeft: 0x100,
  ArrowRight: 0x101,
  ArrowUp: 0x102,
  ArrowDown: 0x103,
  Home: 0x104,
  End: 0x105,
} as const;
export type NamedKey = keyof typeof KEY_CODES;

export const EVENT_TYPES = { pointerMove: 1, pointerDown: 2, pointerUp: 3, wheel: 4, keyDown: 5, keyUp: 6, text: 7 } as const;
export type EventType = keyof typeof EVENT_TYPES;

export const MODIFIER_BITS: Record<Modifier, number> = { shift: 1, control: 2, alt: 4, meta: 8 };
const PRIMARY_BUTTON = 1;
/** The kernel drops wheel deltas beyond this (pixels). */
export const MAX_WHEEL_DELTA = 100_000;

interface WithModifiers {
  modifiers?: readonly Modifier[];
}
export interface PointerEvent extends WithModifiers {
  type: 'pointerMove' | 'pointerDown' | 'pointerUp';
  x: number;
  y: number;
}
export interface WheelEvent {
  type: 'wheel';
  /** Pixels; positive dy scrolls the content up (towards its end). */
  dx?: number;
  dy: number;
}
export interface KeyEvent extends WithModifiers {
  type: 'keyDown' | 'keyUp';
  key: NamedKey | string;
}
export interface TextEvent {
  type: 'text';
  /** Printable ASCII; each character becomes one event. */
  text: string;
}
export type InputEvent = PointerEvent | WheelEvent | KeyEvent | TextEvent;

/** One gpuos_input_event, field for field. */
export interface RawInputEvent {
  type: number;
  modifiers: number;
  code: number;
  x: number;
  y: number;
}

export const RAW_EVENT_BYTES = 16;

function fail(where: string, problem: string): never {
  throw new InvalidArgumentError(`${where}: ${problem}`);
}

function finiteNumber(where: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, `must be a finite number, got ${String(value)}`);
  if (value < min || value > max) fail(where, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

function modifierBits(where: string, modifiers: unknown): number {
  if (modifiers === undefined) return 0;
  if (!Array.isArray(modifiers)) fail(where, `must be an array of ${Object.keys(MODIFIER_BITS).join(', ')}`);
  let bits = 0;
  modifiers.forEach((name: unknown, i) => {
    const bit = typeof name === 'string' ? MODIFIER_BITS[name as Modifier] : undefined;
    if (bit === undefined) fail(`${where}[${i}]`, `is not a modifier (use ${Object.keys(MODIFIER_BITS).join(', ')})`);
    bits |= bit;
  });
  return bits;
}

function isPrintable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

function keyCode(where: string, key: unknown): number {
  if (typeof key !== 'string' || key.length === 0) fail(where, 'must be a key name or one printable ASCII character');
  if (Object.hasOwn(KEY_CODES, key)) return KEY_CODES[key as NamedKey];
  if (key.length === 1 && isPrintable(key.charCodeAt(0))) return key.charCodeAt(0);
  fail(where, `'${key}' is not a key: use one printable ASCII character or one of ${Object.keys(KEY_CODES).join(', ')}`);
}

/**
 * Validates typed events against a framebuffer of `width`×`height` and encodes them; a text event
 * of n characters becomes n raw events. `where` prefixes error messages (e.g. "events[3]").
 */
export function encodeEvent(event: unknown, width: number, height: number, where = 'event'): RawInputEvent[] {
  if (typeof event !== 'object' || event === null) fail(where, 'must be an event object');
  const e = event as Record<string, unknown>;
  const type = e['type'];
  switch (type) {
    case 'pointerMove':
    case 'pointerDown':
    case 'pointerUp': {
      const x = finiteNumber(`${where}.x`, e['x'], 0, width);
      const y = finiteNumber(`${where}.y`, e['y'], 0, height);
      const code = type === 'pointerMove' ? 0 : PRIMARY_BUTTON;
      return [{ type: EVENT_TYPES[type], modifiers: modifierBits(`${where}.modifiers`, e['modifiers']), code, x, y }];
    }
    case 'wheel': {
      const dx = e['dx'] === undefined ? 0 : finiteNumber(`${where}.dx`, e['dx'], -MAX_WHEEL_DELTA, MAX_WHEEL_DELTA);
      const dy = finiteNumber(`${where}.dy`, e['dy'], -MAX_WHEEL_DELTA, MAX_WHEEL_DELTA);
      return [{ type: EVENT_TYPES.wheel, modifiers: 0, code: 0, x: dx, y: dy }];
    }
    case 'keyDown':
    case 'keyUp':
      return [{ type: EVENT_TYPES[type], modifiers: modifierBits(`${where}.modifiers`, e['modifiers']), code: keyCode(`${where}.key`, e['key']), x: 0, y: 0 }];
    case 'text': {
      const text = e['text'];
      if (typeof text !== 'string' || text.length === 0) fail(`${where}.text`, 'must be a non-empty string');
      return [...text].map((character, i) => {
        const code = character.codePointAt(0)!;
        if (!isPrintable(code)) fail(`${where}.text[${i}]`, `U+${code.toString(16).padStart(4, '0')} is not printable ASCII (the built-in font has only U+0020..U+007E)`);
        return { type: EVENT_TYPES.text, modifiers: 0, code, x: 0, y: 0 };
      });
    }
    default:
      fail(`${where}.type`, `must be one of ${Object.keys(EVENT_TYPES).join(', ')}, got ${JSON.stringify(type)}`);
  }
}

/** Writes raw events as the kernel's ring stores them (little-endian, 16 bytes each). */
export function writeRawEvent(view: DataView, offset: number, event: RawInputEvent): void {
  view.setUint16(offset, event.type, true);
  view.setUint16(offset + 2, event.modifiers, true);
  view.setUint32(offset + 4, event.code, true);
  view.setFloat32(offset + 8, event.x, true);
  view.setFloat32(offset + 12, event.y, true);
}

export function readRawEvent(view: DataView, offset: number): RawInputEvent {
  return {
    type: view.getUint16(offset, true),
    modifiers: view.getUint16(offset + 2, true),
    code: view.getUint32(offset + 4, true),
    x: view.getFloat32(offset + 8, true),
    y: view.getFloat32(offset + 12, true),
  };
}

const EVENT_TYPE_NAMES = new Map<number, EventType>(Object.entries(EVENT_TYPES).map(([name, type]) => [type, name as EventType]));
const KEY_NAMES = new Map<number, string>(Object.entries(KEY_CODES).map(([name, code]) => [code, name]));

/** The name of a raw event type, or undefined for a type the kernel ignores. */
export function eventTypeName(type: number): EventType | undefined {
  return EVENT_TYPE_NAMES.get(type);
}

function modifierNames(bits: number): string {
  if (bits === 0) return '';
  const names = Object.entries(MODIFIER_BITS).filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name);
  const unknown = bits & ~Object.values(MODIFIER_BITS).reduce((a, b) => a | b, 0);
  if (unknown !== 0) names.push(`0x${unknown.toString(16)}`);
  return ` +${names.join('+')}`;
}

function keyName(code: number): string {
  return KEY_NAMES.get(code) ?? (isPrintable(code) ? JSON.stringify(String.fromCharCode(code)) : `code ${code}`);
}

/**
 * A coordinate as the kernel sees it (a float32), in the fewest digits that read back as the same
 * float32: 610.72223 rather than 610.7222290039062.
 */
function formatFloat32(coordinate: number): string {
  const value = Math.fround(coordinate);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(value);
}

/** One line for a raw event as a person reads it (inspect --events, the HTML report). */
export function describeEvent(e: RawInputEvent): string {
  const name = eventTypeName(e.type);
  switch (name) {
    case 'pointerMove':
    case 'pointerDown':
    case 'pointerUp':
      return `${name} (${formatFloat32(e.x)}, ${formatFloat32(e.y)})${e.code > PRIMARY_BUTTON ? ` button ${e.code}` : ''}${modifierNames(e.modifiers)}`;
    case 'wheel':
      return `wheel dx ${formatFloat32(e.x)} dy ${formatFloat32(e.y)}`;
    case 'keyDown':
    case 'keyUp':
      return `${name} ${keyName(e.code)}${modifierNames(e.modifiers)}`;
    case 'text':
      return `text ${isPrintable(e.code) ? JSON.stringify(String.fromCharCode(e.code)) : `code ${e.code}`}`;
    case undefined:
      return `type ${e.type} (unknown: the kernel ignores it) code ${e.code} (${formatFloat32(e.x)}, ${formatFloat32(e.y)})`;
  }
}

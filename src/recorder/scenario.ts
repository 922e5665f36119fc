/**
 * Scenarios: scripted user sessions as JSON (docs/TRACE_FORMAT.md, "Scenarios"), validated like
 * any untrusted input. A scenario names a scene, a framebuffer size and a list of steps; each step
 * is one object with one key:
 *
 *   { "wait": 10 }  { "wait": { "ms": 250 } }             frames with no input
 *   { "move": "wifi" }  { "move": { "to": [40, 60], "ms": 150 } }
 *   { "click": "save" }  { "press": "volume" }  { "release": [200, 90] }
 *   { "drag": { "from": "volume", "to": { "widget": "volume", "x": 0.9 }, "ms": 200 } }
 *   { "type": "hello" }  { "key": "Tab" }  { "key": { "key": "Tab", "modifiers": ["shift"], "repeat": 2 } }
 *   { "scroll": { "at": "list", "dy": 120 } }
 *   { "golden": "after-click" }                           compare the last frame with a golden image
 *   { "redraw": true }                                     a frame that redraws every tile
 *   { "raw": [{ "type": 99, "modifiers": 0, "code": 0, "x": 0, "y": 0 }] }   unvalidated events
 *   { "frame": { "deltaUs": 5000, "raw": [...], "redraw": true } }    one frame of a given length
 *   { "push": [{ "type": 1, ... }] }                      events written into the ring, no frame
 *   { "counters": { "head": 5, "tail": 300 } }             overwrite the ring's counters
 *
 * A target is a widget id (its centre), [x, y] in pixels, or { "widget": id, "x": 0-1, "y": 0-1 }
 * (a point inside the widget's box by fraction).
 */
import { dirname, resolve } from 'node:path';

import { GpuosError } from '../errors.js';
import { FileError, PLAIN_NAME, readJsonFile } from '../files.js';
import { LIMITS } from '../trace/trace_records.js';
import { KEY_CODES } from '../os/input_events.js';
import { MAX_SCENE_FILE_BYTES } from '../scene/scene_compile.js';

export class ScenarioError extends GpuosError {
  readonly path: string;

  constructor(path: string, problem: string, source?: string) {
    super('E_SCENARIO_INVALID', `${source ? `${source}: ` : ''}${path}: ${problem}`);
    this.path = path;
  }
}

/**
 * An event exactly as the ring stores it. JSON has no NaN or infinities, so a coordinate may also
 * be the string "NaN", "Infinity" or "-Infinity" (malformed events the kernel must drop).
 */
export interface ScenarioRawEvent {
  type: number;
  modifiers: number;
  code: number;
  x: number | NonFiniteName;
  y: number | NonFiniteName;
}
export type NonFiniteName = 'NaN' | 'Infinity' | '-Infinity';
const NON_FINITE: Record<NonFiniteName, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A scenario's raw event as the session takes it (the coordinates' names made numbers). */
export function rawEventOf(event: ScenarioRawEvent): { type: number; modifiers: number; code: number; x: number; y: number } {
  const coordinate = (value: number | NonFiniteName): number => (typeof value === 'number' ? value : NON_FINITE[value]);
  return { type: event.type, modifiers: event.modifiers, code: event.code, x: coordinate(event.x), y: coordinate(event.y) };
}

/** The other way: a coordinate JSON can carry. */
export function scenarioCoordinate(value: number): number | NonFiniteName {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export type Target = string | [number, number] | { widget: string; x?: number; y?: number };
export type Modifier = 'shift' | 'control' | 'alt' | 'meta';

export type Step =
  | { wait: number | { frames?: number; ms?: number } }
  | { move: Target | { to: Target; ms?: number } }
  | { click: Target }
  | { press: Target }
  | { release: Target }
  | { drag: { from: Target; to: Target; ms?: number } }
  | { type: string }
  | { key: string | { key: string; modifiers?: Modifier[]; repeat?: number } }
  | { scroll: { at: Target; dy: number; dx?: number } }
  | { golden: string }
  | { redraw: true }
  | { raw: ScenarioRawEvent[] }
  | { frame: { deltaUs: number; raw?: ScenarioRawEvent[]; redraw?: boolean } }
  | { push: ScenarioRawEvent[] }
  | { counters: { head?: number; tail?: number } };

export interface Scenario {
  name: string;
  description?: string;
  /** A scene file (relative to the scenario's file) or a scene object. */
  scene: string | object;
  width: number;
  height: number;
  seed?: number;
  /** The frame period, µs (default 16667: 60 Hz). */
  frameUs?: number;
  checkpointInterval?: number;
  steps: Step[];
}

/** A scenario with its scene resolved to an object. */
export interface LoadedScenario extends Scenario {
  scene: object;
  source: string;
}

export const MAX_SCENARIO_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_STEPS = 100_000;
const MAX_MS = 600_000;
/** A `frame` step's length: at most a minute, as OsSession.step allows. */
export const MAX_FRAME_US = 60_000_000;
/**
 * A scenario records at most this many frames (about 28 minutes of session time at 60 frames/s),
 * checked before recording starts: a 200-byte scenario cannot ask for days of recording.
 */
export const MAX_SCENARIO_FRAMES = 100_000;
export const DEFAULT_FRAME_US = 16_667;
/** Characters of a `type` step queued per frame. */
export const TEXT_PER_FRAME = 32;

/** Frames a move or drag of `ms` takes, one per frame of the way (at least one). */
export function durationFrames(ms: number, frameUs: number): number {
  return Math.max(1, Math.round((ms * 1000) / frameUs));
}

/** Frames a `wait` step runs. */
export function waitFrames(wait: number | { frames?: number; ms?: number }, frameUs: number): number {
  if (typeof wait === 'number') return wait;
  return wait.frames ?? Math.round(((wait.ms ?? 0) * 1000) / frameUs);
}

/** How many frames a validated step records (the runner plays exactly these). */
export function stepFrames(step: Step, frameUs: number): number {
  if ('wait' in step) return waitFrames(step.wait, frameUs);
  if ('move' in step) {
    const ms = typeof step.move === 'object' && step.move !== null && !Array.isArray(step.move) && 'to' in step.move ? step.move.ms : undefined;
    return ms === undefined ? 1 : durationFrames(ms, frameUs);
  }
  if ('drag' in step) return 2 + durationFrames(step.drag.ms ?? 0, frameUs);
  if ('type' in step) return Math.ceil(step.type.length / TEXT_PER_FRAME);
  if ('key' in step) return typeof step.key === 'string' ? 1 : step.key.repeat ?? 1;
  if ('golden' in step || 'counters' in step || 'push' in step) return 0;
  return 1; // click, press, release, scroll, redraw, raw, frame
}
const STEP_KINDS = ['wait', 'move', 'click', 'press', 'release', 'drag', 'type', 'key', 'scroll', 'golden', 'redraw', 'raw', 'frame', 'push', 'counters'] as const;
const MODIFIERS = ['shift', 'control', 'alt', 'meta'];

class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new ScenarioError(path, problem, this.source);
  }

  object(value: unknown, path: string, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'expected an object');
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.fail(`${path}.${key}`, `unknown property (allowed: ${allowed.join(', ')})`);
    for (const key of required) if ((value as Record<string, unknown>)[key] === undefined) this.fail(`${path}.${key}`, 'missing');
    return value as Record<string, unknown>;
  }

  number(value: unknown, path: string, min: number, max: number, integer = true): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.fail(path, `expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  string(value: unknown, path: string, maxLength: number): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) this.fail(path, `expected a non-empty string of at most ${maxLength} characters`);
    return value;
  }

  target(value: unknown, path: string): void {
    if (typeof value === 'string') return void this.string(value, path, 64);
    if (Array.isArray(value)) {
      if (value.length !== 2) this.fail(path, 'a point is [x, y]');
      this.number(value[0], `${path}[0]`, 0, 3840, false);
      this.number(value[1], `${path}[1]`, 0, 2160, false);
      return;
    }
    const t = this.object(value, path, ['widget', 'x', 'y'], ['widget']);
    this.string(t['widget'], `${path}.widget`, 64);
    if (t['x'] !== undefined) this.number(t['x'], `${path}.x`, 0, 1, false);
    if (t['y'] !== undefined) this.number(t['y'], `${path}.y`, 0, 1, false);
  }

  step(value: unknown, path: string): void {
    const step = this.object(value, path, STEP_KINDS);
    const keys = Object.keys(step);
    if (keys.length !== 1) this.fail(path, `a step has exactly one of ${STEP_KINDS.join(', ')}`);
    const kind = keys[0] as (typeof STEP_KINDS)[number];
    const body = step[kind];
    const at = `${path}.${kind}`;
    switch (kind) {
      case 'wait':
        if (typeof body === 'number') this.number(body, at, 0, 1_000_000);
        else {
          const w = this.object(body, at, ['frames', 'ms']);
          if ((w['frames'] === undefined) === (w['ms'] === undefined)) this.fail(at, 'give frames or ms');
          if (w['frames'] !== undefined) this.number(w['frames'], `${at}.frames`, 0, 1_000_000);
          if (w['ms'] !== undefined) this.number(w['ms'], `${at}.ms`, 0, MAX_MS);
        }
        return;
      case 'move':
        if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'to' in body) {
          const m = this.object(body, at, ['to', 'ms'], ['to']);
          this.target(m['to'], `${at}.to`);
          if (m['ms'] !== undefined) this.number(m['ms'], `${at}.ms`, 0, MAX_MS);
        } else this.target(body, at);
        return;
      case 'click':
      case 'press':
      case 'release':
        return this.target(body, at);
      case 'drag': {
        const d = this.object(body, at, ['from', 'to', 'ms'], ['from', 'to']);
        this.target(d['from'], `${at}.from`);
        this.target(d['to'], `${at}.to`);
        if (d['ms'] !== undefined) this.number(d['ms'], `${at}.ms`, 0, MAX_MS);
        return;
      }
      case 'type':
        if (typeof body !== 'string' || body.length === 0 || body.length > 4096 || !/^[\x20-\x7e]+$/.test(body)) this.fail(at, 'expected 1 to 4096 printable ASCII characters');
        return;
      case 'key': {
        const spec = typeof body === 'string' ? { key: body } : this.object(body, at, ['key', 'modifiers', 'repeat'], ['key']);
        const key = this.string(spec['key'], typeof body === 'string' ? at : `${at}.key`, 16);
        if (!Object.hasOwn(KEY_CODES, key) && !(key.length === 1 && /[\x20-\x7e]/.test(key))) this.fail(at, `'${key}' is not a key (use ${Object.keys(KEY_CODES).join(', ')}, or one printable character)`);
        const modifiers = spec['modifiers'];
        if (modifiers !== undefined && (!Array.isArray(modifiers) || modifiers.some((m) => !MODIFIERS.includes(m as string)))) this.fail(`${at}.modifiers`, `expected a list of ${MODIFIERS.join(', ')}`);
        if (spec['repeat'] !== undefined) this.number(spec['repeat'], `${at}.repeat`, 1, 1000);
        return;
      }
      case 'scroll': {
        const s = this.object(body, at, ['at', 'dy', 'dx'], ['at', 'dy']);
        this.target(s['at'], `${at}.at`);
        this.number(s['dy'], `${at}.dy`, -100_000, 100_000, false);
        if (s['dx'] !== undefined) this.number(s['dx'], `${at}.dx`, -100_000, 100_000, false);
        return;
      }
      case 'golden':
        if (typeof body !== 'string' || !PLAIN_NAME.test(body)) this.fail(at, 'expected a file name: letters, digits, _ . - (at most 64)');
        return;
      case 'redraw':
        if (body !== true) this.fail(at, 'expected true');
        return;
      case 'raw':
        if (!Array.isArray(body) || body.length === 0 || body.length > 256) this.fail(at, 'expected a list of 1 to 256 events');
        return this.rawEvents(body, at);
      case 'push':
        if (!Array.isArray(body) || body.length === 0 || body.length > 256) this.fail(at, 'expected a list of 1 to 256 events');
        return this.rawEvents(body, at);
      case 'frame': {
        const f = this.object(body, at, ['deltaUs', 'raw', 'redraw'], ['deltaUs']);
        this.number(f['deltaUs'], `${at}.deltaUs`, 0, MAX_FRAME_US);
        if (f['redraw'] !== undefined && typeof f['redraw'] !== 'boolean') this.fail(`${at}.redraw`, 'expected true or false');
        if (f['raw'] !== undefined) {
          if (!Array.isArray(f['raw']) || f['raw'].length > 256) this.fail(`${at}.raw`, 'expected a list of at most 256 events');
          this.rawEvents(f['raw'], `${at}.raw`);
        }
        return;
      }
      case 'counters': {
        const c = this.object(body, at, ['head', 'tail']);
        if (c['head'] === undefined && c['tail'] === undefined) this.fail(at, 'give head, tail or both');
        for (const k of ['head', 'tail']) if (c[k] !== undefined) this.number(c[k], `${at}.${k}`, 0, 0xffffffff);
        return;
      }
    }
  }

  rawEvents(events: unknown[], at: string): void {
    // An index loop, not forEach: a hole is a missing event, not one skipped.
    for (let i = 0; i < events.length; i++) {
      const e = this.object(events[i], `${at}[${i}]`, ['type', 'modifiers', 'code', 'x', 'y'], ['type', 'modifiers', 'code', 'x', 'y']);
      this.number(e['type'], `${at}[${i}].type`, 0, 0xffff);
      this.number(e['modifiers'], `${at}[${i}].modifiers`, 0, 0xffff);
      this.number(e['code'], `${at}[${i}].code`, 0, 0xffffffff);
      for (const axis of ['x', 'y']) {
        const v = e[axis];
        if (typeof v !== 'number' && !(typeof v === 'string' && Object.hasOwn(NON_FINITE, v))) this.fail(`${at}[${i}].${axis}`, 'expected a number, or "NaN", "Infinity" or "-Infinity"');
      }
    }
  }

  scenario(value: unknown): Scenario {
    const s = this.object(value, 'scenario', ['name', 'description', 'scene', 'width', 'height', 'seed', 'frameUs', 'checkpointInterval', 'steps'], ['name', 'scene', 'width', 'height', 'steps']);
    if (typeof s['name'] !== 'string' || !PLAIN_NAME.test(s['name'])) this.fail('scenario.name', 'expected a name of letters, digits, _ . - (it names the trace and its golden folder)');
    if (s['description'] !== undefined && (typeof s['description'] !== 'string' || s['description'].length > LIMITS.maxDescriptionLength)) {
      this.fail('scenario.description', `expected a string of at most ${LIMITS.maxDescriptionLength} characters`);
    }
    if (typeof s['scene'] !== 'string' && (typeof s['scene'] !== 'object' || s['scene'] === null || Array.isArray(s['scene']))) this.fail('scenario.scene', 'expected a scene file path or a scene object');
    this.number(s['width'], 'scenario.width', 1, 3840);
    this.number(s['height'], 'scenario.height', 1, 2160);
    if (s['seed'] !== undefined) this.number(s['seed'], 'scenario.seed', 0, Number.MAX_SAFE_INTEGER);
    if (s['frameUs'] !== undefined) this.number(s['frameUs'], 'scenario.frameUs', 1, 1_000_000);
    if (s['checkpointInterval'] !== undefined) this.number(s['checkpointInterval'], 'scenario.checkpointInterval', 1, 1_000_000);
    if (!Array.isArray(s['steps']) || s['steps'].length > MAX_STEPS) this.fail('scenario.steps', `expected a list of at most ${MAX_STEPS} steps`);
    s['steps'].forEach((step, i) => this.step(step, `steps[${i}]`));
    const scenario = value as Scenario;
    const frameUs = scenario.frameUs ?? DEFAULT_FRAME_US;
    let frames = 1; // the scene appearing
    for (const step of scenario.steps) frames += stepFrames(step, frameUs);
    if (frames > MAX_SCENARIO_FRAMES) {
      this.fail('scenario.steps', `record ${frames} frames at ${frameUs} us a frame; a scenario records at most ${MAX_SCENARIO_FRAMES} (record longer sessions through the API, TraceRecorder)`);
    }
    return scenario;
  }
}

export function validateScenario(value: unknown, source = 'scenario'): Scenario {
  return new Checker(source).scenario(value);
}

/** Reads and validates a scenario file, and loads its scene (a path is relative to the file). */
export function loadScenario(path: string): LoadedScenario {
  let parsed: unknown;
  try {
    parsed = readJsonFile(path, MAX_SCENARIO_FILE_BYTES, 'scenario');
  } catch (error) {
    if (error instanceof FileError) throw new ScenarioError('scenario', error.message);
    throw error;
  }
  return resolveScene(validateScenario(parsed, path), dirname(resolve(path)), path);
}

export function resolveScene(scenario: Scenario, baseDir: string, source: string): LoadedScenario {
  if (typeof scenario.scene !== 'string') return { ...scenario, scene: scenario.scene, source };
  const scenePath = resolve(baseDir, scenario.scene);
  let scene: unknown;
  try {
    scene = readJsonFile(scenePath, MAX_SCENE_FILE_BYTES, 'scene');
  } catch (error) {
    if (error instanceof FileError) throw new ScenarioError('scenario.scene', `cannot load the scene: ${error.message}`, source);
    throw error;
  }
  return { ...scenario, scene: scene as object, source };
}

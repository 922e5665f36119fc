/**
 * Where a replayed frame differs from the recording, in the OS's own terms: which frame-state
 * field, which widget's field (by its scene id), which text, which blocks of the framebuffer,
 * which other regions. The tracked state is known exactly (the trace stores its changes), so
 * fields are named with both values; the rest is known by digest, so regions and blocks are named
 * without values.
 */
import { OsAbi, readScalar, type AbiField } from '../os/abi.js';
import { MODIFIER_BITS } from '../os/input_events.js';
import { FLAG_BITS, STATE_BITS, widgetName } from '../os/os_state.js';
import { DIGEST_BLOCK_SIZE } from '../os/session.js';
import type { CompiledScene } from '../scene/scene_compile.js';
import { PREDICTED_FRAME_BYTES, type TrackedRange } from '../trace/state_regions.js';

export interface FieldDifference {
  /** e.g. "frame.focused", "widgets[wifi].state", "layout[#12].y", "text[40..52]" */
  path: string;
  /** The raw value, as the bytes hold it. */
  expected: number | string;
  actual: number | string;
  /**
   * The values as the host API names them, for fields that pack meaning into bits or indices:
   * widget state and flags (WidgetState's hovered, checked, ...), the focused/hovered/pressed widget,
   * modifiers and buttons, scroll positions in pixels.
   */
  decoded?: { expected: string; actual: string };
}

export interface Divergence {
  frame: number;
  fields: FieldDifference[];
  /** Framebuffer blocks (DIGEST_BLOCK_SIZE square) whose pixels differ: index, and top-left pixel. */
  blocks: { index: number; x: number; y: number }[];
  /** Regions known only by digest that differ: 'queue', 'primitives', 'damage signatures', 'other state'. */
  regions: string[];
}

const TEXT_CONTEXT = 8;

function fieldAt(structName: string, offsetInStruct: number): AbiField | undefined {
  for (const field of OsAbi.get().struct(structName).fields.values()) {
    if (offsetInStruct >= field.offset && offsetInStruct < field.offset + field.size * field.count) return field;
  }
  return undefined;
}

function formatValue(field: AbiField, view: DataView, offset: number): number | string {
  if (!field.scalar) return `0x${view.getUint32(offset, true).toString(16)}`;
  const value = readScalar(view, offset, field.scalar);
  return field.scalar === 'f32' ? Math.fround(value) : value;
}

function bitNames(value: number, bits: Readonly<Record<string, number>>): string {
  const names = Object.entries(bits).filter(([, bit]) => (value & bit) !== 0).map(([name]) => name);
  const known = Object.values(bits).reduce((all, bit) => all | bit, 0);
  if ((value & ~known) !== 0) names.push(`0x${(value & ~known).toString(16)}`);
  return names.length > 0 ? names.join(' ') : 'none';
}

/** A raw field value in the host API's terms, where the raw number hides them (FieldDifference.decoded). */
function decodeField(struct: string, field: string, value: number | string, scene: CompiledScene): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (struct === 'gpuos_widget') {
    if (field === 'state') return bitNames(value, STATE_BITS);
    if (field === 'flags') return bitNames(value, FLAG_BITS);
    if (field === 'scroll_target' || field === 'scroll_offset') return `${value / 256} px`;
    if (field === 'hover_anim' || field === 'press_anim') return (value / 65535).toFixed(3);
  }
  if (struct === 'gpuos_frame_state') {
    if (field === 'focused' || field === 'hovered' || field === 'pressed') return value === OsAbi.get().constant('GPUOS_NO_WIDGET') ? 'none' : widgetName(scene, value);
    if (field === 'modifiers') return bitNames(value, MODIFIER_BITS);
    if (field === 'cursor_buttons') return value === 0 ? 'none' : bitNames(value, { primary: 1 });
  }
  return undefined;
}

/** Differences between expected and actual bytes within the tracked ranges (and the predicted frame bytes). */
export function stateDifferences(expected: Uint8Array, actual: Uint8Array, ranges: readonly TrackedRange[], scene: CompiledScene, limit = 50): FieldDifference[] {
  const abi = OsAbi.get();
  const differences: FieldDifference[] = [];
  const ev = new DataView(expected.buffer, expected.byteOffset, expected.byteLength);
  const av = new DataView(actual.buffer, actual.byteOffset, actual.byteLength);
  const seen = new Set<string>();
  const frameStart = abi.offsetOf('gpuos_os_state', ['frame', 0]);
  const checkRanges: TrackedRange[] = [{ name: 'frame', start: frameStart, end: frameStart + PREDICTED_FRAME_BYTES }, ...ranges];
  for (const range of checkRanges) {
    for (let offset = range.start; offset < range.end && differences.length < limit; offset++) {
      if (expected[offset] === actual[offset]) continue;
      if (range.name === 'text') {
        // Report the changed span of the pool as strings, with a little context.
        let end = offset;
        while (end < range.end && end - offset < 64 && expected[end] !== actual[end]) end++;
        const from = Math.max(range.start, offset - TEXT_CONTEXT);
        const to = Math.min(range.end, end + TEXT_CONTEXT);
        const text = (bytes: Uint8Array) => JSON.stringify(String.fromCharCode(...bytes.subarray(from, to)).replace(/\0/g, '·'));
        differences.push({ path: `text[${from - range.start}..${to - range.start}]`, expected: text(expected), actual: text(actual) });
        offset = to;
        continue;
      }
      const struct = range.name === 'frame' ? 'gpuos_frame_state' : range.name === 'widgets' ? 'gpuos_widget' : 'gpuos_widget_layout';
      const size = abi.struct(struct).size;
      const base = range.name === 'frame' ? frameStart : range.start;
      const index = Math.floor((offset - base) / size);
      const field = fieldAt(struct, offset - base - index * size);
      const owner = range.name === 'frame' ? 'frame' : `${range.name}[${widgetName(scene, index)}]`;
      const path = field ? `${owner}.${field.name}` : `${owner} (padding byte ${offset - base - index * size})`;
      if (seen.has(path)) continue;
      seen.add(path);
      if (!field) {
        differences.push({ path, expected: expected[offset]!, actual: actual[offset]! });
        continue;
      }
      const elementOffset = base + index * size + field.offset + Math.floor((offset - base - index * size - field.offset) / field.size) * field.size;
      const difference: FieldDifference = { path, expected: formatValue(field, ev, elementOffset), actual: formatValue(field, av, elementOffset) };
      const decodedExpected = decodeField(struct, field.name, difference.expected, scene);
      const decodedActual = decodeField(struct, field.name, difference.actual, scene);
      if (decodedExpected !== undefined && decodedActual !== undefined) difference.decoded = { expected: decodedExpected, actual: decodedActual };
      differences.push(difference);
    }
  }
  return differences;
}

export function describeDivergence(divergence: Divergence): string {
  const lines = [`frame ${divergence.frame} diverged from the recording:`];
  for (const field of divergence.fields) {
    const shown = (raw: number | string, decoded: string | undefined) => (decoded === undefined ? String(raw) : `${decoded} (${raw})`);
    lines.push(`  ${field.path}: expected ${shown(field.expected, field.decoded?.expected)}, got ${shown(field.actual, field.decoded?.actual)}`);
  }
  if (divergence.blocks.length > 0) {
    const shown = divergence.blocks.slice(0, 12).map((b) => `(${b.x},${b.y})`).join(' ');
    const n = divergence.blocks.length;
    lines.push(`  framebuffer: ${n} block${n === 1 ? '' : 's'} of ${DIGEST_BLOCK_SIZE}x${DIGEST_BLOCK_SIZE} px differ, at ${shown}${n > 12 ? ' …' : ''}`);
  }
  for (const region of divergence.regions) lines.push(`  ${region}: differs (known by digest only)`);
  return lines.join('\n');
}

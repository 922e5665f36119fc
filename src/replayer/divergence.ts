/**
 * Where a replayed frame differs from the recording, in the OS's own terms: which frame-state
 * field, which widget's field (by its scene id), which text, which blocks of the framebuffer,
 * which other regions. The tracked state is known exactly (the trace stores its changes), so
 * fields are named with both values; the rest is known by digest, so regions and blocks are named
 * without values.
 */
import { OsAbi, readScalar, type AbiField } from '../os/abi.js';
import { widgetName } from '../os/os_state.js';
import { DIGEST_BLOCK_SIZE } from '../os/session.js';
import type { CompiledScene } from '../scene/scene_compile.js';
import { PREDICTED_FRAME_BYTES, type TrackedRange } from '../trace/state_regions.js';

export interface FieldDifference {
  /** e.g. "frame.focused", "widgets[wifi].state", "layout[#12].y", "text[40..52]" */
  path: string;
  expected: number | string;
  actual: number | string;
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
      differences.push({ path, expected: formatValue(field, ev, elementOffset), actual: formatValue(field, av, elementOffset) });
    }
  }
  return differences;
}

export function describeDivergence(divergence: Divergence): string {
  const lines = [`frame ${divergence.frame} diverged from the recording:`];
  for (const field of divergence.fields) lines.push(`  ${field.path}: expected ${field.expected}, got ${field.actual}`);
  if (divergence.blocks.length > 0) {
    const shown = divergence.blocks.slice(0, 12).map((b) => `(${b.x},${b.y})`).join(' ');
    const n = divergence.blocks.length;
    lines.push(`  framebuffer: ${n} block${n === 1 ? '' : 's'} of ${DIGEST_BLOCK_SIZE}x${DIGEST_BLOCK_SIZE} px differ, at ${shown}${n > 12 ? ' …' : ''}`);
  }
  for (const region of divergence.regions) lines.push(`  ${region}: differs (known by digest only)`);
  return lines.join('\n');
}

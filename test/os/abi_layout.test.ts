/**
 * The ABI is declared once (kernels/gpuos_abi.h); these tests prove every view of it agrees:
 * the layout the kernel itself sees (a probe kernel compiled like the OS reports offsetof and
 * sizeof for every field, as MSL types, atomics included), the layout the addon exports to
 * TypeScript, and the codes TypeScript spells by hand. The same for the kernel's threadgroup
 * scratch (os_scratch, kernels/os/os_scratch.h), exported apart from the device ABI.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';

import { compileKernel } from '../../src/kernel/compile.js';
import { DeviceBuffer } from '../../src/kernel/device_buffer.js';
import { nativeAddon } from '../../src/kernel/native.js';
import { packageRoot } from '../../src/kernel/package_root.js';
import { OsAbi } from '../../src/os/abi.js';
import { EVENT_TYPES, KEY_CODES, MODIFIER_BITS, readRawEvent, writeRawEvent } from '../../src/os/input_events.js';
import { FLAG_BITS, STATE_BITS } from '../../src/os/os_state.js';
import { CROSS_ALIGN, KIND_CODES, MAIN_ALIGN } from '../../src/scene/scene_compile.js';

const abi = OsAbi.get();
const STRUCTS = ['gpuos_input_event', 'gpuos_frame_input', 'gpuos_frame_state', 'gpuos_input_queue', 'gpuos_widget', 'gpuos_widget_layout', 'gpuos_primitive', 'gpuos_os_state', 'gpuos_tile_state'];
/** Threadgroup memory: not part of buffer 0, probed the same way. */
const THREADGROUP_STRUCTS = ['os_scratch'];

/** Every (struct, field) the export lists, as the probe reports them: [sizeof, offsetof each field…] per struct. */
function probeSource(): { source: string; expected: number[]; labels: string[] } {
  const lines: string[] = [];
  const expected: number[] = [];
  const labels: string[] = [];
  const emit = (expression: string, value: number, label: string) => {
    lines.push(`    out[${expected.length}] = uint(${expression});`);
    expected.push(value);
    labels.push(label);
  };
  for (const name of [...STRUCTS, ...THREADGROUP_STRUCTS]) {
    const struct = abi.struct(name);
    emit(`sizeof(${name})`, struct.size, `sizeof(${name})`);
    for (const field of struct.fields.values()) {
      emit(`__builtin_offsetof(${name}, ${field.name})`, field.offset, `offsetof(${name}, ${field.name})`);
      emit(`sizeof(((thread ${name}*)nullptr)->${field.name})`, field.size * field.count, `sizeof(${name}.${field.name})`);
    }
  }
  const source = [
    '#include <metal_stdlib>',
    'using namespace metal;',
    '#include "gpuos_abi.h"',
    '#include "os/os_scratch.h"',
    'kernel void abi_probe(device uint* out [[buffer(0)]], uint tid [[thread_position_in_threadgroup]]) {',
    '  if (tid == 0) {',
    ...lines,
    '  }',
    '}',
  ].join('\n');
  return { source, expected, labels };
}

describe('the OS ABI', () => {
  it('is laid out in the kernel exactly as the addon exports it', async () => {
    const { source, expected, labels } = probeSource();
    const library = await compileKernel({ source, fileName: 'abi_probe.metal', includeDirs: [join(packageRoot(), 'kernels')] });
    const out = new DeviceBuffer(expected.length * 4);
    await library.kernel('abi_probe').dispatch({ threads: 1, buffers: [out] });
    const seen = Array.from(new Uint32Array(out.read().buffer));
    const mismatches = labels.filter((_, i) => seen[i] !== expected[i]).map((label) => `${label}: kernel ${seen[labels.indexOf(label)]}, export ${expected[labels.indexOf(label)]}`);
    expect(mismatches).toEqual([]);
    expect(expected.length).toBeGreaterThan(150);
    expect(labels).toContain('offsetof(os_scratch, region)');
  });

  it('exports os_scratch apart from the device ABI, in host types only', () => {
    const addon = nativeAddon();
    // The device ABI's export (whose digest traces record) does not list threadgroup memory.
    expect(Object.keys(addon.osAbiLayout().structs)).toEqual(STRUCTS);
    const threadgroup = addon.osThreadgroupLayout();
    expect(Object.keys(threadgroup.structs)).toEqual(THREADGROUP_STRUCTS);
    const scratch = abi.struct('os_scratch');
    expect(scratch.memory).toBe('threadgroup');
    expect(abi.struct('gpuos_os_state').memory).toBe('device');
    // Every field is a plain scalar or a device ABI struct: no MSL type or address space leaked in.
    for (const field of scratch.fields.values()) {
      expect(field.scalar !== undefined || STRUCTS.includes(field.type), `${field.name}: ${field.type}`).toBe(true);
      expect(field.type).not.toMatch(/threadgroup|device|uint$|ushort|uchar|short|atomic/);
    }
    // Array sizes come from the role constants, which are exported with it.
    expect(abi.field('os_scratch', 'hit_key').count).toBe(abi.constant('OS_HIT_GROUPS'));
    expect(abi.field('os_scratch', 'animating').count).toBe(abi.constant('OS_STATE_GROUPS'));
    expect(abi.field('os_scratch', 'depth_partial').count).toBe(abi.constant('OS_LAYOUT_GROUPS'));
    // Phase 7 runs on every SIMD-group (docs/OS_KERNEL.md).
    expect(abi.field('os_scratch', 'tiles_rendered').count).toBe(abi.constant('OS_SIMD_GROUPS'));
    expect(abi.constant('OS_THREADS')).toBe(abi.constant('OS_SIMD_GROUPS') * 32);
    expect(abi.field('os_scratch', 'glyphs_drawn').count).toBe(abi.constant('OS_GEOMETRY_GROUPS'));
    expect(abi.field('os_scratch', 'events')).toMatchObject({ type: 'gpuos_input_event', count: abi.constant('GPUOS_EVENTS_PER_FRAME') });
    expect(abi.field('os_scratch', 'region')).toMatchObject({ type: 'int16_t', size: 2, count: abi.constant('GPUOS_MAX_WIDGETS') * 4, columns: 4 });
    expect(abi.offsetOf('os_scratch', ['region', 3 * 4 + 2])).toBe(abi.field('os_scratch', 'region').offset + (3 * 4 + 2) * 2);
  });

  it('keeps the pinned struct sizes', () => {
    expect(Object.fromEntries(STRUCTS.map((name) => [name, abi.struct(name).size]))).toEqual({
      gpuos_input_event: 16,
      gpuos_frame_input: 24,
      gpuos_frame_state: 88,
      gpuos_input_queue: 4112,
      gpuos_widget: 108,
      gpuos_widget_layout: 24,
      gpuos_primitive: 36,
      gpuos_os_state: 107700,
      gpuos_tile_state: 8,
    });
    expect(abi.struct('os_scratch').size).toBe(6884);
  });

  it('matches the codes TypeScript spells by hand', () => {
    const c = (name: string) => abi.constant(name);
    expect(KIND_CODES).toEqual({
      row: c('GPUOS_WIDGET_ROW'),
      column: c('GPUOS_WIDGET_COLUMN'),
      label: c('GPUOS_WIDGET_LABEL'),
      button: c('GPUOS_WIDGET_BUTTON'),
      toggle: c('GPUOS_WIDGET_TOGGLE'),
      slider: c('GPUOS_WIDGET_SLIDER'),
      textField: c('GPUOS_WIDGET_TEXT_FIELD'),
      scroll: c('GPUOS_WIDGET_SCROLL_VIEW'),
      progress: c('GPUOS_WIDGET_PROGRESS'),
    });
    expect(MAIN_ALIGN).toEqual({ start: c('GPUOS_ALIGN_START'), center: c('GPUOS_ALIGN_CENTER'), end: c('GPUOS_ALIGN_END'), 'space-between': c('GPUOS_ALIGN_SPACE_BETWEEN') });
    expect(CROSS_ALIGN).toEqual({ start: c('GPUOS_ALIGN_START'), center: c('GPUOS_ALIGN_CENTER'), end: c('GPUOS_ALIGN_END'), stretch: c('GPUOS_ALIGN_STRETCH') });
    expect(EVENT_TYPES).toEqual({
      pointerMove: c('GPUOS_EVENT_POINTER_MOVE'),
      pointerDown: c('GPUOS_EVENT_POINTER_DOWN'),
      pointerUp: c('GPUOS_EVENT_POINTER_UP'),
      wheel: c('GPUOS_EVENT_WHEEL'),
      keyDown: c('GPUOS_EVENT_KEY_DOWN'),
      keyUp: c('GPUOS_EVENT_KEY_UP'),
      text: c('GPUOS_EVENT_TEXT'),
    });
    expect(KEY_CODES).toEqual({
      Backspace: c('GPUOS_KEY_BACKSPACE'),
      Tab: c('GPUOS_KEY_TAB'),
      Enter: c('GPUOS_KEY_ENTER'),
      Escape: c('GPUOS_KEY_ESCAPE'),
      Space: c('GPUOS_KEY_SPACE'),
      Delete: c('GPUOS_KEY_DELETE'),
      ArrowLeft: c('GPUOS_KEY_LEFT'),
      ArrowRight: c('GPUOS_KEY_RIGHT'),
      ArrowUp: c('GPUOS_KEY_UP'),
      ArrowDown: c('GPUOS_KEY_DOWN'),
      Home: c('GPUOS_KEY_HOME'),
      End: c('GPUOS_KEY_END'),
    });
    expect(MODIFIER_BITS).toEqual({ shift: c('GPUOS_MODIFIER_SHIFT'), control: c('GPUOS_MODIFIER_CONTROL'), alt: c('GPUOS_MODIFIER_ALT'), meta: c('GPUOS_MODIFIER_META') });
    expect(STATE_BITS).toEqual({
      hovered: c('GPUOS_STATE_HOVERED'),
      pressed: c('GPUOS_STATE_PRESSED'),
      focused: c('GPUOS_STATE_FOCUSED'),
      checked: c('GPUOS_STATE_CHECKED'),
      dragging: c('GPUOS_STATE_DRAGGING'),
    });
    expect(FLAG_BITS).toEqual({ hidden: c('GPUOS_WIDGET_HIDDEN'), disabled: c('GPUOS_WIDGET_DISABLED') });
  });

  it('encodes raw events at the offsets the ABI gives gpuos_input_event', () => {
    const bytes = new DataView(new ArrayBuffer(16));
    const event = { type: 0x1234, modifiers: 0x0a0b, code: 0xdeadbeef, x: 1.5, y: -2.25 };
    writeRawEvent(bytes, 0, event);
    expect(abi.read('gpuos_input_event', bytes, 0)).toEqual(event);
    expect(readRawEvent(bytes, 0)).toEqual(event);
  });
});

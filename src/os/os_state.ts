/**
 * Reading the OS's device memory (buffer 0) as the host API presents it: frame state and widgets
 * by name, decoded from the raw bytes through the ABI layout (src/os/abi.ts).
 */
import type { CompiledScene } from '../scene/scene_compile.js';
import type { WidgetKind } from '../scene/scene_types.js';
import { OsAbi, type AbiRecord } from './abi.js';

export interface WidgetLayout {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The part not clipped away by scroll views or the screen: [x0, y0, x1, y1). */
  clip: [number, number, number, number];
  contentWidth: number;
  contentHeight: number;
  /** Paint order (depth-first index). */
  z: number;
  visible: boolean;
}

export interface WidgetState {
  index: number;
  id: string | undefined;
  kind: WidgetKind;
  /** Label, button or field text (the field's current contents). */
  text: string;
  /** Sliders and progress bars. */
  value: number;
  checked: boolean;
  hovered: boolean;
  pressed: boolean;
  focused: boolean;
  dragging: boolean;
  hidden: boolean;
  disabled: boolean;
  caret: number;
  /** Scroll views: where the content is (px, animated) and where it is going. */
  scrollOffset: number;
  scrollTarget: number;
  /** Progress bars: the value as drawn, easing towards `value`. */
  displayValue: number;
  /** 0..1: the hover and press highlights, eased over time. */
  hoverAmount: number;
  pressAmount: number;
  /** Buttons: clicks; toggles: flips. */
  activations: number;
  layout: WidgetLayout;
}

export interface FrameState {
  /** Frames completed. */
  frameNumber: number;
  timeUs: number;
  timeSeconds: number;
  deltaTime: number;
  cursor: { x: number; y: number; buttons: number };
  modifiers: number;
  /** Widget names (their scene id, or "#index" if they have none); null for none. */
  focused: string | null;
  hovered: string | null;
  pressed: string | null;
  layoutDepth: number;
  eventsProcessed: number;
  eventsDropped: number;
  queueResets: number;
  eventsPending: number;
  visibleWidgets: number;
  primitives: number;
  tilesTotal: number;
  tilesRendered: number;
  glyphsDrawn: number;
  /** Bit n-1 set: phase n ran. 0xff for a frame that drew; 0x87 for an unchanged frame (phases 4-7 skipped). */
  phasesRun: number;
}

export const STATE_BITS = { hovered: 1, pressed: 2, focused: 4, checked: 8, dragging: 16 } as const;
export const FLAG_BITS = { hidden: 1, disabled: 2 } as const;
const NO_WIDGET = 0xffff;

const NAMES = new WeakMap<CompiledScene, readonly string[]>();

/** Every widget's display name, by index: its scene id, else "#index" (computed once per scene). */
export function widgetNames(scene: CompiledScene): readonly string[] {
  let names = NAMES.get(scene);
  if (names === undefined) {
    const byIndex = scene.widgets.map((_, i) => `#${i}`);
    for (const [id, i] of scene.ids) if (i < byIndex.length) byIndex[i] = id;
    names = byIndex;
    NAMES.set(scene, names);
  }
  return names;
}

/** A widget's display name: its scene id, else "#index". */
export function widgetName(scene: CompiledScene, index: number): string {
  return widgetNames(scene)[index] ?? `#${index}`;
}

export class OsStateView {
  private readonly abi = OsAbi.get();
  private readonly view: DataView;
  private readonly names: readonly string[];

  constructor(
    readonly bytes: Uint8Array,
    private readonly scene: CompiledScene,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.names = widgetNames(scene);
  }

  private nameOf(index: number): string | null {
    if (index === NO_WIDGET) return null;
    return this.names[index] ?? `#${index}`;
  }

  u32(path: readonly (string | number)[]): number {
    return this.view.getUint32(this.abi.offsetOf('gpuos_os_state', path), true);
  }

  frame(): FrameState {
    const f = this.abi.read('gpuos_frame_state', this.view, this.abi.offsetOf('gpuos_os_state', ['frame', 0])) as Record<string, number>;
    const n = (key: string): number => f[key]!;
    return {
      frameNumber: n('frame_number_low') + n('frame_number_high') * 2 ** 32,
      timeUs: n('time_us_low') + n('time_us_high') * 2 ** 32,
      timeSeconds: n('time_seconds'),
      deltaTime: n('delta_time'),
      cursor: { x: n('cursor_x'), y: n('cursor_y'), buttons: n('cursor_buttons') },
      modifiers: n('modifiers'),
      focused: this.nameOf(n('focused')),
      hovered: this.nameOf(n('hovered')),
      pressed: this.nameOf(n('pressed')),
      layoutDepth: n('layout_depth'),
      eventsProcessed: n('events_processed'),
      eventsDropped: n('events_dropped'),
      queueResets: n('queue_resets'),
      eventsPending: n('events_pending'),
      visibleWidgets: n('visible_widgets'),
      primitives: n('primitives'),
      tilesTotal: n('tiles_total'),
      tilesRendered: n('tiles_rendered'),
      glyphsDrawn: n('glyphs_drawn'),
      phasesRun: n('phases_run'),
    };
  }

  /** The raw gpuos_frame_state record (every field of kernels/gpuos_abi.h). */
  frameRecord(): AbiRecord {
    return this.abi.read('gpuos_frame_state', this.view, this.abi.offsetOf('gpuos_os_state', ['frame', 0]));
  }

  /** The raw gpuos_widget record (every field of kernels/gpuos_abi.h). */
  widgetRecord(index: number): AbiRecord {
    return this.abi.read('gpuos_widget', this.view, this.abi.offsetOf('gpuos_os_state', ['widgets', index]));
  }

  layoutRecord(index: number): AbiRecord {
    return this.abi.read('gpuos_widget_layout', this.view, this.abi.offsetOf('gpuos_os_state', ['layout', index]));
  }

  text(offset: number, length: number): string {
    const base = this.abi.offsetOf('gpuos_os_state', ['text']);
    const end = Math.min(offset + length, this.abi.constant('GPUOS_TEXT_POOL_BYTES'));
    return String.fromCharCode(...this.bytes.subarray(base + offset, base + end));
  }

  widget(index: number): WidgetState {
    const w = this.widgetRecord(index) as Record<string, number>;
    const l = this.layoutRecord(index) as Record<string, number>;
    const n = (record: Record<string, number>, key: string): number => record[key]!;
    const state = n(w, 'state');
    const flags = n(w, 'flags');
    return {
      index,
      id: this.names[index]?.startsWith('#') ? undefined : this.names[index],
      kind: this.scene.kinds[index]!,
      text: this.text(n(w, 'text_offset'), n(w, 'text_length')),
      value: n(w, 'value'),
      checked: (state & STATE_BITS.checked) !== 0,
      hovered: (state & STATE_BITS.hovered) !== 0,
      pressed: (state & STATE_BITS.pressed) !== 0,
      focused: (state & STATE_BITS.focused) !== 0,
      dragging: (state & STATE_BITS.dragging) !== 0,
      hidden: (flags & FLAG_BITS.hidden) !== 0,
      disabled: (flags & FLAG_BITS.disabled) !== 0,
      caret: n(w, 'caret'),
      scrollOffset: n(w, 'scroll_offset') / 256,
      scrollTarget: n(w, 'scroll_target') / 256,
      displayValue: n(w, 'display_value') / 256,
      hoverAmount: n(w, 'hover_anim') / 65535,
      pressAmount: n(w, 'press_anim') / 65535,
      activations: n(w, 'activations'),
      layout: {
        x: n(l, 'x'),
        y: n(l, 'y'),
        width: n(l, 'w'),
        height: n(l, 'h'),
        clip: [n(l, 'clip_x0'), n(l, 'clip_y0'), n(l, 'clip_x1'), n(l, 'clip_y1')],
        contentWidth: n(l, 'content_w'),
        contentHeight: n(l, 'content_h'),
        z: n(l, 'z'),
        visible: n(l, 'visible') !== 0,
      },
    };
  }
}

/**
 * What must hold of the OS's device memory after every frame, whatever input it was given:
 * the checks hostile-input tests, property tests and the replayer run. Each violation is a
 * sentence naming the widget or counter and the values, so a failing check reads as a bug report.
 */
import type { CompiledScene } from '../scene/scene_compile.js';
import { OsAbi } from './abi.js';
import { OsStateView, widgetName } from './os_state.js';

const STRUCTURE_FIELDS = ['kind', 'flags', 'parent', 'first_child', 'next_sibling', 'depth', 'text_offset', 'text_capacity', 'value_min', 'value_max', 'value_step'];

export function checkOsInvariants(bytes: Uint8Array, scene: CompiledScene): string[] {
  const abi = OsAbi.get();
  const view = new OsStateView(bytes, scene);
  const problems: string[] = [];
  const count = scene.widgets.length;
  const noWidget = abi.constant('GPUOS_NO_WIDGET');
  const name = (index: number): string => widgetName(scene, index);
  const is = (index: number, kinds: readonly string[]): boolean => index < count && kinds.includes(scene.kinds[index]!);

  if (view.u32(['abi_version']) !== abi.constant('GPUOS_ABI_VERSION')) problems.push(`abi_version is ${view.u32(['abi_version'])}`);
  if (view.u32(['widget_count']) !== count) problems.push(`widget_count changed from ${count} to ${view.u32(['widget_count'])}`);

  const frame = view.frame();
  const frameRecord = abi.read('gpuos_frame_state', new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), abi.offsetOf('gpuos_os_state', ['frame', 0])) as Record<string, number>;
  const interactive = ['button', 'toggle', 'slider', 'textField'];
  for (const role of ['focused', 'hovered', 'pressed'] as const) {
    const index = frameRecord[role]!;
    if (index !== noWidget && !is(index, interactive)) problems.push(`frame.${role} is ${index}, which is not an interactive widget`);
  }
  const { head, tail } = { head: view.u32(['queue', 0, 'head']), tail: view.u32(['queue', 0, 'tail']) };
  const pending = (head - tail) >>> 0;
  if (pending > abi.constant('GPUOS_INPUT_QUEUE_CAPACITY')) problems.push(`the input queue claims ${pending} pending events (head ${head}, tail ${tail})`);
  // The host may have queued more since the frame; it can never have taken any away.
  if (frame.eventsPending > pending) problems.push(`frame.events_pending is ${frame.eventsPending} but head - tail is only ${pending}`);
  if (frame.tilesRendered > frame.tilesTotal) problems.push(`${frame.tilesRendered} tiles rendered of ${frame.tilesTotal}`);
  if (!Number.isFinite(frame.cursor.x) || !Number.isFinite(frame.cursor.y)) problems.push(`the cursor is at (${frame.cursor.x}, ${frame.cursor.y})`);

  const knownState = 0x1f;
  for (let i = 0; i < count; i++) {
    const w = view.widgetRecord(i) as Record<string, number>;
    const original = scene.widgets[i]!;
    for (const field of STRUCTURE_FIELDS) {
      if (w[field] !== original[field]) problems.push(`${name(i)}.${field} changed from ${original[field]} to ${w[field]}: the kernel must not rewrite the tree`);
    }
    if ((w['state']! & ~knownState) !== 0) problems.push(`${name(i)}.state has unknown bits 0x${w['state']!.toString(16)}`);
    if (w['text_length']! > w['text_capacity']!) problems.push(`${name(i)} holds ${w['text_length']} characters, more than its capacity ${w['text_capacity']}`);
    if (w['caret']! > w['text_length']!) problems.push(`${name(i)}.caret ${w['caret']} is past its text (${w['text_length']})`);
    const kind = scene.kinds[i]!;
    if (kind === 'slider' && (w['value']! < w['value_min']! || w['value']! > w['value_max']!)) {
      problems.push(`${name(i)}.value ${w['value']} is outside ${w['value_min']}..${w['value_max']}`);
    }
    if (kind === 'textField') {
      const text = view.text(w['text_offset']!, w['text_length']!);
      if (!/^[\x20-\x7e]*$/.test(text)) problems.push(`${name(i)} holds non-printable text ${JSON.stringify(text)}`);
    }
    if (kind === 'scroll' && (w['scroll_offset']! < 0 || w['scroll_target']! < 0)) problems.push(`${name(i)} is scrolled to ${w['scroll_offset']} (target ${w['scroll_target']})`);
    const layout = view.layoutRecord(i) as Record<string, number>;
    if (layout['visible']) {
      const [x0, y0, x1, y1] = [layout['clip_x0']!, layout['clip_y0']!, layout['clip_x1']!, layout['clip_y1']!];
      const screen = { width: view.u32(['input', 0, 'width']), height: view.u32(['input', 0, 'height']) };
      if (x0 < 0 || y0 < 0 || x1 > screen.width || y1 > screen.height || x1 <= x0 || y1 <= y0) {
        problems.push(`${name(i)} is visible with clip [${x0}, ${y0}, ${x1}, ${y1}) on a ${screen.width}x${screen.height} screen`);
      }
    }
  }
  return problems;
}

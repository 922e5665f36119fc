/**
 * A CompiledScene can be built by hand (tests, other tools), bypassing the JSON validator, so the
 * host checks its records too before they reach device memory: every gpuos_widget field present and
 * within its ABI type, a consistent tree (links in range, parents and depths agreeing with them),
 * text inside the pool. The kernel clamps what it reads anyway; this catches the mistake where it is
 * made, with a message naming the widget and field.
 */
import { InvalidArgumentError } from '../errors.js';
import { OsAbi } from '../os/abi.js';
import { KIND_CODES, type CompiledScene } from './scene_compile.js';
import type { WidgetKind } from './scene_types.js';

const RANGES: Record<string, [number, number]> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

export function checkCompiledScene(scene: CompiledScene): void {
  const abi = OsAbi.get();
  const fail = (problem: string): never => {
    throw new InvalidArgumentError(`compiled scene ${scene.name ?? ''}: ${problem}`.replace(' :', ':'));
  };
  const { widgets, kinds, text } = scene;
  const count = widgets.length;
  const noWidget = abi.constant('GPUOS_NO_WIDGET');
  if (count < 1 || count > abi.constant('GPUOS_MAX_WIDGETS')) fail(`has ${count} widgets; 1 to ${abi.constant('GPUOS_MAX_WIDGETS')} are allowed`);
  if (kinds.length !== count) fail(`has ${count} widgets but ${kinds.length} kinds`);
  if (!(text instanceof Uint8Array) || text.byteLength > abi.constant('GPUOS_TEXT_POOL_BYTES')) fail('text must be a Uint8Array of at most 32768 bytes');
  for (const [id, index] of scene.ids) if (!Number.isInteger(index) || index < 0 || index >= count) fail(`id '${id}' names widget ${index}, which does not exist`);

  const fields = [...abi.struct('gpuos_widget').fields.values()];
  widgets.forEach((record, i) => {
    const at = `widget ${i}`;
    for (const field of fields) {
      const value = record[field.name];
      const range = RANGES[field.scalar ?? ''];
      if (typeof value !== 'number' || !Number.isInteger(value) || !range || value < range[0] || value > range[1]) {
        fail(`${at}.${field.name} must be an integer within ${field.type}, got ${String(value)}`);
      }
    }
    const n = (name: string): number => record[name]!;
    if (n('kind') < 1 || n('kind') > abi.constant('GPUOS_WIDGET_KIND_LAST')) fail(`${at}.kind ${n('kind')} is not a widget kind`);
    // The names the host reads (widget(i).kind, invariants) must say what the record is.
    const named = kinds[i] as WidgetKind;
    if (!Object.hasOwn(KIND_CODES, named) || KIND_CODES[named] !== n('kind')) fail(`${at} is kind ${n('kind')} but kinds[${i}] says ${JSON.stringify(kinds[i])}`);
    for (const link of ['parent', 'first_child', 'next_sibling']) {
      if (n(link) !== noWidget && n(link) >= count) fail(`${at}.${link} is ${n(link)}, past the last widget`);
    }
    if (i === 0 ? n('parent') !== noWidget || n('depth') !== 0 : n('parent') === noWidget) fail(`${at}: only widget 0, the root, has no parent`);
    if (i > 0 && n('depth') !== widgets[n('parent')]!['depth']! + 1) fail(`${at}.depth is ${n('depth')}, not its parent's plus one`);
    if (n('depth') > abi.constant('GPUOS_MAX_DEPTH')) fail(`${at} is ${n('depth')} levels deep; at most ${abi.constant('GPUOS_MAX_DEPTH')}`);
    if (n('first_child') !== noWidget && widgets[n('first_child')]!['parent'] !== i) fail(`${at}.first_child does not name ${i} as its parent`);
    if (n('next_sibling') !== noWidget && widgets[n('next_sibling')]!['parent'] !== n('parent')) fail(`${at}.next_sibling has another parent`);
    if (n('text_offset') + n('text_capacity') > text.byteLength) fail(`${at}'s text (offset ${n('text_offset')}, capacity ${n('text_capacity')}) runs past the ${text.byteLength}-byte text`);
    if (n('text_length') > n('text_capacity')) fail(`${at}.text_length ${n('text_length')} exceeds its capacity ${n('text_capacity')}`);
    if (n('caret') > n('text_length')) fail(`${at}.caret is past its text`);
    if (n('value_min') >= n('value_max')) fail(`${at}.value_min must be below value_max`);
    if (n('value_step') < 1) fail(`${at}.value_step must be at least 1`);
  });
}

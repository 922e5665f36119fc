/**
 * A real session against the reference model of it (src/model/os_model.ts): every field the model
 * keeps, read from the kernel's device memory, as sentences naming the widget and both values.
 */
import type { OsModel } from '../model/os_model.js';
import { OsStateView } from '../os/os_state.js';
import type { OsSession } from '../os/session.js';
import { layoutDifferences } from './layout_properties.js';

const NO_WIDGET = 0xffff;
const STATE_BITS = { hovered: 1, pressed: 2, focused: 4, checked: 8, dragging: 16 } as const;

export function sessionDifferences(model: OsModel, session: OsSession): string[] {
  const view = new OsStateView(session.stateBytes(), session.scene);
  const out: string[] = [];
  const name = (i: number): string => {
    const node = model.tree.nodes[i]!;
    return `#${i} ${node.kind}${node.id ? ` '${node.id}'` : ''}`;
  };
  const differ = (what: string, kernel: unknown, expected: unknown): void => {
    if (JSON.stringify(kernel) !== JSON.stringify(expected)) out.push(`${what}: kernel ${JSON.stringify(kernel)}, model ${JSON.stringify(expected)}`);
  };

  const frame = view.frame();
  const record = view.frameRecord() as Record<string, number>;
  const widgetOf = (value: number | undefined): number => value ?? NO_WIDGET;
  differ('frame.cursor', [frame.cursor.x, frame.cursor.y], [model.frame.cursorX, model.frame.cursorY]);
  differ('frame.cursor.buttons', frame.cursor.buttons, model.frame.buttons);
  differ('frame.modifiers', frame.modifiers, model.frame.modifiers);
  differ('frame.focused', record['focused'], widgetOf(model.frame.focused));
  differ('frame.hovered', record['hovered'], widgetOf(model.frame.hovered));
  differ('frame.pressed', record['pressed'], widgetOf(model.frame.pressed));
  differ('frame.eventsProcessed', frame.eventsProcessed, model.frame.eventsProcessed);
  differ('frame.eventsDropped', frame.eventsDropped, model.frame.eventsDropped);
  differ('frame.queueResets', frame.queueResets, model.frame.queueResets);
  differ('frame.eventsPending', frame.eventsPending, model.frame.eventsPending);
  differ('frame.frameNumber', frame.frameNumber, model.frame.frameNumber);
  const { head, tail } = session.queueCounters();
  differ('queue.head', head, model.head);
  differ('queue.tail', tail, model.tail);

  model.widgets.forEach((expected, i) => {
    const w = view.widgetRecord(i) as Record<string, number>;
    const state = w['state']!;
    for (const [flag, bit] of Object.entries(STATE_BITS)) differ(`${name(i)}.${flag}`, (state & bit) !== 0, expected[flag as keyof typeof STATE_BITS]);
    differ(`${name(i)}.text`, view.text(w['text_offset']!, w['text_length']!), expected.text);
    differ(`${name(i)}.caret`, w['caret'], expected.caret);
    differ(`${name(i)}.value`, w['value'], expected.value);
    differ(`${name(i)}.activations`, w['activations'], expected.activations);
    differ(`${name(i)}.hover_anim`, w['hover_anim'], expected.hoverAnim);
    differ(`${name(i)}.press_anim`, w['press_anim'], expected.pressAnim);
    differ(`${name(i)}.scroll_target`, w['scroll_target'], expected.scrollTarget);
    differ(`${name(i)}.scroll_offset`, w['scroll_offset'], expected.scrollOffset);
    differ(`${name(i)}.display_value`, w['display_value'], expected.displayValue);
  });
  const scene = session.scene.source;
  if (scene) out.push(...layoutDifferences(scene, session.widgets().map((w) => w.layout), model.layout));
  return out;
}

/**
 * Phases 1-3 through the host API: events reach the kernel through the ring, hit testing finds
 * the frontmost widget (honouring paint order, hidden widgets and scroll-view clipping), and
 * dispatch turns presses and releases into clicks.
 */
import { describe, expect, it } from 'vitest';

import type { SceneWidget } from '../../src/scene/scene_types.js';
import { centreOf, click, clickAt, frameWith, sessionWith } from './os_helpers.js';

// Row A is 100 px wide but holds a 300 px button that overflows it, over row B that comes later
// in paint order (so B and its button Y are in front wherever they overlap X).
const OVERLAP: SceneWidget = {
  kind: 'row',
  padding: 20,
  children: [
    { kind: 'row', id: 'A', width: 100, crossAlign: 'start', children: [{ kind: 'button', id: 'X', text: 'behind', width: 300, height: 60 }] },
    {
      kind: 'row',
      id: 'B',
      width: 300,
      padding: 10,
      crossAlign: 'start',
      background: '#334455',
      children: [
        { kind: 'button', id: 'Y', text: 'front', width: 80, height: 30 },
        { kind: 'button', id: 'H', text: 'hidden', width: 80, height: 30, hidden: true },
      ],
    },
  ],
};

describe('hit testing', () => {
  it('picks the frontmost widget in paint order where widgets overlap', async () => {
    const session = await sessionWith(OVERLAP);
    await frameWith(session);
    const x = session.widget('X').layout;
    const y = session.widget('Y').layout;
    const b = session.widget('B').layout;
    // The layout really overlaps: X reaches into B, and Y sits on X.
    expect(x.x + x.width).toBeGreaterThan(y.x + y.width);
    expect(b.z).toBeGreaterThan(x.z);

    const onY = centreOf(session, 'Y');
    await frameWith(session, [{ type: 'pointerMove', ...onY }]);
    expect(session.frameState().hovered).toBe('Y');
    expect(session.widget('Y').hovered).toBe(true);
    expect(session.widget('X').hovered).toBe(false);

    // Over X, inside B's padding: B is in front and is not interactive, so nothing is hovered.
    await frameWith(session, [{ type: 'pointerMove', x: b.x + 4.5, y: x.y + 5.5 }]);
    expect(session.frameState().hovered).toBe(null);
    expect(session.widget('X').hovered).toBe(false);

    // Over X where nothing is in front of it.
    await frameWith(session, [{ type: 'pointerMove', x: x.x + 10.5, y: x.y + 10.5 }]);
    expect(session.frameState().hovered).toBe('X');
  });

  it('never hits a hidden widget', async () => {
    const session = await sessionWith(OVERLAP);
    await frameWith(session);
    const hidden = session.widget('H');
    expect(hidden.hidden).toBe(true);
    expect(hidden.layout.visible).toBe(false);
    // Where H would be if it were shown (right of Y), the pointer is over B's padding and X.
    const y = session.widget('Y').layout;
    await frameWith(session, clickAt(y.x + y.width + 20.5, y.y + 10.5));
    expect(session.frameState().hovered).toBe(null);
    expect(session.widget('H').activations).toBe(0);
  });

  it("does not hit the parts of a scroll view's content that are clipped away", async () => {
    const rows = Array.from({ length: 8 }, (_, i): SceneWidget => ({ kind: 'button', id: `row${i}`, text: `Row ${i}`, height: 30 }));
    const session = await sessionWith({
      kind: 'column',
      padding: 10,
      children: [
        { kind: 'scroll', id: 'list', height: 70, children: rows },
        { kind: 'button', id: 'below', text: 'Below the list', height: 200 },
      ],
    });
    await frameWith(session);
    const list = session.widget('list').layout;
    const row4 = session.widget('row4').layout;
    // Row 4 is laid out below the viewport, where 'below' is drawn instead.
    expect(row4.y).toBeGreaterThan(list.y + list.height);
    expect(row4.visible).toBe(false);
    const where = { x: row4.x + 20.5, y: row4.y + 10.5 };
    await frameWith(session, clickAt(where.x, where.y));
    expect(session.widget('row4').activations).toBe(0);
    expect(session.widget('below').activations).toBe(1);

    // A row cut by the viewport's edge is hit only on its visible part.
    const row2 = session.widget('row2').layout;
    expect(row2.clip[3]).toBe(list.y + list.height);
    expect(row2.y + row2.height).toBeGreaterThan(row2.clip[3]);
    await frameWith(session, clickAt(row2.x + 20.5, row2.clip[3] - 2 + 0.5));
    expect(session.widget('row2').activations).toBe(1);
  });
});

describe('clicks', () => {
  const TOGGLES: SceneWidget = {
    kind: 'column',
    padding: 10,
    gap: 10,
    children: [
      { kind: 'toggle', id: 'wifi', text: 'Wi-Fi' },
      { kind: 'button', id: 'save', text: 'Save' },
      { kind: 'button', id: 'off', text: 'Disabled', disabled: true },
    ],
  };

  it('a click toggles exactly once, and a second click toggles back', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    expect(session.widget('wifi').checked).toBe(false);
    await click(session, 'wifi');
    expect(session.widget('wifi')).toMatchObject({ checked: true, activations: 1, focused: true, pressed: false });
    // A frame with no input changes nothing.
    await frameWith(session);
    expect(session.widget('wifi')).toMatchObject({ checked: true, activations: 1 });
    await click(session, 'wifi');
    expect(session.widget('wifi')).toMatchObject({ checked: false, activations: 2 });
  });

  it('a press and its release in different frames are one click; pressed shows in between', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    const { x, y } = centreOf(session, 'save');
    await frameWith(session, [{ type: 'pointerDown', x, y }]);
    expect(session.widget('save')).toMatchObject({ pressed: true, activations: 0 });
    expect(session.frameState()).toMatchObject({ pressed: 'save', cursor: { x, y, buttons: 1 } });
    await frameWith(session, [{ type: 'pointerUp', x, y }]);
    expect(session.widget('save')).toMatchObject({ pressed: false, activations: 1 });
    expect(session.frameState()).toMatchObject({ pressed: null, cursor: { buttons: 0 } });
  });

  it('pressing on one widget and releasing on another is not a click', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    const from = centreOf(session, 'wifi');
    const to = centreOf(session, 'save');
    await frameWith(session, [
      { type: 'pointerDown', ...from },
      { type: 'pointerMove', ...to },
      { type: 'pointerUp', ...to },
    ]);
    expect(session.widget('wifi')).toMatchObject({ checked: false, activations: 0, pressed: false });
    expect(session.widget('save').activations).toBe(0);
  });

  it('a second press without a release ends the first (no widget stays pressed)', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    const a = centreOf(session, 'wifi');
    const b = centreOf(session, 'save');
    await frameWith(session, [{ type: 'pointerDown', ...a }, { type: 'pointerDown', ...b }, { type: 'pointerUp', ...b }]);
    await session.run(10);
    expect(session.widget('wifi')).toMatchObject({ pressed: false, pressAmount: 0, checked: false });
    expect(session.widget('save')).toMatchObject({ pressed: false, activations: 1 });
    expect(session.frameState().pressed).toBe(null);
  });

  it('buttons other than the primary move the pointer but press nothing', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    const { x, y } = centreOf(session, 'wifi');
    const secondary = 2;
    session.pushRawEvents([
      { type: 2, modifiers: 0, code: secondary, x, y },
      { type: 3, modifiers: 0, code: secondary, x, y },
    ]);
    await frameWith(session);
    expect(session.frameState()).toMatchObject({ cursor: { x, y, buttons: 0 }, hovered: 'wifi', focused: null, eventsDropped: 0 });
    expect(session.widget('wifi')).toMatchObject({ checked: false, activations: 0 });
  });

  it('disabled widgets take no clicks and no focus', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    await click(session, 'off');
    expect(session.widget('off')).toMatchObject({ activations: 0, focused: false, hovered: false });
    expect(session.frameState().focused).toBe(null);
  });

  it('a click on empty space clears the focus', async () => {
    const session = await sessionWith(TOGGLES);
    await frameWith(session);
    await click(session, 'save');
    expect(session.frameState().focused).toBe('save');
    await frameWith(session, clickAt(600.5, 350.5));
    expect(session.frameState().focused).toBe(null);
    expect(session.widget('save').focused).toBe(false);
  });
});

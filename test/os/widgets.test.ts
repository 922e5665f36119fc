/**
 * Every widget's behaviour through the host API: sliders (drag and keys), text fields (focus,
 * caret, typing, editing keys, capacity), keyboard focus (Tab, Shift-Tab, activation keys),
 * scroll views (wheel, limits, smooth scrolling, clipping), and the animations that run on the
 * frame's delta time.
 */
import { describe, expect, it } from 'vitest';

import type { SceneWidget } from '../../src/scene/scene_types.js';
import { centreOf, click, frameWith, sessionWith } from './os_helpers.js';

const FORM: SceneWidget = {
  kind: 'column',
  padding: 10,
  gap: 10,
  crossAlign: 'start',
  children: [
    { kind: 'textField', id: 'name', text: 'gpu', capacity: 6 },
    { kind: 'slider', id: 'volume', min: 0, max: 100, step: 5, value: 50, width: 200 },
    { kind: 'button', id: 'skipped', text: 'Disabled', disabled: true },
    { kind: 'toggle', id: 'wifi', text: 'Wi-Fi' },
    { kind: 'button', id: 'save', text: 'Save' },
    { kind: 'label', id: 'caption', text: 'not focusable' },
  ],
};

describe('slider', () => {
  it('follows a drag from press to release, in steps, clamped to its range', async () => {
    const session = await sessionWith(FORM);
    await frameWith(session);
    // The drawn track: inside the 4 px vertical padding a thumb min(16, 16 + 4) px wide travels
    // between the centres at either end.
    const box = session.widget('volume').layout;
    const thumb = Math.min(box.height - 8, 20);
    const trackStart = box.x + thumb / 2;
    const trackLength = box.width - thumb;
    const at = (fraction: number) => ({ x: trackStart + fraction * trackLength, y: box.y + box.height / 2 });

    await frameWith(session, [{ type: 'pointerDown', ...at(0.25) }]);
    expect(session.widget('volume')).toMatchObject({ value: 25, dragging: true, pressed: true, focused: true });
    await frameWith(session, [{ type: 'pointerMove', ...at(0.62) }]);
    expect(session.widget('volume').value).toBe(60); // 62 rounds to the nearest step of 5
    // Dragging past the end clamps; the pointer may leave the slider while dragging.
    await frameWith(session, [{ type: 'pointerMove', x: 630, y: 300 }]);
    expect(session.widget('volume').value).toBe(100);
    await frameWith(session, [{ type: 'pointerUp', x: 630, y: 300 }]);
    expect(session.widget('volume')).toMatchObject({ value: 100, dragging: false, pressed: false });
    // After the release, moving the pointer leaves the value alone.
    await frameWith(session, [{ type: 'pointerMove', ...at(0.1) }]);
    expect(session.widget('volume').value).toBe(100);
    // A slider is not a button: releasing it is not an activation.
    expect(session.widget('volume').activations).toBe(0);
  });

  it('takes the value under the pointer on the track as drawn, stretched or not', async () => {
    const session = await sessionWith({
      kind: 'column',
      padding: 10,
      gap: 10,
      children: [
        { kind: 'slider', id: 'fixed', value: 25, width: 200 },
        { kind: 'slider', id: 'stretched', value: 90 },
      ],
    });
    await frameWith(session);
    for (const [id, value] of [['fixed', 25], ['stretched', 90]] as const) {
      const box = session.widget(id).layout;
      const thumb = Math.min(box.height - 8, 20);
      const centreX = box.x + thumb / 2 + ((box.width - thumb) * value) / 100;
      // Pressing the middle of the drawn thumb leaves the value where it is.
      await frameWith(session, [{ type: 'pointerDown', x: centreX + 0.5, y: box.y + box.height / 2 }, { type: 'pointerUp', x: centreX + 0.5, y: box.y + box.height / 2 }]);
      expect(session.widget(id).value, id).toBe(value);
      // Every value in between is reachable.
      const at37 = box.x + thumb / 2 + ((box.width - thumb) * 37) / 100 + 0.5;
      await frameWith(session, [{ type: 'pointerDown', x: at37, y: box.y + 5 }, { type: 'pointerUp', x: at37, y: box.y + 5 }]);
      expect(session.widget(id).value, id).toBe(37);
    }
  });

  it('moves by its step with the arrow keys when focused, and jumps with Home and End', async () => {
    const session = await sessionWith(FORM);
    await frameWith(session);
    const { y } = centreOf(session, 'volume');
    const box = session.widget('volume').layout;
    // Press on the thumb at the current value (50) so the click itself does not move it.
    const thumb = Math.min(box.height - 8, 20);
    const x = box.x + thumb / 2 + 0.5 * (box.width - thumb);
    await frameWith(session, [{ type: 'pointerDown', x, y }, { type: 'pointerUp', x, y }]);
    expect(session.widget('volume')).toMatchObject({ value: 50, focused: true });
    await frameWith(session, [{ type: 'keyDown', key: 'ArrowRight' }, { type: 'keyDown', key: 'ArrowRight' }, { type: 'keyDown', key: 'ArrowDown' }]);
    expect(session.widget('volume').value).toBe(55);
    await frameWith(session, [{ type: 'keyDown', key: 'End' }, { type: 'keyDown', key: 'ArrowUp' }]);
    expect(session.widget('volume').value).toBe(100);
    await frameWith(session, [{ type: 'keyDown', key: 'Home' }, { type: 'keyDown', key: 'ArrowLeft' }]);
    expect(session.widget('volume').value).toBe(0);
  });
});

describe('text field', () => {
  it('edits the focused field: typing at the caret, Backspace, Delete, arrows, Home and End', async () => {
    const session = await sessionWith(FORM);
    await frameWith(session);
    // Typing with nothing focused goes nowhere.
    await frameWith(session, [{ type: 'text', text: 'zz' }]);
    expect(session.widget('name').text).toBe('gpu');

    await click(session, 'name');
    const field = session.widget('name');
    expect(field.focused).toBe(true);
    await frameWith(session, [{ type: 'keyDown', key: 'End' }, { type: 'text', text: 'os' }]);
    expect(session.widget('name')).toMatchObject({ text: 'gpuos', caret: 5 });
    await frameWith(session, [{ type: 'keyDown', key: 'Backspace' }, { type: 'keyDown', key: 'Backspace' }]);
    expect(session.widget('name')).toMatchObject({ text: 'gpu', caret: 3 });
    await frameWith(session, [{ type: 'keyDown', key: 'Home' }, { type: 'text', text: '>' }, { type: 'keyDown', key: 'ArrowRight' }, { type: 'keyDown', key: 'Delete' }]);
    expect(session.widget('name')).toMatchObject({ text: '>gu', caret: 2 });
    await frameWith(session, [{ type: 'keyDown', key: 'ArrowLeft' }, { type: 'keyDown', key: 'ArrowLeft' }, { type: 'keyDown', key: 'ArrowLeft' }, { type: 'keyDown', key: 'Backspace' }]);
    expect(session.widget('name')).toMatchObject({ text: '>gu', caret: 0 });
  });

  it('stops at its capacity and places the caret where it is clicked', async () => {
    const session = await sessionWith(FORM);
    await frameWith(session);
    await click(session, 'name');
    await frameWith(session, [{ type: 'keyDown', key: 'End' }, { type: 'text', text: 'abcdefgh' }]);
    expect(session.widget('name')).toMatchObject({ text: 'gpuabc', caret: 6 }); // capacity 6
    const box = session.widget('name').layout;
    const glyph = 8; // body font advance
    const paddingLeft = 8;
    const x = box.x + paddingLeft + 2 * glyph + 1.5; // just right of the second character's left edge
    await frameWith(session, [{ type: 'pointerDown', x, y: box.y + 10.5 }, { type: 'pointerUp', x, y: box.y + 10.5 }]);
    expect(session.widget('name').caret).toBe(2);
    await frameWith(session, [{ type: 'keyDown', key: 'Backspace' }]);
    expect(session.widget('name')).toMatchObject({ text: 'guabc', caret: 1 });
  });
});

describe('keyboard focus', () => {
  it('Tab walks the focusable widgets in paint order, skipping disabled ones, and wraps; Shift-Tab walks back', async () => {
    const session = await sessionWith(FORM);
    await frameWith(session);
    const order: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      await frameWith(session, [{ type: 'keyDown', key: 'Tab' }]);
      order.push(session.frameState().focused);
    }
    expect(order).toEqual(['name', 'volume', 'wifi', 'save', 'name']);
    await frameWith(session, [{ type: 'keyDown', key: 'Tab', modifiers: ['shift'] }]);
    expect(session.frameState().focused).toBe('save');
    await frameWith(session, [{ type: 'keyDown', key: 'Tab', modifiers: ['shift'] }]);
    expect(session.frameState().focused).toBe('wifi');
    expect(session.widgets().filter((w) => w.focused).map((w) => w.id)).toEqual(['wifi']);
  });

  it('Tab reaches widgets scrolled out of view and scrolls them into view', async () => {
    const buttons = Array.from({ length: 12 }, (_, i): SceneWidget => ({ kind: 'button', id: `b${i}`, text: `Button ${i}`, height: 30 }));
    const session = await sessionWith({ kind: 'column', padding: 10, children: [{ kind: 'scroll', id: 'list', height: 100, children: buttons }] });
    await frameWith(session);
    expect(session.widget('b9').layout.visible).toBe(false);
    for (let i = 0; i < 10; i++) await frameWith(session, [{ type: 'keyDown', key: 'Tab' }]);
    expect(session.frameState().focused).toBe('b9');
    await session.run(40);
    const list = session.widget('list').layout;
    const b9 = session.widget('b9').layout;
    expect(b9.visible).toBe(true);
    expect(b9.y + b9.height).toBe(list.y + list.height); // scrolled just far enough
    // And back up: Shift-Tab to the first button scrolls to the top.
    for (let i = 0; i < 9; i++) await frameWith(session, [{ type: 'keyDown', key: 'Tab', modifiers: ['shift'] }]);
    expect(session.frameState().focused).toBe('b0');
    await session.run(40);
    expect(session.widget('list').scrollOffset).toBe(0);
  });

  it('Space and Enter activate the focused toggle or button', async () => {
    const session = await sessionWith(FORM);
    await frameWith(session);
    await frameWith(session, [{ type: 'keyDown', key: 'Tab' }, { type: 'keyDown', key: 'Tab' }, { type: 'keyDown', key: 'Tab' }]);
    expect(session.frameState().focused).toBe('wifi');
    await frameWith(session, [{ type: 'keyDown', key: 'Space' }]);
    expect(session.widget('wifi')).toMatchObject({ checked: true, activations: 1 });
    await frameWith(session, [{ type: 'keyDown', key: 'Tab' }, { type: 'keyDown', key: 'Enter' }, { type: 'keyDown', key: 'Enter' }]);
    expect(session.widget('save').activations).toBe(2);
    expect(session.widget('wifi').activations).toBe(1);
  });
});

describe('scroll view', () => {
  const LIST: SceneWidget = {
    kind: 'column',
    padding: 10,
    children: [
      {
        kind: 'scroll',
        id: 'list',
        height: 200,
        padding: 4,
        gap: 2,
        children: Array.from({ length: 40 }, (_, i): SceneWidget => ({ kind: 'label', id: `item${i}`, text: `Item ${i}`, padding: 2 })),
      },
    ],
  };
  const itemHeight = 20; // 16 px line + 2 px padding top and bottom
  const pitch = itemHeight + 2;

  it('scrolls smoothly towards the wheel target, over frames of delta time', async () => {
    const session = await sessionWith(LIST);
    await frameWith(session);
    const over = centreOf(session, 'list');
    await frameWith(session, [{ type: 'pointerMove', ...over }, { type: 'wheel', dy: 100 }]);
    const first = session.widget('list');
    expect(first.scrollTarget).toBe(100);
    expect(first.scrollOffset).toBeGreaterThan(0);
    expect(first.scrollOffset).toBeLessThan(100);
    const offsets = [first.scrollOffset];
    for (let i = 0; i < 40; i++) {
      await frameWith(session);
      offsets.push(session.widget('list').scrollOffset);
    }
    // Monotonic, and arrives exactly.
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1]!);
    expect(offsets.at(-1)).toBe(100);
    // Content moved up by the offset: item 0 is 100 px higher than it started.
    const list = session.widget('list').layout;
    expect(session.widget('item0').layout.y).toBe(list.y + 4 - 100);
  });

  it('clips its content to its viewport and stops at both ends', async () => {
    const session = await sessionWith(LIST);
    await frameWith(session);
    const over = centreOf(session, 'list');
    const list = session.widget('list').layout;
    const viewport = list.height - 8;
    const content = 40 * itemHeight + 39 * 2 + 8;
    const limit = content - 8 - viewport; // the last item's bottom meets the viewport's
    await frameWith(session, [{ type: 'pointerMove', ...over }, { type: 'wheel', dy: 100000 }]);
    expect(session.widget('list').scrollTarget).toBe(limit);
    await session.run(60, { deltaUs: 16_667 });
    expect(session.widget('list').scrollOffset).toBe(limit);
    // Only the rows inside the viewport are visible, each clipped to it.
    const visible = session.widgets().filter((w) => w.id?.startsWith('item') && w.layout.visible);
    expect(visible.length).toBeGreaterThanOrEqual(Math.floor(viewport / pitch));
    expect(visible.length).toBeLessThanOrEqual(Math.ceil(viewport / pitch) + 1);
    expect(visible.map((w) => w.id)).toContain('item39');
    expect(session.widget('item0').layout.visible).toBe(false);
    const last = session.widget('item39').layout;
    expect(last.y + last.height).toBe(list.y + 4 + viewport); // fully in view, flush with the bottom
    for (const item of visible) {
      expect(item.layout.clip[1]).toBeGreaterThanOrEqual(list.y + 4);
      expect(item.layout.clip[3]).toBeLessThanOrEqual(list.y + 4 + viewport);
    }
    await frameWith(session, [{ type: 'wheel', dy: -100000 }]);
    expect(session.widget('list').scrollTarget).toBe(0);
  });

  it('ignores the wheel when the pointer is not over it', async () => {
    const session = await sessionWith(LIST);
    await frameWith(session);
    await frameWith(session, [{ type: 'pointerMove', x: 600.5, y: 350.5 }, { type: 'wheel', dy: 100 }]);
    expect(session.widget('list').scrollTarget).toBe(0);
  });
});

describe('animations run on the frame delta, never a clock', () => {
  it('hover eases in over 120 ms whatever the frame rate', async () => {
    const fast = await sessionWith(FORM);
    const slow = await sessionWith(FORM);
    await frameWith(fast);
    await frameWith(slow);
    const over = centreOf(fast, 'save');
    // 60 ms in six frames of 10 ms, or in one frame of 60 ms: half way either way.
    fast.pushEvents([{ type: 'pointerMove', ...over }]);
    slow.pushEvents([{ type: 'pointerMove', ...over }]);
    await fast.step({ deltaUs: 0 });
    await slow.step({ deltaUs: 0 });
    expect(fast.widget('save').hoverAmount).toBe(0);
    for (let i = 0; i < 6; i++) await fast.step({ deltaUs: 10_000 });
    await slow.step({ deltaUs: 60_000 });
    expect(fast.widget('save').hoverAmount).toBeCloseTo(0.5, 3);
    expect(slow.widget('save').hoverAmount).toBeCloseTo(0.5, 3);
    await slow.step({ deltaUs: 60_000 });
    expect(slow.widget('save').hoverAmount).toBe(1);
    // Leaving eases back out.
    slow.pushEvents([{ type: 'pointerMove', x: 630, y: 350 }]);
    await slow.step({ deltaUs: 30_000 });
    expect(slow.widget('save').hoverAmount).toBeCloseTo(0.75, 2);
  });

  it('a progress bar fills in towards its value and then stops', async () => {
    const session = await sessionWith({ kind: 'column', padding: 10, children: [{ kind: 'progress', id: 'bar', value: 80 }] });
    await frameWith(session);
    const shown = [session.widget('bar').displayValue];
    for (let i = 0; i < 60; i++) {
      await frameWith(session);
      shown.push(session.widget('bar').displayValue);
    }
    expect(shown[0]).toBeGreaterThan(0);
    expect(shown[0]).toBeLessThan(80);
    for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeGreaterThanOrEqual(shown[i - 1]!);
    expect(shown.at(-1)).toBe(80);
    // With no time passing, nothing moves.
    const before = await sessionWith({ kind: 'column', children: [{ kind: 'progress', id: 'bar', value: 80 }] });
    await before.step({ deltaUs: 0 });
    await before.step({ deltaUs: 0 });
    expect(before.widget('bar').displayValue).toBe(0);
  });
});

/**
 * The layout model on examples worked by hand from docs/SCENES.md (the rule each one pins is in
 * its name), and on every fixture scene against the kernel. The property tests compare the model
 * with the kernel and with Chromium on generated trees; these pin what the document says.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { hitModel } from '../../src/model/hit_model.js';
import { layoutModel, type LayoutInput } from '../../src/model/layout_model.js';
import { modelTree } from '../../src/model/model_tree.js';
import { openSession } from '../../src/os/session.js';
import type { Scene, SceneWidget } from '../../src/scene/scene_types.js';

/** A bare box: an empty label with no padding asks for 0 x 16 (L1). */
const box = (extra: Partial<SceneWidget> = {}): SceneWidget => ({ kind: 'label', padding: 0, ...extra });
const row = (children: SceneWidget[], extra: Partial<SceneWidget> = {}): Scene => ({ root: { kind: 'row', children, ...extra } });

function lay(scene: Scene, input: Partial<LayoutInput> = {}) {
  const result = layoutModel(modelTree(scene), { width: 300, height: 100, ...input });
  return { ...result, widths: result.boxes.slice(1).map((b) => b.width), xs: result.boxes.slice(1).map((b) => b.x) };
}

describe('L5 growing', () => {
  it('shares free space by grow, the last grower taking the remainder, and notes the rounding', () => {
    expect(lay(row([box({ grow: 1 }), box({ grow: 1 })])).widths).toEqual([150, 150]);
    const odd = lay(row([box({ grow: 1 }), box({ grow: 1 })]), { width: 301 });
    expect(odd.widths).toEqual([150, 151]);
    expect(odd.roundings).toEqual([{ widget: 0, rule: 'grow-share' }]);
    expect(lay(row([box({ grow: 1 }), box({ grow: 2 })])).widths).toEqual([100, 200]);
  });

  it('freezes a grower its max cuts and shares what it could not take among the others', () => {
    expect(lay(row([box({ grow: 1, maxWidth: 60 }), box({ grow: 1 }), box({ grow: 1 })])).widths).toEqual([60, 120, 120]);
  });

  it('freezes a grower its min raises, after the first round, as CSS does (growth starts from the base, not the min)', () => {
    expect(lay(row([box({ grow: 1, minWidth: 200 }), box({ grow: 1 })])).widths).toEqual([200, 100]);
    // base 0 and 0: a min of 100 is below its 150 share, so it changes nothing
    expect(lay(row([box({ grow: 1, minWidth: 100 }), box({ grow: 1 })])).widths).toEqual([150, 150]);
  });

  it('does not grow a widget with a fixed main size, and gives its share to the others', () => {
    expect(lay(row([box({ grow: 3, width: 50 }), box({ grow: 1 })])).widths).toEqual([50, 250]);
  });

  it('grows nothing inside a scroll view (L8)', () => {
    const scene: Scene = { root: { kind: 'scroll', children: [box({ grow: 1 }), box({ grow: 1 })] } };
    expect(lay(scene).boxes.slice(1).map((b) => b.height)).toEqual([16, 16]);
  });
});

describe('L6, L7 alignment', () => {
  it('aligns what growing leaves (a max-cut grower with align end sits at the end)', () => {
    expect(lay(row([box({ grow: 1, maxWidth: 100 })], { align: 'end' })).xs).toEqual([200]);
  });

  it('centres and ends safely: children that overflow start at the start edge', () => {
    expect(lay(row([box({ width: 400 })], { align: 'center' })).xs).toEqual([0]);
    expect(lay(row([box({ width: 400 })], { align: 'end' })).xs).toEqual([0]);
    const cross = lay({ root: { kind: 'column', crossAlign: 'center', children: [box({ width: 400 }), box({ width: 100 })] } });
    expect(cross.xs).toEqual([0, 100]);
  });

  it('space-between puts the leftover between children, the remainder at the end', () => {
    const result = lay(row([box({ width: 10 }), box({ width: 10 }), box({ width: 10 })], { align: 'space-between' }), { width: 301 });
    expect(result.xs).toEqual([0, 145, 290]);
    expect(result.roundings.map((r) => r.rule)).toEqual(['space-between']);
  });

  it('stretches across, clamped by min and max, unless the cross size is fixed', () => {
    const result = lay(row([box({ maxHeight: 40 }), box({ minHeight: 150 }), box({ height: 30 }), box()]));
    expect(result.boxes.slice(1).map((b) => b.height)).toEqual([40, 150, 30, 100]);
  });
});

describe('L2 sizes', () => {
  it('never makes a box smaller than its padding', () => {
    const result = lay(row([box({ width: 4, height: 4, padding: 6 })], { crossAlign: 'start' }));
    expect([result.boxes[1]!.width, result.boxes[1]!.height]).toEqual([12, 12]);
  });

  it('lets min win over max and over a fixed size', () => {
    expect(lay(row([box({ width: 10, minWidth: 30, maxWidth: 20 })])).widths).toEqual([30]);
  });
});

describe('L3 the root', () => {
  it('fills the screen whatever its own size, min, max and grow say', () => {
    const root = (extra: Partial<SceneWidget>) => lay(row([box()], extra)).boxes[0]!;
    for (const extra of [{ width: 10, height: 10 }, { maxWidth: 0, maxHeight: 5 }, { minWidth: 999, minHeight: 999 }, { grow: 3 }]) {
      expect(root(extra), JSON.stringify(extra)).toMatchObject({ x: 0, y: 0, width: 300, height: 100, visible: true });
    }
  });

  it('is larger than the screen only when its padding is', () => {
    expect(lay(row([], { padding: [60, 200, 70, 150] })).boxes[0]).toMatchObject({ width: 350, height: 130, clip: [0, 0, 300, 100] });
  });
});

describe('V2, V3 clipping and visibility', () => {
  it('rows and columns do not clip: a child overflowing a zero-height column is visible where it overflows', () => {
    const scene: Scene = { root: { kind: 'column', children: [{ kind: 'column', height: 0, children: [box({ height: 20 })] }] } };
    const { boxes } = lay(scene);
    expect(boxes[1]).toMatchObject({ height: 0, visible: false });
    expect(boxes[2]).toMatchObject({ y: 0, height: 20, clip: [0, 0, 300, 20], visible: true });
    expect(hitModel(boxes, 5, 10)).toBe(2);
  });

  it('a scroll view clips at its inner box and moves its content by the offset, clamped to its range', () => {
    const scene: Scene = { root: { kind: 'column', children: [{ kind: 'scroll', height: 50, padding: 5, children: [box({ height: 100 })] }] } };
    const result = lay(scene, { scroll: new Map([[1, { target: 200 * 256, offset: 200 * 256 }]]) });
    expect(result.scroll.get(1)).toEqual({ target: 60 * 256, offset: 60 * 256 }); // range 100 - (50 - 10)
    expect(result.boxes[2]).toMatchObject({ y: 5 - 60, clip: [5, 5, 295, 45], visible: true });
    expect(hitModel(result.boxes, 10, 4)).toBe(1); // the padding is the scroll view's, not its content's
    expect(hitModel(result.boxes, 10, 5)).toBe(2);
  });

  it('a hidden widget and its subtree have an all-zero layout but a measured content size (L10)', () => {
    const scene: Scene = { root: { kind: 'column', children: [{ kind: 'row', hidden: true, children: [box({ text: 'abc' })] }] } };
    const { boxes } = lay(scene);
    expect(boxes[1]).toMatchObject({ x: 0, y: 0, width: 0, height: 0, z: 0, visible: false, contentWidth: 24 });
    expect(boxes[2]).toMatchObject({ width: 0, z: 0, visible: false, contentWidth: 24, contentHeight: 16 });
  });
});

describe('the fixture scenes', () => {
  const sizes: Record<string, [number, number]> = { form: [320, 240], inbox: [320, 240] };
  it.each(readdirSync('fixtures/scenes').filter((f) => f.endsWith('.json')))('%s: the kernel lays it out as the model does', async (file) => {
    const scene = JSON.parse(readFileSync(`fixtures/scenes/${file}`, 'utf8')) as Scene;
    const [width, height] = sizes[file.replace('.json', '')] ?? [1280, 720];
    const session = await openSession({ scene, width, height });
    try {
      await session.step();
      const model = layoutModel(modelTree(scene), { width, height });
      expect(session.widgets().map((w) => w.layout)).toEqual(model.boxes);
      expect(model.boxes.filter((b) => b.visible).length).toBeGreaterThan(1);
    } finally {
      session.close();
    }
  });
});

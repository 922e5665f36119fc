/**
 * Scenes aimed at growing (L5), the rule with the most cases: a few rows and columns of bare boxes
 * with grow factors, min, max and fixed sizes, in sizes that are multiples of 6 on a 360-wide
 * screen so that most divisions come out whole (the Chromium check compares only those). Mixed into
 * the layout properties' trees: sceneArbitrary covers every kind, these make a max cutting a grower
 * or a min raising one common rather than rare.
 */
import fc from 'fast-check';

import type { Scene, SceneWidget } from '../scene/scene_types.js';

const size = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: max / 6 }).map((n) => n * 6);

const boxArbitrary: fc.Arbitrary<SceneWidget> = fc
  .record(
    {
      grow: fc.constantFrom(0, 1, 1, 2, 3),
      width: size(120),
      height: size(60),
      minWidth: size(180),
      maxWidth: size(120),
      minHeight: size(60),
      maxHeight: size(60),
      padding: fc.constantFrom(0, 6),
    },
    { requiredKeys: ['grow'] },
  )
  .map((b): SceneWidget => {
    const widget: SceneWidget = { kind: 'label', padding: b.padding ?? 0, grow: b.grow };
    if (b.width !== undefined) widget.width = b.width;
    if (b.height !== undefined) widget.height = b.height;
    if (b.minWidth !== undefined) widget.minWidth = b.minWidth;
    if (b.maxWidth !== undefined && (b.minWidth === undefined || b.maxWidth >= b.minWidth)) widget.maxWidth = b.maxWidth;
    if (b.minHeight !== undefined) widget.minHeight = b.minHeight;
    if (b.maxHeight !== undefined && (b.minHeight === undefined || b.maxHeight >= b.minHeight)) widget.maxHeight = b.maxHeight;
    return widget;
  });

const lineArbitrary: fc.Arbitrary<SceneWidget> = fc
  .record({
    kind: fc.constantFrom('row' as const, 'column' as const),
    children: fc.array(boxArbitrary, { minLength: 1, maxLength: 5 }),
    gap: fc.constantFrom(0, 6, 12),
    align: fc.constantFrom('start' as const, 'center' as const, 'end' as const, 'space-between' as const),
    crossAlign: fc.constantFrom('start' as const, 'center' as const, 'end' as const, 'stretch' as const),
    grow: fc.constantFrom(0, 1),
  })
  .map((line): SceneWidget => ({ ...line }));

export function flexSceneArbitrary(): fc.Arbitrary<Scene> {
  return fc.array(lineArbitrary, { minLength: 1, maxLength: 3 }).map((lines): Scene => ({ root: { kind: 'column', gap: 6, children: lines } }));
}

/** The screen flex scenes are laid out on: 360 is divisible by every grow total up to 6. */
export const FLEX_SCREEN: [number, number] = [360, 240];

/**
 * Where pointer events go: points chosen from a scene's layout, biased to where hit testing goes
 * wrong (H1, H2, V2): a widget's centre, a point inside it, its first and last pixel row and
 * column, one pixel outside each edge, the part of its box a scroll view clips away, fractional
 * coordinates, and the screen's own edges (x = 0, x = width: valid under I2, hitting nothing).
 *
 * A point is drawn as scene-independent numbers (which widget of a list, which kind of point,
 * fractions) and mapped onto the layout, so it shrinks to "the centre of the first widget".
 * Every point is kept within [0, width] x [0, height], so encodeEvent accepts it.
 */
import fc from 'fast-check';

import { layoutModel } from '../model/layout_model.js';
import { isEnabled, isInteractive, modelTree, type ModelNode } from '../model/model_tree.js';
import type { WidgetLayout } from '../os/os_state.js';
import type { Scene } from '../scene/scene_types.js';

export interface Point {
  x: number;
  y: number;
}

/**
 * The layout to aim at, and lists of widget indices to aim at (each in depth-first order). The
 * lists of kinds hold visible widgets when the scene shows any of them, else the laid-out ones
 * (scrolled or pushed off the screen), so points mostly land where something can be hit.
 */
export interface Targets {
  width: number;
  height: number;
  boxes: readonly WidgetLayout[];
  /** Laid-out widgets (not hidden): the root and everything shown, visible or clipped away. */
  laidOut: readonly number[];
  /** Laid-out widgets with a clip region that is not empty (V3). */
  visible: readonly number[];
  /** Interactive and enabled: what pointer events can target (I3). */
  interactive: readonly number[];
  sliders: readonly number[];
  textFields: readonly number[];
  /** Scroll views and the widgets inside them: where the wheel does something (I7). */
  scrolling: readonly number[];
}

/** The targets of a scene: its layout (the reference model's, unless one is given) and lists. */
export function targetsOf(scene: Scene, width: number, height: number, layout?: readonly WidgetLayout[]): Targets {
  const tree = modelTree(scene);
  const boxes = layout ?? layoutModel(tree, { width, height }).boxes;
  if (boxes.length !== tree.nodes.length) throw new RangeError(`eventStreamArbitrary: layout has ${boxes.length} widgets, the scene ${tree.nodes.length}`);
  const laidOut = tree.nodes.filter((node) => !node.hiddenSubtree);
  const visibleFirst = (nodes: readonly ModelNode[]): number[] => {
    const shown = nodes.filter((node) => boxes[node.index]!.visible);
    return (shown.length > 0 ? shown : nodes).map((node) => node.index);
  };
  const live = laidOut.filter((node) => isInteractive(node) && isEnabled(node));
  const inScroll = (node: ModelNode): boolean => {
    for (let n: ModelNode | undefined = node; n; n = n.parent) if (n.kind === 'scroll') return true;
    return false;
  };
  return {
    width,
    height,
    boxes,
    laidOut: laidOut.map((node) => node.index),
    visible: laidOut.filter((node) => boxes[node.index]!.visible).map((node) => node.index),
    interactive: visibleFirst(live),
    sliders: visibleFirst(live.filter((node) => node.kind === 'slider')),
    textFields: visibleFirst(live.filter((node) => node.kind === 'textField')),
    scrolling: visibleFirst(laidOut.filter(inScroll)),
  };
}

export type PointKind = 'centre' | 'inside' | 'edge' | 'outside' | 'clipped' | 'fractional' | 'screenEdge' | 'anywhere';

/** A point relative to some widget: the kind, a side (0-3) and fractions u, v (0..1023). */
export interface PointSpec {
  kind: PointKind;
  side: number;
  u: number;
  v: number;
}

/** Simplest first: a kind shrinks towards the centre. */
const KIND_WEIGHTS: readonly [PointKind, number][] = [
  ['centre', 4],
  ['inside', 4],
  ['edge', 4],
  ['outside', 3],
  ['clipped', 2],
  ['fractional', 2],
  ['screenEdge', 1],
  ['anywhere', 1],
];
const FRACTIONS = [0.25, 0.5, 0.999, 0.001];

export const pointSpecArbitrary: fc.Arbitrary<PointSpec> = fc.record({
  kind: fc.oneof(...KIND_WEIGHTS.map(([kind, weight]) => ({ arbitrary: fc.constant(kind), weight }))),
  side: fc.nat(3),
  u: fc.nat(1023),
  v: fc.nat(1023),
});

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A whole pixel of [lo, hi) picked by the fraction f (0..1023); lo when the span is empty. */
const pixelOf = (lo: number, hi: number, f: number): number => (hi > lo ? lo + Math.floor(((hi - lo) * f) / 1024) : lo);

/**
 * The parts of the box the clip region leaves out (V2): bands above, below, left and right of
 * the clip, or the whole box when the clip is empty.
 */
function clippedBands(box: Rect, clip: Rect): Rect[] {
  if (clip.x1 <= clip.x0 || clip.y1 <= clip.y0) return box.x1 > box.x0 && box.y1 > box.y0 ? [box] : [];
  const bands: Rect[] = [
    { ...box, y1: Math.min(clip.y0, box.y1) },
    { ...box, y0: Math.max(clip.y1, box.y0) },
    { ...box, x1: Math.min(clip.x0, box.x1) },
    { ...box, x0: Math.max(clip.x1, box.x0) },
  ];
  return bands.filter((r) => r.x1 > r.x0 && r.y1 > r.y0);
}

/** The point a spec names on widget `index`'s box (the screen for 'screenEdge' and 'anywhere'). */
export function resolvePoint(targets: Targets, index: number | undefined, spec: PointSpec): Point {
  const { width, height } = targets;
  const { kind, side, u, v } = spec;
  const clamp = (p: Point): Point => ({ x: Math.min(Math.max(p.x, 0), width), y: Math.min(Math.max(p.y, 0), height) });
  if (kind === 'screenEdge') {
    const along = { x: (width * u) / 1023, y: (height * v) / 1023 };
    return [{ x: 0, y: along.y }, { x: width, y: along.y }, { x: along.x, y: 0 }, { x: along.x, y: height }][side]!;
  }
  const layout = index === undefined ? undefined : targets.boxes[index];
  if (kind === 'anywhere' || layout === undefined) return { x: Math.floor((width * u) / 1023), y: Math.floor((height * v) / 1023) };
  const box: Rect = { x0: layout.x, y0: layout.y, x1: layout.x + layout.width, y1: layout.y + layout.height };
  const [cx0, cy0, cx1, cy1] = layout.clip;
  const clip: Rect = { x0: cx0, y0: cy0, x1: cx1, y1: cy1 };
  // Edges are the ones hit testing sees: the clip region's when it is not empty, else the box's.
  const seen = layout.visible ? clip : box;
  const inside = (r: Rect): Point => ({ x: pixelOf(r.x0, r.x1, u), y: pixelOf(r.y0, r.y1, v) });
  const last = (lo: number, hi: number) => Math.max(hi - 1, lo);
  switch (kind) {
    case 'centre':
      return clamp({ x: (seen.x0 + seen.x1) / 2, y: (seen.y0 + seen.y1) / 2 });
    case 'inside':
      return clamp(inside(seen));
    case 'edge': {
      const p = inside(seen);
      return clamp([{ x: seen.x0, y: p.y }, { x: last(seen.x0, seen.x1), y: p.y }, { x: p.x, y: seen.y0 }, { x: p.x, y: last(seen.y0, seen.y1) }][side]!);
    }
    case 'outside': {
      const p = inside(seen);
      return clamp([{ x: seen.x0 - 1, y: p.y }, { x: seen.x1, y: p.y }, { x: p.x, y: seen.y0 - 1 }, { x: p.x, y: seen.y1 }][side]!);
    }
    case 'clipped': {
      const bands = clippedBands(box, clip);
      return clamp(bands.length === 0 ? inside(seen) : inside(bands[side % bands.length]!));
    }
    case 'fractional': {
      const p = inside(seen);
      return clamp({ x: p.x + FRACTIONS[side]!, y: p.y + FRACTIONS[(side + 1) % 4]! });
    }
  }
}

/**
 * A widget of the first list of `among` that is not empty, or undefined when every list is empty
 * (a hidden root: nothing laid out). Shrinks towards the list's first widget.
 */
export function widgetArbitrary(...among: (readonly number[])[]): fc.Arbitrary<number | undefined> {
  const list = among.find((l) => l.length > 0);
  return list === undefined ? fc.constant(undefined) : fc.nat(list.length - 1).map((i) => list[i]!);
}

/** Points on a widget of `among` (as widgetArbitrary picks it), or on the screen when there is none. */
export function pointArbitrary(targets: Targets, ...among: (readonly number[])[]): fc.Arbitrary<Point> {
  return fc.tuple(widgetArbitrary(...among), pointSpecArbitrary).map(([index, spec]) => resolvePoint(targets, index, spec));
}

/**
 * Points biased to the targets that matter: mostly on one of `preferred` (falling back to the
 * interactive widgets, then any visible one, then any laid-out one), sometimes on any visible
 * widget, and sometimes on any laid-out one (clipped away or off the screen included).
 */
export function biasedPointArbitrary(targets: Targets, preferred: readonly number[] = targets.interactive): fc.Arbitrary<Point> {
  const { interactive, visible, laidOut } = targets;
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: pointArbitrary(targets, preferred, interactive, visible, laidOut), weight: 4 },
    { arbitrary: pointArbitrary(targets, visible, laidOut), weight: 1 },
    { arbitrary: pointArbitrary(targets, laidOut), weight: 1 },
  );
}

/**
 * The layout and hit-testing models checked against Chromium on one scene: every laid-out
 * widget's box must be exactly the browser's, and at every probed pixel the model's hit (H2) must
 * be the browser's elementFromPoint. Exact agreement, no tolerance: a tree where whole-pixel
 * arithmetic rounded somewhere (the model reports each place) is not compared, and is counted as
 * such, because Chromium divides in 1/64 px (docs/PROPERTIES.md says what that leaves unchecked).
 */
import type { WidgetLayout } from '../../os/os_state.js';
import type { Scene } from '../../scene/scene_types.js';
import { hitModel } from '../../model/hit_model.js';
import { layoutModel, type LayoutResult } from '../../model/layout_model.js';
import { modelTree } from '../../model/model_tree.js';
import type { ChromiumLayout } from './chromium_layout.js';

export interface ChromiumCheck {
  /** False when the tree rounded somewhere and was not compared (see `roundings`). */
  compared: boolean;
  roundings: LayoutResult['roundings'];
  /** What differs, one sentence each; empty when the model and Chromium agree. */
  mismatches: string[];
  boxes: number;
  probes: number;
}

/**
 * Pixels worth probing: each visible widget's corners, just inside and one pixel outside each
 * edge, and its centre, kept on the screen. Edges are where off-by-one slips live.
 */
export function probePoints(layout: readonly WidgetLayout[], width: number, height: number): [number, number][] {
  const points = new Map<number, [number, number]>();
  const add = (x: number, y: number): void => {
    if (x >= 0 && y >= 0 && x < width && y < height) points.set(y * width + x, [x, y]);
  };
  for (const box of layout) {
    if (box.width <= 0 || box.height <= 0 || !box.visible) continue;
    const x0 = box.x;
    const y0 = box.y;
    const x1 = box.x + box.width - 1;
    const y1 = box.y + box.height - 1;
    for (const x of [x0 - 1, x0, x1, x1 + 1]) for (const y of [y0 - 1, y0, y1, y1 + 1]) add(x, y);
    add(x0 + (box.width >> 1), y0 + (box.height >> 1));
  }
  return [...points.values()];
}

const describeBox = (b: { x: number; y: number; width: number; height: number }): string => `(${b.x}, ${b.y}) ${b.width}x${b.height}`;

export async function checkAgainstChromium(chromium: ChromiumLayout, scene: Scene, width: number, height: number, scrollPx: ReadonlyMap<number, number> = new Map()): Promise<ChromiumCheck> {
  const tree = modelTree(scene);
  const scroll = new Map([...scrollPx].map(([widget, pixels]) => [widget, { target: pixels * 256, offset: pixels * 256 }]));
  const model = layoutModel(tree, { width, height, scroll });
  if (model.roundings.length > 0) return { compared: false, roundings: model.roundings, mismatches: [], boxes: 0, probes: 0 };

  const probes = probePoints(model.boxes, width, height);
  const browser = await chromium.layout(scene, width, height, tree.nodes.length, scrollPx, probes);
  const mismatches: string[] = [];
  const name = (i: number): string => `#${i} ${tree.nodes[i]!.kind}${tree.nodes[i]!.id ? ` '${tree.nodes[i]!.id}'` : ''}`;
  let boxes = 0;
  tree.nodes.forEach((node, i) => {
    const theirs = browser.boxes[i];
    if (node.hiddenSubtree) {
      if (theirs) mismatches.push(`${name(i)} is hidden, but Chromium laid it out at ${describeBox(theirs)}`);
      return;
    }
    const ours = model.boxes[i]!;
    boxes++;
    if (!theirs) return void mismatches.push(`${name(i)}: the model laid it out at ${describeBox(ours)}, Chromium did not lay it out`);
    if (ours.x !== theirs.x || ours.y !== theirs.y || ours.width !== theirs.width || ours.height !== theirs.height) {
      mismatches.push(`${name(i)}: model ${describeBox(ours)}, Chromium ${describeBox(theirs)}`);
    }
  });
  for (const [widget, state] of model.scroll) {
    const theirs = browser.scroll.get(widget);
    if (theirs !== undefined && theirs * 256 !== state.offset) mismatches.push(`${name(widget)}: scrolled to ${state.offset / 256} px by the model, ${theirs} px by Chromium`);
  }
  probes.forEach(([x, y], k) => {
    const ours = hitModel(model.boxes, x, y);
    const theirs = browser.hits[k];
    if (ours !== theirs) mismatches.push(`pixel (${x}, ${y}): the model hits ${ours === undefined ? 'nothing' : name(ours)}, Chromium ${theirs === undefined ? 'nothing' : name(theirs)}`);
  });
  return { compared: true, roundings: [], mismatches, boxes, probes: probes.length };
}

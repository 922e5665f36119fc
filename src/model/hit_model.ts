/**
 * The reference model of hit testing, written from docs/SCENES.md "Hit testing" (H1-H3) and the
 * target rule I3: which widget is under a point, on a given layout (the caller passes the previous
 * frame's, as H3 requires).
 */
import type { WidgetLayout } from '../os/os_state.js';
import { isEnabled, isInteractive, type ModelTree } from './model_tree.js';

/** H1, H2: the visible widget with the highest paint order whose clip region holds the pixel. */
export function hitModel(layout: readonly WidgetLayout[], x: number, y: number): number | undefined {
  const px = Math.floor(x);
  const py = Math.floor(y);
  let best: number | undefined;
  let bestZ = -1;
  layout.forEach((box, index) => {
    if (!box.visible) return;
    const [x0, y0, x1, y1] = box.clip;
    if (px < x0 || px >= x1 || py < y0 || py >= y1) return;
    if (box.z > bestZ) {
      best = index;
      bestZ = box.z;
    }
  });
  return best;
}

/** I3: the widget hit, if it is interactive and enabled. */
export function targetModel(tree: ModelTree, layout: readonly WidgetLayout[], x: number, y: number): number | undefined {
  const hit = hitModel(layout, x, y);
  if (hit === undefined) return undefined;
  const node = tree.nodes[hit]!;
  return isInteractive(node) && isEnabled(node) ? hit : undefined;
}

/** I7: the nearest scroll view at or above the widget hit, disabled or not. */
export function wheelTargetModel(tree: ModelTree, layout: readonly WidgetLayout[], x: number, y: number): number | undefined {
  const hit = hitModel(layout, x, y);
  for (let node = hit === undefined ? undefined : tree.nodes[hit]; node; node = node.parent) {
    if (node.kind === 'scroll') return node.index;
  }
  return undefined;
}

/**
 * Builds a scene from a root and a flat list of widgets in depth-first order, each with the level
 * it would like to sit at, keeping the budgets the whole scene shares: depth, children per
 * container, the text pool (text-field capacities count) and unique ids. The budgets are kept by
 * construction (a widget sits no deeper than the open containers allow; text is cut where the
 * pool runs out), so any list assembles into a valid scene, and any shorter list (what the
 * shrinker tries) into a smaller one.
 */
import { DEFAULT_CAPACITY, TEXT_POOL_BYTES } from '../scene/scene_validate.js';
import { CONTAINER_KINDS, type Scene, type SceneWidget, type Theme } from '../scene/scene_types.js';
import type { WidgetDraft } from './widget_arbitraries.js';

/** A widget below the root, and the level (1 = a child of the root) it would like. */
export interface PlacedDraft {
  level: number;
  draft: WidgetDraft;
}

export interface SceneDraft {
  name?: string;
  description?: string;
  theme?: Partial<Theme>;
  root: WidgetDraft;
  widgets: readonly PlacedDraft[];
}

export interface AssembleLimits {
  maxDepth: number;
  maxChildren: number;
}

interface Node {
  draft: WidgetDraft;
  children: Node[];
}

/**
 * Each widget becomes a child of the open container at level - 1, or of the deepest open one
 * when fewer are open; a container opens a level, and a widget closes the containers deeper than
 * itself. A full container passes the widget to its parent; with no room anywhere it is left out.
 */
function placeAll(root: WidgetDraft, widgets: readonly PlacedDraft[], limits: AssembleLimits): Node[] {
  const rootNode: Node = { draft: root, children: [] };
  const order: Node[] = [rootNode];
  const open: Node[] = [rootNode]; // open[d] is the container at depth d on the current path
  for (const { level, draft } of widgets) {
    let depth = Math.min(level, open.length, limits.maxDepth);
    while (depth >= 1 && open[depth - 1]!.children.length >= limits.maxChildren) depth--;
    if (depth < 1) continue;
    const node: Node = { draft, children: [] };
    open[depth - 1]!.children.push(node);
    open.length = depth;
    if (CONTAINER_KINDS.includes(draft.widget.kind)) open.push(node);
    order.push(node);
  }
  return order;
}

/** Cuts text where the pool runs out; every text field keeps at least 1 byte of capacity. */
class TextBudget {
  private left: number;

  constructor(fields: number) {
    this.left = TEXT_POOL_BYTES - fields;
  }

  fit(widget: SceneWidget): SceneWidget {
    if (widget.kind === 'textField') {
      const capacity = widget.capacity ?? DEFAULT_CAPACITY;
      const allowed = 1 + Math.min(capacity - 1, this.left);
      this.left -= allowed - 1;
      if (allowed === capacity) return widget;
      return { ...widget, capacity: allowed, ...(widget.text !== undefined ? { text: widget.text.slice(0, allowed) } : {}) };
    }
    if (widget.text === undefined) return widget;
    const text = widget.text.slice(0, this.left);
    this.left -= text.length;
    return text === widget.text ? widget : { ...widget, text };
  }
}

/** Unique ids: a readable `kind<n>` for '' wishes, a clash resolved with a suffix. */
class IdBook {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  take(wish: string, kind: string): string {
    if (wish === '') {
      let id: string;
      do {
        const n = (this.counters.get(kind) ?? 0) + 1;
        this.counters.set(kind, n);
        id = `${kind}${n}`;
      } while (this.used.has(id));
      this.used.add(id);
      return id;
    }
    let id = wish;
    for (let n = 2; this.used.has(id); n++) id = `${wish.slice(0, 60)}-${n}`;
    this.used.add(id);
    return id;
  }
}

/** The scene the draft describes, within every budget of the OS. */
export function assembleScene(scene: SceneDraft, limits: AssembleLimits): Scene {
  const order = placeAll(scene.root, scene.widgets, limits);
  const budget = new TextBudget(order.filter((node) => node.draft.widget.kind === 'textField').length);
  const ids = new IdBook();
  const built = new Map<Node, SceneWidget>();
  // Depth-first order is list order, so budgets are spent in the order the validator counts them.
  for (const node of order) {
    const { kind, ...rest } = budget.fit(node.draft.widget);
    const id = node.draft.id !== undefined ? ids.take(node.draft.id, kind) : undefined;
    built.set(node, id !== undefined ? { kind, id, ...rest } : { kind, ...rest });
  }
  for (const node of order) {
    if (node.children.length > 0) built.get(node)!.children = node.children.map((child) => built.get(child)!);
  }
  return {
    ...(scene.name !== undefined ? { name: scene.name } : {}),
    ...(scene.description !== undefined ? { description: scene.description } : {}),
    ...(scene.theme !== undefined ? { theme: scene.theme } : {}),
    root: built.get(order[0]!)!,
  };
}

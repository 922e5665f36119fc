/**
 * The scene as the reference models read it: a tree of nodes with every property resolved to the
 * value docs/SCENES.md gives it (its own, or the default for its kind).
 *
 * Deliberately independent of src/scene/scene_compile.ts, which builds the kernel's widget records:
 * the models read the scene JSON and the documented defaults themselves, so a slip in the compiler
 * (a padding side swapped, a wrong default) shows up as a disagreement instead of being shared.
 */
import type { CrossAlign, MainAlign, Padding, Scene, SceneWidget, WidgetKind } from '../scene/scene_types.js';

/** docs/SCENES.md "Defaults by kind": padding as top, right, bottom, left. */
const DEFAULT_PADDING: Record<WidgetKind, readonly [number, number, number, number]> = {
  button: [6, 14, 6, 14],
  textField: [6, 8, 6, 8],
  toggle: [4, 0, 4, 0],
  slider: [4, 0, 4, 0],
  label: [2, 0, 2, 0],
  progress: [2, 0, 2, 0],
  row: [0, 0, 0, 0],
  column: [0, 0, 0, 0],
  scroll: [0, 0, 0, 0],
};

/** docs/SCENES.md: a text field holds 32 characters unless it says otherwise. */
const DEFAULT_CAPACITY = 32;

/** The built-in font's cells (docs/FONT.md): advance and line height. */
export const FONT_CELLS = { body: { advance: 8, line: 16 }, title: { advance: 12, line: 24 } } as const;

export const INTERACTIVE_KINDS: readonly WidgetKind[] = ['button', 'toggle', 'slider', 'textField'];
export const CONTAINER_KINDS: readonly WidgetKind[] = ['row', 'column', 'scroll'];

export interface ModelNode {
  /** Depth-first index: the widget's index in the session and its paint order (V4). */
  readonly index: number;
  readonly kind: WidgetKind;
  readonly id: string | undefined;
  readonly parent: ModelNode | undefined;
  readonly children: ModelNode[];
  readonly depth: number;
  /** Its own flags; `hiddenSubtree` and `enabled` fold in the ancestors (V1, I3). */
  readonly hidden: boolean;
  readonly disabled: boolean;
  readonly hiddenSubtree: boolean;
  readonly disabledSubtree: boolean;
  readonly fixed: { w: number | undefined; h: number | undefined };
  readonly min: { w: number; h: number };
  readonly max: { w: number | undefined; h: number | undefined };
  /** top, right, bottom, left */
  readonly padding: readonly [number, number, number, number];
  readonly gap: number;
  readonly grow: number;
  readonly align: MainAlign;
  readonly crossAlign: CrossAlign;
  readonly font: 'body' | 'title';
  readonly text: string;
  readonly capacity: number;
  readonly checked: boolean;
  readonly value: number;
  readonly valueMin: number;
  readonly valueMax: number;
  readonly step: number;
}

export interface ModelTree {
  readonly nodes: readonly ModelNode[];
  readonly root: ModelNode;
}

function paddingOf(padding: Padding | undefined, kind: WidgetKind): readonly [number, number, number, number] {
  if (padding === undefined) return DEFAULT_PADDING[kind];
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  return [padding[0], padding[1], padding[2], padding[3]];
}

/** Builds the model's tree from a scene (one validateScene accepts). */
export function modelTree(scene: Scene): ModelTree {
  const nodes: ModelNode[] = [];
  const visit = (widget: SceneWidget, parent: ModelNode | undefined, depth: number): ModelNode => {
    const valueMin = widget.min ?? 0;
    const node: ModelNode = {
      index: nodes.length,
      kind: widget.kind,
      id: widget.id,
      parent,
      children: [],
      depth,
      hidden: widget.hidden === true,
      disabled: widget.disabled === true,
      hiddenSubtree: widget.hidden === true || parent?.hiddenSubtree === true,
      disabledSubtree: widget.disabled === true || parent?.disabledSubtree === true,
      fixed: { w: widget.width, h: widget.height },
      min: { w: widget.minWidth ?? 0, h: widget.minHeight ?? 0 },
      max: { w: widget.maxWidth, h: widget.maxHeight },
      padding: paddingOf(widget.padding, widget.kind),
      gap: widget.gap ?? 0,
      grow: widget.grow ?? 0,
      align: widget.align ?? 'start',
      crossAlign: widget.crossAlign ?? 'stretch',
      font: widget.font ?? 'body',
      text: widget.text ?? '',
      capacity: widget.kind === 'textField' ? (widget.capacity ?? DEFAULT_CAPACITY) : (widget.text ?? '').length,
      checked: widget.checked === true,
      value: widget.value ?? valueMin,
      valueMin,
      valueMax: widget.max ?? 100,
      step: widget.step ?? 1,
    };
    nodes.push(node);
    for (const child of widget.children ?? []) node.children.push(visit(child, node, depth + 1));
    return node;
  };
  const root = visit(scene.root, undefined, 0);
  return { nodes, root };
}

export function isInteractive(node: ModelNode): boolean {
  return INTERACTIVE_KINDS.includes(node.kind);
}

/** I3: neither it nor an ancestor is disabled, and it is not hidden. */
export function isEnabled(node: ModelNode): boolean {
  return !node.disabledSubtree && !node.hiddenSubtree;
}

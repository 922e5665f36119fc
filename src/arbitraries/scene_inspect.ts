/**
 * Small views of a scene for properties and their counterexample messages: how many widgets, how
 * deep, and a compact readable rendering of the tree.
 */
import type { Scene, SceneWidget } from '../scene/scene_types.js';

const rootOf = (scene: Scene | SceneWidget): SceneWidget => ('root' in scene ? scene.root : scene);

/** Every widget of the scene (or subtree), the root included, in depth-first order. */
export function allWidgets(scene: Scene | SceneWidget): SceneWidget[] {
  const out: SceneWidget[] = [];
  const visit = (widget: SceneWidget): void => {
    out.push(widget);
    for (const child of widget.children ?? []) visit(child);
  };
  visit(rootOf(scene));
  return out;
}

/** How many widgets the scene (or subtree) has, the root included. */
export function countWidgets(scene: Scene | SceneWidget): number {
  const count = (widget: SceneWidget): number => (widget.children ?? []).reduce((sum, child) => sum + count(child), 1);
  return count(rootOf(scene));
}

/** How many levels below the root the deepest widget sits: 0 for a root alone. */
export function sceneDepth(scene: Scene | SceneWidget): number {
  const depth = (widget: SceneWidget): number => (widget.children ?? []).reduce((deepest, child) => Math.max(deepest, 1 + depth(child)), 0);
  return depth(rootOf(scene));
}

function quote(text: string): string {
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 32))}…(${text.length} chars)` : JSON.stringify(text);
}

/** One widget on one line: kind, #id, "text", then its other properties as short key=value. */
export function describeWidget(widget: SceneWidget): string {
  const parts: string[] = [widget.id !== undefined ? `${widget.kind}#${widget.id}` : widget.kind];
  if (widget.text !== undefined) parts.push(quote(widget.text));
  const add = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === true) parts.push(key);
    else parts.push(`${key}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  };
  add('w', widget.width);
  add('h', widget.height);
  add('minW', widget.minWidth);
  add('maxW', widget.maxWidth);
  add('minH', widget.minHeight);
  add('maxH', widget.maxHeight);
  add('pad', widget.padding);
  add('gap', widget.gap);
  add('grow', widget.grow);
  add('align', widget.align);
  add('cross', widget.crossAlign);
  add('cap', widget.capacity);
  add('checked', widget.checked === false ? 'false' : widget.checked);
  add('value', widget.value);
  add('min', widget.min);
  add('max', widget.max);
  add('step', widget.step);
  add('font', widget.font);
  add('bg', widget.background);
  add('fg', widget.foreground);
  add('accent', widget.accent);
  add('border', widget.borderColor);
  add('borderW', widget.borderWidth);
  add('radius', widget.cornerRadius);
  add('hidden', widget.hidden === false ? 'false' : widget.hidden);
  add('disabled', widget.disabled === false ? 'false' : widget.disabled);
  return parts.join(' ');
}

/**
 * The tree, one widget a line, indented two spaces a level, e.g.
 *
 *   column pad=4 gap=2
 *     label "ab"
 *     button#ok "OK" grow=1
 *
 * A scene with a name, description or theme starts with a `scene` line saying so.
 */
export function describeScene(scene: Scene | SceneWidget): string {
  const lines: string[] = [];
  if ('root' in scene && (scene.name !== undefined || scene.description !== undefined || scene.theme !== undefined)) {
    const header = ['scene'];
    if (scene.name !== undefined) header.push(quote(scene.name));
    if (scene.description !== undefined) header.push(`description=${quote(scene.description)}`);
    for (const [key, value] of Object.entries(scene.theme ?? {})) header.push(`theme.${key}=${value}`);
    lines.push(header.join(' '));
  }
  const visit = (widget: SceneWidget, indent: string): void => {
    lines.push(indent + describeWidget(widget));
    for (const child of widget.children ?? []) visit(child, `${indent}  `);
  };
  visit(rootOf(scene), '');
  return lines.join('\n');
}

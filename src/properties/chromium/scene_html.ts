/**
 * A scene as an HTML page of CSS flexbox, for laying it out in Chromium: the oracle nobody here
 * wrote. Each widget is one `<div data-w="index">`; the translation says in CSS exactly what the
 * scene says, plus the OS's documented differences from CSS (docs/SCENES.md, "Differences from
 * CSS"), and nothing else:
 *
 * - `flex-shrink: 0`, and `flex-grow: 0` on the axis where a widget has a fixed size (L5, L8);
 * - explicit `min-width` and `min-height` (CSS's automatic minimum size is not the OS's);
 * - `safe` centre and end alignment (L6, L7);
 * - a leaf's text or control replaced by one box of its content size (L1, the OS's font cells),
 *   which takes no hits (the OS hit-tests boxes, H2);
 * - a scroll view as a column holding a clipping box (its inner box: L8, V2) holding its content,
 *   moved up by the scroll offset, which the page clamps to the range it measures itself.
 *
 * No layout is computed here: sizes come only from the scene and L1's leaf content.
 */
import type { Scene } from '../../scene/scene_types.js';
import { leafContentSize } from '../../model/layout_model.js';
import { modelTree, type ModelNode } from '../../model/model_tree.js';

const JUSTIFY = { start: 'flex-start', center: 'safe center', end: 'safe flex-end', 'space-between': 'space-between' } as const;
const ALIGN = { start: 'flex-start', center: 'safe center', end: 'safe flex-end', stretch: 'stretch' } as const;

const px = (value: number | undefined, none: string): string => (value === undefined ? none : `${value}px`);

function sizeStyle(node: ModelNode, mainAxis: 'w' | 'h' | undefined, root: { width: number; height: number } | undefined): string[] {
  const fixedW = root ? root.width : node.fixed.w;
  const fixedH = root ? root.height : node.fixed.h;
  const style = [
    `width:${px(fixedW, 'auto')}`,
    `height:${px(fixedH, 'auto')}`,
    // L3: the root has no min or max; everyone else's are explicit (0 and none by default).
    `min-width:${root ? '0px' : px(node.min.w, '0px')}`,
    `min-height:${root ? '0px' : px(node.min.h, '0px')}`,
    `max-width:${root ? 'none' : px(node.max.w, 'none')}`,
    `max-height:${root ? 'none' : px(node.max.h, 'none')}`,
    `padding:${node.padding.map((p) => `${p}px`).join(' ')}`,
  ];
  const fixedMain = mainAxis === 'w' ? node.fixed.w : mainAxis === 'h' ? node.fixed.h : undefined;
  style.push(`flex:${fixedMain === undefined ? node.grow : 0} 0 auto`);
  return style;
}

function flexContainerStyle(node: ModelNode, direction: 'row' | 'column'): string[] {
  return [`display:flex`, `flex-direction:${direction}`, `flex-wrap:nowrap`, `gap:${node.gap}px`, `justify-content:${JUSTIFY[node.align]}`, `align-items:${ALIGN[node.crossAlign]}`];
}

function widgetHtml(node: ModelNode, parentMain: 'w' | 'h' | undefined, root: { width: number; height: number } | undefined, scrollPx: ReadonlyMap<number, number>): string {
  if (node.hidden) return `<div data-w="${node.index}" style="display:none"></div>`;
  const style = ['position:relative', 'box-sizing:border-box', ...sizeStyle(node, parentMain, root)];
  const children = (main: 'w' | 'h'): string => node.children.map((child) => widgetHtml(child, main, undefined, scrollPx)).join('');
  if (node.kind === 'row' || node.kind === 'column') {
    style.push(...flexContainerStyle(node, node.kind));
    return `<div data-w="${node.index}" style="${style.join(';')}">${children(node.kind === 'row' ? 'w' : 'h')}</div>`;
  }
  if (node.kind === 'scroll') {
    // The outer box asks for no height (the clip's basis is 0) and lends the clip its inner box;
    // the content column keeps its natural height (no free space: L8) and is moved up by the
    // requested offset, which the page script clamps to content height - clip height.
    style.push('display:flex', 'flex-direction:column', 'align-items:stretch');
    const clip = 'position:relative;overflow:hidden;flex:1 1 0px;min-height:0px;min-width:0px';
    const content = ['position:relative', 'top:0px', ...flexContainerStyle(node, 'column'), 'justify-content:flex-start'].join(';');
    const requested = scrollPx.get(node.index) ?? 0;
    return `<div data-w="${node.index}" style="${style.join(';')}"><div data-clip style="${clip}"><div data-scroll="${requested}" style="${content}">${children('h')}</div></div></div>`;
  }
  const content = leafContentSize(node);
  style.push('display:block');
  // The stand-in for the text or control takes no hits: the OS hit-tests the widget's box (H2),
  // and content overflowing a box smaller than it is drawn clipped, never hit.
  return `<div data-w="${node.index}" style="${style.join(';')}"><div style="width:${content.w}px;height:${content.h}px;pointer-events:none"></div></div>`;
}

/**
 * The page body for a scene on a width × height screen; `scrollPx` asks for a scroll offset (whole
 * pixels) per scroll view, by widget index.
 */
export function sceneHtml(scene: Scene, width: number, height: number, scrollPx: ReadonlyMap<number, number> = new Map()): string {
  const tree = modelTree(scene);
  return widgetHtml(tree.root, undefined, { width, height }, scrollPx);
}

/** The page around it: no margins, nothing scrolls, nothing but the scene. */
export function pageHtml(width: number, height: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;padding:0;overflow:hidden;width:${width}px;height:${height}px}
div{margin:0;border:0;font-size:0;line-height:0}
</style></head><body><div id="scene"></div></body></html>`;
}

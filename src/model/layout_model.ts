/**
 * The reference model of layout, written from docs/SCENES.md "Layout" and "Visibility, clipping
 * and paint order" (rules L1-L10, V1-V4), not from the kernel: a recursive measure of each subtree,
 * then a recursive placement from the root down. Comments cite the rule each step implements.
 *
 * It also notes every place where whole-pixel arithmetic rounded (a division with a remainder) or
 * a value saturated: on a tree with neither, the layout is what exact arithmetic gives, which is
 * what the Chromium check compares (docs/PROPERTIES.md).
 */
import type { WidgetLayout } from '../os/os_state.js';
import { FONT_CELLS, type ModelNode, type ModelTree } from './model_tree.js';

export const SIZE_MAX = 32767;
const POSITION_MIN = -32768;
const POSITION_MAX = 32767;

/** A scroll view's scroll state, 1/256 px. */
export interface ScrollState {
  target: number;
  offset: number;
}

export interface LayoutInput {
  width: number;
  height: number;
  /** By widget index, for scroll views; missing ones are at 0. */
  scroll?: ReadonlyMap<number, ScrollState>;
}

export type Rounding = 'grow-share' | 'center-main' | 'space-between' | 'center-cross' | 'saturated';

export interface LayoutResult {
  /** By widget index. */
  readonly boxes: readonly WidgetLayout[];
  /** Scroll views' state after the layout's clamp (L8), by widget index. */
  readonly scroll: ReadonlyMap<number, ScrollState>;
  /** Where whole pixels rounded or values saturated; empty when the layout is exact. */
  readonly roundings: readonly { widget: number; rule: Rounding }[];
}

type Axis = 'w' | 'h';
interface Size {
  w: number;
  h: number;
}
interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const saturateSize = (v: number): number => Math.min(Math.max(v, 0), SIZE_MAX);
const saturatePosition = (v: number): number => Math.min(Math.max(v, POSITION_MIN), POSITION_MAX);
const floorDiv = (a: number, b: number): number => Math.floor(a / b);

function paddingOn(node: ModelNode, axis: Axis): number {
  const [top, right, bottom, left] = node.padding;
  return axis === 'w' ? left + right : top + bottom;
}

const ZERO_LAYOUT: WidgetLayout = { x: 0, y: 0, width: 0, height: 0, clip: [0, 0, 0, 0], contentWidth: 0, contentHeight: 0, z: 0, visible: false };

class LayoutPass {
  private readonly content: Size[] = [];
  private readonly preferred: Size[] = [];
  /** L5's base: the fixed or content size before min and max (L2 without the clamp). */
  private readonly base: Size[] = [];
  readonly boxes: WidgetLayout[];
  readonly scroll = new Map<number, ScrollState>();
  readonly roundings: { widget: number; rule: Rounding }[] = [];

  constructor(
    private readonly tree: ModelTree,
    private readonly input: LayoutInput,
  ) {
    this.boxes = tree.nodes.map(() => ({ ...ZERO_LAYOUT, clip: [0, 0, 0, 0] }));
  }

  private round(widget: number, rule: Rounding): void {
    this.roundings.push({ widget, rule });
  }

  /** L2's clamp: at most max, at least min, at least the padding. */
  clamp(node: ModelNode, axis: Axis, size: number): number {
    const max = node.max[axis];
    let clamped = max === undefined ? size : Math.min(size, max);
    clamped = Math.max(clamped, node.min[axis]);
    return Math.max(clamped, paddingOn(node, axis));
  }

  private saturate(node: ModelNode, value: number): number {
    if (value > SIZE_MAX) this.round(node.index, 'saturated');
    return Math.min(value, SIZE_MAX);
  }

  /** L1, L2: content, base and preferred size of a node and its whole subtree. */
  measure(node: ModelNode): void {
    for (const child of node.children) this.measure(child);
    const laidOut = node.children.filter((c) => !c.hidden);
    let { w: contentW, h: contentH } = leafContentSize(node);
    switch (node.kind) {
      case 'row':
      case 'column':
      case 'scroll': {
        const along: Axis = node.kind === 'row' ? 'w' : 'h';
        const across: Axis = along === 'w' ? 'h' : 'w';
        let sum = Math.max(laidOut.length - 1, 0) * node.gap;
        let largest = 0;
        for (const child of laidOut) {
          sum += this.preferred[child.index]![along];
          largest = Math.max(largest, this.preferred[child.index]![across]);
        }
        contentW = along === 'w' ? sum : largest;
        contentH = along === 'h' ? sum : largest;
        break;
      }
    }
    const content = { w: this.saturate(node, contentW + paddingOn(node, 'w')), h: this.saturate(node, contentH + paddingOn(node, 'h')) };
    this.content[node.index] = content;
    // L2: the fixed size, else the content; a scroll view's height starts from its padding alone.
    const start = {
      w: node.fixed.w ?? content.w,
      h: node.fixed.h ?? (node.kind === 'scroll' ? paddingOn(node, 'h') : content.h),
    };
    this.base[node.index] = start;
    this.preferred[node.index] = { w: this.saturate(node, this.clamp(node, 'w', start.w)), h: this.saturate(node, this.clamp(node, 'h', start.h)) };
  }

  /** L10: every widget's content size is measured, laid out or not. */
  recordContentSizes(): void {
    for (const node of this.tree.nodes) {
      this.boxes[node.index]!.contentWidth = this.content[node.index]!.w;
      this.boxes[node.index]!.contentHeight = this.content[node.index]!.h;
    }
  }

  /** L3: the root fills the framebuffer; then everything below it. */
  layoutRoot(): void {
    const root = this.tree.root;
    if (root.hidden) return; // V1: nothing is laid out
    // L3: the screen's size as a fixed size with no min or max; only the padding floor applies.
    const size = { w: saturateSize(Math.max(this.input.width, paddingOn(root, 'w'))), h: saturateSize(Math.max(this.input.height, paddingOn(root, 'h'))) };
    const screen = { x0: 0, y0: 0, x1: this.input.width, y1: this.input.height };
    this.setBox(root, 0, 0, size, screen);
  }

  /** Stores a laid-out node's box (L9), clip and visibility (V2, V3), and places its children. */
  private setBox(node: ModelNode, x: number, y: number, size: Size, region: Region): void {
    const box = this.boxes[node.index]!;
    box.x = saturatePosition(x);
    box.y = saturatePosition(y);
    box.width = saturateSize(size.w);
    box.height = saturateSize(size.h);
    if (box.x !== x || box.y !== y || box.width !== size.w || box.height !== size.h) this.round(node.index, 'saturated');
    const x0 = Math.max(region.x0, box.x);
    const y0 = Math.max(region.y0, box.y);
    const x1 = Math.max(Math.min(region.x1, box.x + box.width), x0);
    const y1 = Math.max(Math.min(region.y1, box.y + box.height), y0);
    box.clip = [x0, y0, x1, y1];
    box.visible = x1 > x0 && y1 > y0;
    box.z = node.index; // V4: the depth-first index
    // V3: a container lays out its children whether or not it is visible itself.
    if (node.children.length > 0) this.placeChildren(node, region);
  }

  private placeChildren(node: ModelNode, region: Region): void {
    const box = this.boxes[node.index]!;
    const [top, right, bottom, left] = node.padding;
    const inner = { x: box.x + left, y: box.y + top, w: Math.max(box.width - left - right, 0), h: Math.max(box.height - top - bottom, 0) };
    const horizontal = node.kind === 'row';
    const along: Axis = horizontal ? 'w' : 'h';
    const across: Axis = horizontal ? 'h' : 'w';
    const innerMain = horizontal ? inner.w : inner.h;
    const innerCross = horizontal ? inner.h : inner.w;
    const children = node.children.filter((c) => !c.hidden);
    const gaps = Math.max(children.length - 1, 0) * node.gap;

    let sizes = children.map((c) => this.preferred[c.index]![along]);
    let scrollPx = 0;
    let childRegion = region;
    if (node.kind === 'scroll') {
      // L8: no free space along the column; the content moves up by the rounded offset, clamped
      // to this frame's range; the children are clipped to the inner box (V2).
      const range = Math.max(this.content[node.index]!.h - paddingOn(node, 'h') - inner.h, 0) * 256;
      const state = this.input.scroll?.get(node.index) ?? { target: 0, offset: 0 };
      const clamped = { target: Math.min(Math.max(state.target, 0), range), offset: Math.min(Math.max(state.offset, 0), range) };
      this.scroll.set(node.index, clamped);
      scrollPx = floorDiv(clamped.offset + 128, 256);
      // L9: what a scroll view lets through saturates like a position.
      const through = intersect(region, { x0: inner.x, y0: inner.y, x1: inner.x + inner.w, y1: inner.y + inner.h });
      childRegion = { x0: saturatePosition(through.x0), y0: saturatePosition(through.y0), x1: saturatePosition(through.x1), y1: saturatePosition(through.y1) };
      if (childRegion.x1 !== through.x1 || childRegion.y1 !== through.y1 || childRegion.x0 !== through.x0 || childRegion.y0 !== through.y0) this.round(node.index, 'saturated');
    } else {
      const free = innerMain - sizes.reduce((a, b) => a + b, 0) - gaps;
      if (free > 0) sizes = this.grow(node, children, along, innerMain - gaps);
    }

    // L6: alignment in what is left after growing (none inside a scroll view: L8).
    const leftover = node.kind === 'scroll' ? 0 : innerMain - sizes.reduce((a, b) => a + b, 0) - gaps;
    let cursor = 0;
    let spacing = node.gap;
    if (leftover > 0) {
      if (node.align === 'center') {
        cursor = floorDiv(leftover, 2);
        if (leftover % 2 !== 0) this.round(node.index, 'center-main');
      } else if (node.align === 'end') {
        cursor = leftover;
      } else if (node.align === 'space-between' && children.length > 1) {
        spacing = node.gap + floorDiv(leftover, children.length - 1);
        if (leftover % (children.length - 1) !== 0) this.round(node.index, 'space-between');
      }
    }

    children.forEach((child, i) => {
      // L7: stretch (no fixed cross size) fills the inner cross size, clamped; otherwise the
      // preferred cross size, offset by the safe alignment.
      let cross = this.preferred[child.index]![across];
      let offset = 0;
      if (node.crossAlign === 'stretch') {
        if (child.fixed[across] === undefined) cross = this.clamp(child, across, innerCross);
      } else if (node.crossAlign !== 'start') {
        const free = Math.max(innerCross - cross, 0);
        offset = node.crossAlign === 'end' ? free : floorDiv(free, 2);
        if (node.crossAlign === 'center' && free % 2 !== 0) this.round(child.index, 'center-cross');
      }
      const main = sizes[i]!;
      const x = horizontal ? inner.x + cursor : inner.x + offset;
      const y = horizontal ? inner.y + offset : inner.y + cursor - scrollPx;
      this.setBox(child, x, y, horizontal ? { w: main, h: cross } : { w: cross, h: main }, childRegion);
      cursor += main + spacing;
    });
  }

  /**
   * L5: growing, CSS's "resolve flexible lengths" for positive free space, in whole pixels.
   * `space` is the inner main size minus the gaps. Returns every laid-out child's main size.
   */
  private grow(node: ModelNode, children: readonly ModelNode[], along: Axis, space: number): number[] {
    const preferred = children.map((c) => this.preferred[c.index]![along]);
    const base = children.map((c) => this.base[c.index]![along]);
    const size = preferred.slice();
    const frozen = children.map((c, i) => c.grow === 0 || c.fixed[along] !== undefined || preferred[i]! < base[i]!);
    while (frozen.some((f) => !f)) {
      let remaining = space;
      let growTotal = 0;
      children.forEach((c, i) => {
        remaining -= frozen[i] ? size[i]! : base[i]!;
        if (!frozen[i]) growTotal += c.grow;
      });
      const unfrozen = children.map((_, i) => i).filter((i) => !frozen[i]);
      const offers = new Map<number, number>();
      let handedOut = 0;
      unfrozen.forEach((i, k) => {
        let share = 0;
        if (remaining > 0) {
          if (k === unfrozen.length - 1) {
            share = remaining - handedOut;
          } else {
            share = floorDiv(remaining * children[i]!.grow, growTotal);
            if ((remaining * children[i]!.grow) % growTotal !== 0) this.round(node.index, 'grow-share');
            handedOut += share;
          }
        }
        offers.set(i, base[i]! + share);
      });
      let violation = 0;
      const clamped = new Map<number, number>();
      for (const [i, offer] of offers) {
        const value = this.clamp(children[i]!, along, offer);
        clamped.set(i, value);
        violation += value - offer;
      }
      for (const [i, offer] of offers) {
        const value = clamped.get(i)!;
        size[i] = value;
        if (violation === 0 || (violation > 0 && value > offer) || (violation < 0 && value < offer)) frozen[i] = true;
      }
    }
    return size;
  }
}

function intersect(a: Region, b: Region): Region {
  const x0 = Math.max(a.x0, b.x0);
  const y0 = Math.max(a.y0, b.y0);
  return { x0, y0, x1: Math.max(Math.min(a.x1, b.x1), x0), y1: Math.max(Math.min(a.y1, b.y1), y0) };
}

/**
 * L1 for a leaf: what its content asks for before padding (0 × 0 for a container, whose content
 * is its children). The Chromium check draws a box of this size in place of the leaf's content.
 */
export function leafContentSize(node: ModelNode): Size {
  const cell = FONT_CELLS[node.font];
  switch (node.kind) {
    case 'label':
    case 'button':
      return { w: node.text.length * cell.advance, h: cell.line };
    case 'toggle':
      return { w: cell.line + floorDiv(cell.line, 2) + node.text.length * cell.advance, h: cell.line };
    case 'textField':
      return { w: node.capacity * cell.advance + 2, h: cell.line };
    case 'slider':
      return { w: 160, h: cell.line };
    case 'progress':
      return { w: 160, h: 8 };
    default:
      return { w: 0, h: 0 };
  }
}

/** Lays out a scene's tree on a width × height framebuffer (docs/SCENES.md, L1-L10 and V1-V4). */
export function layoutModel(tree: ModelTree, input: LayoutInput): LayoutResult {
  const pass = new LayoutPass(tree, input);
  pass.measure(tree.root);
  pass.recordContentSizes();
  pass.layoutRoot();
  return { boxes: pass.boxes, scroll: pass.scroll, roundings: pass.roundings };
}

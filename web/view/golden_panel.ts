/**
 * Golden marks: the list beside the frame, and a comparison of one mark's frame with its image in
 * three views (side by side with the diff, a slider between them, one over the other), zoomed to
 * the pixels that differ.
 */
import { getJson } from '../shared/api.js';
import { byId, h, replace } from '../shared/dom.js';
import type { GoldenView, TraceSummary } from './types.js';

const MAX_ZOOM = 16;
/** The zoomed view shows the differing pixels' box with this margin, at most this wide. */
const ZOOM_MARGIN = 8;
const ZOOM_WIDTH = 360;

export class GoldenPanel {
  private view: GoldenView | undefined;

  constructor(
    private readonly summary: TraceSummary,
    private readonly goToFrame: (frame: number) => void,
  ) {
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name=golden-mode], #golden-amount, #golden-zoom')) input.addEventListener('input', () => this.render());
  }

  renderList(frame: number): void {
    replace(
      byId('goldens'),
      ...(this.summary.goldens.length
        ? this.summary.goldens.map((g) => h('li', { dataset: { golden: g.name }, class: g.frame === frame ? 'here' : undefined, onclick: () => void this.open(g.name) }, `${g.name} @ frame ${g.frame}${g.exists ? '' : ' (no image yet)'}`))
        : [h('li', { class: 'meta' }, 'no golden marks')]),
    );
  }

  async open(name: string): Promise<void> {
    const mark = this.summary.goldens.find((g) => g.name === name);
    if (!mark) return;
    this.goToFrame(mark.frame);
    this.view = await getJson<GoldenView>(`api/golden?name=${encodeURIComponent(name)}`);
    byId('golden').hidden = false;
    byId('golden').dataset['status'] = this.view.status;
    byId('golden-name').textContent = `${name} (frame ${mark.frame}): ${this.view.status}`;
    const where = this.view.where;
    byId('golden-message').textContent = `${this.view.golden}: ${this.view.message}${where ? `; bounding box (${where.box[0]},${where.box[1]})-(${where.box[2]},${where.box[3]}), first at ${where.first.map(([x, y]) => `(${x},${y})`).join(' ')}` : ''}`;
    this.render();
  }

  private render(): void {
    const view = this.view;
    if (!view) return;
    const url = (which: string) => `api/golden.png?name=${encodeURIComponent(view.name)}&which=${which}`;
    const mode = document.querySelector<HTMLInputElement>('input[name=golden-mode]:checked')?.value ?? 'side';
    const amount = Number(byId<HTMLInputElement>('golden-amount').value) / 100;
    const zoomed = byId<HTMLInputElement>('golden-zoom').checked && view.where !== undefined;
    const { width, height } = this.summary;
    // The region shown: the differing pixels' box and a margin, or the whole frame.
    let region = { x: 0, y: 0, w: width, h: height, scale: 1 };
    if (zoomed && view.where) {
      const [x0, y0, x1, y1] = view.where.box;
      const x = Math.max(0, x0 - ZOOM_MARGIN);
      const y = Math.max(0, y0 - ZOOM_MARGIN);
      const w = Math.min(width, x1 + 1 + ZOOM_MARGIN) - x;
      const hgt = Math.min(height, y1 + 1 + ZOOM_MARGIN) - y;
      region = { x, y, w, h: hgt, scale: Math.max(1, Math.min(MAX_ZOOM, Math.floor(ZOOM_WIDTH / Math.max(w, hgt)))) };
    }
    const crop = (src: string, extra: Partial<CSSStyleDeclaration> = {}) => {
      const img = h('img', { src, alt: src });
      img.style.position = 'absolute';
      img.style.width = `${width * region.scale}px`;
      img.style.left = `${-region.x * region.scale}px`;
      img.style.top = `${-region.y * region.scale}px`;
      Object.assign(img.style, extra);
      return img;
    };
    const frame = (...images: HTMLImageElement[]) => {
      const box = h('div', { class: 'stack' }, ...images);
      box.style.width = `${region.w * region.scale}px`;
      box.style.height = `${region.h * region.scale}px`;
      box.style.overflow = 'hidden';
      return box;
    };
    const hasExpected = view.status === 'match' || view.status === 'mismatch';
    let content: HTMLElement;
    if (!hasExpected) content = h('figure', {}, h('figcaption', {}, 'actual (no golden to compare)'), frame(crop(url('actual'))));
    else if (mode === 'slider') content = h('figure', {}, h('figcaption', {}, `golden | actual at ${Math.round(amount * 100)}%`), frame(crop(url('expected')), crop(url('actual'), { clipPath: `inset(0 0 0 ${(region.x + amount * region.w) * region.scale}px)` })));
    else if (mode === 'overlay') content = h('figure', {}, h('figcaption', {}, `actual over golden, opacity ${Math.round(amount * 100)}%`), frame(crop(url('expected')), crop(url('actual'), { opacity: String(amount) })));
    else content = h('div', { class: 'images' }, h('figure', {}, h('figcaption', {}, 'golden'), frame(crop(url('expected')))), h('figure', {}, h('figcaption', {}, 'actual'), frame(crop(url('actual')))), view.status === 'mismatch' ? h('figure', {}, h('figcaption', {}, 'diff'), frame(crop(url('diff')))) : null);
    replace(byId('golden-view'), zoomed ? h('p', { class: 'meta' }, `zoomed ${region.scale}x on (${region.x},${region.y}) ${region.w}x${region.h}`) : null, content);
  }
}

/**
 * gpuos view: a trace, frame by frame. The server (src/cli/commands/view.ts) replays the trace to
 * whichever frame the timeline asks for; this page shows the framebuffer with overlays (the
 * widget under the mouse in the tree, every layout box, the tiles redrawn), the frame's events,
 * phases, widget tree and frame state, and the divergence or golden comparison at that frame.
 */
import { getJson } from '../shared/api.js';
import { byId, formatNs, h, replace, showError } from '../shared/dom.js';
import { GoldenPanel } from './golden_panel.js';
import { Timeline } from './timeline.js';
import type { FrameView, TraceSummary, Widget } from './types.js';

const status = byId('status');
const image = byId<HTMLImageElement>('frame-image');
const overlay = byId<HTMLCanvasElement>('overlay');
const zoomSelect = byId<HTMLSelectElement>('zoom');
const showTiles = byId<HTMLInputElement>('show-tiles');
const showBoxes = byId<HTMLInputElement>('show-boxes');

let summary: TraceSummary;
let timeline: Timeline;
let goldens: GoldenPanel;
let current: FrameView | undefined;
let hovered: Widget | undefined;
let pumping: Promise<void> | undefined;
let wanted: number | undefined;
let firstDivergence: number | null | undefined;

async function boot(): Promise<void> {
  summary = await getJson<TraceSummary>('api/summary');
  byId('trace-name').textContent = summary.name;
  byId('trace-meta').textContent = `${summary.path} · ${summary.width}x${summary.height} · ${summary.frames} frames${summary.complete ? '' : ' (incomplete: cut off)'} · recorded with kernel ${summary.kernelDigest}, replayed with ${summary.replayKernelDigest}${summary.description ? ` · ${summary.description}` : ''}`;
  timeline = new Timeline(summary, (frame) => void requestFrame(frame));
  goldens = new GoldenPanel(summary, (frame) => {
    timeline.show(frame);
    void requestFrame(frame);
  });
  byId('jump-divergence').addEventListener('click', () => firstDivergence != null && timeline.go(firstDivergence));
  for (const control of [showTiles, showBoxes]) control.addEventListener('change', drawOverlay);
  zoomSelect.addEventListener('change', () => current && sizePicture());
  timeline.show(summary.initialFrame);
  await requestFrame(summary.initialFrame);
  if (!current) throw new Error(status.textContent ?? 'the first frame could not be shown');
  document.body.dataset['state'] = 'ready';
  if (summary.initialGolden) await goldens.open(summary.initialGolden);
  // The whole replay against the recording, in steps (frames asked for meanwhile are answered
  // between them), to mark the first divergence.
  for (;;) {
    const scan = await getJson<{ frame: number | null; scanned: number; done: boolean }>('api/divergence');
    if (scan.done) {
      firstDivergence = scan.frame;
      break;
    }
    if (!pumping) status.textContent = `${describeFrame()} · checking the replay against the recording: ${scan.scanned} of ${summary.frames} frames…`;
  }
  timeline.setDivergence(firstDivergence);
  const jump = byId<HTMLButtonElement>('jump-divergence');
  jump.disabled = firstDivergence === null;
  document.body.dataset['divergence'] = firstDivergence === null ? 'none' : String(firstDivergence);
  updateStatus();
}

/**
 * Asks for a frame. One load at a time (the first one too): while one is loading, only the latest
 * request is kept, and shown after it. Resolves when no load is left.
 */
function requestFrame(frame: number): Promise<void> {
  wanted = frame;
  pumping ??= (async () => {
    try {
      while (wanted !== undefined) {
        const next: number = wanted;
        wanted = undefined;
        await showFrame(next);
      }
    } catch (error) {
      showError(status, error);
    } finally {
      pumping = undefined;
    }
  })();
  return pumping;
}

async function showFrame(frame: number): Promise<void> {
  const view = await getJson<FrameView>(`api/frame?n=${frame}`);
  image.src = `api/frame.png?n=${frame}&which=actual`;
  await image.decode();
  current = view;
  hovered = undefined;
  sizePicture();
  renderPanels(view);
  image.dataset['frame'] = String(frame);
  document.body.dataset['frame'] = String(frame);
  updateStatus();
}

function describeFrame(): string {
  if (!current) return '';
  return `frame ${current.frame} · ${(current.timeUs / 1000).toFixed(1)} ms (Δ ${(current.deltaUs / 1000).toFixed(1)} ms)${current.fullRedraw ? ' · full redraw' : ''} · kernel ${formatNs(current.kernelNs)}`;
}

function updateStatus(): void {
  if (!current) return;
  const replay = current.ok ? 'the replay matches the recording' : 'the replay DIVERGES from the recording at this frame';
  const first = firstDivergence === undefined ? '' : firstDivergence === null ? ' · no frame diverges' : ` · first divergence: frame ${firstDivergence}`;
  status.textContent = `${describeFrame()} · ${replay}${first}`;
  status.classList.toggle('diverged', !current.ok);
  status.classList.remove('error');
}

function sizePicture(): void {
  const zoom = Number(zoomSelect.value);
  image.style.width = `${summary.width * zoom}px`;
  image.style.height = `${summary.height * zoom}px`;
  overlay.width = summary.width * zoom;
  overlay.height = summary.height * zoom;
  drawOverlay();
}

function drawOverlay(): void {
  const context = overlay.getContext('2d');
  if (!context || !current) return;
  const zoom = Number(zoomSelect.value);
  context.clearRect(0, 0, overlay.width, overlay.height);
  if (showTiles.checked) {
    const size = summary.tileSize;
    const tilesX = Math.ceil(summary.width / size);
    context.fillStyle = 'rgba(34, 197, 94, 0.28)';
    context.strokeStyle = 'rgba(22, 101, 52, 0.7)';
    for (const tile of current.tilesRedrawn) {
      const x = (tile % tilesX) * size * zoom;
      const y = Math.floor(tile / tilesX) * size * zoom;
      context.fillRect(x, y, size * zoom, size * zoom);
      context.strokeRect(x + 0.5, y + 0.5, size * zoom - 1, size * zoom - 1);
    }
  }
  if (showBoxes.checked) {
    context.strokeStyle = 'rgba(124, 58, 237, 0.7)';
    for (const w of current.widgets) if (w.layout.visible) context.strokeRect(w.layout.x * zoom + 0.5, w.layout.y * zoom + 0.5, w.layout.width * zoom - 1, w.layout.height * zoom - 1);
  }
  if (current.divergence) {
    context.strokeStyle = 'rgba(220, 38, 38, 0.9)';
    for (const block of current.divergence.blocks) context.strokeRect(block.x * zoom + 0.5, block.y * zoom + 0.5, 32 * zoom - 1, 32 * zoom - 1);
  }
  if (hovered) {
    const { x, y, width, height } = hovered.layout;
    context.lineWidth = 2;
    context.strokeStyle = '#f97316';
    context.fillStyle = 'rgba(249, 115, 22, 0.15)';
    context.fillRect(x * zoom, y * zoom, width * zoom, height * zoom);
    context.strokeRect(x * zoom + 1, y * zoom + 1, width * zoom - 2, height * zoom - 2);
    context.lineWidth = 1;
  }
}

function flagsOf(w: Widget): string {
  const flags = (['hovered', 'pressed', 'focused', 'checked', 'dragging', 'hidden', 'disabled'] as const).filter((f) => w[f]);
  return flags.join(' ');
}

function widgetTree(widgets: Widget[]): HTMLElement {
  const children = new Map<number | null, Widget[]>();
  for (const w of widgets) children.set(w.parent, [...(children.get(w.parent) ?? []), w]);
  const list = (parent: number | null): HTMLUListElement | null => {
    const kids = children.get(parent);
    if (!kids) return null;
    return h(
      'ul',
      {},
      ...kids.map((w) => {
        const { x, y, width, height } = w.layout;
        const extra = [w.text ? JSON.stringify(w.text) : '', w.kind === 'slider' || w.kind === 'progress' ? `value ${w.value}` : '', w.kind === 'scroll' ? `scroll ${w.scrollOffset}` : '', w.activations ? `activations ${w.activations}` : ''].filter(Boolean).join(' ');
        const row = h(
          'span',
          { dataset: { widget: w.name }, onmouseenter: () => ((hovered = w), drawOverlay()), onmouseleave: () => ((hovered = undefined), drawOverlay()) },
          `${w.name} `,
          h('small', {}, w.kind),
          ' ',
          h('span', { class: 'flags' }, flagsOf(w)),
          ' ',
          h('span', { class: 'box' }, w.layout.visible ? `${x},${y} ${width}x${height}` : 'not visible'),
          extra ? ` ${extra}` : '',
        );
        return h('li', {}, row, list(w.index));
      }),
    );
  };
  const root = list(null) ?? h('ul');
  root.id = 'widgets';
  root.className = 'tree';
  return root;
}

function renderPanels(view: FrameView): void {
  replace(byId('events'), ...(view.operations.length ? view.operations.map((line) => h('li', {}, line)) : [h('li', { class: 'meta' }, 'no input this frame')]));
  const total = Math.max(1, view.phases.reduce((sum, p) => sum + p.ns, 0));
  replace(byId('phases'), ...view.phases.map((p) => h('tr', {}, h('td', {}, p.phase), h('td', { class: 'num' }, formatNs(p.ns)), h('td', {}, h('span', { class: 'bar', style: { width: `${Math.round((p.ns / total) * 120)}px` } })))), h('tr', {}, h('td', {}, 'total'), h('td', { class: 'num' }, formatNs(view.kernelNs)), h('td', {}, `${view.tilesRedrawn.length} tiles redrawn`)));
  byId('widgets').replaceWith(widgetTree(view.widgets));
  replace(byId('frame-state'), ...Object.entries(view.state).map(([key, value]) => h('tr', {}, h('td', {}, key), h('td', { class: 'num' }, typeof value === 'object' ? JSON.stringify(value) : String(value)))));
  goldens.renderList(view.frame);
  const section = byId('divergence');
  section.hidden = !view.divergence;
  if (view.divergence) {
    const d = view.divergence;
    replace(
      section.querySelector('tbody')!,
      ...d.fields.map((f) => h('tr', {}, h('td', {}, f.path), h('td', { class: 'expected' }, f.decoded ? `${f.decoded.expected} (${f.expected})` : String(f.expected)), h('td', { class: 'actual' }, f.decoded ? `${f.decoded.actual} (${f.actual})` : String(f.actual)))),
    );
    byId('divergence-other').textContent = [d.blocks.length ? `${d.blocks.length} framebuffer blocks of 32x32 differ (outlined in red)` : '', ...d.regions.map((r) => `${r} differs (known by digest only)`)].filter(Boolean).join(' · ');
    for (const which of ['expected', 'actual', 'diff'] as const) byId<HTMLImageElement>(`divergence-${which}`).src = `api/frame.png?n=${view.frame}&which=${which}`;
  }
}

boot().catch((error: unknown) => {
  showError(status, error);
  document.body.dataset['state'] = 'error';
});

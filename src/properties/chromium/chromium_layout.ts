/**
 * Chromium as a layout and hit-testing oracle: lays a scene out as HTML flexbox (scene_html.ts) in
 * headless Chromium, driven by playwright-core, and reads back every widget's box
 * (getBoundingClientRect) and the widget under each probed pixel (elementFromPoint).
 * Device scale factor 1; one page is reused for every scene, so a check costs one round trip.
 *
 * Pixels are probed at their top-left corner, (x, y) in whole numbers, not at their centre:
 * measured on Chromium 156, elementFromPoint at a fractional point hits whatever a one-pixel area
 * there touches (a box starting at x = 10 is hit at 9.4), while at whole coordinates it is the
 * exact half-open test [x0, x1) that H1/H2 describe, which is the pixel (x, y) itself.
 */
import { existsSync } from 'node:fs';

import { GpuosError } from '../../errors.js';
import type { Scene } from '../../scene/scene_types.js';
import { pageHtml, sceneHtml } from './scene_html.js';

/** Where Debian (and CI's .ci/run) installs chromium; GPUOS_CHROMIUM overrides it. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export class ChromiumUnavailableError extends GpuosError {
  constructor(message: string) {
    super('E_CHROMIUM_UNAVAILABLE', message);
  }
}

export function chromiumPath(): string {
  return process.env['GPUOS_CHROMIUM'] ?? DEFAULT_CHROMIUM;
}

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}

export interface BrowserBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BrowserLayout {
  /** By widget index; undefined for a widget the browser does not lay out (display: none). */
  boxes: (BrowserBox | undefined)[];
  /** For each probe [x, y], the widget whose element is at that pixel, or undefined. */
  hits: (number | undefined)[];
  /** The scroll offset (whole px) each scroll view got after the page clamped the request, by index. */
  scroll: Map<number, number>;
}

interface PlaywrightBrowser {
  newPage(options: { viewport: { width: number; height: number }; deviceScaleFactor: number }): Promise<PlaywrightPage>;
  close(): Promise<void>;
}
interface PlaywrightPage {
  setContent(html: string): Promise<void>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
}

interface PageResult {
  boxes: (BrowserBox | null)[];
  hits: number[];
  scroll: [number, number][];
}
type PageLayout = (html: string, count: number, probes: [number, number][], width: number, height: number) => PageResult;

/**
 * Installed in the page once (plain JavaScript: the project compiles without the DOM's types).
 * Builds the scene, clamps each scroll offset to the range the page measures (content height minus
 * the clipping box's), then reads every laid-out widget's box and the widget at each probe.
 */
const PAGE_SCRIPT = `globalThis.__gpuosLayout = (html, count, probes, width, height) => {
  for (const element of [document.documentElement, document.body]) {
    element.style.width = width + 'px';
    element.style.height = height + 'px';
  }
  const host = document.getElementById('scene');
  host.innerHTML = html;
  const scroll = [];
  for (const content of host.querySelectorAll('[data-scroll]')) {
    const clip = content.parentElement;
    const range = Math.max(content.getBoundingClientRect().height - clip.getBoundingClientRect().height, 0);
    const offset = Math.min(Number(content.dataset.scroll), range);
    content.style.top = (-offset) + 'px';
    scroll.push([Number(clip.parentElement.dataset.w), offset]);
  }
  const boxes = new Array(count).fill(null);
  for (const element of host.querySelectorAll('[data-w]')) {
    if (element.getClientRects().length === 0) continue;
    const r = element.getBoundingClientRect();
    boxes[Number(element.dataset.w)] = { x: r.x, y: r.y, width: r.width, height: r.height };
  }
  const hits = probes.map(([x, y]) => {
    const element = document.elementFromPoint(x, y);
    const widget = element ? element.closest('[data-w]') : null;
    return widget ? Number(widget.dataset.w) : -1;
  });
  return { boxes, hits, scroll };
};`;

export class ChromiumLayout {
  private viewport = { width: 0, height: 0 };
  private pageReady = false;

  private constructor(
    private readonly browser: PlaywrightBrowser,
    private readonly page: PlaywrightPage,
  ) {}

  /** Starts headless Chromium (ChromiumUnavailableError when it or playwright-core is missing). */
  static async launch(): Promise<ChromiumLayout> {
    const executablePath = chromiumPath();
    if (!existsSync(executablePath)) {
      throw new ChromiumUnavailableError(`no chromium at ${executablePath}: install Debian's chromium (apt-get install chromium) or set GPUOS_CHROMIUM to a Chromium binary`);
    }
    let playwright: { chromium: { launch(options: object): Promise<PlaywrightBrowser> } };
    try {
      playwright = (await import('playwright-core')) as unknown as typeof playwright;
    } catch {
      throw new ChromiumUnavailableError('the Chromium check needs the playwright-core package: npm install --save-dev playwright-core');
    }
    let browser: PlaywrightBrowser;
    try {
      browser = await playwright.chromium.launch({ executablePath, args: ['--no-sandbox'], timeout: 60_000 });
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw new ChromiumUnavailableError(`${executablePath} did not start as headless Chromium (${why}): install Debian's chromium (apt-get install chromium) or set GPUOS_CHROMIUM to a working Chromium binary`);
    }
    try {
      const page = await browser.newPage({ viewport: { width: 320, height: 240 }, deviceScaleFactor: 1 });
      return new ChromiumLayout(browser, page);
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  /** Lays `scene` out on a width × height screen and probes the given pixels. */
  async layout(scene: Scene, width: number, height: number, widgetCount: number, scrollPx: ReadonlyMap<number, number>, probes: [number, number][]): Promise<BrowserLayout> {
    // The viewport only grows: html and body are sized to each screen by the page script, and the
    // viewport stays at least one pixel wider and taller, so that no probe is on its last pixel,
    // where elementFromPoint is unreliable (measured: null at the last column's centre).
    if (this.viewport.width < width + 1 || this.viewport.height < height + 1) {
      this.viewport = { width: Math.max(this.viewport.width, width + 1), height: Math.max(this.viewport.height, height + 1) };
      await this.page.setViewportSize(this.viewport);
    }
    if (!this.pageReady) {
      await this.page.setContent(pageHtml(width, height));
      await this.page.evaluate((script: string) => (0, eval)(script), PAGE_SCRIPT);
      this.pageReady = true;
    }
    const call = ([html, count, points, w, h]: [string, number, [number, number][], number, number]): PageResult =>
      (globalThis as unknown as { __gpuosLayout: PageLayout }).__gpuosLayout(html, count, points, w, h);
    const result = await this.page.evaluate(call, [sceneHtml(scene, width, height, scrollPx), widgetCount, probes, width, height] as [string, number, [number, number][], number, number]);
    return {
      boxes: result.boxes.map((box) => box ?? undefined),
      hits: result.hits.map((hit) => (hit < 0 ? undefined : hit)),
      scroll: new Map(result.scroll),
    };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/**
 * The HTML report of a replay run, opened in a real browser (chromium through playwright-core):
 * a golden mismatch, a divergence and a pass on one page, every image inlined and loaded, the
 * expected/actual/diff images side by side, no scripts, no console errors, no network.
 *
 * Everything is built in a temp directory: copies of a fixture trace and its goldens (one golden
 * broken by a pixel), and a trace rewritten with one frame's click removed so the replay diverges.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { PNG } from 'pngjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isCi } from '../../src/golden/golden_store.js';
import { readPng, writePng } from '../../src/golden/png.js';
import { replayTrace, type ReplayReport } from '../../src/replayer/replay_trace.js';
import { describeOperation } from '../../src/os/host_operations.js';
import { writeHtmlReport } from '../../src/report/html_report.js';
import { withoutFirstClick } from '../trace/trace_helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const TAMPERED_NAME = 'form-toggle-tampered';

let tmp: string;
let goldenRoot: string;
let goldenReport: ReplayReport;
let divergenceReport: ReplayReport;
let passingReport: ReplayReport;
let clickFrame: number;
let reportPath: string;

/**
 * Copies a fixture trace into the temp directory and writes its goldens there by replaying it (not
 * copied from golden/: a golden broken on purpose in the repository must fail only the fixture test).
 */
async function copyFixture(name: string): Promise<string> {
  const path = join(tmp, 'traces', `${name}.gtrace`);
  cpSync(join(ROOT, 'fixtures', 'traces', `${name}.gtrace`), path);
  await replayTrace(path, { root: goldenRoot, ci: false, update: true });
  return path;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gpuos-report-test-'));
  goldenRoot = join(tmp, 'golden');
  const policy = { root: goldenRoot, output: join(tmp, 'replay-output'), artifacts: join(tmp, 'golden-artifacts'), ci: false };

  // 1. A golden one pixel off.
  const toggle = await copyFixture('form-toggle');
  const broken = join(goldenRoot, 'form-toggle', 'checked.png');
  const image = readPng(broken);
  image.data[0] = image.data[0]! ^ 0xff;
  writePng(broken, image);
  goldenReport = await replayTrace(toggle, policy);

  // 2. A divergence (its goldens before the divergence are the real ones, under the new name).
  cpSync(join(goldenRoot, 'form-toggle'), join(goldenRoot, TAMPERED_NAME), { recursive: true });
  // (the one broken pixel is in 'checked', which comes after the divergence)
  const tampered = join(tmp, 'traces', `${TAMPERED_NAME}.gtrace`);
  clickFrame = withoutFirstClick(join(ROOT, 'fixtures', 'traces', 'form-toggle.gtrace'), { path: tampered, traceName: TAMPERED_NAME }).frame;
  divergenceReport = await replayTrace(tampered, policy);

  // 3. A pass.
  passingReport = await replayTrace(await copyFixture('form-press-release'), policy);

  reportPath = writeHtmlReport(join(tmp, 'report', 'report.html'), [passingReport, goldenReport, divergenceReport]);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the reports behind the page', () => {
  it('the broken golden fails with actual and diff images', () => {
    expect(goldenReport.ok).toBe(false);
    expect(goldenReport.divergence).toBeUndefined();
    const checked = goldenReport.goldens.find((g) => g.name === 'checked')!;
    expect(checked).toMatchObject({ status: 'mismatch', failed: true });
    expect(checked.comparison?.diffPixels).toBe(1);
    expect(existsSync(checked.actual!)).toBe(true);
    expect(existsSync(checked.diff!)).toBe(true);
    expect(goldenReport.goldens.filter((g) => g.status === 'match')).toHaveLength(2);
  });

  it('the broken golden says how many pixels, where, and at which frame; the page lists that frame\'s input', () => {
    const checked = goldenReport.goldens.find((g) => g.name === 'checked')!;
    const marked = goldenReport.goldens.find((g) => g.name === 'checked')!.frame!;
    expect(marked).toBeGreaterThan(0);
    expect(checked.comparison?.where).toEqual({ box: [0, 0, 0, 0], first: [[0, 0]] });
    expect(checked.message).toContain(`1 pixel differs from ${checked.golden} (allowed 0) at frame ${marked}, within (0,0)-(0,0), the first at (0,0)`);
    // Only the failing golden's frame carries its input into the report.
    expect(goldenReport.goldenFrames?.map((f) => f.frame)).toEqual([marked]);
    const page = readFileSync(reportPath, 'utf8');
    const section = page.slice(page.indexOf('data-golden="checked"'), page.indexOf('</section>', page.indexOf('data-golden="checked"')));
    expect(section).toContain(`golden <code>checked</code> at frame ${marked}: mismatch (1 pixel differs): within (0,0)-(0,0)`);
    expect(section).toContain(`input before frame ${marked}`);
    expect(section).not.toContain('data-golden="hovered"');
  });

  it('the tampered trace diverges at the frame that lost its click, with images and events', () => {
    expect(clickFrame).toBeGreaterThan(0);
    expect(divergenceReport.ok).toBe(false);
    const d = divergenceReport.divergence!;
    expect(d).toBeDefined();
    expect(d.frame).toBe(clickFrame);
    expect(d.operations.flatMap(describeOperation).length).toBeGreaterThan(0);
    for (const path of [d.images.expected, d.images.actual, d.images.diff]) expect(existsSync(path), path).toBe(true);
  });

  it('the untouched trace passes', () => {
    expect(passingReport.ok).toBe(true);
    expect(passingReport.goldens.length).toBeGreaterThan(0);
    expect(passingReport.goldens.every((g) => g.status === 'match')).toBe(true);
  });

  it('the page is static: no scripts, no external resources', () => {
    const html = readFileSync(reportPath, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:|\/\/|file:)/i);
    const sources = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]!);
    // Expected, actual and diff for each of the two failures, and a zoomed pair of each difference.
    expect(sources).toHaveLength(10);
    for (const src of sources) expect(src.startsWith('data:image/png;base64,')).toBe(true);
  });
});

it('chromium is installed (required when CI is set)', (context) => {
  if (!isCi() && !HAVE_CHROMIUM) context.skip();
  expect(existsSync(CHROMIUM), `${CHROMIUM} is needed for the browser checks of the HTML report`).toBe(true);
});

describe.skipIf(!HAVE_CHROMIUM && !isCi())('the page in chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('its title says what failed', async () => {
    const title = await page.title();
    expect(title).toContain('failed');
    expect(title).toBe('gpuos replay: 3 traces, 2 failed');
  });

  it('lists failures first, with a section for each failure', async () => {
    const articles = await page.$$eval('article.trace', (list) => list.map((a) => ({ id: a.id, classes: a.className })));
    expect(articles.map((a) => a.id)).toEqual(['form-toggle', TAMPERED_NAME, 'form-press-release']);
    expect(articles.map((a) => a.classes)).toEqual(['trace fail', 'trace fail', 'trace pass']);
    await expect(page.locator('article#form-toggle section.failure.golden[data-golden="checked"]').count()).resolves.toBe(1);
    await expect(page.locator(`article#${TAMPERED_NAME} section.failure.divergence[data-frame="${clickFrame}"]`).count()).resolves.toBe(1);
    await expect(page.locator('article#form-press-release section.failure').count()).resolves.toBe(0);
    const links = await page.$$eval('nav a', (list) => list.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#form-toggle', `#${TAMPERED_NAME}`]);
  });

  it('every image has loaded', async () => {
    const widths = await page.$$eval('.images:not(.zoom) img', (images) => images.map((i) => (i.complete ? i.naturalWidth : -1)));
    expect(widths).toHaveLength(6);
    for (const width of widths) expect(width).toBe(320);
    // The zoomed crops of each difference, magnified: wider than the few pixels that differ.
    const zoomed = await page.$$eval('.images.zoom img', (images) => images.map((i) => (i.complete ? i.naturalWidth : -1)));
    expect(zoomed).toHaveLength(4);
    for (const width of zoomed) expect(width).toBeGreaterThan(24);
    await expect(page.locator('figure.missing').count()).resolves.toBe(0);
  });

  it('the divergence section names the frame and lists the input before it', async () => {
    const section = page.locator('section.failure.divergence');
    await expect(section.locator('h3').textContent()).resolves.toBe(`first divergence: frame ${clickFrame}`);
    await expect(section.locator('pre').textContent()).resolves.toContain(`frame ${clickFrame} diverged from the recording`);
    await expect(section.locator('h4').textContent()).resolves.toBe(`input before frame ${clickFrame}`);
    const events = await section.locator('ol.events li').allTextContents();
    expect(events).toEqual(divergenceReport.divergence!.operations.flatMap(describeOperation));
    expect(events.some((e) => e.startsWith('pointerMove ('))).toBe(true);
  });

  it('the golden section says how many pixels differ', async () => {
    const heading = await page.locator('section.failure.golden h3').textContent();
    expect(heading).toBe(`golden checked at frame ${goldenReport.goldens.find((g) => g.name === 'checked')!.frame}: mismatch (1 pixel differs): within (0,0)-(0,0), the first at (0,0)`);
  });

  /** The three images of a failure section, in order: expected, actual, diff. */
  async function imageBoxes(selector: string): Promise<{ x: number; y: number; width: number; height: number }[]> {
    const figures = page.locator(`${selector} .images:not(.zoom) figure`);
    expect(await figures.count()).toBe(3);
    const boxes = await Promise.all([0, 1, 2].map((i) => figures.nth(i).locator('img').boundingBox()));
    for (const box of boxes) expect(box, selector).not.toBeNull();
    return boxes as { x: number; y: number; width: number; height: number }[];
  }

  it('shows expected, actual and diff in that order, each with its caption and file', async () => {
    const golden = goldenReport.goldens.find((g) => g.name === 'checked')!;
    const d = divergenceReport.divergence!;
    const sections: [string, string[]][] = [
      ['section.failure.golden', [golden.golden, golden.actual!, golden.diff!]],
      ['section.failure.divergence', [d.images.expected, d.images.actual, d.images.diff]],
    ];
    for (const [selector, files] of sections) {
      const figures = page.locator(`${selector} .images:not(.zoom) figure`);
      const captions = await figures.locator('figcaption').allTextContents();
      expect(captions).toEqual([expect.stringMatching(/^expected/), expect.stringMatching(/^actual/), 'diff']);
      expect(await figures.locator('code').allTextContents()).toEqual(files);
      const boxes = await imageBoxes(selector);
      for (const box of boxes) expect(box.width).toBeGreaterThan(0);
      // Left to right, or at least top to bottom: never out of order.
      for (let i = 1; i < 3; i++) expect(boxes[i]!.y > boxes[i - 1]!.y || boxes[i]!.x >= boxes[i - 1]!.x + boxes[i - 1]!.width).toBe(true);
    }
  });

  // A figure is as wide as its image: long paths and captions wrap or are cut to it (they once
  // widened the figures until the diff wrapped under the others at 1280 px).
  it('shows expected, actual and diff side by side (same top) in a 1280 px window', async () => {
    for (const selector of ['section.failure.golden', 'section.failure.divergence']) {
      const [a, b, c] = await imageBoxes(selector);
      expect(b!.y, `${selector}: actual is beside expected`).toBe(a!.y);
      expect(c!.y, `${selector}: diff is beside actual`).toBe(a!.y);
      expect(b!.x).toBeGreaterThanOrEqual(a!.x + a!.width);
      expect(c!.x).toBeGreaterThanOrEqual(b!.x + b!.width);
    }
  });

  // Images are drawn at their size, not stretched to their captions (they once were).
  it('draws expected, actual and diff at the same size', async () => {
    for (const selector of ['section.failure.golden', 'section.failure.divergence']) {
      const [a, b, c] = await imageBoxes(selector);
      expect([b!.width, b!.height], `${selector}: actual`).toEqual([a!.width, a!.height]);
      expect([c!.width, c!.height], `${selector}: diff`).toEqual([a!.width, a!.height]);
    }
  });

  it('logs no console errors and requests nothing but the page and data: URIs', () => {
    expect(consoleErrors).toEqual([]);
    const page = pathToFileURL(reportPath).href;
    expect(requests.filter((url) => url !== page && !url.startsWith('data:'))).toEqual([]);
  });

  it('renders a non-trivial screenshot', async () => {
    const path = join(tmp, 'report.png');
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(20_000);
    const png = PNG.sync.read(readFileSync(path));
    expect(png.width).toBe(1280);
    expect(png.height).toBeGreaterThan(800);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length && colours.size < 64; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(16);
  });
});

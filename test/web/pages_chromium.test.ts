/**
 * The local pages end to end in real Chromium (playwright-core and Debian's chromium): play the OS
 * and record a click, then replay the recording bit-identically; drag the viewer's timeline and
 * check the picture shown against the replayer's framebuffer at that frame; follow a divergence
 * from the HTML report into the viewer at the failing frame.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isCi } from '../../src/golden/golden_store.js';
import { openSession } from '../../src/os/session.js';
import { EVENT_TYPES } from '../../src/os/input_events.js';
import { startPlayServer } from '../../src/play/play_server.js';
import { loadScenario } from '../../src/recorder/scenario.js';
import { recordScenario } from '../../src/recorder/scenario_runner.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { Replayer } from '../../src/replayer/replayer.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { startViewServer } from '../../src/view/view_server.js';
import { gpuos } from '../cli/cli_helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const FORM = resolve('fixtures/scenes/form.json');

let dir: string;
let browser: Browser | undefined;
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  return page;
}

/** The replay's framebuffer after `frame`. */
async function replayedFramebuffer(trace: string, frame: number, kernel?: string): Promise<Uint8Array> {
  const replayer = await Replayer.open(trace, kernel ? { kernel } : {});
  try {
    await replayer.seek(frame);
    while (replayer.position < frame) await replayer.step();
    await replayer.step();
    return replayer.session.framebuffer().slice();
  } finally {
    replayer.close();
  }
}

/** The pixels of an <img> at its natural size, as the page decoded them. */
async function imagePixels(page: Page, selector: string): Promise<Uint8Array> {
  // Browser code as a string: this file is compiled for Node, without the DOM's types.
  const base64 = await page.evaluate<string>(`(() => {
    const img = document.querySelector(${JSON.stringify(selector)});
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let binary = '';
    for (let i = 0; i < data.length; i++) binary += String.fromCharCode(data[i]);
    return btoa(binary);
  })()`);
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** A report's command line back into words (it quotes with '...' only). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpuos-pages-'));
  if (HAVE_CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('chromium is installed (required when CI is set)', (context) => {
  if (!isCi() && !HAVE_CHROMIUM) context.skip();
  expect(existsSync(CHROMIUM), `${CHROMIUM} is needed for the end-to-end tests of gpuos play and gpuos view`).toBe(true);
});

describe.skipIf(!HAVE_CHROMIUM && !isCi())('in chromium', () => {
  it('play: a click on the toggle while recording, a golden marked, and the recording replays bit-identically', async () => {
    // Where the toggle is, from the OS itself.
    const probe = await openSession({ scene: FORM, width: 320, height: 240 });
    await probe.step();
    const { x, y, width, height } = probe.widget('updates').layout;
    probe.close();
    const recording = join(dir, 'played.gtrace');
    const server = await startPlayServer({ scene: FORM, width: 320, height: 240, record: recording, recordAtStart: true });
    const page = await newPage();
    try {
      await page.goto(server.url);
      await page.waitForSelector('body[data-state=ready]');
      const screen = await page.locator('#screen').boundingBox();
      const scale = screen!.width / 320;
      await page.mouse.move(screen!.x + (x + width / 2) * scale, screen!.y + (y + height / 2) * scale);
      await page.mouse.down();
      await page.mouse.up();
      // The toggle's state reaches the page's frame-state table once the OS has taken the click.
      await page.locator('#frame-state', { hasText: '"updates"' }).waitFor();
      await page.locator('#golden-name').fill('after-click');
      // F9 on the picture marks the golden: once, on the key's press (its release does nothing).
      await page.locator('#screen').focus();
      await page.keyboard.press('F9');
      await page.locator('#recording-status', { hasText: 'after-click' }).waitFor();
      const before = Number(await page.locator('#recording-status').getAttribute('data-frames'));
      // Polled from here: the page's Content-Security-Policy refuses the string evaluation waitForFunction would use.
      for (let tries = 0; Number(await page.locator('#recording-status').getAttribute('data-frames')) <= before + 5; tries++) {
        expect(tries, 'frames keep being recorded').toBeLessThan(200);
        await page.waitForTimeout(50);
      }
      // F8 held, then released: the recording stops once (a release that started it again would
      // restart the OS and record over the file).
      await page.keyboard.down('F8');
      await page.waitForSelector('#recording-status[data-written]');
      await page.waitForTimeout(200);
      await page.keyboard.up('F8');
      await page.waitForTimeout(300);
      await expect(page.locator('#recording-status').getAttribute('data-active')).resolves.toBe('false');
    } finally {
      await page.close();
      await server.close();
    }
    const trace = Trace.open(recording);
    let downs = 0;
    let frames: number;
    try {
      frames = trace.frameCount;
      for (const frame of trace.frames()) for (const op of frame.operations) if (op.kind === 'events') downs += op.events.filter((e) => e.type === EVENT_TYPES.pointerDown).length;
      expect(trace.complete).toBe(true);
      expect(trace.goldens.map((g) => g.name)).toEqual(['after-click']);
    } finally {
      trace.close();
    }
    expect(downs).toBe(1);
    expect(frames).toBeGreaterThan(10);
    // Every frame replays to the digests recorded; the golden is written by the first replay.
    const goldens = join(dir, 'golden');
    const first = await replayTrace(recording, { root: goldens, ci: false });
    expect(first.ok).toBe(true);
    expect(first.replayed).toBe(frames);
    expect(first.goldens.map((g) => g.status)).toEqual(['written']);
    const second = await replayTrace(recording, { root: goldens, ci: true });
    expect(second.goldens.map((g) => g.status)).toEqual(['match']);
    const replayer = await Replayer.open(recording);
    try {
      await replayer.seek(frames);
      expect(replayer.session.widget('updates').checked).toBe(true);
    } finally {
      replayer.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it("view: the timeline dragged to a frame shows the replayer's framebuffer at that frame", async () => {
    const trace = resolve('fixtures/traces/settings-tour.gtrace');
    const server = await startViewServer(trace);
    const page = await newPage();
    try {
      await page.goto(server.url);
      await page.waitForSelector('body[data-state=ready][data-frame="0"]');
      const frames = Number(await page.locator('#timeline').getAttribute('max')) + 1;
      const range = (await page.locator('#timeline').boundingBox())!;
      // Drag the thumb from the start to about 70% along, through intermediate positions.
      await page.mouse.move(range.x + 8, range.y + range.height / 2);
      await page.mouse.down();
      await page.mouse.move(range.x + range.width * 0.4, range.y + range.height / 2, { steps: 6 });
      await page.mouse.move(range.x + range.width * 0.7, range.y + range.height / 2, { steps: 6 });
      await page.mouse.up();
      const target = Number(await page.locator('#timeline').inputValue());
      expect(target).toBeGreaterThan(frames * 0.5);
      expect(target).toBeLessThan(frames * 0.9);
      await page.waitForSelector(`body[data-frame="${target}"]`);
      await page.waitForSelector(`#frame-image[data-frame="${target}"]`);
      const shown = await imagePixels(page, '#frame-image');
      const expected = await replayedFramebuffer(trace, target);
      expect(shown.byteLength).toBe(expected.byteLength);
      expect(Buffer.from(shown).equals(Buffer.from(expected))).toBe(true);
      // And not merely any frame: the first frame's picture differs from it.
      expect(Buffer.from(await replayedFramebuffer(trace, 0)).equals(Buffer.from(expected))).toBe(false);
      await expect(page.locator('#frame-number').inputValue()).resolves.toBe(String(target));
      await page.waitForSelector('body[data-divergence=none]');
    } finally {
      await page.close();
      await server.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('report to viewer: the divergence in the HTML report names the command that opens the viewer at that frame', async () => {
    // A session that clicks the toggle three times, replayed on a kernel whose third click is lost.
    const scenario = join(dir, 'three.json');
    writeFileSync(scenario, JSON.stringify({ name: 'three-clicks', scene: FORM, width: 320, height: 240, steps: [{ wait: 2 }, { click: 'updates' }, { wait: 3 }, { click: 'updates' }, { wait: 3 }, { click: 'updates' }, { wait: 5 }] }));
    const trace = join(dir, 'three-clicks.gtrace');
    await recordScenario(loadScenario(scenario), trace);
    cpSync(resolve('kernels'), join(dir, 'mutant', 'kernels'), { recursive: true });
    const dispatch = join(dir, 'mutant', 'kernels', 'os', 'phase_3_dispatch.h');
    const line = '  if (w.kind == GPUOS_WIDGET_TOGGLE) w.state ^= GPUOS_STATE_CHECKED;';
    expect(readFileSync(dispatch, 'utf8')).toContain(line);
    writeFileSync(dispatch, readFileSync(dispatch, 'utf8').replace(line, '  if (w.kind == GPUOS_WIDGET_TOGGLE && w.activations != 2) w.state ^= GPUOS_STATE_CHECKED;'));
    const mutant = join(dir, 'mutant', 'kernels', 'os_kernel.metal');
    const report = join(dir, 'report.html');
    const replay = await gpuos('replay', trace, '--kernel', mutant, '--no-goldens', '--report', report, '--output', join(dir, 'replay-out'));
    expect(replay.code).toBe(1);
    expect(replay.text).toMatch(/explore: gpuos view .*three-clicks\.gtrace --frame \d+ --kernel /);

    const page = await newPage();
    let command: string;
    try {
      await page.goto(pathToFileURL(report).href);
      command = (await page.locator('.divergence .view-command code').textContent())!;
    } finally {
      await page.close();
    }
    const words = shellWords(command);
    expect(words.slice(0, 3)).toEqual(['gpuos', 'view', trace]);
    const frame = Number(words[words.indexOf('--frame') + 1]);
    expect(words[words.indexOf('--kernel') + 1]).toBe(mutant);
    const server = await startViewServer(trace, { frame, kernel: mutant });
    const viewer = await newPage();
    try {
      await viewer.goto(server.url);
      await viewer.waitForSelector(`body[data-state=ready][data-frame="${frame}"]`);
      await expect(viewer.locator('#divergence').isVisible()).resolves.toBe(true);
      const fields = await viewer.locator('#divergence-fields tbody').textContent();
      expect(fields).toContain('widgets[updates].state');
      expect(fields).toMatch(/hovered focused checked \(\d+\)/);
      await expect(viewer.locator('#status').getAttribute('class')).resolves.toContain('diverged');
      // The whole replay finds the same first divergence; the timeline marks it.
      await viewer.waitForSelector(`body[data-divergence="${frame}"]`);
      // One frame earlier the replay still matched the recording.
      await viewer.click('#prev');
      await viewer.waitForSelector(`body[data-frame="${frame - 1}"]`);
      await expect(viewer.locator('#divergence').isVisible()).resolves.toBe(false);
    } finally {
      await viewer.close();
      await server.close();
    }
    expect(pageErrors).toEqual([]);
  });
});

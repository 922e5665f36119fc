#!/usr/bin/env node
// `npm run docs:screenshots`: the README's pictures of gpuos play and gpuos view, taken in
// Debian's chromium (playwright-core) from the built package (run `npm run build` first):
//   docs/images/play.png          the live OS, a toggle clicked while recording
//   docs/images/view.png          the viewer at a divergence (a kernel copy that loses a toggle's
//                                 third click), tiles redrawn and the toggle's box drawn over it
//   docs/images/view-golden.png   a golden one pixel off, compared with a slider, zoomed in
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const dist = (path) => import(join(root, 'dist', 'src', path));
const { startPlayServer } = await dist('play/play_server.js');
const { startViewServer } = await dist('view/view_server.js');
const { loadScenario } = await dist('recorder/scenario.js');
const { recordScenario } = await dist('recorder/scenario_runner.js');
const { replayTrace } = await dist('replayer/replay_trace.js');
const { readPng, writePng } = await dist('golden/png.js');
const { openSession } = await dist('os/session.js');

const out = join(root, 'docs', 'images');
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'gpuos-screens-'));
const form = join(root, 'fixtures', 'scenes', 'form.json');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 880 } });

try {
  // play: record a click on the toggle.
  const probe = await openSession({ scene: form, width: 320, height: 240 });
  await probe.step();
  const toggle = probe.widget('updates').layout;
  probe.close();
  const play = await startPlayServer({ scene: form, width: 320, height: 240, record: join(work, 'played.gtrace'), recordAtStart: true });
  await page.goto(play.url);
  await page.waitForSelector('body[data-state=ready]');
  const screen = await page.locator('#screen').boundingBox();
  const scale = screen.width / 320;
  await page.mouse.click(screen.x + (toggle.x + 20) * scale, screen.y + (toggle.y + toggle.height / 2) * scale);
  await page.waitForTimeout(400);
  await page.click('#mark-golden');
  await page.mouse.move(screen.x + 200 * scale, screen.y + 120 * scale);
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(out, 'play.png') });
  await play.close();

  // view: a divergence.
  const scenario = join(work, 'three.json');
  writeFileSync(scenario, JSON.stringify({ name: 'three-clicks', scene: form, width: 320, height: 240, steps: [{ wait: 2 }, { click: 'updates' }, { wait: 3 }, { click: 'updates' }, { wait: 3 }, { click: 'updates' }, { wait: 5 }] }));
  const trace = join(work, 'three-clicks.gtrace');
  await recordScenario(loadScenario(scenario), trace);
  cpSync(join(root, 'kernels'), join(work, 'mutant', 'kernels'), { recursive: true });
  const dispatch = join(work, 'mutant', 'kernels', 'os', 'phase_3_dispatch.h');
  const line = '  if (w.kind == GPUOS_WIDGET_TOGGLE) w.state ^= GPUOS_STATE_CHECKED;';
  writeFileSync(dispatch, readFileSync(dispatch, 'utf8').replace(line, '  if (w.kind == GPUOS_WIDGET_TOGGLE && w.activations != 2) w.state ^= GPUOS_STATE_CHECKED;'));
  const kernel = join(work, 'mutant', 'kernels', 'os_kernel.metal');
  const report = await replayTrace(trace, { kernel, goldens: false, output: join(work, 'replay') });
  const view = await startViewServer(trace, { kernel, frame: report.divergence.frame });
  await page.goto(view.url);
  await page.waitForSelector('body[data-state=ready]');
  await page.waitForSelector('body[data-divergence]');
  await page.check('#show-tiles');
  await page.hover('[data-widget=updates]');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'view.png') });
  await view.close();

  // view: a golden one pixel off.
  const goldens = join(work, 'golden');
  const toggleTrace = join(root, 'fixtures', 'traces', 'form-toggle.gtrace');
  await replayTrace(toggleTrace, { root: goldens, ci: false });
  const broken = join(goldens, 'form-toggle', 'checked.png');
  const image = readPng(broken);
  image.data.set([255, 0, 255, 255], (230 * image.width + 160) * 4);
  writePng(broken, image);
  const golden = await startViewServer(toggleTrace, { frame: 23, golden: 'checked', goldenRoot: goldens });
  await page.goto(golden.url);
  await page.waitForSelector('body[data-state=ready]');
  await page.waitForSelector('#golden[data-status=mismatch]');
  await page.check('input[name=golden-mode][value=slider]');
  await page.waitForTimeout(300);
  await page.locator('#golden').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(out, 'view-golden.png') });
  await golden.close();
  console.log(`wrote play.png, view.png and view-golden.png in ${out}`);
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}

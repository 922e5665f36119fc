#!/usr/bin/env node
// `npm run minimize:planted`: the figure docs/MINIMIZE.md quotes. Records a long session of the
// form scene (random moves, clicks, typing, wheel; the toggle clicked three times, far apart),
// plants a bug in a copy of the kernel (a toggle's third activation leaves it unchecked), and runs
// `gpuos minimize --until divergence --kernel <the copy>` on the trace. Prints the summary and the
// time it took.
//   --frames <n>   at least this many frames (default 1000)
//   --keep <dir>   keep the trace, the mutant and the minimized trace there
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const cli = join(root, 'dist', 'src', 'cli', 'bin.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
};
const minFrames = Number(arg('--frames', '1000'));
const keep = arg('--keep', undefined);
const work = keep ?? mkdtempSync(join(tmpdir(), 'gpuos-planted-'));
mkdirSync(work, { recursive: true });

// A small deterministic PRNG (mulberry32): the same session every run.
let state = 0x9e3779b9;
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (items) => items[Math.floor(random() * items.length)];

// Frames each step takes, roughly (enough to know when the session is long enough).
const steps = [];
let frames = 0;
const toggleAt = [0.2, 0.5, 0.8].map((f) => Math.round(f * minFrames));
while (frames < minFrames * 1.1) {
  if (toggleAt.length > 0 && frames >= toggleAt[0]) {
    toggleAt.shift();
    steps.push({ click: 'updates' });
    frames += 1;
    continue;
  }
  const r = random();
  if (r < 0.35) {
    const ms = 50 + Math.floor(random() * 250);
    steps.push({ move: { to: [Math.floor(random() * 320), Math.floor(random() * 240)], ms } });
    frames += Math.ceil(ms / 16.667) + 1;
  } else if (r < 0.6) {
    const n = 1 + Math.floor(random() * 15);
    steps.push({ wait: n });
    frames += n;
  } else if (r < 0.8) {
    steps.push({ click: pick(['name', 'volume', 'cancel', 'ok', 'title']) });
    frames += 1;
  } else if (r < 0.9) {
    steps.push({ click: 'name' }, { type: pick(['abc', 'hello', 'gpu', 'xyz']) });
    frames += 3;
  } else {
    steps.push({ scroll: { at: [Math.floor(random() * 320), Math.floor(random() * 240)], dy: Math.floor(random() * 200) - 100 } });
    frames += 1;
  }
}
steps.push({ wait: 20 });
const scenario = { name: 'planted-long', description: 'A long random session of the form scene; the toggle is clicked three times.', scene: join(root, 'fixtures', 'scenes', 'form.json'), width: 320, height: 240, steps };
const scenarioPath = join(work, 'planted-long.json');
writeFileSync(scenarioPath, JSON.stringify(scenario, null, 2));

function gpuos(args, options = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', ...options });
  return result;
}

const trace = join(work, 'planted-long.gtrace');
rmSync(trace, { force: true });
const recorded = gpuos(['record', scenarioPath, '-o', trace, '--json']);
if (recorded.status !== 0) throw new Error(`recording failed:\n${recorded.stderr}`);

// The planted bug: a toggle's third activation does not flip it.
const mutant = join(work, 'mutant');
rmSync(mutant, { recursive: true, force: true });
cpSync(join(root, 'kernels'), join(mutant, 'kernels'), { recursive: true });
const dispatch = join(mutant, 'kernels', 'os', 'phase_3_dispatch.h');
const source = readFileSync(dispatch, 'utf8');
const line = '  if (w.kind == GPUOS_WIDGET_TOGGLE) w.state ^= GPUOS_STATE_CHECKED;';
if (!source.includes(line)) throw new Error(`the line to plant the bug in is gone from ${dispatch}; update this script`);
writeFileSync(dispatch, source.replace(line, '  if (w.kind == GPUOS_WIDGET_TOGGLE && w.activations != 2) w.state ^= GPUOS_STATE_CHECKED;'));
const kernel = join(mutant, 'kernels', 'os_kernel.metal');

const output = join(work, 'planted-long.min.gtrace');
rmSync(output, { force: true });
const started = process.hrtime.bigint();
const minimized = gpuos(['minimize', trace, '--until', 'divergence', '--kernel', kernel, '-o', output, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (minimized.status !== 0) throw new Error(`gpuos minimize exited ${minimized.status}:\n${minimized.stdout}`);
const summary = JSON.parse(minimized.stdout);
console.log(`trace: ${summary.before.frames} frames, ${summary.before.events} events (${trace})`);
console.log(`minimized: ${summary.after.frames} frames, ${summary.after.events} events (frames ${summary.keptFrames.join(', ')} of the original)`);
console.log(`search: ${summary.replays} replays, ${(summary.durationMs / 1000).toFixed(1)} s (the command: ${seconds.toFixed(1)} s)`);
console.log(summary.divergence ?? '(no divergence description)');
if (summary.before.frames < minFrames) throw new Error(`the session recorded only ${summary.before.frames} frames, fewer than ${minFrames}`);
if (!keep) rmSync(work, { recursive: true, force: true });

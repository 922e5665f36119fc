/**
 * gpuos minimize end to end: a short recorded session, a kernel copy with a planted bug, and each
 * condition kind shrinking the trace to the input the failure needs; then the errors a user meets.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EVENT_TYPES } from '../../src/os/input_events.js';
import { minimizeTrace } from '../../src/minimize/minimize_trace.js';
import { loadScenario } from '../../src/recorder/scenario.js';
import { recordScenario } from '../../src/recorder/scenario_runner.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { Replayer } from '../../src/replayer/replayer.js';
import { TraceViewer } from '../../src/view/trace_viewer.js';
import { readPng } from '../../src/golden/png.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { gpuos } from '../cli/cli_helpers.js';

let dir: string;
let trace: string;
let mutant: string;

/** A copy of the kernel in which a toggle's third activation leaves it as it was. */
function plantBug(into: string): string {
  cpSync(resolve('kernels'), join(into, 'kernels'), { recursive: true });
  const file = join(into, 'kernels', 'os', 'phase_3_dispatch.h');
  const line = '  if (w.kind == GPUOS_WIDGET_TOGGLE) w.state ^= GPUOS_STATE_CHECKED;';
  const source = readFileSync(file, 'utf8');
  expect(source).toContain(line);
  writeFileSync(file, source.replace(line, '  if (w.kind == GPUOS_WIDGET_TOGGLE && w.activations != 2) w.state ^= GPUOS_STATE_CHECKED;'));
  return join(into, 'kernels', 'os_kernel.metal');
}

function events(path: string): { frames: number; pointerDowns: number } {
  const t = Trace.open(path);
  try {
    let pointerDowns = 0;
    for (const frame of t.frames()) for (const op of frame.operations) if (op.kind === 'events') pointerDowns += op.events.filter((e) => e.type === EVENT_TYPES.pointerDown).length;
    return { frames: t.frameCount, pointerDowns };
  } finally {
    t.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpuos-minimize-test-'));
  const scenario = join(dir, 'three-clicks.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      name: 'three-clicks',
      scene: resolve('fixtures/scenes/form.json'),
      width: 320,
      height: 240,
      steps: [{ move: { to: [10, 10], ms: 100 } }, { wait: 10 }, { click: 'updates' }, { wait: 12 }, { click: 'name' }, { type: 'ab' }, { move: { to: [300, 200], ms: 200 } }, { click: 'updates' }, { wait: 10 }, { golden: 'twice' }, { scroll: { at: [100, 100], dy: 40 } }, { click: 'updates' }, { wait: 15 }],
    }),
  );
  trace = join(dir, 'three-clicks.gtrace');
  await recordScenario(loadScenario(scenario), trace);
  mutant = plantBug(join(dir, 'mutant'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--until divergence', () => {
  it('shrinks a session to the three clicks a planted bug needs; the result diverges on the mutant and passes on the kernel', async () => {
    const output = join(dir, 'divergence.min.gtrace');
    const summary = await minimizeTrace(trace, { until: 'divergence', kernel: mutant, output });
    expect(summary.original.holds).toBe(true);
    expect(summary.minimized.holds).toBe(true);
    expect(summary.before.frames).toBeGreaterThan(40);
    expect(summary.after.frames).toBeLessThanOrEqual(5);
    expect(summary.after.events).toBeLessThan(summary.before.events);
    expect(events(output).pointerDowns).toBe(3);
    expect(summary.divergence).toMatch(/widgets\[updates\]\.state/);
    // Recorded with the reference (this package's kernel): passes there, diverges on the mutant.
    expect((await replayTrace(output, { goldens: false })).ok).toBe(true);
    const onMutant = await replayTrace(output, { goldens: false, kernel: mutant, output: join(dir, 'replay-out') });
    expect(onMutant.ok).toBe(false);
    expect(onMutant.divergence?.frame).toBe(summary.after.frames - 1);
    expect(summary.keptFrames).toHaveLength(summary.after.frames);
    expect(summary.replays).toBeGreaterThan(5);
  });

  it('refuses a trace on which the two kernels agree: nothing to minimize', async () => {
    await expect(minimizeTrace(trace, { until: 'divergence', output: join(dir, 'same.gtrace') })).rejects.toMatchObject({ code: 'E_MINIMIZE_NOT_REPRODUCED' });
  });
});

describe('--until golden', () => {
  it('keeps the marked frame and the clicks that make it differ from its golden', async () => {
    // The golden of frame 'twice' (toggle clicked twice: unchecked) taken from a session with one click.
    const goldens = join(dir, 'golden');
    mkdirSync(join(goldens, 'three-clicks'), { recursive: true });
    const one = join(dir, 'one-click.gtrace');
    const scenario = join(dir, 'one-click.json');
    writeFileSync(scenario, JSON.stringify({ name: 'three-clicks', scene: resolve('fixtures/scenes/form.json'), width: 320, height: 240, steps: [{ move: { to: [300, 200], ms: 50 } }, { wait: 5 }, { golden: 'twice' }] }));
    await recordScenario(loadScenario(scenario), one);
    const report = await replayTrace(one, { root: goldens, ci: false });
    expect(report.goldens[0]?.status).toBe('written');
    const output = join(dir, 'golden.min.gtrace');
    const summary = await minimizeTrace(trace, { until: 'golden:twice', goldenRoot: goldens, output });
    expect(summary.minimized.holds).toBe(true);
    expect(summary.after.frames).toBeLessThanOrEqual(5);
    const t = Trace.open(output);
    try {
      expect(t.goldens.map((g) => g.name)).toEqual(['twice']);
    } finally {
      t.close();
    }
    // The minimized trace, replayed against the same goldens, fails on that golden.
    const replayed = await replayTrace(output, { root: goldens, ci: true, artifacts: join(dir, 'artifacts') });
    expect(replayed.goldens.map((g) => g.status)).toEqual(['mismatch']);
  });

  it('names the goldens a trace has when the one asked for is not among them', async () => {
    await expect(minimizeTrace(trace, { until: 'golden:nope', output: join(dir, 'x.gtrace') })).rejects.toThrow(/no golden 'nope' \(it has twice\)/);
  });
});

describe('--until finding', () => {
  it('shrinks to the input that makes the kernel fault, with the finding code', async () => {
    const faulting = join(dir, 'faulting');
    cpSync(resolve('kernels'), join(faulting, 'kernels'), { recursive: true });
    const file = join(faulting, 'kernels', 'os', 'phase_3_dispatch.h');
    const line = '  if (w.kind == GPUOS_WIDGET_BUTTON || w.kind == GPUOS_WIDGET_TOGGLE) w.activations += 1;';
    const source = readFileSync(file, 'utf8');
    expect(source).toContain(line);
    // The second activation of a toggle writes far past the OS state buffer.
    writeFileSync(file, source.replace(line, `${line}\n  if (w.kind == GPUOS_WIDGET_TOGGLE && w.activations == 2) os->widgets[widget + 1000000].state = 1;`));
    const output = join(dir, 'finding.min.gtrace');
    const summary = await minimizeTrace(trace, { until: 'finding:E_INVALID_ACCESS', kernel: join(faulting, 'kernels', 'os_kernel.metal'), output });
    expect(summary.original.detail).toMatch(/E_INVALID_ACCESS/);
    expect(summary.minimized.holds).toBe(true);
    expect(summary.after.frames).toBeLessThanOrEqual(4);
    expect(events(output).pointerDowns).toBe(2);
  });
});

describe('--until exec', () => {
  it("runs the user's command on each candidate trace ($GPUOS_TRACE) and keeps what makes it fail", async () => {
    const check = join(dir, 'two-clicks.mjs');
    // Fails (exit 1) when the trace holds at least two pointer presses.
    writeFileSync(
      check,
      `import { Trace } from ${JSON.stringify(resolve('dist/src/index.js'))};
const t = Trace.open(process.env.GPUOS_TRACE);
let downs = 0;
for (const f of t.frames()) for (const op of f.operations) if (op.kind === 'events') downs += op.events.filter((e) => e.type === ${EVENT_TYPES.pointerDown}).length;
process.exit(downs >= 2 ? 1 : 0);
`,
    );
    const output = join(dir, 'exec.min.gtrace');
    const summary = await minimizeTrace(trace, { until: `exec:${process.execPath} ${check}`, output });
    expect(summary.minimized.holds).toBe(true);
    expect(summary.minimized.detail).toMatch(/exited 1/);
    expect(events(output).pointerDowns).toBe(2);
    expect(summary.after.events).toBe(2);
    expect(summary.after.frames).toBeLessThanOrEqual(2);
  });
});

describe('kernel copies elsewhere in the CLI', () => {
  it("the viewer's scan for the first divergence goes in steps, its own replayer apart from the frames shown", async () => {
    const viewer = await TraceViewer.open(trace, { kernel: mutant });
    try {
      const first = (await replayTrace(trace, { kernel: mutant, goldens: false, output: join(dir, 'scan-out') })).divergence!.frame;
      const steps: { frame: number | null; scanned: number; done: boolean }[] = [];
      for (;;) {
        const scan = await viewer.scanDivergence(10);
        steps.push(scan);
        // A frame shown between steps is the frame asked for, whatever the scan's position.
        const shown = await viewer.frame(3);
        expect(shown.frame).toBe(3);
        if (scan.done) break;
      }
      expect(steps.at(-1)).toEqual({ frame: first, scanned: first + 1, done: true });
      expect(steps.slice(0, -1).map((s) => s.scanned)).toEqual(Array.from({ length: steps.length - 1 }, (_, i) => (i + 1) * 10));
      expect(await viewer.divergence()).toBe(first);
    } finally {
      viewer.close();
    }
  });

  it('a replay from a later frame reports a divergence met while seeking there, at its own frame', async () => {
    const full = await replayTrace(trace, { kernel: mutant, goldens: false, output: join(dir, 'seek-out') });
    const first = full.divergence!.frame;
    const later = await replayTrace(trace, { kernel: mutant, goldens: false, from: first + 3, output: join(dir, 'seek-out') });
    expect(later.ok).toBe(false);
    expect(later.divergence?.frame).toBe(first);
    expect(later.divergence?.description).toMatch(new RegExp(`found while seeking to --from ${first + 3}`));
    expect(later.replayed).toBe(0);
    // Without the kernel copy, the same --from replays as recorded.
    expect((await replayTrace(trace, { goldens: false, from: first + 3 })).ok).toBe(true);
  });

  it('gpuos render --kernel renders the frame asked for even after the replay diverged before it', async () => {
    // Three clicks (the third diverges on the mutant), then the pointer moves onto OK, whose hover
    // highlight eases in over the frames after it.
    const scenario = join(dir, 'clicks-then-hover.json');
    writeFileSync(scenario, JSON.stringify({ name: 'clicks-then-hover', scene: resolve('fixtures/scenes/form.json'), width: 320, height: 240, steps: [{ wait: 2 }, { click: 'updates' }, { wait: 3 }, { click: 'updates' }, { wait: 3 }, { click: 'updates' }, { move: { to: 'ok', ms: 100 } }, { wait: 10 }] }));
    const hoverTrace = join(dir, 'clicks-then-hover.gtrace');
    await recordScenario(loadScenario(scenario), hoverTrace);
    // Every frame's picture on the mutant, and where it first diverges.
    const replayer = await Replayer.open(hoverTrace, { kernel: mutant });
    const pictures: Buffer[] = [];
    let diverged = -1;
    try {
      while (replayer.position < replayer.frameCount) {
        const check = await replayer.step();
        if (!check.ok && diverged < 0) diverged = check.frame.index;
        pictures.push(Buffer.from(replayer.session.framebuffer()));
      }
    } finally {
      replayer.close();
    }
    expect(diverged).toBeGreaterThan(0);
    // A later frame whose picture is not the one right after the divergence (the press highlight
    // eases out over frames): rendering it must not stop where the seek stopped.
    const target = pictures.findLastIndex((p, i) => i > diverged + 1 && !p.equals(pictures[diverged + 1]!));
    expect(target).toBeGreaterThan(diverged + 1);
    const output = join(dir, 'render-after-divergence.png');
    const result = await gpuos('render', hoverTrace, '--frame', String(target), '--kernel', mutant, '-o', output, '--json');
    expect(result.code, result.text).toBe(0);
    expect(JSON.parse(result.out.join('\n'))).toMatchObject({ frame: target, matchesRecording: false });
    expect(Buffer.from(readPng(output).data).equals(pictures[target]!)).toBe(true);
  });
});

describe('--until exec: the processes it runs', () => {
  it('is done when the shell exits, even with a background child holding its output, and kills that child', async () => {
    const marker = `sleep ${30 + Math.floor(Math.random() * 1000) / 1000}`;
    const started = Date.now();
    const summary = await minimizeTrace(trace, { until: `exec:${marker} & exit 1`, output: join(dir, 'background.min.gtrace'), timeLimitMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(summary.minimized).toMatchObject({ holds: true });
    expect(summary.minimized.detail).toMatch(/exited 1/);
    // Nothing keeps every event: one frame, no input.
    expect(summary.after).toMatchObject({ frames: 1, events: 0 });
    const left = spawnSync('pgrep', ['-f', `^${marker}$`], { encoding: 'utf8' });
    expect(left.stdout.trim()).toBe('');
  });

  it('a command the shell cannot run is an error, not the failure being minimized', async () => {
    await expect(minimizeTrace(trace, { until: 'exec:no-such-tool-for-gpuos {trace}', output: join(dir, 'x.gtrace') })).rejects.toMatchObject({ code: 'E_MINIMIZE_EXEC', message: expect.stringMatching(/exited 127: not found/) });
  });
});

describe('the gpuos minimize command', () => {
  it('stops at --replays with the smallest trace found, and says so', async () => {
    const output = join(dir, 'budget.min.gtrace');
    const result = await gpuos('minimize', trace, '--until', 'divergence', '--kernel', mutant, '--replays', '4', '-o', output, '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out.join('\n'));
    expect(summary.stoppedBy).toBe('replays');
    expect(summary.minimized.holds).toBe(true);
    expect(summary.after.frames).toBeLessThan(summary.before.frames);
    expect(result.err.some((line) => line.startsWith('minimize: check'))).toBe(true);
  });

  it.each([
    [['minimize', 'x.gtrace'], /--until <condition> is required/],
    [['minimize', 'TRACE', '--until', 'crash'], /--until must be divergence, finding\[:CODE\], golden\[:NAME\] or exec:COMMAND/],
    [['minimize', 'TRACE', '--until', 'finding:E_DATA_RACE'], /found only by the race checker: add --races/],
    [['minimize', 'TRACE', '--until', 'exec:'], /needs a command/],
    [['minimize', 'TRACE', '--until', 'divergence', '--time', '0'], /--time must be a number from 1/],
    [['minimize', 'TRACE', '--until', 'divergence', '-o', 'TRACE'], /is the input/],
    [['minimize', 'TRACE', '--until', 'divergence', '--kernel', 'package.json'], /not an OS kernel/],
  ])('exits 2 on %j', async (argv, message) => {
    const result = await gpuos(...argv.map((a) => (a === 'TRACE' ? trace : a)));
    expect(result.code).toBe(2);
    expect(result.text).toMatch(message);
  });

  it('refuses a kernel copy whose gpuos_abi.h differs from the build', async () => {
    const other = join(dir, 'other-abi');
    cpSync(resolve('kernels'), join(other, 'kernels'), { recursive: true });
    copyFileSync(join(other, 'kernels', 'gpuos_abi.h'), join(other, 'kernels', 'gpuos_abi.h.orig'));
    writeFileSync(join(other, 'kernels', 'gpuos_abi.h'), `${readFileSync(join(other, 'kernels', 'gpuos_abi.h'), 'utf8')}\n// changed\n`);
    const result = await gpuos('minimize', trace, '--until', 'divergence', '--kernel', join(other, 'kernels', 'os_kernel.metal'), '-o', join(dir, 'abi.gtrace'));
    expect(result.code).toBe(2);
    expect(result.text).toMatch(/gpuos_abi\.h differs from this build's/);
  });
});

/**
 * The `gpuos` CLI driven in-process through main(argv, io): every command's usage, exit codes
 * (0 ok, 1 a test failed, 2 bad input or usage) and output, on copies of the fixtures in temp
 * directories. Nothing here writes into golden/ or fixtures/: goldens, traces, images and reports
 * all go to a temp directory (golden artifacts are written relative to the current directory, so
 * the tests that produce them run with a temp directory as cwd).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { COMMANDS } from '../../src/cli/main.js';
import { readPng, writePng } from '../../src/golden/png.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { gpuos } from './cli_helpers.js';
import { rewriteTrace, withoutFirstClick } from '../trace/trace_helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE_TRACES = join(ROOT, 'fixtures', 'traces');
const TOGGLE_TRACE = join(FIXTURE_TRACES, 'form-toggle.gtrace');
const TOGGLE_SCENARIO = join(ROOT, 'fixtures', 'scenarios', 'form-toggle.json');
const FORM_SCENE = join(ROOT, 'fixtures', 'scenes', 'form.json');
const REPO_GOLDENS = join(ROOT, 'golden');
const TOGGLE_GOLDENS = ['hovered', 'checked', 'unchecked'];

const ORIGINAL_CI = process.env['CI'];

function setCi(value: string | undefined): void {
  if (value === undefined) delete process.env['CI'];
  else process.env['CI'] = value;
}

async function withCwd<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

let tmp: string;
let fixture: { frames: number; width: number; height: number; goldens: { frame: number; name: string }[]; events: number };

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gpuos-cli-test-'));
  const trace = Trace.open(TOGGLE_TRACE);
  try {
    let events = 0;
    for (const frame of trace.frames()) for (const op of frame.operations) if (op.kind === 'events') events += op.events.length;
    fixture = { frames: trace.frameCount, width: trace.header.config.width, height: trace.header.config.height, goldens: [...trace.goldens], events };
  } finally {
    trace.close();
  }
  expect(fixture.goldens.map((g) => g.name)).toEqual(TOGGLE_GOLDENS);
});

// Every test starts outside CI (CI runs this file with CI set); the CI tests set it themselves.
beforeEach(() => setCi(undefined));

afterAll(() => {
  setCi(ORIGINAL_CI);
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh temp directory under this run's. */
function tempDir(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('usage', () => {
  it('with no arguments prints the usage and exits 2', async () => {
    const r = await gpuos();
    expect(r.code).toBe(2);
    expect(r.out.join('\n')).toContain('usage: gpuos <command> [options]');
    for (const command of COMMANDS) expect(r.out.join('\n')).toContain(command.name);
  });

  it.each(['--help', '-h', 'help'])('%s prints the usage and exits 0', async (flag) => {
    const r = await gpuos(flag);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('usage: gpuos <command> [options]');
    expect(r.err).toEqual([]);
  });

  it('backends lists the emulator as available and every other backend with a status, --backend refuses an unknown one', async () => {
    const r = await gpuos('backends', '--json');
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.out.join('\n')) as { name: string; available: boolean; reason?: string }[];
    expect(listed.map((b) => b.name)).toEqual(['emulator', 'cuda', 'metal']);
    expect(listed[0]!.available).toBe(true);
    for (const backend of listed) if (!backend.available) expect(backend.reason).toMatch(/\S/);
    const bad = await gpuos('replay', 'fixtures/traces/form-toggle.gtrace', '--backend', 'vulkan');
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toContain("--backend must be emulator or cuda, got 'vulkan'");
  });

  it('verify --backends replays a trace on each backend named and checks every frame; a kernel needs the emulator and cuda side by side', async () => {
    const one = await gpuos('verify', TOGGLE_TRACE, '--backends', 'emulator', '--json');
    expect(one.code).toBe(0);
    const [report] = JSON.parse(one.out.join('\n')) as { ok: boolean; frameCount: number; runs: { backend: string; frames: number }[] }[];
    expect(report!.ok).toBe(true);
    expect(report!.runs).toEqual([expect.objectContaining({ backend: 'emulator', frames: report!.frameCount })]);
    const trace = Trace.open(TOGGLE_TRACE);
    expect(report!.frameCount).toBe(trace.frameCount);
    trace.close();

    const kernel = await gpuos('verify', join(ROOT, 'kernels', 'tests', 'atomics.metal'), '--backends', 'emulator');
    expect(kernel.code).toBe(2);
    expect(kernel.err.join('\n')).toContain('give --backends emulator,cuda');
    for (const [list, message] of [
      ['emulator,,cuda', 'comma-separated list'],
      ['emulator,emulator', 'names a backend twice'],
      ['emulator,vulkan', "names emulator and cuda only, got 'vulkan'"],
    ] as const) {
      const bad = await gpuos('verify', TOGGLE_TRACE, '--backends', list);
      expect(bad.code, list).toBe(2);
      expect(bad.err.join('\n')).toContain(message);
    }
    const mixed = await gpuos('verify', TOGGLE_TRACE, '--backends', 'emulator', '--schedules', '3');
    expect(mixed.code).toBe(2);
    expect(mixed.err.join('\n')).toContain("--schedules explores the emulator's schedules");
  });

  it('an unknown command exits 2 and names it', async () => {
    const r = await gpuos('frobnicate', 'x');
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain("unknown command 'frobnicate'");
    expect(r.err.join('\n')).toContain('usage: gpuos <command> [options]');
  });

  const options: Record<string, string[]> = {
    record: ['-o, --output', '--out-dir'],
    replay: ['--from', '--to', '--seed', '--backend', '--kernel', '--update', '--prune', '--no-goldens', '--golden-dir', '--threshold', '--max-diff-pixels', '--output', '--report', '--json'],
    inspect: ['--events', '--frames', '--json', '--salvage'],
    render: ['--frame', '-o, --output', '--backend', '--kernel', '--json'],
    verify: ['--repeat', '--seed', '--schedules', '--strategy', '--depth', '--pct-steps', '--preemptions', '--script', '--kernel', '--inputs', '--races', '--no-races', '--json', '--backends'],
    goldens: ['list', 'update', '--prune', '--golden-dir'],
    check: ['--runs', '--time', '--seed', '--path', '--scale', '--out', '--list', '--json'],
    backends: ['--json'],
    play: ['--record', '--name', '--width', '--height', '--kernel'],
    view: ['--frame', '--golden', '--golden-dir', '--kernel'],
    minimize: ['--until', '-o, --output', '--kernel', '--reference-kernel', '--seed', '--races', '--golden-dir', '--time', '--replays', '--json'],
  };

  it('every command is covered here', () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(Object.keys(options).sort());
  });

  it.each(Object.entries(options))('%s --help exits 0 and lists its options', async (name, flags) => {
    for (const help of ['--help', '-h']) {
      const r = await gpuos(name, help);
      expect(r.code, `${name} ${help}`).toBe(0);
      expect(r.err).toEqual([]);
      const text = r.out.join('\n');
      expect(text).toContain(`usage: gpuos ${name}`);
      for (const flag of flags) expect(text, `${name} --help mentions ${flag}`).toContain(flag);
    }
  });

  it.each([
    ['record', [TOGGLE_SCENARIO]],
    ['replay', [TOGGLE_TRACE]],
    ['inspect', [TOGGLE_TRACE]],
    ['render', [TOGGLE_TRACE, '--frame', '1']],
    ['verify', [TOGGLE_TRACE]],
    ['goldens', ['list', FIXTURE_TRACES]],
  ] as const)('%s with an unknown flag exits 2 with the usage', async (name, args) => {
    const r = await gpuos(name, ...args, '--bogus');
    expect(r.code).toBe(2);
    const err = r.err.join('\n');
    expect(err).toContain("'--bogus'");
    expect(err).toContain(`usage: gpuos ${name}`);
    expect(r.out).toEqual([]);
  });
});

describe('record', () => {
  it('records a scenario to -o: the trace matches the fixture recorded from it', async () => {
    const output = join(tempDir('record'), 'toggle.gtrace');
    const r = await gpuos('record', TOGGLE_SCENARIO, '-o', output);
    expect(r.code, r.text).toBe(0);
    expect(r.out).toHaveLength(1);
    const match = /^recorded form-toggle: (\d+) frames, (\d+) events, (\d+) goldens, .* -> (.*)$/.exec(r.out[0]!);
    expect(match, r.out[0]).not.toBeNull();
    expect(Number(match![1])).toBe(fixture.frames);
    expect(Number(match![2])).toBe(fixture.events);
    expect(Number(match![3])).toBe(3);
    expect(match![4]).toBe(output);

    const trace = Trace.open(output);
    try {
      expect(trace.complete).toBe(true);
      expect(trace.frameCount).toBe(fixture.frames);
      expect(trace.header.name).toBe('form-toggle');
      expect([...trace.goldens]).toEqual(fixture.goldens);
    } finally {
      trace.close();
    }
  });

  it('--out-dir names the trace after its scenario', async () => {
    const dir = join(tmp, 'record-out-dir', 'nested');
    const r = await gpuos('record', TOGGLE_SCENARIO, '--out-dir', dir);
    expect(r.code, r.text).toBe(0);
    expect(existsSync(join(dir, 'form-toggle.gtrace'))).toBe(true);
  });

  it('refuses bad combinations of arguments with exit 2', async () => {
    const out = join(tempDir('record-usage'), 'x.gtrace');
    expect((await gpuos('record')).code).toBe(2);
    expect((await gpuos('record', TOGGLE_SCENARIO, TOGGLE_SCENARIO, '-o', out)).code).toBe(2);
    expect((await gpuos('record', TOGGLE_SCENARIO, '-o', out, '--out-dir', tmp)).code).toBe(2);
    const missing = await gpuos('record', join(tmp, 'no-such-scenario.json'), '-o', out);
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toContain('E_SCENARIO_INVALID');
    expect(existsSync(out)).toBe(false);
  });

  it('a step naming a widget the scene lacks exits 2, names the step, and leaves no trace behind', async () => {
    const dir = tempDir('record-bad-widget');
    const scenario = join(dir, 'bad.json');
    // The bad step comes after frames have been recorded, so the output file existed mid-way.
    writeFileSync(scenario, JSON.stringify({ name: 'bad-widget', scene: FORM_SCENE, width: 320, height: 240, steps: [{ wait: 3 }, { click: 'nonexistent-widget' }] }));
    const output = join(dir, 'bad.gtrace');
    const r = await gpuos('record', scenario, '-o', output);
    expect(r.code).toBe(2);
    const err = r.err.join('\n');
    expect(err).toContain('E_SCENARIO_INVALID');
    expect(err).toContain('steps[1]');
    expect(err).toContain('nonexistent-widget');
    expect(r.out).toEqual([]);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it('an unknown step kind exits 2 and names the step path', async () => {
    const dir = tempDir('record-bad-kind');
    const scenario = join(dir, 'bad.json');
    writeFileSync(scenario, JSON.stringify({ name: 'bad-kind', scene: FORM_SCENE, width: 320, height: 240, steps: [{ teleport: [10, 10] }] }));
    const r = await gpuos('record', scenario, '--out-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('steps[0]');
    expect(r.err.join('\n')).toContain('teleport');
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });
});

describe('inspect', () => {
  it('summarises a fixture trace', async () => {
    const r = await gpuos('inspect', TOGGLE_TRACE);
    expect(r.code, r.text).toBe(0);
    const line = (label: string) => r.out.find((l) => l.startsWith(`  ${label} `)) ?? '';
    expect(line('name')).toContain('form-toggle');
    expect(line('frames')).toMatch(new RegExp(`^  frames\\s+${fixture.frames} \\(.*\\), complete$`));
    expect(line('events')).toMatch(new RegExp(`^  events\\s+${fixture.events} \\(.*pointerDown 2.*\\)`));
    expect(line('goldens')).toContain(fixture.goldens.map((g) => `${g.name}@${g.frame}`).join(', '));
    expect(line('recorded on')).toContain(`${fixture.width}x${fixture.height}`);
    expect(line('size')).toMatch(/^  size\s+[\d.]+ KiB: frames \d+ B \([1-9]\d* idle frames, \d+ B each; events \d+ B, [\d.]+ B each\)/);
  });

  it('says so when a trace has no idle frames and no events', async () => {
    const busy = rewriteTrace(TOGGLE_TRACE, (frame) => ({ ...frame, operations: [], blocks: frame.blocks.length ? frame.blocks : [{ index: 0, digest: 1 }] }));
    const r = await gpuos('inspect', busy);
    expect(r.code, r.text).toBe(0);
    expect(r.out.find((l) => l.startsWith('  size '))).toContain('(no idle frames; no events)');
  });

  it('--json prints one parseable document with every frame', async () => {
    const r = await gpuos('inspect', TOGGLE_TRACE, '--json');
    expect(r.code, r.text).toBe(0);
    const json = JSON.parse(r.out.join('\n')) as { name: string; frames: unknown[]; events: number; complete: boolean; width: number; height: number; goldens: unknown[]; seed: string };
    expect(json.name).toBe('form-toggle');
    expect(json.frames).toHaveLength(fixture.frames);
    expect(json.events).toBe(fixture.events);
    expect(json.complete).toBe(true);
    expect([json.width, json.height]).toEqual([fixture.width, fixture.height]);
    expect(json.goldens).toEqual(fixture.goldens);
    expect(json.seed).toBe('1');
  });

  it('--events prints one line per event', async () => {
    const r = await gpuos('inspect', TOGGLE_TRACE, '--events');
    expect(r.code, r.text).toBe(0);
    const events = r.out.filter((l) => /^frame \d+ \([\d.]+ ms\): /.test(l));
    expect(events).toHaveLength(fixture.events);
    expect(events.filter((l) => /: pointerDown \([\d.]+, [\d.]+\)/.test(l))).toHaveLength(2);
  });

  it('--frames prints one line per frame', async () => {
    const r = await gpuos('inspect', TOGGLE_TRACE, '--frames');
    expect(r.code, r.text).toBe(0);
    expect(r.out.filter((l) => /^frame\s+\d+\s+[\d.]+ ms\s+digest [0-9a-f]{16}/.test(l))).toHaveLength(fixture.frames);
  });

  it('a file that is not a trace exits 2 with E_TRACE_NOT_A_TRACE', async () => {
    const r = await gpuos('inspect', join(ROOT, 'package.json'));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('E_TRACE_NOT_A_TRACE');
  });

  it('a missing file or no file exits 2', async () => {
    expect((await gpuos('inspect', join(tmp, 'nope.gtrace'))).code).toBe(2);
    expect((await gpuos('inspect')).code).toBe(2);
  });

  it('a trace cut off in the middle opens and is reported INCOMPLETE', async () => {
    const bytes = readFileSync(TOGGLE_TRACE);
    const cut = join(tempDir('inspect-cut'), 'cut.gtrace');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    const r = await gpuos('inspect', cut);
    expect(r.code, r.text).toBe(0);
    const frames = r.out.find((l) => l.startsWith('  frames')) ?? '';
    expect(frames).toContain('INCOMPLETE');
    expect(frames).toMatch(/\d+ trailing bytes/);
    const json = JSON.parse((await gpuos('inspect', cut, '--json')).out.join('\n')) as { complete: boolean; trailingBytes: number };
    expect(json.complete).toBe(false);
    expect(json.trailingBytes).toBeGreaterThan(0);
  });
});

describe('replay', () => {
  let dir: string;
  let trace: string;
  let goldens: string;
  let output: string;
  let report: string;
  /** A directory to run in: golden artifacts (actual and diff images) are written under cwd/test-output. */
  let cwd: string;
  const replay = (...args: string[]) => gpuos('replay', trace, '--golden-dir', goldens, '--output', output, '--report', report, ...args);

  beforeAll(() => {
    dir = tempDir('replay');
    trace = join(dir, 'form-toggle.gtrace');
    cpSync(TOGGLE_TRACE, trace);
    goldens = join(dir, 'golden');
    output = join(dir, 'out');
    report = join(dir, 'report.html');
    cwd = tempDir('replay-cwd');
  });

  it('with CI set, missing goldens fail (exit 1) and none is written', async () => {
    setCi('true');
    const r = await replay();
    expect(r.code, r.text).toBe(1);
    expect(r.out.join('\n')).toContain('missing');
    for (const name of TOGGLE_GOLDENS) expect(r.out.join('\n')).toContain(`golden ${name}: missing`);
    expect(existsSync(join(goldens, 'form-toggle'))).toBe(false);
  });

  it('without CI, the first run writes the missing goldens and passes', async () => {
    const r = await replay();
    expect(r.code, r.text).toBe(0);
    expect(r.out[0]).toMatch(/^PASS form-toggle: \d+ frames, goldens 0\/3 matched, 3 written \(/);
    for (const name of TOGGLE_GOLDENS) {
      expect(r.out.join('\n')).toContain(`golden ${name}: written`);
      const png = readPng(join(goldens, 'form-toggle', `${name}.png`));
      expect([png.width, png.height]).toEqual([fixture.width, fixture.height]);
    }
    expect(r.err.at(-1)).toBe(`1 trace replayed, 0 failed. Report: ${report}`);
  });

  it('the second run matches every golden', async () => {
    const r = await replay();
    expect(r.code, r.text).toBe(0);
    expect(r.out[0]).toMatch(new RegExp(`^PASS form-toggle: ${fixture.frames} frames, goldens 3/3 matched`));
  });

  it('a golden one pixel off fails (exit 1) and names the golden and the actual and diff images', async () => {
    const path = join(goldens, 'form-toggle', 'checked.png');
    const image = readPng(path);
    image.data[0] = image.data[0]! ^ 0xff;
    writePng(path, image);
    const r = await withCwd(cwd, () => replay());
    expect(r.code, r.text).toBe(1);
    expect(r.out[0]).toMatch(/^FAIL form-toggle: .* goldens 2\/3 matched, 1 mismatch \(/);
    const line = r.out.find((l) => l.includes('golden checked: mismatch')) ?? '';
    expect(line).toContain(`1 pixel differs from ${path}`);
    const paths = /actual: (\S+), diff: (\S+)$/.exec(line);
    expect(paths, line).not.toBeNull();
    for (const image of [paths![1]!, paths![2]!]) {
      expect(existsSync(image), image).toBe(true);
      expect(readPng(image).width).toBe(fixture.width);
    }
    expect(r.err.at(-1)).toBe(`1 trace replayed, 1 failed. Report: ${report}`);
  });

  it('--no-goldens skips the broken golden', async () => {
    const r = await replay('--no-goldens');
    expect(r.code, r.text).toBe(0);
    expect(r.out[0]).toContain('goldens 0/0 matched');
  });

  it('--max-diff-pixels 1 lets the one-pixel difference pass', async () => {
    const r = await withCwd(cwd, () => replay('--max-diff-pixels', '1', '--threshold', '0'));
    expect(r.code, r.text).toBe(0);
  });

  it('--update with CI set is refused (exit 2)', async () => {
    setCi('1');
    const r = await replay('--update');
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/cannot be updated with CI set/);
  });

  it('--update rewrites the golden that differs, and the next replay passes', async () => {
    const path = join(goldens, 'form-toggle', 'checked.png');
    const broken = readFileSync(path);
    const r = await replay('--update');
    expect(r.code, r.text).toBe(0);
    expect(r.out.join('\n')).toContain('golden checked: updated');
    expect(r.out[0]).toContain('goldens 2/3 matched, 1 updated (');
    expect(readFileSync(path).equals(broken)).toBe(false);
    const again = await replay();
    expect(again.code, again.text).toBe(0);
    expect(again.out[0]).toContain('goldens 3/3 matched');
  });

  it('--report writes the HTML report where asked', async () => {
    const path = join(dir, 'reports', 'nested', 'r.html');
    const r = await gpuos('replay', trace, '--golden-dir', goldens, '--output', output, '--report', path);
    expect(r.code, r.text).toBe(0);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('form-toggle');
    expect(r.err.at(-1)).toContain(`Report: ${path}`);
  });

  it('--from 10 --to 20 replays those ten frames only', async () => {
    const r = await replay('--from', '10', '--to', '20');
    expect(r.code, r.text).toBe(0);
    expect(r.out[0]).toMatch(/^PASS form-toggle: 10 frames, goldens 0\/0 matched/);
    const json = await replay('--from', '10', '--to', '20', '--json');
    expect(json.code, json.text).toBe(0);
    const [parsed] = JSON.parse(json.out.join('\n')) as { replayed: number; from: number; to: number; frames: number; ok: boolean }[];
    expect(parsed).toMatchObject({ replayed: 10, from: 10, to: 20, frames: fixture.frames, ok: true });
  });

  it('any emulator seed replays the trace', async () => {
    const r = await replay('--seed', '12345');
    expect(r.code, r.text).toBe(0);
  });

  it('fails a cut-off trace after replaying what it holds (exit 1), and passes it with --allow-incomplete', async () => {
    const cutDir = tempDir('replay-cut');
    const cut = join(cutDir, 'form-toggle.gtrace');
    const bytes = readFileSync(TOGGLE_TRACE);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 2000));
    const held = Trace.open(cut);
    const frames = held.frameCount;
    held.close();
    cpSync(REPO_GOLDENS, join(cutDir, 'golden'), { recursive: true });
    const args = ['replay', cut, '--golden-dir', join(cutDir, 'golden'), '--output', join(cutDir, 'out'), '--report', join(cutDir, 'report.html')];
    const strict = await gpuos(...args);
    expect(strict.code, strict.text).toBe(1);
    expect(strict.out[0]).toMatch(new RegExp(`^FAIL form-toggle: ${frames} frames`));
    expect(strict.text).toContain(`incomplete: the trace is incomplete: the recording was cut off after frame ${frames - 1}`);
    expect(strict.text).toContain('--allow-incomplete');
    expect(readFileSync(join(cutDir, 'report.html'), 'utf8')).toContain('incomplete trace');
    const allowed = await gpuos(...args, '--allow-incomplete');
    expect(allowed.code, allowed.text).toBe(0);
    expect(allowed.out[0]).toMatch(/^PASS form-toggle/);
    expect(allowed.text).toContain('(passed with --allow-incomplete)');
  });

  it('replays every trace in a directory', async () => {
    const r = await gpuos('replay', dir, '--golden-dir', goldens, '--output', output, '--report', report);
    expect(r.code, r.text).toBe(0);
    expect(r.err.at(-1)).toMatch(/^1 trace replayed, 0 failed/);
  });

  it.each([
    [['--threshold', '2'], '--threshold'],
    [['--threshold', 'abc'], '--threshold'],
    [['--from', '-1'], '--from'],
    [['--from=-1'], '--from'],
    [['--to', '1.5'], '--to'],
    [['--seed', 'x'], '--seed'],
    [['--seed', '18446744073709551616'], '--seed'],
    [['--max-diff-pixels', '-3'], '--max-diff-pixels'],
    [['--prune'], '--prune'],
    [['--from', '500'], 'from'],
  ])('bad option values %j exit 2', async (args, named) => {
    const r = await replay(...args);
    expect(r.code, r.text).toBe(2);
    expect(r.err.join('\n')).toContain(named);
    expect(r.out).toEqual([]);
  });

  it('bad paths exit 2', async () => {
    expect((await gpuos('replay', '--report', report)).code).toBe(2);
    expect((await gpuos('replay', join(dir, 'missing.gtrace'), '--report', report)).code).toBe(2);
    expect((await gpuos('replay', tempDir('replay-empty'), '--report', report)).code).toBe(2);
  });

  it('a trace whose input was tampered with diverges (exit 1): the frame is named and its images written', async () => {
    const tampered = join(tempDir('replay-tampered'), 'form-toggle.gtrace');
    const { frame } = withoutFirstClick(TOGGLE_TRACE, { path: tampered });
    const out = join(dir, 'divergence-out');
    const r = await gpuos('replay', tampered, '--golden-dir', goldens, '--output', out, '--report', report);
    expect(r.code, r.text).toBe(1);
    const text = r.out.join('\n');
    expect(text).toContain(`frame ${frame} diverged from the recording`);
    expect(text).toContain('widgets[updates]');
    const stem = `frame-${String(frame).padStart(5, '0')}`;
    for (const kind of ['expected', 'actual', 'diff']) expect(existsSync(join(out, 'form-toggle', `${stem}.${kind}.png`)), kind).toBe(true);
  });
});

describe('render', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('render');
  });

  it('writes a frame as a PNG of the trace size', async () => {
    const output = join(dir, 'f.png');
    const r = await gpuos('render', TOGGLE_TRACE, '--frame', '5', '-o', output);
    expect(r.code, r.text).toBe(0);
    expect(r.out).toEqual([`frame 5 of form-toggle -> ${output}`]);
    const png = readPng(output);
    expect([png.width, png.height]).toEqual([fixture.width, fixture.height]);
  });

  it('--json says what was written and whether the frame replays as recorded', async () => {
    const output = join(dir, 'json.png');
    const r = await gpuos('render', TOGGLE_TRACE, '--frame', '3', '-o', output, '--json');
    expect(r.code, r.text).toBe(0);
    expect(JSON.parse(r.out.join('\n'))).toEqual({ trace: TOGGLE_TRACE, name: 'form-toggle', frame: 3, backend: 'emulator', output, matchesRecording: true });
  });

  it('makes the directories an output path names, as every command does (one prepareOutputFile)', async () => {
    const output = join(dir, 'new', 'nested', 'f.png');
    const r = await gpuos('render', TOGGLE_TRACE, '--frame', '1', '-o', output);
    expect(r.code, r.text).toBe(0);
    expect(readPng(output).width).toBe(fixture.width);
    const report = join(dir, 'reports', 'deep', 'r.html');
    expect((await gpuos('replay', TOGGLE_TRACE, '--no-goldens', '--report', report)).code).toBe(0);
    expect(existsSync(report)).toBe(true);
  });

  it('renders a marked frame exactly as the replay compares it with its golden', async () => {
    const mark = fixture.goldens.find((g) => g.name === 'checked')!;
    const goldenDir = join(dir, 'render-goldens');
    const written = await gpuos('goldens', 'update', '--golden-dir', goldenDir, TOGGLE_TRACE);
    expect(written.code, written.text).toBe(0);
    const output = join(dir, 'checked.png');
    const r = await gpuos('render', TOGGLE_TRACE, '--frame', String(mark.frame), '--output', output);
    expect(r.code, r.text).toBe(0);
    expect(Buffer.from(readPng(output).data).equals(Buffer.from(readPng(join(goldenDir, 'form-toggle', 'checked.png')).data))).toBe(true);
  });

  it('renders the first and the last frame', async () => {
    for (const frame of [0, fixture.frames - 1]) {
      const r = await gpuos('render', TOGGLE_TRACE, '--frame', String(frame), '-o', join(dir, `edge-${frame}.png`));
      expect(r.code, r.text).toBe(0);
    }
  });

  it('a frame past the end exits 2 and says which frames exist', async () => {
    const output = join(dir, 'past.png');
    const r = await gpuos('render', TOGGLE_TRACE, '--frame', String(fixture.frames), '-o', output);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain(`has frames 0 to ${fixture.frames - 1}`);
    expect(existsSync(output)).toBe(false);
  });

  it('a missing or malformed --frame exits 2', async () => {
    const missing = await gpuos('render', TOGGLE_TRACE, '-o', join(dir, 'x.png'));
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toContain('--frame is required');
    expect((await gpuos('render', TOGGLE_TRACE, '--frame', 'five', '-o', join(dir, 'x.png'))).code).toBe(2);
    expect((await gpuos('render', '--frame', '1')).code).toBe(2);
  });
});

describe('verify', () => {
  it('--repeat 2 passes on a fixture trace', async () => {
    const r = await gpuos('verify', TOGGLE_TRACE, '--repeat', '2');
    expect(r.code, r.text).toBe(0);
    // Run k replays under the recording's seed + k: two different schedules.
    expect(r.out).toEqual([`PASS form-toggle.gtrace: 2 runs (seeds 1, 2) x ${fixture.frames} frames, every digest identical to the recording`]);
    const seeded = await gpuos('verify', TOGGLE_TRACE, '--repeat', '3', '--seed', '40');
    expect(seeded.out[0]).toContain('3 runs (seeds 40, 41, 42)');
  });

  it('fails (exit 1) on a tampered trace', async () => {
    const tampered = join(tempDir('verify-tampered'), 'form-toggle.gtrace');
    const { frame } = withoutFirstClick(TOGGLE_TRACE, { path: tampered });
    const r = await gpuos('verify', tampered, '--repeat', '1');
    expect(r.code, r.text).toBe(1);
    expect(r.out.join('\n')).toContain('FAIL form-toggle.gtrace');
    expect(r.out.join('\n')).toContain(`frame ${frame} diverged`);
  });

  it('bad --repeat exits 2', async () => {
    expect((await gpuos('verify', TOGGLE_TRACE, '--repeat', '0')).code).toBe(2);
    expect((await gpuos('verify', TOGGLE_TRACE, '--repeat', 'many')).code).toBe(2);
  });
});

describe('goldens', () => {
  it('list with an empty golden dir exits 1 and lists every golden MISSING', async () => {
    const empty = tempDir('goldens-empty');
    const r = await gpuos('goldens', 'list', FIXTURE_TRACES, '--golden-dir', empty);
    expect(r.code).toBe(1);
    let marks = 0;
    for (const file of readdirSync(FIXTURE_TRACES).filter((f) => f.endsWith('.gtrace'))) {
      const trace = Trace.open(join(FIXTURE_TRACES, file));
      marks += trace.goldens.length;
      trace.close();
    }
    expect(marks).toBeGreaterThan(0);
    expect(r.out.filter((l) => l.includes('MISSING'))).toHaveLength(marks);
    expect(r.out).toContain(`form-toggle (${TOGGLE_TRACE}):`);
    expect(readdirSync(empty)).toEqual([]);
  });

  it("list with the repository's goldens exits 0", async () => {
    const r = await gpuos('goldens', 'list', FIXTURE_TRACES, '--golden-dir', REPO_GOLDENS);
    expect(r.code, r.text).toBe(0);
    expect(r.text).not.toContain('MISSING');
    expect(r.out).toContain(`  frame    23  checked                  ${join(REPO_GOLDENS, 'form-toggle', 'checked.png')}`);
  });

  it('update writes missing goldens and --prune deletes obsolete ones', async () => {
    const dir = tempDir('goldens-update');
    const goldens = join(dir, 'golden');
    mkdirSync(join(goldens, 'form-toggle'), { recursive: true });
    writeFileSync(join(goldens, 'form-toggle', 'stale.png'), 'not a png');
    const r = await withCwd(dir, () => gpuos('goldens', 'update', TOGGLE_TRACE, '--prune', '--golden-dir', goldens));
    expect(r.code, r.text).toBe(0);
    expect(readdirSync(join(goldens, 'form-toggle')).sort()).toEqual(TOGGLE_GOLDENS.map((n) => `${n}.png`).sort());
    expect(r.out.join('\n')).toContain(`deleted obsolete golden ${join(goldens, 'form-toggle', 'stale.png')}`);
  });

  it('an unknown action exits 2', async () => {
    const r = await gpuos('goldens', 'frob', FIXTURE_TRACES);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain("unknown action 'frob'");
  });

  it('list --json gives each trace its marks, their files and whether they exist, and nothing else on stdout', async () => {
    const empty = tempDir('goldens-json');
    const r = await gpuos('goldens', 'list', TOGGLE_TRACE, '--golden-dir', empty, '--json');
    expect(r.code).toBe(1); // every golden missing
    const listed = JSON.parse(r.out.join('\n')) as { name: string; goldens: { frame: number; name: string; file: string; exists: boolean }[]; obsolete: string[] }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.name).toBe('form-toggle');
    expect(listed[0]!.goldens.map((g) => `${g.name}@${g.frame}`)).toEqual(fixture.goldens.map((g) => `${g.name}@${g.frame}`));
    expect(listed[0]!.goldens.every((g) => !g.exists && g.file.startsWith(empty))).toBe(true);
    expect(listed[0]!.obsolete).toEqual([]);
  });

  it('no action exits 2 with the usage, as gpuos alone does; --help exits 0', async () => {
    const r = await gpuos('goldens');
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('name an action: list or update');
    expect(r.err.join('\n')).toContain('usage: gpuos goldens list');
    const help = await gpuos('goldens', '--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('usage: gpuos goldens list');
  });
});

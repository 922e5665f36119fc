/**
 * The CLI with paths and traces that would destroy or escape: outputs that are inputs, traces
 * that share a name, a directory of traces with a bad one in it, a reader that closes the pipe.
 * Every case ends with exit 2 (or the run's own result) and nothing lost.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';

import { gpuos } from './cli_helpers.js';
import { rewriteTrace } from '../trace/trace_helpers.js';

const TOGGLE_TRACE = resolve('fixtures/traces/form-toggle.gtrace');
const SLIDER_TRACE = resolve('fixtures/traces/form-slider.gtrace');
const TOGGLE_SCENARIO = resolve('fixtures/scenarios/form-toggle.json');

let dir: string;
const ORIGINAL_CI = process.env['CI'];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpuos-untrusted-'));
  delete process.env['CI'];
  return () => {
    if (ORIGINAL_CI === undefined) delete process.env['CI'];
    else process.env['CI'] = ORIGINAL_CI;
  };
});

describe('outputs that would destroy an input', () => {
  it('render -o <the trace> is refused and the trace is intact', async () => {
    const trace = join(dir, 't.gtrace');
    cpSync(TOGGLE_TRACE, trace);
    const r = await gpuos('render', trace, '--frame', '3', '-o', trace);
    expect(r.code, r.text).toBe(2);
    expect(r.text).toMatch(/--output .*t\.gtrace is the input .*: writing it would destroy it/);
    expect(readFileSync(trace).equals(readFileSync(TOGGLE_TRACE))).toBe(true);
  });

  it('record -o <the scenario> is refused and the scenario is intact', async () => {
    const scenario = join(dir, 's.json');
    cpSync(TOGGLE_SCENARIO, scenario);
    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('"../scenes/form.json"', JSON.stringify(resolve('fixtures/scenes/form.json'))));
    const before = readFileSync(scenario);
    const r = await gpuos('record', scenario, '-o', scenario);
    expect(r.code, r.text).toBe(2);
    expect(readFileSync(scenario).equals(before)).toBe(true);
  });

  it('replay --report <a trace> is refused before anything runs', async () => {
    const trace = join(dir, 't.gtrace');
    cpSync(TOGGLE_TRACE, trace);
    const r = await gpuos('replay', trace, '--report', trace, '--golden-dir', join(dir, 'golden'));
    expect(r.code, r.text).toBe(2);
    expect(r.out).toEqual([]);
    expect(readFileSync(trace).equals(readFileSync(TOGGLE_TRACE))).toBe(true);
    expect(existsSync(join(dir, 'golden'))).toBe(false);
  });

  it('record into a directory is refused before recording, and nothing is left behind', async () => {
    const target = join(dir, 'a-directory');
    mkdirSync(target);
    const r = await gpuos('record', TOGGLE_SCENARIO, '-o', target);
    expect(r.code, r.text).toBe(2);
    expect(r.text).toMatch(/a-directory is a directory/);
    expect(readdirSync(dir)).toEqual(['a-directory']);
    expect(readdirSync(target)).toEqual([]);
  });

  it('record --out-dir with two scenarios of one name records neither', async () => {
    const again = join(dir, 'again.json');
    writeFileSync(again, readFileSync(TOGGLE_SCENARIO, 'utf8').replace('"../scenes/form.json"', JSON.stringify(resolve('fixtures/scenes/form.json'))));
    const out = join(dir, 'out');
    const r = await gpuos('record', TOGGLE_SCENARIO, again, '--out-dir', out);
    expect(r.code, r.text).toBe(2);
    expect(r.text).toMatch(/are both named 'form-toggle'/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('trace names', () => {
  it('two traces of one name in a run are refused before --update --prune can touch a golden', async () => {
    const traces = join(dir, 'traces');
    mkdirSync(traces);
    cpSync(TOGGLE_TRACE, join(traces, 'a.gtrace'));
    // Another recording under the same name, with marks of its own.
    rewriteTrace(SLIDER_TRACE, (f) => f, { path: join(traces, 'b.gtrace'), traceName: 'form-toggle' });
    const goldens = join(dir, 'golden');
    mkdirSync(join(goldens, 'form-toggle'), { recursive: true });
    cpSync(resolve('golden/form-toggle'), join(goldens, 'form-toggle'), { recursive: true });
    const before = readdirSync(join(goldens, 'form-toggle')).sort();
    const r = await gpuos('replay', traces, '--update', '--prune', '--golden-dir', goldens, '--report', join(dir, 'r.html'));
    expect(r.code, r.text).toBe(2);
    expect(r.text).toMatch(/a\.gtrace and .*b\.gtrace are both named 'form-toggle'/);
    expect(readdirSync(join(goldens, 'form-toggle')).sort()).toEqual(before);
  });
});

describe('a directory of traces with a bad one in it', () => {
  it('replays every good trace, reports the bad one, writes the report and exits 2', async () => {
    const traces = join(dir, 'traces');
    mkdirSync(traces);
    cpSync(TOGGLE_TRACE, join(traces, 'a.gtrace'));
    writeFileSync(join(traces, 'b.gtrace'), 'not a trace at all');
    cpSync(SLIDER_TRACE, join(traces, 'c.gtrace'));
    const report = join(dir, 'report.html');
    // Goldens are not what this is about (and the repository's must not be read: breaking one on
    // purpose, as the README shows, must fail one test only).
    const r = await gpuos('replay', traces, '--no-goldens', '--output', join(dir, 'out'), '--report', report);
    expect(r.code, r.text).toBe(2);
    expect(r.out.filter((l) => l.startsWith('PASS '))).toHaveLength(2);
    expect(r.err.join('\n')).toMatch(/ERROR .*b\.gtrace: E_TRACE_NOT_A_TRACE: /);
    expect(r.err.at(-1)).toBe(`2 traces replayed, 0 failed, 1 could not be replayed. Report: ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('ERROR</span> b');
    expect(html).toContain('E_TRACE_NOT_A_TRACE');
  });
});

describe('the gpuos executable in a pipe', () => {
  it('stops quietly when the reader closes the pipe early', () => {
    // Thousands of lines, of which head reads one: the CLI meets EPIPE while writing.
    const run = spawnSync('bash', ['-c', 'set -o pipefail; node dist/src/cli/bin.js inspect fixtures/traces/scroll-list-wheel.gtrace --events --frames | head -1'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^fixtures\/traces\/scroll-list-wheel\.gtrace\n$/);
  });
});

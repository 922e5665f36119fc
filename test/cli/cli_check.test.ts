/**
 * gpuos check: properties run for longer from the command line, each failure rerunnable with the
 * --seed and --path it prints, and mistakes refused with exit 2.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { parseDuration } from '../../src/cli/commands/check.js';
import { PROPERTIES } from '../../src/properties/index.js';
import { gpuos } from './cli_helpers.js';

const out = mkdtempSync(join(tmpdir(), 'gpuos-check-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('gpuos check', () => {
  it('--list names every property with its claim and oracle', async () => {
    const r = await gpuos('check', '--list');
    expect(r.code).toBe(0);
    for (const p of PROPERTIES) {
      expect(r.text).toContain(p.name);
      expect(r.text).toContain(p.oracle);
    }
  });

  it('runs a property and prints PASS with the cases, the seed and the rate; the same seed runs the same cases', async () => {
    const r = await gpuos('check', 'layout-matches-model', '--runs', '12', '--seed', '99', '--scale', 'test', '--out', out);
    expect(r.code, r.text).toBe(0);
    expect(r.out.join('\n')).toMatch(/^PASS layout-matches-model: 12 cases \(seed 99, [\d.]+ cases\/s, [\d.]+ s\)$/m);
    expect(r.out.at(-1)).toBe('1 property checked, 0 failed.');
    expect(existsSync(join(out, 'layout-matches-model'))).toBe(false); // nothing written on a pass
  });

  it('--json prints one JSON document of the results on stdout, the progress lines on stderr', async () => {
    const r = await gpuos('check', 'layout-matches-model', '--runs', '5', '--seed', '7', '--scale', 'test', '--out', out, '--json');
    expect(r.code, r.text).toBe(0);
    const result = JSON.parse(r.out.join('\n'));
    expect(result).toMatchObject({ failed: 0, notRun: 0, properties: [{ property: 'layout-matches-model', ok: true, runs: 5, seed: 7 }] });
    expect(r.err.join('\n')).toMatch(/^PASS layout-matches-model: 5 cases/m);
    const list = JSON.parse((await gpuos('check', '--list', '--json')).out.join('\n'));
    expect(list.map((p: { name: string }) => p.name)).toEqual(PROPERTIES.map((p) => p.name));
  });

  it('--time stops starting new cases and says so', async () => {
    const r = await gpuos('check', 'layout-matches-model', '--runs', '1000000', '--time', '1s', '--seed', '3', '--scale', 'test', '--out', out);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain('(stopped by --time)');
    // Batches are sized to the time left: the run ends about one case after the limit (the bound
    // is loose for a loaded machine; a fixed batch of 100 campaign cases took several seconds).
    const seconds = Number(/ ([\d.]+) s\)$/m.exec(r.out.join('\n'))![1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(3);
  });

  it.each([
    [['check', 'no-such-property'], "no property 'no-such-property'"],
    [['check', '--runs', '0'], '--runs must be an integer'],
    [['check', '--time', 'soon'], '--time must be a duration'],
    [['check', '--seed', 'x'], '--seed must be a 32-bit integer'],
    [['check', '--seed', '2147483648'], '--seed must be a 32-bit integer'],
    [['check', '--path', '1:2', '--seed', '4'], '--path replays one case'],
    [['check', 'layout-matches-model', '--path', '1:2'], '--path replays one case'],
    [['check', '--scale', 'huge'], "--scale must be 'campaign' or 'test'"],
  ])('%j exits 2: %s', async (argv, message) => {
    const r = await gpuos(...argv);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain(message);
  });

  it('parses durations', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(undefined)).toBeUndefined();
    expect(() => parseDuration('0s')).toThrow(/--time/);
    expect(() => parseDuration('-5s')).toThrow(/--time/);
  });

  it('--path reruns exactly one case', async () => {
    const r = await gpuos('check', 'layout-matches-model', '--seed', '5', '--path', '3', '--out', out);
    expect(r.code, r.text).toBe(0);
    expect(r.out.join('\n')).toMatch(/PASS layout-matches-model: 1 case \(/);
  });
});

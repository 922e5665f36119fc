/**
 * gpuos check when a property fails: exit 1, the shrunk case printed and written, and the rerun
 * command it prints (scale, seed, path and, for fc.commands, the replayPath) reruns exactly that
 * case. Planted failing properties are added to the list the CLI runs; the real properties cannot
 * be made to fail without planting a bug in the kernel or a model.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { addsOf } from '../helpers/planted_properties.js';
import { gpuos } from './cli_helpers.js';

vi.mock('../../src/properties/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/properties/index.js')>();
  const planted = await import('../helpers/planted_properties.js');
  return { ...actual, PROPERTIES: [...actual.PROPERTIES, planted.plantedScaled, planted.plantedCommands] };
});

const out = mkdtempSync(join(tmpdir(), 'gpuos-check-failures-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The arguments of the `npx gpuos check …` line a failure printed. */
function printedRerun(text: string): string[] {
  const line = text.split('\n').find((l) => l.trim().startsWith('npx gpuos check '));
  expect(line, text).toBeDefined();
  return [...line!.trim().slice('npx gpuos '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('gpuos check on a failing property', () => {
  it('exits 1, prints the shrunk case and where it was written, and the printed command reruns it', async () => {
    const r = await gpuos('check', 'planted-scaled', '--runs', '50', '--seed', '12', '--out', out);
    expect(r.code, r.text).toBe(1);
    expect(r.text).toContain('FAIL planted-scaled');
    expect(r.text).toContain('100 labels'); // the campaign-scale case, shrunk to its smallest
    expect(r.text).toContain(`counterexample written to ${join(out, 'planted-scaled')}/`);
    expect(existsSync(join(out, 'planted-scaled', 'planted-scaled-counterexample.gtrace'))).toBe(true);
    expect(r.out.at(-1)).toBe('1 property checked, 1 failed.');
    const rerun = printedRerun(r.text);
    expect(rerun).toContain('campaign');
    const again = await gpuos(...rerun, '--out', out);
    expect(again.code, again.text).toBe(1);
    expect(again.text).toContain('after 1 cases');
    expect(again.text).toContain('100 labels');
  });

  it('a property of fc.commands prints --commands, and the printed command reruns the same shrunk commands', async () => {
    const r = await gpuos('check', 'planted-commands', '--runs', '100', '--seed', '17', '--out', out);
    expect(r.code, r.text).toBe(1);
    const rerun = printedRerun(r.text);
    expect(rerun).toContain('--commands');
    const again = await gpuos(...rerun, '--out', out);
    expect(again.code, again.text).toBe(1);
    expect(addsOf(again.text)).toBe(addsOf(r.text));
  });

  it('keeps going to the next property after a failure, and counts both', async () => {
    const r = await gpuos('check', 'planted-scaled', 'layout-matches-model', '--runs', '5', '--seed', '2', '--scale', 'test', '--out', out);
    expect(r.code, r.text).toBe(1);
    expect(r.text).toContain('FAIL planted-scaled');
    expect(r.text).toMatch(/^PASS layout-matches-model: 5 cases/m);
    expect(r.out.at(-1)).toBe('2 properties checked, 1 failed.');
  });

  it.each([
    [['--commands', 'AB:C', '--seed=3', '--path', '1'], 'planted-commands', undefined],
    [['--commands', 'AB:C', '--seed=3', '--path', '1'], 'planted-scaled', '--commands replays the commands'],
    [['--commands', 'AB:C'], 'planted-commands', '--commands replays the commands'],
    [['--seed', '4294967296'], 'planted-scaled', '--seed must be a 32-bit integer'],
  ])('%j on %s', async (argv, property, refusal) => {
    const r = await gpuos('check', property, ...argv, '--out', out);
    if (refusal === undefined) {
      expect(r.code, r.text).not.toBe(2); // accepted: it ran (and its case may or may not fail)
    } else {
      expect(r.code, r.text).toBe(2);
      expect(r.err.join('\n')).toContain(refusal);
    }
  });

  it('--out naming a file exits 2 before checking anything', async () => {
    const file = join(out, 'a-file');
    writeFileSync(file, 'x');
    const r = await gpuos('check', 'planted-scaled', '--out', file);
    expect(r.code, r.text).toBe(2);
    expect(r.err.join('\n')).toContain('--out must name a folder');
    expect(r.text).not.toContain('FAIL');
  });

  it('a Chromium that does not start is reported as such (exit 2), not as an internal error', async () => {
    vi.stubEnv('GPUOS_CHROMIUM', '/bin/true');
    try {
      const r = await gpuos('check', 'model-matches-chromium', '--runs', '1', '--out', out);
      expect(r.code, r.text).toBe(2);
      expect(r.text).toContain('ERROR model-matches-chromium: not run: E_CHROMIUM_UNAVAILABLE');
      expect(r.text).toContain('/bin/true did not start');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

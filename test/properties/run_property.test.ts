/**
 * The property runner on a property made to fail: the failure is shrunk, reported with a seed and
 * path that rerun exactly it, and written as scene, scenario and a trace gpuos can replay.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { Trace } from '../../src/trace/trace_reader.js';
import { formatFailure, runProperty, seedFromEnvironment } from '../../src/properties/run_property.js';
import { PropertyViolation, type OsProperty } from '../../src/properties/property.js';
import { loadScenario } from '../../src/recorder/scenario.js';
import type { Scene } from '../../src/scene/scene_types.js';

const out = mkdtempSync(join(tmpdir(), 'gpuos-run-property-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const labels = (count: number): Scene => ({ root: { kind: 'column', children: Array.from({ length: count }, () => ({ kind: 'label' as const, text: 'x' })) } });

/** Fails for more than 5 labels: the smallest counterexample has exactly 6. */
const planted: OsProperty<number> = {
  name: 'planted-at-most-five',
  claim: 'a scene has at most five labels',
  oracle: 'arithmetic',
  testRuns: 200,
  arbitrary: () => fc.integer({ min: 0, max: 40 }),
  async check(count) {
    if (count > 5) throw new PropertyViolation(`${count} labels`);
  },
  toCase: (count) => ({ scene: labels(count), width: 64, height: 200, frames: [{ deltaUs: 1000, operations: [{ events: [{ type: 1, modifiers: 0, code: 0, x: 3, y: Number.NaN }] }] }] }),
};

describe('runProperty', () => {
  it('shrinks a failure to the smallest case and writes scene, scenario and a replayable trace', async () => {
    const result = await runProperty(planted, { seed: 7, outputDir: out });
    expect(result.ok).toBe(false);
    const failure = result.failure!;
    expect(failure.message).toContain('6 labels');
    expect(failure.message).not.toContain('7 labels');
    const files = failure.files;
    expect(JSON.parse(readFileSync(files.scene, 'utf8')).root.children).toHaveLength(6);
    const scenario = loadScenario(files.scenario);
    expect(scenario.steps).toEqual([{ push: [{ type: 1, modifiers: 0, code: 0, x: 3, y: 'NaN' }] }, { frame: { deltaUs: 1000 } }]);
    expect(files.trace).toBeDefined();
    const trace = Trace.open(files.trace!);
    try {
      expect(trace.frameCount).toBe(2);
      expect(trace.header.name).toBe('planted-at-most-five-counterexample');
    } finally {
      trace.close();
    }
    expect(readFileSync(files.report, 'utf8')).toContain(failure.reproduce);
    expect(formatFailure(result)).toContain(`--seed ${failure.seed} --path "${failure.path}"`);
  });

  it('the printed seed and path rerun exactly the shrunk case, once', async () => {
    const first = await runProperty(planted, { seed: 11, outputDir: out });
    const again = await runProperty(planted, { seed: first.failure!.seed, path: first.failure!.path, outputDir: out });
    expect(again.runs).toBe(1);
    expect(again.failure!.message).toContain('6 labels');
  });

  it('a passing property reports the runs it made', async () => {
    const passing = { ...planted, name: 'planted-passing', arbitrary: () => fc.integer({ min: 0, max: 5 }) };
    const result = await runProperty(passing, { seed: 3, runs: 250, outputDir: out });
    expect(result).toMatchObject({ ok: true, runs: 250, timedOut: false });
    expect(existsSync(join(out, 'planted-passing'))).toBe(false);
  });

  it('reads GPUOS_PROPERTY_SEED and GPUOS_PROPERTY_PATH only for the property GPUOS_PROPERTY names', () => {
    const saved = { ...process.env };
    try {
      process.env['GPUOS_PROPERTY'] = 'one';
      process.env['GPUOS_PROPERTY_SEED'] = '-42';
      process.env['GPUOS_PROPERTY_PATH'] = '1:2';
      expect(seedFromEnvironment('one')).toEqual({ seed: -42, path: '1:2' });
      expect(seedFromEnvironment('another')).toEqual({});
      process.env['GPUOS_PROPERTY_SEED'] = 'abc';
      expect(() => seedFromEnvironment('one')).toThrow(/GPUOS_PROPERTY_SEED/);
    } finally {
      process.env = saved;
    }
  });
});

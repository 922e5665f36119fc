/**
 * The property runner on a property made to fail: the failure is shrunk, reported with a seed and
 * path that rerun exactly it, and written as scene, scenario and a trace gpuos can replay.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { Trace } from '../../src/trace/trace_reader.js';
import { formatFailure, replayFromEnvironment, runProperty } from '../../src/properties/run_property.js';
import type { OsProperty } from '../../src/properties/property.js';
import { addsOf, plantedAtMostFive, plantedCommands, plantedScaled } from '../helpers/planted_properties.js';
import { loadScenario } from '../../src/recorder/scenario.js';

const out = mkdtempSync(join(tmpdir(), 'gpuos-run-property-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const planted = plantedAtMostFive;

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
    expect(formatFailure(result)).toContain(`--scale test --seed=${failure.seed} --path "${failure.path}"`);
    expect(failure.reproduce).toContain(`GPUOS_PROPERTY_SCALE=test GPUOS_PROPERTY_SEED=${failure.seed} GPUOS_PROPERTY_PATH="${failure.path}"`);
    expect(failure.reproduce).not.toContain('GPUOS_PROPERTY_COMMANDS');
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

  it('a failure at campaign scale prints that scale, and only that scale reruns it', async () => {
    // Campaign cases are 100-200 labels, test cases 0-40: the same seed and path mean other cases.
    const scaled = plantedScaled;
    const first = await runProperty(scaled, { seed: 5, scale: 'campaign', outputDir: out });
    const failure = first.failure!;
    expect(failure.message).toContain('100 labels');
    expect(failure.reproduceCli).toContain('--scale campaign');
    expect(failure.reproduce).toContain('GPUOS_PROPERTY_SCALE=campaign');
    const again = await runProperty(scaled, { seed: failure.seed, path: failure.path, scale: 'campaign', outputDir: out });
    expect(again.failure!.message).toContain('100 labels');
    const wrongScale = await runProperty(scaled, { seed: failure.seed, path: failure.path, scale: 'test', outputDir: out }).catch((error: Error) => error);
    expect(wrongScale instanceof Error ? wrongScale.message : wrongScale.failure?.message ?? 'passed').not.toContain('100 labels');
  });

  it('a property of fc.commands prints its replayPath, and seed, path and replayPath rerun its case', async () => {
    const commandsProperty = plantedCommands;
    const first = await runProperty(commandsProperty, { seed: 17, outputDir: out });
    const failure = first.failure!;
    expect(failure.commandsPath).toMatch(/^[A-Za-z0-9+/]*:[A-Za-z0-9+/]*$/);
    expect(failure.reproduceCli).toContain(`--commands "${failure.commandsPath}"`);
    expect(failure.reproduce).toContain(`GPUOS_PROPERTY_COMMANDS="${failure.commandsPath}"`);
    expect(failure.shrinks).toBeGreaterThan(0);
    const shrunk = addsOf(failure.message);
    expect(shrunk).toBeDefined();
    const again = await runProperty(commandsProperty, { seed: failure.seed, path: failure.path, commandsPath: failure.commandsPath!, outputDir: out });
    expect(again.runs).toBe(1);
    expect(addsOf(again.failure!.message)).toBe(shrunk);
    // Without the replayPath, fast-check cannot follow the path through the shrunk commands.
    const withoutCommands = await runProperty(commandsProperty, { seed: failure.seed, path: failure.path, outputDir: out }).then((r) => r.failure?.message ?? 'passed', (error: Error) => error.message);
    expect(addsOf(withoutCommands)).not.toBe(shrunk);
  });

  it('keeps the failure when the counterexample cannot be written, and says why', async () => {
    const blocked = join(out, 'a-file');
    writeFileSync(blocked, 'not a folder');
    const result = await runProperty(planted, { seed: 7, outputDir: blocked });
    expect(result.ok).toBe(false);
    expect(result.failure!.message).toContain('6 labels');
    expect(result.failure!.files.writeError).toBeDefined();
    const printed = formatFailure(result);
    expect(printed).toContain('could not be written');
    expect(printed).toContain(result.failure!.reproduceCli);
    expect(printed).not.toContain('counterexample written to');
  });

  it('a time limit stops the run within about one case, not after a whole batch', async () => {
    const slow: OsProperty<number> = { ...planted, name: 'planted-slow', arbitrary: () => fc.integer({ min: 0, max: 5 }), check: () => new Promise((done) => setTimeout(done, 25)) };
    const result = await runProperty(slow, { seed: 1, runs: 10_000, timeMs: 200, outputDir: out });
    expect(result).toMatchObject({ ok: true, timedOut: true });
    expect(result.runs).toBeGreaterThan(0);
    // A batch of 100 would take 2.5 s; the limit plus one case is 225 ms (the bound leaves room
    // for a loaded machine, and is still far below a batch).
    expect(result.durationMs).toBeLessThan(1500);
    expect(result.runs).toBeLessThan(60);
  });

  describe('the environment', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });
    const set = (values: Record<string, string>) => Object.assign(process.env, values);

    it('is read only for the property GPUOS_PROPERTY names', () => {
      set({ GPUOS_PROPERTY: 'one', GPUOS_PROPERTY_SEED: '-42', GPUOS_PROPERTY_PATH: '1:2', GPUOS_PROPERTY_SCALE: 'campaign', GPUOS_PROPERTY_COMMANDS: 'CAB:Bd' });
      expect(replayFromEnvironment('one')).toEqual({ seed: -42, path: '1:2', scale: 'campaign', commandsPath: 'CAB:Bd' });
      expect(replayFromEnvironment('another')).toEqual({});
    });

    it.each([
      [{ GPUOS_PROPERTY_SEED: 'abc' }, /GPUOS_PROPERTY_SEED/],
      [{ GPUOS_PROPERTY_SEED: '' }, /GPUOS_PROPERTY_SEED/],
      [{ GPUOS_PROPERTY_SEED: '4294967296' }, /32-bit/],
      [{ GPUOS_PROPERTY_PATH: '1:2' }, /needs GPUOS_PROPERTY_SEED/],
      [{ GPUOS_PROPERTY_SEED: '3', GPUOS_PROPERTY_PATH: '1;2' }, /GPUOS_PROPERTY_PATH/],
      [{ GPUOS_PROPERTY_SEED: '3', GPUOS_PROPERTY_COMMANDS: 'A:B' }, /needs GPUOS_PROPERTY_PATH/],
      [{ GPUOS_PROPERTY_SCALE: 'huge' }, /GPUOS_PROPERTY_SCALE/],
    ])('refuses %o', (values, message) => {
      set(values);
      expect(() => replayFromEnvironment('any')).toThrow(message);
    });
  });
});

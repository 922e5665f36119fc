/**
 * Input and dispatch on generated scenes and command lists: the kernel against the model of a
 * session, compared after every frame (docs/PROPERTIES.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, it, vi } from 'vitest';

import { OsModel } from '../../src/model/os_model.js';
import { assertProperty, expectedRuns } from '../../src/properties/assert_property.js';
import { inputMatchesModel } from '../../src/properties/input_property.js';
import { runProperty } from '../../src/properties/run_property.js';

it('the kernel takes generated input exactly as the model of a session', async () => {
  const result = await assertProperty(inputMatchesModel, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(inputMatchesModel));
});

it('a failure of the model-based property prints a seed, path and replayPath that rerun exactly its shrunk commands', async () => {
  // A planted slip in the model (the kernel is right): the second activation of a widget is
  // not counted. It needs two activations in one case, so shrinking removes commands, which only
  // the replayPath can replay.
  const original = (OsModel.prototype as unknown as { activate(widget: number): void }).activate;
  const slip = vi.spyOn(OsModel.prototype as unknown as { activate(widget: number): void }, 'activate').mockImplementation(function (this: OsModel, widget: number) {
    if (this.widgets[widget]!.activations === 1) return;
    original.call(this, widget);
  });
  const out = mkdtempSync(join(tmpdir(), 'gpuos-input-replay-'));
  try {
    const first = await runProperty(inputMatchesModel, { seed: 20261205, runs: 300, outputDir: out });
    const failure = first.failure!;
    expect(failure, 'the planted slip must be found').toBeDefined();
    expect(failure.message).toMatch(/activations: kernel 2, model 1/);
    expect(failure.commandsPath).toBeDefined();
    expect(failure.reproduceCli).toContain(`--commands "${failure.commandsPath}"`);
    const again = await runProperty(inputMatchesModel, { seed: failure.seed, path: failure.path, commandsPath: failure.commandsPath!, outputDir: out });
    expect(again.runs).toBe(1);
    expect(again.failure!.message.split('\n').slice(2)).toEqual(failure.message.split('\n').slice(2));
  } finally {
    slip.mockRestore();
    rmSync(out, { recursive: true, force: true });
  }
});

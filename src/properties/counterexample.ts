/**
 * A failing case, written where the usual tools open it: under `<dir>/<property>/` a scene
 * (scene.json), a scenario (scenario.json: the scene, the screen and every frame's length and raw
 * events) and the trace that scenario records (<property>.gtrace), plus the failure report
 * (failure.txt). `gpuos replay`, `gpuos inspect` and `gpuos render` take the trace as is.
 */
import { join, resolve } from 'node:path';

import { ensureDirectory, writeFileAtomic } from '../files.js';
import { recordScenario } from '../recorder/scenario_runner.js';
import type { LoadedScenario } from '../recorder/scenario.js';
import { scenarioOf, type OsCase } from './os_case.js';

export const DEFAULT_COUNTEREXAMPLE_DIR = 'test-output/properties';

export interface CounterexampleFiles {
  dir: string;
  scene: string;
  scenario: string;
  /** Missing when the case could not be recorded (the recording error is in `recordError`). */
  trace?: string;
  recordError?: string;
  report: string;
  /** Set when the files could not be written (the failure's message still describes the case). */
  writeError?: string;
}

/**
 * Writes `osCase` for `property`. Recording runs the case through the real kernel once more: if
 * that itself fails (the bug crashes the kernel), the scene and scenario are still written and
 * the error is kept, so nothing of the case is lost.
 */
export async function writeCounterexample(dir: string, property: string, osCase: OsCase, report: string): Promise<CounterexampleFiles> {
  const folder = resolve(dir, property);
  const files: CounterexampleFiles = {
    dir: folder,
    scene: join(folder, 'scene.json'),
    scenario: join(folder, 'scenario.json'),
    report: join(folder, 'failure.txt'),
  };
  const name = `${property}-counterexample`;
  const scenario = scenarioOf(name, `A counterexample to the property '${property}' (test-output/properties/${property}/failure.txt).`, osCase);
  try {
    ensureDirectory(folder);
    writeFileAtomic(files.scene, `${JSON.stringify(osCase.scene, null, 2)}\n`);
    writeFileAtomic(files.scenario, `${JSON.stringify(scenario, null, 2)}\n`);
  } catch (error) {
    // A failure must not be lost to a bad output folder: the caller still prints the case.
    files.writeError = error instanceof Error ? error.message : String(error);
    return files;
  }
  const trace = join(folder, `${name}.gtrace`);
  try {
    const loaded: LoadedScenario = { ...scenario, scene: osCase.scene, source: files.scenario };
    await recordScenario(loaded, trace);
    files.trace = trace;
  } catch (error) {
    files.recordError = error instanceof Error ? error.message : String(error);
  }
  try {
    writeFileAtomic(files.report, `${report}\n`);
  } catch (error) {
    files.writeError = error instanceof Error ? error.message : String(error);
  }
  return files;
}

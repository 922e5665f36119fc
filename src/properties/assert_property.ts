/**
 * A property as a test: runs it (with GPUOS_PROPERTY_SEED, _PATH, _COMMANDS and _SCALE from the
 * environment when they are meant for it, to rerun one case exactly) and throws an Error that says what
 * failed, where the counterexample was written and how to rerun it.
 */
import { formatFailure, runProperty, replayFromEnvironment, type PropertyRunResult, type RunPropertyOptions } from './run_property.js';
import type { AnyOsProperty } from './property.js';

export async function assertProperty(property: AnyOsProperty, options: RunPropertyOptions = {}): Promise<PropertyRunResult> {
  const fromEnvironment = replayFromEnvironment(property.name);
  const result = await runProperty(property, { ...options, ...fromEnvironment });
  if (!result.ok) throw new Error(formatFailure(result));
  return result;
}

/**
 * The cases a test run of `property` checks: its testRuns, or one when GPUOS_PROPERTY_PATH reruns
 * a single case of it (so a test's count check does not fail the rerun it exists for).
 */
export function expectedRuns(property: AnyOsProperty): number {
  return replayFromEnvironment(property.name).path !== undefined ? 1 : property.testRuns;
}

/**
 * Runs a property: fast-check generates cases from its arbitrary, the property checks each, and a
 * failing case is shrunk, reported with the seed and path that replay it, and written out
 * (counterexample.ts). Used by the vitest suites (assertProperty) and by `gpuos check`.
 *
 * A run is split into batches of runs, each batch with its own seed (base seed + batch number), so
 * a long campaign can stop on a time limit between batches without cutting a shrink short, and the
 * seed printed for a failure is the batch's: with the path it replays exactly the shrunk case.
 */
import fc from 'fast-check';

import { DEFAULT_COUNTEREXAMPLE_DIR, writeCounterexample, type CounterexampleFiles } from './counterexample.js';
import type { AnyOsProperty, PropertyScale } from './property.js';

export interface RunPropertyOptions {
  /** Cases to check (default: the property's testRuns). */
  runs?: number;
  /** The first batch's seed (default: from the clock, printed in the result). */
  seed?: number;
  /** With `seed`: replay exactly this case (fast-check's counterexample path). */
  path?: string;
  /** Stop starting new batches after this long (ms); the runs done so far count. */
  timeMs?: number;
  scale?: PropertyScale;
  /** Where a failure's files go (default test-output/properties). */
  outputDir?: string;
  /** After every case: how many are done of how many asked. */
  onProgress?: (done: number, total: number) => void;
  /** Runs per batch (default 100). */
  batch?: number;
}

export interface PropertyFailure {
  seed: number;
  path: string;
  /** The shrunk case, as the property describes it, and what the check said. */
  message: string;
  shrinks: number;
  files: CounterexampleFiles;
  /** The command that reruns exactly this case. */
  reproduce: string;
}

export interface PropertyRunResult {
  property: string;
  ok: boolean;
  /** Cases checked (skipped ones, which the oracle could not judge, not included). */
  runs: number;
  skipped: number;
  seed: number;
  durationMs: number;
  /** True when the time limit stopped the run before `runs` were done. */
  timedOut: boolean;
  failure?: PropertyFailure;
}

const DEFAULT_BATCH = 100;

/** The seed and path in the environment, when they are meant for this property. */
export function seedFromEnvironment(property: string): { seed?: number; path?: string } {
  const only = process.env['GPUOS_PROPERTY'];
  if (only !== undefined && only !== property) return {};
  const seedText = process.env['GPUOS_PROPERTY_SEED'];
  const path = process.env['GPUOS_PROPERTY_PATH'];
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new Error(`GPUOS_PROPERTY_SEED must be an integer, got '${seedText}'`);
  return { ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export async function runProperty(property: AnyOsProperty, options: RunPropertyOptions = {}): Promise<PropertyRunResult> {
  const started = Date.now();
  const total = options.runs ?? property.testRuns;
  const scale = options.scale ?? 'test';
  const batch = Math.max(1, options.batch ?? DEFAULT_BATCH);
  const baseSeed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const resources = property.open ? await property.open() : undefined;
  let done = 0; // cases checked in finished batches
  let seen = 0; // cases checked so far, for progress (shrinking, after a failure, is not counted)
  let shrinking = false;
  let skipped = 0;
  let timedOut = false;
  try {
    const arbitrary = property.arbitrary(scale);
    const predicate = fc.asyncProperty(arbitrary, async (value) => {
      if (property.judged && !(await property.judged(value, resources))) {
        fc.pre(false);
      }
      try {
        await property.check(value, resources);
      } catch (error) {
        shrinking = true; // every later call is fast-check trying smaller cases
        throw error;
      }
      if (!shrinking) options.onProgress?.((seen = Math.min(seen + 1, total)), total);
    });
    for (let k = 0; done < total || options.path !== undefined; k++) {
      if (options.timeMs !== undefined && Date.now() - started >= options.timeMs && done > 0) {
        timedOut = true;
        break;
      }
      const seed = (baseSeed + k) | 0;
      const numRuns = options.path !== undefined ? 1 : Math.min(batch, total - done);
      const details = await fc.check(predicate, {
        seed,
        numRuns,
        ...(options.path !== undefined ? { path: options.path } : {}),
        maxSkipsPerRun: 1000,
      });
      shrinking = false;
      skipped += details.numSkips;
      if (details.failed) {
        const value = details.counterexample![0];
        const path = details.counterexamplePath ?? '';
        const reproduce = `GPUOS_PROPERTY=${property.name} GPUOS_PROPERTY_SEED=${seed} GPUOS_PROPERTY_PATH="${path}" npm test -- test/properties`;
        const message = [
          `property '${property.name}' failed: ${property.claim}`,
          `after ${done + details.numRuns} cases and ${details.numShrinks} shrinks (fast-check seed ${seed}, path "${path}")`,
          '',
          describeError(details.errorInstance),
        ].join('\n');
        const files = await writeCounterexample(options.outputDir ?? DEFAULT_COUNTEREXAMPLE_DIR, property.name, property.toCase(value), `${message}\n\nreproduce:\n  ${reproduce}\n  npx gpuos check ${property.name} --seed ${seed} --path "${path}"`);
        return {
          property: property.name,
          ok: false,
          runs: done + details.numRuns,
          skipped,
          seed: baseSeed,
          durationMs: Date.now() - started,
          timedOut: false,
          failure: { seed, path, message, shrinks: details.numShrinks, files, reproduce },
        };
      }
      if (details.numSkips > 0 && details.numRuns < numRuns) {
        throw new Error(`property '${property.name}': the oracle could judge only ${details.numRuns} of ${numRuns} cases in ${details.numSkips} tries; the generator must give it more it can judge`);
      }
      done += details.numRuns;
      if (options.path !== undefined) break;
    }
  } finally {
    await resources?.close();
  }
  return { property: property.name, ok: true, runs: done, skipped, seed: baseSeed, durationMs: Date.now() - started, timedOut };
}

/** A failure as the CLI and vitest print it: what failed, where its files are, how to rerun it. */
export function formatFailure(result: PropertyRunResult): string {
  const failure = result.failure;
  if (!failure) return `property '${result.property}' held for ${result.runs} cases`;
  const files = failure.files;
  return [
    failure.message,
    '',
    `counterexample written to ${files.dir}/:`,
    `  scene     ${files.scene}`,
    `  scenario  ${files.scenario}`,
    files.trace ? `  trace     ${files.trace}  (gpuos replay | inspect | render)` : `  trace     not recorded: ${files.recordError}`,
    `  report    ${files.report}`,
    'rerun exactly this case:',
    `  ${failure.reproduce}`,
    `  npx gpuos check ${result.property} --seed ${failure.seed} --path "${failure.path}"`,
  ].join('\n');
}

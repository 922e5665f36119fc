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
  /** With `path`, for a property of fc.commands: which of the case's commands ran (its replayPath). */
  commandsPath?: string;
  /** Stop starting new batches after this long (ms); the runs done so far count. */
  timeMs?: number;
  scale?: PropertyScale;
  /** Where a failure's files go (default test-output/properties). */
  outputDir?: string;
  /** After every case: how many are done of how many asked. */
  onProgress?: (done: number, total: number) => void;
  /** Runs per batch (default 100; with `timeMs`, batches are sized to the time left). */
  batch?: number;
}

export interface PropertyFailure {
  seed: number;
  path: string;
  /** For a property of fc.commands: the replayPath that, with seed and path, reruns the case. */
  commandsPath?: string;
  scale: PropertyScale;
  /** The shrunk case, as the property describes it, and what the check said. */
  message: string;
  shrinks: number;
  files: CounterexampleFiles;
  /** The commands that rerun exactly this case: in vitest (npm test) and with gpuos check. */
  reproduce: string;
  reproduceCli: string;
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

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const PATH_PATTERN = /^\d+(:\d+)*$/;
const COMMANDS_PATH_PATTERN = /^[A-Za-z0-9+/]*:[A-Za-z0-9+/]*$/;

/** What reruns one case, as the environment or the CLI gives it. */
export interface PropertyReplay {
  seed?: number;
  path?: string;
  commandsPath?: string;
  scale?: PropertyScale;
}

/** Whether `text` is a seed a failure can have printed: a 32-bit integer, as fast-check uses. */
export function isPropertySeed(text: string): boolean {
  return /^-?\d{1,10}$/.test(text) && Number(text) >= INT32_MIN && Number(text) <= INT32_MAX;
}

/** Whether `text` is a fast-check counterexample path ("3:0:1") or commands replayPath ("CAB:Bd"). */
export const isPropertyPath = (text: string): boolean => PATH_PATTERN.test(text);
export const isCommandsPath = (text: string): boolean => COMMANDS_PATH_PATTERN.test(text);

/**
 * GPUOS_PROPERTY_SEED, _PATH, _COMMANDS and _SCALE, when they are meant for this property (all of
 * them, unless GPUOS_PROPERTY names another). Each is checked: a rerun that silently ran other
 * cases would pass for the wrong reason.
 */
export function replayFromEnvironment(property: string): PropertyReplay {
  const only = process.env['GPUOS_PROPERTY'];
  if (only !== undefined && only !== property) return {};
  const seedText = process.env['GPUOS_PROPERTY_SEED'];
  const path = process.env['GPUOS_PROPERTY_PATH'];
  const commandsPath = process.env['GPUOS_PROPERTY_COMMANDS'];
  const scale = process.env['GPUOS_PROPERTY_SCALE'];
  if (seedText !== undefined && !isPropertySeed(seedText)) throw new Error(`GPUOS_PROPERTY_SEED must be a 32-bit integer as a failure prints it, got '${seedText}'`);
  if (path !== undefined && (seedText === undefined || !isPropertyPath(path))) throw new Error(`GPUOS_PROPERTY_PATH needs GPUOS_PROPERTY_SEED and must be a path like "3:0:1", as a failure prints them (got '${path}')`);
  if (commandsPath !== undefined && (path === undefined || !isCommandsPath(commandsPath))) throw new Error(`GPUOS_PROPERTY_COMMANDS needs GPUOS_PROPERTY_PATH and must be a replayPath like "CAB:Bd", as a failure prints them (got '${commandsPath}')`);
  if (scale !== undefined && scale !== 'test' && scale !== 'campaign') throw new Error(`GPUOS_PROPERTY_SCALE must be 'test' or 'campaign', got '${scale}'`);
  return {
    ...(seedText === undefined ? {} : { seed: Number(seedText) }),
    ...(path === undefined ? {} : { path }),
    ...(commandsPath === undefined ? {} : { commandsPath }),
    ...(scale === undefined ? {} : { scale }),
  };
}

/** The two commands that rerun exactly one case: vitest through npm test, and gpuos check. */
function rerunCommands(property: string, scale: PropertyScale, seed: number, path: string, commandsPath: string | undefined): { vitest: string; cli: string } {
  const commands = commandsPath === undefined ? '' : ` GPUOS_PROPERTY_COMMANDS="${commandsPath}"`;
  return {
    vitest: `GPUOS_PROPERTY=${property} GPUOS_PROPERTY_SCALE=${scale} GPUOS_PROPERTY_SEED=${seed} GPUOS_PROPERTY_PATH="${path}"${commands} npm test -- test/properties`,
    cli: `npx gpuos check ${property} --scale ${scale} --seed=${seed} --path "${path}"${commandsPath === undefined ? '' : ` --commands "${commandsPath}"`}`,
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * How many cases the next batch runs: all that are left up to `batch`, or with a time limit as
 * many as half the time left holds at the rate seen so far (one to start with, to measure it),
 * so a limit is overrun by at most about one case (and the shrinking of a failure).
 */
function nextBatchSize(left: number, batch: number, timing: { timeMs?: number; elapsedMs: number; done: number }): number {
  if (timing.timeMs === undefined) return Math.min(batch, left);
  if (timing.done === 0) return 1;
  const perCaseMs = Math.max(timing.elapsedMs / timing.done, 0.01);
  const fits = Math.floor((timing.timeMs - timing.elapsedMs) / (2 * perCaseMs));
  return Math.max(1, Math.min(batch, left, fits));
}

export async function runProperty(property: AnyOsProperty, options: RunPropertyOptions = {}): Promise<PropertyRunResult> {
  const started = Date.now();
  const total = options.runs ?? property.testRuns;
  const scale = options.scale ?? 'test';
  const batch = Math.max(1, options.batch ?? DEFAULT_BATCH);
  const baseSeed = options.seed ?? Math.floor(Math.random() * INT32_MAX);
  const replaying = options.path !== undefined;
  if (options.commandsPath !== undefined && !replaying) throw new Error('commandsPath replays one case: give it with seed and path');
  const resources = property.open ? await property.open() : undefined;
  let done = 0; // cases checked in finished batches
  let seen = 0; // cases checked so far, for progress (shrinking, after a failure, is not counted)
  let shrinking = false;
  let skipped = 0;
  let timedOut = false;
  try {
    const check = async (value: unknown): Promise<void> => {
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
    };
    for (let k = 0; done < total || replaying; k++) {
      const elapsedMs = Date.now() - started;
      if (options.timeMs !== undefined && elapsedMs >= options.timeMs && done > 0) {
        timedOut = true;
        break;
      }
      const seed = (baseSeed + k) | 0;
      const numRuns = replaying ? 1 : nextBatchSize(total - done, batch, { ...(options.timeMs === undefined ? {} : { timeMs: options.timeMs }), elapsedMs, done });
      // A new arbitrary for every batch: fc.commands keeps the replayPath of its last run.
      const arbitrary = property.arbitrary(scale, options.commandsPath === undefined ? {} : { commandsPath: options.commandsPath });
      const details = await fc.check(fc.asyncProperty(arbitrary, check), {
        seed,
        numRuns,
        ...(replaying ? { path: options.path } : {}),
        maxSkipsPerRun: 1000,
      });
      shrinking = false;
      skipped += details.numSkips;
      if (details.failed) {
        const value = details.counterexample![0];
        const path = details.counterexamplePath ?? '';
        const commandsPath = property.commandsPathOf?.(value);
        const rerun = rerunCommands(property.name, scale, seed, path, commandsPath);
        const message = [
          `property '${property.name}' failed: ${property.claim}`,
          `after ${done + details.numRuns} cases and ${details.numShrinks} shrinks (scale ${scale}, fast-check seed ${seed}, path "${path}"${commandsPath === undefined ? '' : `, commands replayPath "${commandsPath}"`})`,
          '',
          describeError(details.errorInstance),
        ].join('\n');
        const files = await writeCounterexample(options.outputDir ?? DEFAULT_COUNTEREXAMPLE_DIR, property.name, property.toCase(value), `${message}\n\nreproduce:\n  ${rerun.vitest}\n  ${rerun.cli}`);
        return {
          property: property.name,
          ok: false,
          runs: done + details.numRuns,
          skipped,
          seed: baseSeed,
          durationMs: Date.now() - started,
          timedOut: false,
          failure: { seed, path, ...(commandsPath === undefined ? {} : { commandsPath }), scale, message, shrinks: details.numShrinks, files, reproduce: rerun.vitest, reproduceCli: rerun.cli },
        };
      }
      if (details.numSkips > 0 && details.numRuns < numRuns) {
        throw new Error(`property '${property.name}': the oracle could judge only ${details.numRuns} of ${numRuns} cases in ${details.numSkips} tries; the generator must give it more it can judge`);
      }
      done += details.numRuns;
      if (replaying) break;
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
  const rerun = ['rerun exactly this case:', `  ${failure.reproduce}`, `  ${failure.reproduceCli}`];
  if (files.writeError !== undefined && files.trace === undefined) {
    return [failure.message, '', `the counterexample could not be written to ${files.dir}/: ${files.writeError}`, ...rerun].join('\n');
  }
  return [
    failure.message,
    '',
    `counterexample written to ${files.dir}/:`,
    `  scene     ${files.scene}`,
    `  scenario  ${files.scenario}`,
    files.trace ? `  trace     ${files.trace}  (gpuos replay | inspect | render)` : `  trace     not recorded: ${files.recordError}`,
    files.writeError === undefined ? `  report    ${files.report}` : `  report    not written: ${files.writeError}`,
    ...rerun,
  ].join('\n');
}

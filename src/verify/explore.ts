/**
 * Schedule exploration: one dispatch run under many thread schedules, its final memory digested
 * after each, the distinct outcomes counted, each with a schedule that reproduces it.
 *
 *   random      every decision drawn from the seed (seeds base, base + 1, ...): uniform at atomics
 *               and at each new turn, a SIMD-group's lanes in a drawn rotation (docs/EMULATOR.md)
 *   pct         probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random thread
 *               priorities and depth - 1 change points over the k decisions one run takes (k is
 *               measured by a first run); finds a bug of depth d with probability >= 1 / (n k^(d-1))
 *   exhaustive  every interleaving of the atomics (the preemption points) with at most `bound`
 *               preemptions, depth first, until done or `schedules` runs: a stateless model check.
 *               A decision where the chosen thread did no atomic before the next one is not
 *               branched on: any other choice there gives an equivalent run (for a race-free
 *               kernel: the race checker is what says it is).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ScheduleOptions } from '../kernel/dispatch_options.js';
import { nativeAddon, type BarrierDigest, type ScheduleDecisions } from '../kernel/native.js';

export type Strategy = 'random' | 'pct' | 'exhaustive';
export const STRATEGIES: readonly Strategy[] = ['random', 'pct', 'exhaustive'];

/** What one run left: its final memory (by buffer), or the error it stopped with. */
export interface ScheduleRunResult {
  memory: Uint8Array[];
  error?: { code: string; message: string };
  barrierDigests?: BarrierDigest[];
  decisions?: ScheduleDecisions;
  decisionCount: number;
}

/** A dispatch that can be run again from the same starting memory under any schedule. */
export interface ScheduleTarget {
  run(seed: bigint, schedule: ScheduleOptions): Promise<ScheduleRunResult>;
  /** Buffer names for reports ("buffer(0) 'stack'"). */
  bufferLabel(index: number): string;
  /** The byte's meaning in the target's own terms, when it has one (the OS: a state field). */
  describeByte?(buffer: number, offset: number): string | undefined;
}

/** How to rerun one schedule: the seed for random and PCT, the script for exhaustive. */
export interface ScheduleReference {
  strategy: Strategy;
  seed: bigint;
  pctDepth?: number;
  pctSteps?: number;
  /** Exhaustive: the option taken at each decision, as "decision:option" pairs for the non-default ones. */
  script?: string;
}

export interface Outcome {
  digest: string;
  /** Runs that ended with this memory (or this error). */
  count: number;
  reproduce: ScheduleReference;
  error?: { code: string; message: string };
}

export interface MemoryDifference {
  buffer: number;
  label: string;
  offset: number;
  /** The differing bytes' aligned 4-byte word in each outcome, little-endian. */
  word: [number, number];
  /** Bytes that differ in all. */
  differingBytes: number;
  /** The byte's meaning, when the target knows (the OS's state fields). */
  meaning?: string;
}

export interface PartingPoint {
  /** How many barriers both runs passed with identical memory. */
  barriersAlike: number;
  /** The first barrier after which the memory differed; null: after the last one, before the kernel's end. */
  barrier: { file: string; line: number } | null;
  /** The last barrier at which it was still the same; null: the kernel's start. */
  lastAlike: { file: string; line: number } | null;
}

export interface ExploreReport {
  strategy: Strategy;
  runs: number;
  /** Exhaustive: whether every schedule within the bound was run. */
  exhausted?: boolean;
  /** Exhaustive: the script the search started from (options.script), when one was given. */
  startedFrom?: string;
  preemptionBound?: number;
  pctDepth?: number;
  pctSteps?: number;
  /** Distinct outcomes, most frequent first. */
  outcomes: Outcome[];
  deterministic: boolean;
  /** Between the two most frequent outcomes (when there are two and both finished). */
  difference?: MemoryDifference;
  partsWays?: PartingPoint;
}

export interface ExploreOptions {
  strategy?: Strategy;
  /** Runs (exhaustive: at most this many). Default 100. */
  schedules?: number;
  /** The first seed (default 1). */
  seed?: bigint;
  /** PCT's d (default 3). */
  pctDepth?: number;
  /** PCT's k: change points fall on decisions 1..k (default: the decisions a first run takes). */
  pctSteps?: number;
  /** Exhaustive: preemptions per schedule (default 2). */
  preemptionBound?: number;
  /** Exhaustive: start from this schedule (a report's rerun script); with schedules 1, run only it. */
  script?: string;
  /** Called after every run. */
  onRun?: (done: number, total: number) => void;
}

export const MAX_SCHEDULES = 1_000_000;

/** An outcome and how to run it again: memory is not kept per outcome (it may be 256 MiB a run). */
interface Representative {
  outcome: Outcome;
  seed: bigint;
  schedule: ScheduleOptions;
}

function digestOf(result: ScheduleRunResult): string {
  if (result.error) return `error ${result.error.code}`;
  // XXH64 of each buffer, then of those digests: outcomes are told apart, not authenticated.
  const digests = BigUint64Array.from(result.memory, (bytes) => nativeAddon().digest64(bytes));
  return nativeAddon().digest64(new Uint8Array(digests.buffer)).toString(16).padStart(16, '0');
}

/** "3:1,17:2": the non-default choices of a script; the rest are 0. */
export function encodeScript(script: Uint16Array | readonly number[]): string {
  const pairs: string[] = [];
  script.forEach((choice, i) => {
    if (choice !== 0) pairs.push(`${i}:${choice}`);
  });
  return pairs.join(',') || '-';
}

export function decodeScript(text: string): Uint16Array {
  if (text === '-' || text === '') return new Uint16Array(0);
  const pairs = text.split(',').map((pair) => {
    const match = /^(\d+):(\d+)$/.exec(pair);
    if (!match) throw new InvalidArgumentError(`a schedule script is "decision:option" pairs separated by commas (as a report prints it), got '${pair}'`);
    const [decision, option] = [Number(match[1]), Number(match[2])];
    if (decision >= 1 << 20 || option > 1023) throw new InvalidArgumentError(`schedule script pair '${pair}' is out of range`);
    return [decision, option] as const;
  });
  const script = new Uint16Array(Math.max(...pairs.map(([d]) => d)) + 1);
  for (const [decision, option] of pairs) script[decision] = option;
  return script;
}

/**
 * The script of the next schedule in depth-first order after a run that followed `scripted`
 * decisions and then the defaults, or undefined when every schedule within `bound` preemptions has
 * run. When the last scripted choice ran a thread that did no atomic before the next decision, the
 * run is equivalent to one already explored (that thread's step commutes with everything), so
 * nothing below it is explored either.
 */
export function nextScript(decisions: ScheduleDecisions, bound: number, scripted = 0): Uint16Array | undefined {
  const length = decisions.options.length;
  const preemptionsBefore = new Uint32Array(length + 1);
  for (let i = 0; i < length; i++) preemptionsBefore[i + 1] = preemptionsBefore[i]! + (decisions.preemption[i] && decisions.chosen[i] !== 0 ? 1 : 0);
  const pruned = scripted > 0 && scripted <= length && !decisions.atomicAfter[scripted - 1];
  for (let i = pruned ? scripted - 1 : length - 1; i >= 0; i--) {
    // The last scripted decision was branched on because its first choice did an atomic: its other
    // options are still to try, whatever the one just run did.
    if (!decisions.atomicAfter[i] && !(i === scripted - 1 && decisions.chosen[i] !== 0)) continue;
    for (let next = decisions.chosen[i]! + 1; next < decisions.options[i]!; next++) {
      const cost = decisions.preemption[i] ? 1 : 0; // any option but 0 preempts the thread that could go on
      if (preemptionsBefore[i]! + cost > bound) break;
      const script = new Uint16Array(i + 1);
      script.set(decisions.chosen.subarray(0, i));
      script[i] = next;
      return script;
    }
  }
  return undefined;
}

function firstDifference(a: ScheduleRunResult, b: ScheduleRunResult, target: ScheduleTarget): MemoryDifference | undefined {
  for (let buffer = 0; buffer < Math.min(a.memory.length, b.memory.length); buffer++) {
    const x = a.memory[buffer]!;
    const y = b.memory[buffer]!;
    let first = -1;
    let differing = 0;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) {
        if (first < 0) first = i;
        differing++;
      }
    }
    if (first < 0) continue;
    const aligned = first - (first % 4);
    const word = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(Math.min(aligned, bytes.length - 4), true);
    const meaning = target.describeByte?.(buffer, first);
    return { buffer, label: target.bufferLabel(buffer), offset: first, word: [word(x), word(y)], differingBytes: differing, ...(meaning ? { meaning } : {}) };
  }
  return undefined;
}

function partingPoint(a: ScheduleRunResult, b: ScheduleRunResult): PartingPoint | undefined {
  if (!a.barrierDigests || !b.barrierDigests) return undefined;
  const site = (d: BarrierDigest | undefined) => (d?.site ? { file: d.site.file, line: d.site.line } : null);
  const common = Math.min(a.barrierDigests.length, b.barrierDigests.length);
  let alike = 0;
  while (alike < common && a.barrierDigests[alike]!.digest === b.barrierDigests[alike]!.digest) alike++;
  return {
    barriersAlike: alike,
    barrier: alike < common ? site(a.barrierDigests[alike]) : null,
    lastAlike: alike > 0 ? site(a.barrierDigests[alike - 1]) : null,
  };
}

function count(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  return n;
}

export async function exploreSchedules(target: ScheduleTarget, options: ExploreOptions = {}): Promise<ExploreReport> {
  const strategy = options.strategy ?? 'random';
  if (!STRATEGIES.includes(strategy)) throw new InvalidArgumentError(`strategy must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`);
  const schedules = count('schedules', options.schedules, 100, 1, MAX_SCHEDULES);
  const pctDepth = count('pctDepth', options.pctDepth, 3, 1, 64);
  const bound = count('preemptionBound', options.preemptionBound, 2, 0, 64);
  const base = options.seed ?? 1n;
  const seen = new Map<string, Representative>();
  const report: ExploreReport = { strategy, runs: 0, outcomes: [], deterministic: true };

  const record = (result: ScheduleRunResult, reproduce: ScheduleReference, seed: bigint, schedule: ScheduleOptions) => {
    const digest = digestOf(result);
    const known = seen.get(digest);
    if (known) {
      known.outcome.count++;
    } else {
      const outcome: Outcome = { digest, count: 1, reproduce, ...(result.error ? { error: result.error } : {}) };
      seen.set(digest, { outcome, seed, schedule });
    }
    report.runs++;
    options.onRun?.(report.runs, schedules);
  };

  if (strategy === 'random') {
    for (let i = 0; i < schedules; i++) {
      const seed = BigInt.asUintN(64, base + BigInt(i));
      const schedule: ScheduleOptions = { strategy: 'random' };
      record(await target.run(seed, schedule), { strategy, seed }, seed, schedule);
    }
  } else if (strategy === 'pct') {
    // k: the decisions one run takes, from a first (random) run that is not counted.
    const pctSteps = options.pctSteps ?? Math.max(1, (await target.run(base, { strategy: 'random' })).decisionCount);
    report.pctDepth = pctDepth;
    report.pctSteps = pctSteps;
    for (let i = 0; i < schedules; i++) {
      const seed = BigInt.asUintN(64, base + BigInt(i));
      const schedule: ScheduleOptions = { strategy: 'pct', pctDepth, pctSteps };
      record(await target.run(seed, schedule), { strategy, seed, pctDepth, pctSteps }, seed, schedule);
    }
  } else {
    report.preemptionBound = bound;
    if (options.script !== undefined) report.startedFrom = options.script;
    let script: Uint16Array | undefined = decodeScript(options.script ?? '-');
    while (script && report.runs < schedules) {
      const result = await target.run(base, { strategy: 'scripted', script, recordDecisions: true });
      if (!result.decisions) throw new InvalidArgumentError('an exhaustive run returned no decisions (the dispatch was refused before it ran?)');
      if (result.decisions.truncated) throw new InvalidArgumentError(`the kernel takes more than ${result.decisions.options.length} scheduling decisions per run: too many for exhaustive exploration; use --strategy pct`);
      const taken = Uint16Array.from(result.decisions.chosen);
      record(result, { strategy, seed: base, script: encodeScript(taken) }, base, { strategy: 'scripted', script: taken });
      script = nextScript(result.decisions, bound, script.length);
    }
    // Started from a given script, the branches before it were never tried.
    report.exhausted = script === undefined && options.script === undefined;
  }

  const ranked = [...seen.values()].sort((a, b) => b.outcome.count - a.outcome.count);
  report.outcomes = ranked.map((r) => r.outcome);
  report.deterministic = ranked.length === 1 && !ranked[0]!.outcome.error;
  const [first, second] = ranked;
  if (first && second && !first.outcome.error && !second.outcome.error) {
    // The two most frequent outcomes run again (every schedule replays exactly), now with their
    // memory digested at every barrier, to say where they part.
    const again = async (r: Representative) => target.run(r.seed, { ...r.schedule, digestBarriers: true });
    const a = await again(first);
    const b = await again(second);
    const difference = firstDifference(a, b, target);
    if (difference) report.difference = difference;
    const parting = partingPoint(a, b);
    if (parting) report.partsWays = parting;
  }
  return report;
}

/**
 * Shrinks a trace to the little of its input that still shows a failure: `gpuos minimize`.
 *
 * The condition is first checked on the whole trace (it must hold, or there is nothing to
 * minimize); frames after the one where it first shows are dropped; then delta debugging removes
 * frames, then single events (and other host operations) of the frames left, then frames again
 * (those whose events all went). Every candidate is run through the kernel afresh: what a frame
 * computes depends on everything before it, so a candidate's expected behaviour comes from the
 * reference kernel, never from the original recording. The result is recorded with the reference
 * kernel, so replaying it with the kernel under test shows the failure again.
 */
import { InvalidArgumentError } from '../errors.js';
import { describeDivergence } from '../replayer/divergence.js';
import { Replayer } from '../replayer/replayer.js';
import { Trace } from '../trace/trace_reader.js';
import { parseCondition, MinimizeError, type Condition, type ConditionOptions, type Outcome } from './conditions.js';
import { ddmin } from './ddmin.js';
import { recordInput } from './run_input.js';
import { countInput, inputUnits, readTraceInput, withFrames, withUnits, type TraceInput } from './trace_input.js';

export interface MinimizeOptions extends ConditionOptions {
  /** The condition (conditions.ts): divergence, finding[:CODE], golden[:NAME], exec:COMMAND. */
  until: string;
  /** Where the smallest trace goes. */
  output: string;
  /** Stop searching after this long (ms) and keep the smallest trace found; default 10 minutes. */
  timeLimitMs?: number;
  /** Stop after this many candidate runs; default 5000. */
  maxReplays?: number;
  onProgress?: (progress: MinimizeProgress) => void;
}

export interface MinimizeProgress {
  step: 'check' | 'truncate' | 'frames' | 'events' | 'record';
  frames: number;
  events: number;
  replays: number;
  elapsedMs: number;
}

export interface InputCounts {
  frames: number;
  events: number;
  otherOperations: number;
}

export interface MinimizeSummary {
  trace: string;
  output: string;
  condition: string;
  before: InputCounts;
  after: InputCounts;
  /** Candidates run through the kernel (each a fresh session from the scene). */
  replays: number;
  durationMs: number;
  /** Set when the budget ran out first: the output is the smallest found, perhaps not 1-minimal. */
  stoppedBy?: 'time' | 'replays';
  /** The original trace's frame index of every frame kept, in order. */
  keptFrames: number[];
  /** What the condition showed on the whole trace, and on the minimized one. */
  original: Outcome;
  minimized: Outcome;
  /** divergence: what replaying the minimized trace with the kernel under test reports (decoded fields). */
  divergence?: string;
}

export async function minimizeTrace(path: string, options: MinimizeOptions): Promise<MinimizeSummary> {
  const started = Date.now();
  const timeLimitMs = options.timeLimitMs ?? 600_000;
  const maxReplays = options.maxReplays ?? 5000;
  if (!Number.isFinite(timeLimitMs) || timeLimitMs <= 0) throw new InvalidArgumentError(`timeLimitMs must be a positive number, got ${String(timeLimitMs)}`);
  if (!Number.isInteger(maxReplays) || maxReplays < 1) throw new InvalidArgumentError(`maxReplays must be a positive integer, got ${String(maxReplays)}`);
  const deadline = started + timeLimitMs;
  const trace = Trace.open(path);
  let original: TraceInput;
  try {
    original = readTraceInput(trace);
  } finally {
    trace.close();
  }
  if (original.frames.length === 0) throw new MinimizeError('E_MINIMIZE_EMPTY', `${path} holds no frame; there is nothing to minimize`);
  const condition = parseCondition(options.until, original, options);

  let replays = 0;
  let stoppedBy: MinimizeSummary['stoppedBy'];
  const exhausted = (): boolean => {
    if (stoppedBy) return true;
    if (Date.now() >= deadline) stoppedBy = 'time';
    else if (replays >= maxReplays) stoppedBy = 'replays';
    return stoppedBy !== undefined;
  };
  const report = (step: MinimizeProgress['step'], input: TraceInput): void => {
    const counts = countInput(input);
    options.onProgress?.({ step, frames: counts.frames, events: counts.events + counts.otherOperations, replays, elapsedMs: Date.now() - started });
  };
  const run = async (input: TraceInput): Promise<Outcome> => {
    replays++;
    return condition.test(input, deadline);
  };
  const holds = async (input: TraceInput): Promise<boolean> => {
    if (input.frames.length === 0) return false; // a trace needs a frame to replay
    return (await run(input)).holds;
  };

  report('check', original);
  const first = await run(original);
  if (!first.holds) {
    throw new MinimizeError('E_MINIMIZE_NOT_REPRODUCED', `--until ${condition.spec} does not hold for the whole of ${path}: ${first.detail}. There is nothing to minimize: check the condition (and --kernel, --reference-kernel, --seed)`);
  }

  let current = original;
  // Frames after the one where the failure first showed cannot matter to it.
  if (first.frame !== undefined && first.frame + 1 < current.frames.length && !exhausted()) {
    const truncated = withFrames(current, [...Array(first.frame + 1).keys()]);
    if (await holds(truncated)) current = truncated;
    report('truncate', current);
  }
  current = await reduceFrames(current, condition, holds, exhausted, (input) => report('frames', input));
  const units = inputUnits(current);
  if (!exhausted() && units.length > 0) {
    const kept = await ddmin(units, { test: (subset) => holds(withUnits(current, subset)), exhausted, onProgress: (subset) => report('events', withUnits(current, subset)) });
    if (kept.length < units.length) {
      current = withUnits(current, kept);
      // Frames whose events all went may now go too.
      current = await reduceFrames(current, condition, holds, exhausted, (input) => report('frames', input));
    }
  }

  report('record', current);
  const marks = condition.mark === undefined ? [] : [condition.mark];
  await recordInput(current, options.output, { kernel: options.referenceKernel, marks: condition.kind === 'exec' ? current.frames.flatMap((f) => f.marks) : marks });
  // The trace as written, read back and run once more: what the summary says is what the file shows.
  const written = Trace.open(options.output);
  let minimized: Outcome;
  try {
    const input = readTraceInput(written);
    // Frames keep their original numbers in messages.
    input.frames.forEach((frame, i) => (frame.source = current.frames[i]!.source));
    // As long again as the search was allowed: the budget is for searching, not for this last run.
    minimized = await condition.test(input, Date.now() + timeLimitMs);
    replays++;
  } finally {
    written.close();
  }
  let divergence: string | undefined;
  if (condition.kind === 'divergence' && minimized.holds) divergence = await describeReplay(options.output, options);
  return {
    trace: path,
    output: options.output,
    condition: condition.spec,
    before: countInput(original),
    after: countInput(current),
    replays,
    durationMs: Date.now() - started,
    ...(stoppedBy ? { stoppedBy } : {}),
    keptFrames: current.frames.map((f) => f.source),
    original: first,
    minimized,
    ...(divergence === undefined ? {} : { divergence }),
  };
}

/** What `gpuos replay` of the minimized trace with the kernel under test says: its divergence, decoded. */
async function describeReplay(path: string, options: MinimizeOptions): Promise<string | undefined> {
  const replayer = await Replayer.open(path, { ...(options.kernel === undefined ? {} : { kernel: options.kernel }), ...(options.seed === undefined ? {} : { seed: options.seed }) });
  try {
    while (replayer.position < replayer.frameCount) {
      const check = await replayer.step();
      if (!check.ok) return describeDivergence(check.divergence!);
    }
    return undefined;
  } finally {
    replayer.close();
  }
}

async function reduceFrames(input: TraceInput, condition: Condition, holds: (input: TraceInput) => Promise<boolean>, exhausted: () => boolean, onProgress: (input: TraceInput) => void): Promise<TraceInput> {
  if (exhausted()) return input;
  const indices = [...input.frames.keys()];
  const pinned = (i: number): boolean => condition.mark !== undefined && input.frames[i]!.marks.includes(condition.mark);
  const kept = await ddmin(indices, { test: (subset) => holds(withFrames(input, subset)), exhausted, pinned, onProgress: (subset) => onProgress(withFrames(input, subset)) });
  return kept.length < indices.length ? withFrames(input, kept) : input;
}

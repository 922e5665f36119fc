/**
 * What a minimizer varies: a trace's input (the host's operations before each frame, and each
 * frame's time) apart from what the kernel made of it. A candidate is a TraceInput with frames or
 * events left out; it is run (run_input.ts) to see what the kernel makes of it now.
 */
import type { HostOperation } from '../os/host_operations.js';
import type { Trace } from '../trace/trace_reader.js';

export interface InputFrame {
  /** The frame's index in the original trace (kept through every reduction, for messages). */
  source: number;
  timeUs: number;
  deltaUs: number;
  fullRedraw: boolean;
  operations: HostOperation[];
  /** Golden marks of this frame (names). */
  marks: string[];
}

export interface TraceInput {
  name: string;
  description: string;
  scene: object;
  width: number;
  height: number;
  seed: bigint;
  checkpointInterval: number;
  frames: InputFrame[];
}

export function readTraceInput(trace: Trace): TraceInput {
  const marks = new Map<number, string[]>();
  for (const mark of trace.goldens) marks.set(mark.frame, [...(marks.get(mark.frame) ?? []), mark.name]);
  const frames: InputFrame[] = [];
  for (const frame of trace.frames()) {
    frames.push({ source: frame.index, timeUs: frame.timeUs, deltaUs: frame.deltaUs, fullRedraw: frame.fullRedraw, operations: frame.operations, marks: marks.get(frame.index) ?? [] });
  }
  const { config } = trace.header;
  return { name: trace.header.name, description: trace.header.description, scene: trace.header.scene as object, width: config.width, height: config.height, seed: config.seed, checkpointInterval: config.checkpointInterval, frames };
}

/** Events (one per input event) and other host operations (counter and memory writes). */
export function countInput(input: TraceInput): { frames: number; events: number; otherOperations: number } {
  let events = 0;
  let otherOperations = 0;
  for (const frame of input.frames) {
    for (const op of frame.operations) {
      if (op.kind === 'events') events += op.events.length;
      else otherOperations++;
    }
  }
  return { frames: input.frames.length, events, otherOperations };
}

/** The input of the frames listed (indices into input.frames, in order). */
export function withFrames(input: TraceInput, keep: readonly number[]): TraceInput {
  return { ...input, frames: keep.map((i) => input.frames[i]!) };
}

/**
 * One thing a frame's input can lose: an event of an events operation (event >= 0) or a whole
 * counters or memory-write operation (event -1).
 */
export interface InputUnit {
  frame: number;
  operation: number;
  event: number;
}

export function inputUnits(input: TraceInput): InputUnit[] {
  const units: InputUnit[] = [];
  input.frames.forEach((frame, f) =>
    frame.operations.forEach((op, o) => {
      if (op.kind === 'events') op.events.forEach((_, e) => units.push({ frame: f, operation: o, event: e }));
      else units.push({ frame: f, operation: o, event: -1 });
    }),
  );
  return units;
}

/** The input with only the units listed kept (every frame stays, perhaps with no operations). */
export function withUnits(input: TraceInput, keep: readonly InputUnit[]): TraceInput {
  const kept = new Set(keep.map((u) => `${u.frame}:${u.operation}:${u.event}`));
  const frames = input.frames.map((frame, f) => {
    const operations: HostOperation[] = [];
    frame.operations.forEach((op, o) => {
      if (op.kind !== 'events') {
        if (kept.has(`${f}:${o}:-1`)) operations.push(op);
        return;
      }
      const events = op.events.filter((_, e) => kept.has(`${f}:${o}:${e}`));
      if (events.length > 0) operations.push({ kind: 'events', events });
    });
    return { ...frame, operations };
  });
  return { ...input, frames };
}

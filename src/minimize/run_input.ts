/**
 * Runs a TraceInput through a fresh OS session, frame by frame, the way a replayer applies a
 * trace: each frame's host operations, then the frame at its recorded time. Also records one into
 * a trace file (the minimizer's candidates for a user's script, and its result).
 */
import { openSession, type OsSession } from '../os/session.js';
import { TraceRecorder } from '../recorder/trace_recorder.js';
import type { TraceInput } from './trace_input.js';

export interface RunOptions {
  /** The os_kernel.metal to run (OpenSessionOptions.kernel); default the package's. */
  kernel?: string;
  /** The emulator schedule seed; default the input's (the recording's). */
  seed?: bigint;
  races?: boolean;
}

export async function openInputSession(input: TraceInput, options: RunOptions): Promise<OsSession> {
  return openSession({ scene: input.scene, width: input.width, height: input.height, seed: options.seed ?? input.seed, races: options.races === true, ...(options.kernel === undefined ? {} : { kernel: options.kernel }) });
}

/** Applies frame `index`'s operations and runs it. */
export async function stepInputFrame(session: OsSession, input: TraceInput, index: number): Promise<void> {
  const frame = input.frames[index]!;
  for (const op of frame.operations) session.apply(op);
  await session.step({ timeUs: frame.timeUs, deltaUs: frame.deltaUs, fullRedraw: frame.fullRedraw });
}

/**
 * Records `input` into `path` with the kernel given, its golden marks kept when `marks` (names
 * of marks to keep; default none: a minimized trace is about its condition, not the original's
 * goldens).
 */
export async function recordInput(input: TraceInput, path: string, options: RunOptions & { marks?: readonly string[] }): Promise<void> {
  const session = await openInputSession(input, options);
  try {
    const recorder = TraceRecorder.start(session, path, { name: input.name, description: input.description, checkpointInterval: input.checkpointInterval });
    try {
      for (let i = 0; i < input.frames.length; i++) {
        await stepInputFrame(session, input, i);
        for (const mark of input.frames[i]!.marks) if (options.marks?.includes(mark)) recorder.markGolden(mark);
      }
      recorder.stop();
    } catch (error) {
      recorder.abort();
      throw error;
    }
  } finally {
    session.close();
  }
}

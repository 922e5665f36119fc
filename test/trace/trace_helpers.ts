/** For tests: copies of traces with some frames changed, written through the real writer. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EVENT_TYPES } from '../../src/os/input_events.js';
import { Trace } from '../../src/trace/trace_reader.js';
import type { FrameRecord } from '../../src/trace/trace_types.js';
import { TraceWriter } from '../../src/trace/trace_writer.js';

export function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'gpuos-trace-')), name);
}

export interface RewriteOptions {
  /** Where the copy goes (default: a new temp directory). */
  path?: string;
  /** File name in the new temp directory when `path` is not given. */
  fileName?: string;
  /** The trace name written in the copy's header (default: the source's). */
  traceName?: string;
  /** The kernel digest written in the copy's header (default: the source's): "recorded by other kernel sources". */
  kernelDigest?: string;
}

/** Rewrites `source` into a new file, passing every frame through `transform`. */
export function rewriteTrace(source: string, transform: (frame: FrameRecord) => FrameRecord = (f) => f, options: RewriteOptions = {}): string {
  const trace = Trace.open(source);
  const path = options.path ?? tempPath(options.fileName ?? 'rewritten.gtrace');
  const header = { ...trace.header, ...(options.traceName === undefined ? {} : { name: options.traceName }), ...(options.kernelDigest === undefined ? {} : { kernelDigest: options.kernelDigest }) };
  const writer = TraceWriter.create(path, header);
  try {
    const checkpoints = new Map(trace.checkpoints.map((c) => [c.frame, c]));
    const goldens = new Map(trace.goldens.map((g) => [g.frame, g]));
    for (const frame of trace.frames()) {
      writer.writeFrame(transform(frame));
      const checkpoint = checkpoints.get(frame.index);
      if (checkpoint) writer.writeCheckpoint(trace.checkpoint(checkpoint));
      const golden = goldens.get(frame.index);
      if (golden) writer.writeGolden(golden);
    }
    if (trace.complete) writer.close();
    else writer.abandon();
  } finally {
    trace.close();
  }
  return path;
}

/** The index of the first frame of `source` that queues a pointerDown. */
export function firstClickFrame(source: string): number {
  const trace = Trace.open(source);
  try {
    for (const frame of trace.frames()) {
      if (frame.operations.some((op) => op.kind === 'events' && op.events.some((e) => e.type === EVENT_TYPES.pointerDown))) return frame.index;
    }
  } finally {
    trace.close();
  }
  throw new Error(`${source} has no pointerDown`);
}

/**
 * A copy of `source` whose first click lost its pointerDown and pointerUp. The frame keeps its
 * other events (the pointerMove), so the replay diverges at a frame that still has input to show.
 */
export function withoutFirstClick(source: string, options: RewriteOptions = {}): { path: string; frame: number } {
  const frame = firstClickFrame(source);
  const dropped = new Set<number>([EVENT_TYPES.pointerDown, EVENT_TYPES.pointerUp]);
  const path = rewriteTrace(
    source,
    (f) => (f.index === frame ? { ...f, operations: f.operations.map((op) => (op.kind === 'events' ? { ...op, events: op.events.filter((e) => !dropped.has(e.type)) } : op)) } : f),
    options,
  );
  return { path, frame };
}

/** For tests: copies of traces with some frames changed, written through the real writer. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Trace } from '../../src/trace/trace_reader.js';
import type { FrameRecord } from '../../src/trace/trace_types.js';
import { TraceWriter } from '../../src/trace/trace_writer.js';

export function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'gpuos-trace-')), name);
}

/** Rewrites `source` into a new file, passing every frame through `transform`. */
export function rewriteTrace(source: string, transform: (frame: FrameRecord) => FrameRecord = (f) => f, name = 'rewritten.gtrace'): string {
  const trace = Trace.open(source);
  const path = tempPath(name);
  const writer = TraceWriter.create(path, trace.header);
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

/**
 * Before a trace is recorded again over an existing one: does the existing recording still replay
 * on the kernel as it is now? A trace whose kernel digest alone changed (every frame, every golden
 * as recorded) can be re-recorded without review; one whose behaviour changed (a frame's memory, a
 * decoded field, a golden's pixels) would bless that change into the fixture, so `gpuos record`
 * refuses it until it is accepted by name (--accept-changes). The freshness test prints the same
 * review.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { GpuosError } from '../errors.js';
import { replayTrace } from '../replayer/replay_trace.js';
import { buildIdentity } from '../trace/trace_identity.js';
import { Trace } from '../trace/trace_reader.js';

export type RerecordVerdict =
  /** No trace there yet: nothing to review. */
  | 'new'
  /** Recorded by these kernel sources: re-recording changes nothing the kernel does. */
  | 'same-kernel'
  /** Other kernel sources, and every frame and golden replays as recorded on these. */
  | 'kernel-digest-only'
  /** Other kernel sources, and the replay differs: a frame's memory or a golden's pixels. */
  | 'behaviour-changed'
  /** The existing file could not be replayed (damaged, another ABI): it is replaced unreviewed. */
  | 'unreplayable';

export interface RerecordReview {
  trace: string;
  name: string;
  verdict: RerecordVerdict;
  /** For behaviour-changed: the first divergent frame (if any) and what differs, in the OS's terms. */
  frame?: number;
  details: string[];
}

export interface RerecordReviewOptions {
  /** Where goldens live (default golden). */
  goldenRoot?: string;
  /** Where the replay's images of a difference go (default test-output/rerecord). */
  output?: string;
}

/** Replays the trace at `path` (if there is one) on the current kernel and says what changed. */
export async function reviewRerecord(path: string, options: RerecordReviewOptions = {}): Promise<RerecordReview> {
  if (!existsSync(path)) return { trace: path, name: '', verdict: 'new', details: [] };
  let name: string;
  let kernelDigest: string;
  try {
    const header = Trace.readHeader(path);
    name = header.name;
    kernelDigest = header.kernelDigest;
  } catch (error) {
    if (!(error instanceof GpuosError)) throw error;
    return { trace: path, name: '', verdict: 'unreplayable', details: [`${error.code}: ${error.message}`] };
  }
  if (kernelDigest === buildIdentity().kernelDigest) return { trace: path, name, verdict: 'same-kernel', details: [] };
  const output = options.output ?? join('test-output', 'rerecord');
  let report;
  try {
    report = await replayTrace(path, { root: options.goldenRoot ?? 'golden', ci: true, update: false, output, artifacts: join(output, 'goldens'), allowIncomplete: true });
  } catch (error) {
    if (!(error instanceof GpuosError)) throw error;
    return { trace: path, name, verdict: 'unreplayable', details: [`${error.code}: ${error.message}`] };
  }
  const details: string[] = [];
  if (report.divergence) {
    details.push(...report.divergence.description.split('\n'));
  }
  for (const golden of report.goldens) {
    // A golden missing from disk says nothing about the kernel; a differing one does.
    if (golden.status === 'mismatch') details.push(`golden ${golden.name}: ${golden.message}`);
  }
  if (details.length === 0) return { trace: path, name, verdict: 'kernel-digest-only', details: [] };
  return { trace: path, name, verdict: 'behaviour-changed', ...(report.divergence ? { frame: report.divergence.frame } : {}), details };
}

/** The review as lines for a person: changed traces in full, the rest counted. */
export function formatRerecordReviews(reviews: readonly RerecordReview[]): string[] {
  const lines: string[] = [];
  const digestOnly = reviews.filter((r) => r.verdict === 'kernel-digest-only');
  const same = reviews.filter((r) => r.verdict === 'same-kernel');
  if (digestOnly.length > 0) lines.push(`kernel digest only (every frame and golden as recorded on this kernel): ${digestOnly.map((r) => r.name).join(', ')}`);
  if (same.length > 0) lines.push(`recorded by this kernel already: ${same.length} trace${same.length === 1 ? '' : 's'}`);
  for (const review of reviews.filter((r) => r.verdict === 'unreplayable')) lines.push(`could not replay ${review.trace} (it is replaced unreviewed): ${review.details[0] ?? ''}`);
  for (const review of reviews.filter((r) => r.verdict === 'behaviour-changed')) {
    lines.push(`BEHAVIOUR CHANGED ${review.name} (${review.trace})${review.frame === undefined ? '' : `, first at frame ${review.frame}`}:`);
    for (const detail of review.details) lines.push(`  ${detail}`);
  }
  return lines;
}

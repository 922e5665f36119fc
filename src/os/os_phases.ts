/**
 * The OS kernel's phase barriers, named: which kernel-scope threadgroup_barrier of
 * kernels/os_kernel.metal ends which phase, read from the kernel's source (each group of
 * os_phase_* calls followed by a barrier at kernel scope), so a barrier observer can tell where a
 * frame is:
 *
 *   await session.step({ onBarrier(release) {
 *     if (osPhaseOf(release) === 'visibility') checkDrawOrder(readOsScratch(release));
 *   } });
 *
 * A phase's own barriers (layout's level by level, visibility's before its sort) are inside
 * helpers (release.callPath is not empty) and are not phase barriers. On a frame that changes
 * nothing, phases 4-7 are skipped and only the 'input' and 'dispatch' barriers release.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { GpuosError } from '../errors.js';
import type { BarrierRelease } from '../kernel/barrier_observer.js';
import type { BarrierMark } from '../kernel/native.js';
import { OS_KERNEL_NAME, osKernelPath } from './os_kernel.js';

/** The kernel's phases that end at a kernel-scope barrier, named after their first os_phase_* call. */
export const OS_PHASES = ['input', 'dispatch', 'layout', 'visibility', 'geometry', 'render'] as const;
export type OsPhase = (typeof OS_PHASES)[number];

export interface OsPhaseBarrier {
  readonly phase: OsPhase;
  /** The threadgroup_barrier's line in kernels/os_kernel.metal (BarrierRelease.site.line). */
  readonly line: number;
}

/** Blanks comments, keeping every newline so line numbers stay the source's. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/** Parses the phase barriers out of an OS kernel source (exported for tests; osPhaseBarriers() reads the real one). */
export function parsePhaseBarriers(source: string, file = 'os_kernel.metal'): OsPhaseBarrier[] {
  const text = withoutComments(source);
  const fail = (problem: string): never => {
    throw new GpuosError('E_INTERNAL', `${file}: ${problem}; osPhaseBarriers (src/os/os_phases.ts) needs updating`);
  };
  const head = new RegExp(`\\bkernel\\s+void\\s+${OS_KERNEL_NAME}\\s*\\(`).exec(text) ?? fail(`no kernel ${OS_KERNEL_NAME}`);
  // The kernel's body: from the first '{' after its parameter list to the brace that closes it.
  let depth = 0;
  let i = head.index + head[0].length - 1;
  for (; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) break;
  }
  const open = text.indexOf('{', i);
  if (open < 0) fail(`${OS_KERNEL_NAME} has no body`);
  let close = open;
  for (depth = 0; close < text.length; close++) {
    if (text[close] === '{') depth++;
    else if (text[close] === '}' && --depth === 0) break;
  }
  const body = text.slice(open, close);
  const lineAt = (offset: number) => text.slice(0, open + offset).split('\n').length;

  // Everything in the body is kernel scope: a barrier inside a helper is not in this text.
  const barriers: OsPhaseBarrier[] = [];
  let pending: string | undefined;
  for (const match of body.matchAll(/\b(?:os_phase_([A-Za-z0-9_]+)|(threadgroup_barrier))\s*\(/g)) {
    if (match[1] !== undefined) {
      pending ??= match[1];
      continue;
    }
    if (pending === undefined) continue; // a barrier that ends no phase call
    const phase = OS_PHASES.find((name) => name === pending) ?? fail(`os_phase_${pending} ends at a barrier but is not one of ${OS_PHASES.join(', ')}`);
    if (barriers.some((b) => b.phase === phase)) fail(`phase '${phase}' ends at two barriers`);
    barriers.push({ phase, line: lineAt(match.index) });
    pending = undefined;
  }
  return barriers;
}

let cached: readonly OsPhaseBarrier[] | undefined;

/** The kernel-scope barriers of kernels/os_kernel.metal that end a phase, in source order. */
export function osPhaseBarriers(): OsPhaseBarrier[] {
  cached ??= Object.freeze(parsePhaseBarriers(readFileSync(osKernelPath(), 'utf8'), osKernelPath()).map((b) => Object.freeze(b)));
  return cached.slice();
}

/** The phase a barrier release of the OS kernel ends, or undefined for any other barrier (a phase's own, another kernel's). */
export function osPhaseOf(release: Pick<BarrierRelease, 'site' | 'callPath'>): OsPhase | undefined {
  if (release.callPath.length !== 0 || basename(release.site.file) !== basename(osKernelPath())) return undefined;
  return osPhaseBarriers().find((b) => b.line === release.site.line)?.phase;
}

/** What a profiled frame spent in each phase: the OS_PHASES, then 'finalize' (after the last barrier). */
export interface PhaseTime {
  phase: OsPhase | 'finalize';
  ns: number;
}

/**
 * Splits a profiled frame (FrameResult.barrierTimeline, kernelNs) into its phases: each phase ends
 * at its kernel-scope barrier; barriers inside a phase belong to it.
 */
export function phaseTimes(timeline: readonly BarrierMark[], totalNs: number): PhaseTime[] {
  const lines = new Map(osPhaseBarriers().map((b) => [b.line, b.phase]));
  const times: PhaseTime[] = [...OS_PHASES.map((phase) => ({ phase, ns: 0 })), { phase: 'finalize', ns: 0 }];
  let previous = 0;
  for (const mark of timeline) {
    if (mark.file === null || basename(mark.file) !== basename(osKernelPath())) continue;
    const phase = lines.get(mark.line);
    if (phase === undefined) continue;
    times.find((t) => t.phase === phase)!.ns += mark.elapsedNs - previous;
    previous = mark.elapsedNs;
  }
  times[times.length - 1]!.ns = Math.max(0, totalNs - previous);
  return times;
}

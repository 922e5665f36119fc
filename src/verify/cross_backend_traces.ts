/**
 * One trace, several backends, in lockstep: every frame replayed on each backend and checked
 * against the recording (state, every framebuffer block, the damage signatures; the recording's
 * digests come from whichever backend recorded it), and each frame's digest compared between the
 * backends. `gpuos verify --backends emulator,cuda` and `npm run verify:cuda` print this.
 *
 * Both checks matter: the recording says whether a backend reproduces the recorded behaviour, the
 * side-by-side digests say whether two backends agree with each other even where both differ
 * from an old recording (a kernel edit since), which is the backend question on its own.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Backend } from '../os/session.js';
import { Replayer } from '../replayer/replayer.js';
import type { Divergence } from '../replayer/divergence.js';

export interface BackendRun {
  backend: Backend;
  /** Frames replayed before a divergence from the recording (or the end). */
  frames: number;
  /** The first frame that differs from the recording, with what differs. */
  divergence?: Divergence;
  /** The median of the backend's own kernel time per frame, in ns (the dispatch only). */
  medianKernelNs: number;
}

export interface CrossBackendTraceReport {
  trace: string;
  frameCount: number;
  runs: BackendRun[];
  /** The first frame whose digest differs between two backends, and the digests. */
  disagreement?: { frame: number; digests: Record<string, string> };
  /** Every backend replayed every frame as recorded, with the same digest on each. */
  ok: boolean;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Replays `path` on every backend in `backends` (at least one, no repeats), frame by frame. Stops
 * a backend at its first divergence from the recording; the others go on to the end, so the
 * report says how far each one got.
 */
export async function compareTraceAcrossBackends(path: string, backends: readonly Backend[], onFrame?: (frame: number, frameCount: number) => void): Promise<CrossBackendTraceReport> {
  if (backends.length === 0 || new Set(backends).size !== backends.length) throw new InvalidArgumentError(`backends must name each backend once, got ${backends.join(',')}`);
  const replayers: Replayer[] = [];
  try {
    for (const backend of backends) replayers.push(await Replayer.open(path, { backend }));
    const frameCount = replayers[0]!.frameCount;
    const runs: BackendRun[] = backends.map((backend) => ({ backend, frames: 0, medianKernelNs: 0 }));
    const kernelNs: number[][] = backends.map(() => []);
    let disagreement: CrossBackendTraceReport['disagreement'];
    for (let frame = 0; frame < frameCount; frame++) {
      const digests: Record<string, string> = {};
      for (let i = 0; i < replayers.length; i++) {
        if (runs[i]!.divergence) continue;
        const check = await replayers[i]!.step();
        kernelNs[i]!.push(check.kernelNs);
        digests[backends[i]!] = check.digest.toString(16).padStart(16, '0');
        if (check.ok) runs[i]!.frames = frame + 1;
        else runs[i]!.divergence = check.divergence!;
      }
      if (!disagreement && new Set(Object.values(digests)).size > 1) disagreement = { frame, digests };
      onFrame?.(frame + 1, frameCount);
      if (runs.every((run) => run.divergence)) break;
    }
    runs.forEach((run, i) => (run.medianKernelNs = median(kernelNs[i]!)));
    const ok = !disagreement && runs.every((run) => !run.divergence && run.frames === frameCount);
    return { trace: path, frameCount, runs, ...(disagreement ? { disagreement } : {}), ok };
  } finally {
    for (const replayer of replayers) replayer.close();
  }
}

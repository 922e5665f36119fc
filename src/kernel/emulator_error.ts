import { GpuosError } from '../errors.js';
import type { BarrierDigest, ScheduleDecisions } from './native.js';
import type { RaceDetails } from './race_report.js';

/** The codes a dispatch on the emulator can fail with; docs/EMULATOR.md explains each. */
export type EmulatorErrorCode =
  | 'E_BARRIER_DIVERGENCE'
  | 'E_DEADLOCK'
  | 'E_EXIT_BEFORE_BARRIER'
  | 'E_SIMD_INACTIVE_LANE'
  | 'E_SIMD_NON_UNIFORM'
  | 'E_SIMD_PARTIAL_BARRIER'
  | 'E_THREADGROUP_MEMORY_LIMIT'
  | 'E_STACK_OVERFLOW'
  | 'E_OUT_OF_BOUNDS'
  | 'E_INVALID_ACCESS'
  | 'E_ARITHMETIC_FAULT'
  | 'E_WATCHDOG'
  | 'E_INVALID_DISPATCH'
  | 'E_CALL_TOO_DEEP'
  | 'E_OBSERVER_STOPPED'
  | 'E_DATA_RACE'
  | 'E_UNINITIALIZED_READ'
  | 'E_INTERNAL';

/** Reports of a race-checked dispatch that do not fail it. */
export type EmulatorWarningCode = 'W_SAME_VALUE_WRITE';

export interface SourceSite {
  file: string;
  line: number;
  column: number;
  function: string;
}

/** Threads doing the same thing at the same place when the dispatch stopped. */
export interface ThreadGroupReport {
  threads: number[];
  /** "waiting at threadgroup_barrier", "returned", "running", "ready to run", "spinning on an atomic", … */
  operation: string;
  site: SourceSite | null;
  /** Calls of helpers that synchronise which led to `site`, outermost first. */
  callPath: SourceSite[];
}

export interface Finding {
  code: EmulatorErrorCode;
  message: string;
  groups: ThreadGroupReport[];
  /** For hardware faults: where in the kernel library, and the .metal line when it could be found. */
  fault?: { address: bigint; pc: bigint; library: string; pcOffset: bigint; source?: { file: string; line: number; function: string } };
  /** For out-of-bounds accesses: which buffer binding (null for threadgroup memory), offset and size. */
  access?: { buffer: number | null; offset: number; size: number };
  /** For E_DATA_RACE, E_UNINITIALIZED_READ (and the warning W_SAME_VALUE_WRITE): both accesses and where. */
  race?: RaceDetails;
}

/** A report that does not fail the dispatch (DispatchResult.raceWarnings). */
export interface EmulatorWarning extends Omit<Finding, 'code'> {
  code: EmulatorWarningCode;
}

/** A dispatch the emulator stopped: the first finding is why. */
export class EmulatorError extends GpuosError {
  declare readonly code: EmulatorErrorCode;
  readonly kernel: string;
  readonly seed: bigint;
  readonly findings: readonly Finding[];

  /** How the failed run was scheduled (schedule exploration reruns it, and branches from it). */
  readonly schedule?: { decisionCount: number; decisions?: ScheduleDecisions; barrierDigests?: BarrierDigest[] };

  constructor(kernel: string, seed: bigint, findings: readonly Finding[], schedule?: EmulatorError['schedule']) {
    const first = findings[0];
    super(first?.code ?? 'E_INTERNAL', first?.message ?? `kernel '${kernel}' failed without a finding`);
    this.kernel = kernel;
    this.seed = seed;
    this.findings = findings;
    if (schedule) this.schedule = schedule;
  }
}

/**
 * What a property of the OS is, for the runner (run_property.ts), the vitest suites
 * (test/properties/) and `gpuos check` alike: a generator of cases, a check that throws a
 * PropertyViolation saying what is wrong, and how a failing case is written out so the usual tools
 * open it (a scene, a scenario and a recorded trace: counterexample.ts).
 */
import type fc from 'fast-check';

import { GpuosError } from '../errors.js';
import type { OsCase } from './os_case.js';

/** How much work a run asks of each case: `test` for npm test, `campaign` for gpuos check / fuzz. */
export type PropertyScale = 'test' | 'campaign';

/** Resources a property opens once per run and shares between its cases (a browser). */
export interface PropertyResources {
  close(): Promise<void>;
}

export interface OsProperty<T, R extends PropertyResources | undefined = undefined> {
  /** A plain name: the counterexample's folder and the CLI's argument. */
  readonly name: string;
  /** What must hold, in a sentence. */
  readonly claim: string;
  /** What the check compares against (docs/PROPERTIES.md). */
  readonly oracle: string;
  /** Runs a `test` run does in npm test (about 90 s for all properties together on 2 cores). */
  readonly testRuns: number;
  /** The cases; `replay.commandsPath` (a property of fc.commands) replays a failure's commands. */
  arbitrary(scale: PropertyScale, replay?: { commandsPath?: string }): fc.Arbitrary<T>;
  open?(): Promise<R>;
  /** Throws PropertyViolation (or any error: a crash is a failure too) when the case breaks the claim. */
  check(value: T, resources: R): Promise<void>;
  /** The case as a session: scene, screen and frames of input (for the files a failure writes). */
  toCase(value: T): OsCase;
  /** For a property of fc.commands: the failing case's replayPath, which its rerun needs. */
  commandsPathOf?(value: T): string | undefined;
  /** Whether a case was really checked (false for one the oracle cannot judge; fc.pre skips it). */
  judged?(value: T, resources: R): Promise<boolean>;
}

/** A case that breaks its property's claim. */
export class PropertyViolation extends GpuosError {
  constructor(message: string) {
    super('E_PROPERTY_FAILED', message);
  }
}

/** Any property, for lists of them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOsProperty = OsProperty<any, any>;

/**
 * What `gpuos minimize --until <condition>` keeps true while it removes input. Each condition runs
 * a candidate input through the kernel and says whether it still shows the failure, and at which
 * frame it first showed (so frames after it can go at once):
 *
 *   divergence       the kernel under test (--kernel, or another --seed) computes other device
 *                    memory than the reference kernel (--reference-kernel: the recording's)
 *   finding[:CODE]   the kernel stops with an emulator finding (any, or that code: E_OUT_OF_BOUNDS,
 *                    E_DATA_RACE with --races, ...)
 *   golden[:NAME]    the framebuffer at a golden mark differs from golden/<trace>/<NAME>.png
 *   exec:COMMAND     a command (a script, a vitest run) exits non-zero on the candidate trace,
 *                    whose path is in $GPUOS_TRACE and replaces {trace} in COMMAND
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GpuosError, InvalidArgumentError } from '../errors.js';
import { shellQuote } from '../shell_quote.js';
import { compareImages } from '../golden/compare.js';
import { goldenPath } from '../golden/golden_store.js';
import { readPng, type RgbaImage } from '../golden/png.js';
import { EmulatorError } from '../kernel/emulator_error.js';
import type { OsSession } from '../os/session.js';
import { openInputSession, recordInput, stepInputFrame, type RunOptions } from './run_input.js';
import type { TraceInput } from './trace_input.js';

export interface Outcome {
  holds: boolean;
  /** The candidate frame (index into its frames) where the condition first showed. */
  frame?: number;
  /** One line: what was seen (or why the candidate does not show the condition). */
  detail: string;
}

export interface Condition {
  /** As given to --until. */
  spec: string;
  kind: 'divergence' | 'finding' | 'golden' | 'exec';
  /** A golden condition's mark: its frame is never removed. */
  mark?: string;
  test(input: TraceInput, deadline: number): Promise<Outcome>;
}

export interface ConditionOptions {
  /** The kernel under test (default the package's). */
  kernel?: string;
  /** divergence: the kernel whose behaviour is expected (default the package's). */
  referenceKernel?: string;
  /** divergence: the kernel under test runs with this schedule seed (default the recording's). */
  seed?: bigint;
  races?: boolean;
  /** golden: where goldens live (default ./golden). */
  goldenRoot?: string;
  /** golden: a threshold for pixel comparison (default 0: any difference). */
  threshold?: number;
}

export class MinimizeError extends GpuosError {}

const EXEC_OUTPUT_BYTES = 16 * 1024;

export function parseCondition(spec: string, input: TraceInput, options: ConditionOptions): Condition {
  const [kind, ...rest] = spec.split(':');
  const argument = rest.join(':');
  const test = { kernel: options.kernel, seed: options.seed, races: options.races } satisfies RunOptions;
  switch (kind) {
    case 'divergence': {
      if (argument !== '') throw new InvalidArgumentError(`--until divergence takes no argument, got '${spec}'`);
      return { spec, kind, test: (candidate) => divergence(candidate, { kernel: options.referenceKernel }, test) };
    }
    case 'finding': {
      if (argument !== '' && !/^E_[A-Z_]+$/.test(argument)) throw new InvalidArgumentError(`--until finding:<CODE> names an emulator finding code such as E_OUT_OF_BOUNDS (docs/EMULATOR.md), got '${argument}'`);
      if ((argument === 'E_DATA_RACE' || argument === 'E_UNINITIALIZED_READ') && options.races !== true) throw new InvalidArgumentError(`${argument} is found only by the race checker: add --races`);
      return { spec, kind, test: (candidate) => finding(candidate, argument || undefined, test) };
    }
    case 'golden': {
      const marks = [...new Set(input.frames.flatMap((f) => f.marks))];
      if (marks.length === 0) throw new InvalidArgumentError(`--until ${spec}: the trace marks no golden frame`);
      const name = argument || (marks.length === 1 ? marks[0]! : undefined);
      if (name === undefined) throw new InvalidArgumentError(`--until golden: the trace marks ${marks.length} goldens (${marks.join(', ')}); name one: --until golden:<name>`);
      if (!marks.includes(name)) throw new InvalidArgumentError(`--until ${spec}: the trace has no golden '${name}' (it has ${marks.join(', ')})`);
      const path = goldenPath(options.goldenRoot ?? 'golden', input.name, name);
      if (!existsSync(path)) throw new InvalidArgumentError(`--until ${spec}: ${path} does not exist; a golden mismatch needs the golden image`);
      const expected = readPng(path);
      return { spec, kind, mark: name, test: (candidate) => goldenMismatch(candidate, name, expected, options.threshold ?? 0, test) };
    }
    case 'exec': {
      if (argument.trim() === '') throw new InvalidArgumentError("--until exec:<command> needs a command, e.g. exec:'npx vitest run test/repro.test.ts'");
      return { spec, kind, test: (candidate, deadline) => execFails(candidate, argument, { kernel: options.referenceKernel }, deadline) };
    }
    default:
      throw new InvalidArgumentError(`--until must be divergence, finding[:CODE], golden[:NAME] or exec:COMMAND, got '${spec}'`);
  }
}

/** Runs frames until `check` says the condition showed; a GpuosError from the kernel ends the run. */
async function runFrames(session: OsSession, input: TraceInput, check: (frame: number) => Outcome | undefined): Promise<Outcome> {
  for (let i = 0; i < input.frames.length; i++) {
    await stepInputFrame(session, input, i);
    const outcome = check(i);
    if (outcome) return outcome;
  }
  return { holds: false, detail: `not shown in ${input.frames.length} frames` };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/\.$/, '');
}

/** A candidate the kernel or the host cannot run (an operation that no longer applies) does not hold. */
function cannotRun(error: unknown, who: string): Outcome {
  if (!(error instanceof GpuosError)) throw error;
  return { holds: false, detail: `${who} stopped with ${error.code}: ${firstLine(error.message)}` };
}

async function divergence(input: TraceInput, reference: RunOptions, test: RunOptions): Promise<Outcome> {
  const expected = await openInputSession(input, reference);
  const actual = await openInputSession(input, test).catch((error: unknown) => {
    expected.close();
    throw error;
  });
  try {
    for (let i = 0; i < input.frames.length; i++) {
      try {
        await stepInputFrame(expected, input, i);
      } catch (error) {
        return cannotRun(error, 'the reference kernel');
      }
      try {
        await stepInputFrame(actual, input, i);
      } catch (error) {
        return cannotRun(error, 'the kernel under test');
      }
      if (expected.capture().digest !== actual.capture().digest) return { holds: true, frame: i, detail: `device memory differs after frame ${i} (frame ${input.frames[i]!.source} of the original)` };
    }
    return { holds: false, detail: `no frame of ${input.frames.length} differs` };
  } finally {
    expected.close();
    actual.close();
  }
}

async function finding(input: TraceInput, code: string | undefined, options: RunOptions): Promise<Outcome> {
  const session = await openInputSession(input, options);
  try {
    for (let frame = 0; frame < input.frames.length; frame++) {
      try {
        await stepInputFrame(session, input, frame);
      } catch (error) {
        if (error instanceof EmulatorError && (code === undefined || error.code === code)) return { holds: true, frame, detail: `frame ${frame} (frame ${input.frames[frame]!.source} of the original) stopped with ${error.code}: ${firstLine(error.message)}` };
        return cannotRun(error, 'the kernel');
      }
    }
    return { holds: false, detail: `no finding in ${input.frames.length} frames` };
  } finally {
    session.close();
  }
}

function sameImage(expected: RgbaImage, actual: RgbaImage, threshold: number): { differ: boolean; pixels: number } {
  const comparison = compareImages(expected, actual, { threshold });
  return { differ: !comparison.pass, pixels: comparison.diffPixels };
}

async function goldenMismatch(input: TraceInput, mark: string, expected: RgbaImage, threshold: number, options: RunOptions): Promise<Outcome> {
  const session = await openInputSession(input, options);
  try {
    return await runFrames(session, input, (i) => {
      if (!input.frames[i]!.marks.includes(mark)) return undefined;
      const { differ, pixels } = sameImage(expected, session.image(), threshold);
      return { holds: differ, frame: i, detail: differ ? `${pixels} pixel${pixels === 1 ? '' : 's'} differ from golden '${mark}' at frame ${i}` : `golden '${mark}' matches at frame ${i}` };
    });
  } catch (error) {
    return cannotRun(error, 'the kernel');
  } finally {
    session.close();
  }
}

/** What a running exec condition leaves behind if the process is stopped: its group and its temp dir. */
const running = new Set<{ pid?: number; dir: string }>();

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL'); // the whole process group: the shell's children too
  } catch {
    // already gone
  }
}

/**
 * Kills every command an exec condition is running (their process groups) and removes their
 * candidate traces: for a minimizer stopped by Ctrl-C, so nothing is left running or behind.
 */
export function abortRunningCommands(): void {
  for (const entry of running) {
    killGroup(entry.pid);
    rmSync(entry.dir, { recursive: true, force: true });
  }
  running.clear();
}

async function execFails(input: TraceInput, command: string, record: RunOptions, deadline: number): Promise<Outcome> {
  const entry: { pid?: number; dir: string } = { dir: mkdtempSync(join(tmpdir(), 'gpuos-minimize-')) };
  running.add(entry);
  const trace = join(entry.dir, `${input.name}.gtrace`);
  try {
    try {
      await recordInput(input, trace, { ...record, marks: input.frames.flatMap((f) => f.marks) });
    } catch (error) {
      return cannotRun(error, 'the reference kernel');
    }
    const { code, signal, output, timedOut } = await runCommand(command.replaceAll('{trace}', shellQuote(trace)), { ...process.env, GPUOS_TRACE: trace }, Math.min(2 ** 31 - 1, Math.max(1000, deadline - Date.now())), entry);
    if (timedOut) return { holds: false, detail: `the command ran past the time budget and was stopped` };
    const last = output.trim().split('\n').slice(-1)[0] ?? '';
    // The shell's own failures are not the condition: the command never ran.
    if (code === 126 || code === 127) throw new MinimizeError('E_MINIMIZE_EXEC', `the command '${command}' could not be run (the shell exited ${code}: ${code === 127 ? 'not found' : 'not executable'})${last ? `: ${last}` : ''}`);
    if (code === 0) return { holds: false, detail: 'the command exited 0' };
    return { holds: true, detail: `the command ${signal ? `was killed by ${signal}` : `exited ${code}`}${last ? `: ${last}` : ''}` };
  } finally {
    running.delete(entry);
    rmSync(entry.dir, { recursive: true, force: true });
  }
}

/**
 * Runs `command` in a shell of its own process group. Done when the shell exits (not when its
 * output closes: a background child may hold it open); its group is then killed, so nothing it
 * started outlives it.
 */
function runCommand(command: string, env: NodeJS.ProcessEnv, timeoutMs: number, entry: { pid?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    entry.pid = child.pid;
    let output = '';
    const keep = (chunk: Buffer) => {
      // Only the tail is kept: a chatty test cannot grow memory without bound.
      output = (output + chunk.toString('utf8')).slice(-EXEC_OUTPUT_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new MinimizeError('E_MINIMIZE_EXEC', `could not run the command '${command}': ${error.message}`, { cause: error }));
    });
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ ...exit!, output, timedOut });
    };
    // The output's last lines may follow the exit: a moment for them, no longer (a background
    // child holding the pipes open would otherwise keep the run waiting).
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      setTimeout(finish, 100);
    });
    child.on('close', (code, signal) => {
      exit ??= { code, signal };
      finish();
    });
  });
}


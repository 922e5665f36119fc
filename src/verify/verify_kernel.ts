/**
 * Is this kernel deterministic, and if not, where does it race? One answer for any Metal kernel:
 * the race checker on one dispatch (every load and store), then the same dispatch under many
 * schedules (explore.ts), each from the same starting memory.
 *
 *   const kernel = (await compileKernel('k.metal')).kernel('k');
 *   const report = await verifyKernel(kernelDispatch(kernel, { threads: 64, buffers: [...] }), { schedules: 200, strategy: 'pct' });
 *   report.deterministic; formatVerifyReport(report);
 */
import { basename } from 'node:path';

import { InvalidArgumentError } from '../errors.js';
import type { ScheduleOptions } from '../kernel/dispatch_options.js';
import { EmulatorError, type EmulatorWarning, type Finding } from '../kernel/emulator_error.js';
import type { Kernel } from '../kernel/kernel_library.js';
import { exploreSchedules, type ExploreOptions, type ExploreReport, type ScheduleRunResult, type ScheduleTarget } from './explore.js';
import { freshBuffers, resolveInputs, type KernelInputs, type ResolvedInputs } from './kernel_inputs.js';

/** A kernel and what to dispatch it with: what verifyKernel and toBeDeterministic check. */
export interface KernelDispatch {
  readonly kernel: Kernel;
  readonly inputs: ResolvedInputs;
}

/** Validates the inputs once; every run then starts from fresh copies of them. */
export function kernelDispatch(kernel: Kernel, inputs: KernelInputs | ResolvedInputs): KernelDispatch {
  return { kernel, inputs: resolveInputs(inputs) };
}

export interface VerifyKernelOptions extends ExploreOptions {
  /** Run the race checker first (default true). */
  races?: boolean;
}

export interface VerifyKernelReport {
  kernel: string;
  source: string;
  threads: number;
  /** E_DATA_RACE and E_UNINITIALIZED_READ reports of the race-checked dispatch. */
  races: Finding[];
  raceWarnings: EmulatorWarning[];
  raceCheckedAccesses?: number;
  /** The race-checked dispatch stopped for another reason (a deadlock, a fault): its code and message. */
  raceRunError?: { code: string; message: string };
  exploration: ExploreReport;
  /** No race, and every schedule ended with the same memory. */
  deterministic: boolean;
}

function threadCount(threads: ResolvedInputs['threads']): number {
  return typeof threads === 'number' ? threads : threads[0] * threads[1] * threads[2];
}

function bufferOrder(dispatch: KernelDispatch): { label: string; key: number | string }[] {
  const params = dispatch.kernel.info.params.filter((p) => p.kind === 'buffer');
  const nameOf = (index: number) => params.find((p) => p.index === index)?.name;
  if (Array.isArray(dispatch.inputs.buffers)) {
    return dispatch.inputs.buffers.map((_, index) => ({ key: index, label: `buffer(${index})${nameOf(index) ? ` '${nameOf(index)}'` : ''}` }));
  }
  return Object.keys(dispatch.inputs.buffers).map((name) => {
    const param = params.find((p) => p.name === name);
    return { key: name, label: param ? `buffer(${param.index}) '${name}'` : `'${name}'` };
  });
}

function targetOf(dispatch: KernelDispatch): ScheduleTarget {
  const order = bufferOrder(dispatch);
  const { inputs, kernel } = dispatch;
  return {
    bufferLabel: (index) => order[index]?.label ?? `buffer ${index}`,
    async run(seed: bigint, schedule: ScheduleOptions): Promise<ScheduleRunResult> {
      const buffers = freshBuffers(inputs);
      const list = order.map(({ key }) => (Array.isArray(buffers) ? buffers[key as number]! : buffers[key as string]!));
      try {
        const result = await kernel.dispatch({
          threads: inputs.threads,
          buffers,
          ...(inputs.threadgroupMemory === undefined ? {} : { threadgroupMemory: inputs.threadgroupMemory }),
          seed,
          strict: inputs.strict,
          schedule,
        });
        return {
          memory: list.map((b) => b.read()),
          decisionCount: result.decisionCount,
          ...(result.decisions ? { decisions: result.decisions } : {}),
          ...(schedule.digestBarriers ? { barrierDigests: result.barrierDigests ?? [] } : {}),
        };
      } catch (error) {
        if (!(error instanceof EmulatorError)) throw error;
        const how = error.schedule;
        return {
          memory: list.map((b) => b.read()),
          error: { code: error.code, message: error.message },
          decisionCount: how?.decisionCount ?? 0,
          ...(how?.decisions ? { decisions: how.decisions } : {}),
          ...(schedule.digestBarriers ? { barrierDigests: how?.barrierDigests ?? [] } : {}),
        };
      } finally {
        for (const buffer of list) buffer.release();
      }
    },
  };
}

export async function verifyKernel(dispatch: KernelDispatch, options: VerifyKernelOptions = {}): Promise<VerifyKernelReport> {
  if (!dispatch || typeof dispatch !== 'object' || !dispatch.kernel || !dispatch.inputs) {
    throw new InvalidArgumentError('verifyKernel: pass kernelDispatch(kernel, inputs)');
  }
  const { kernel, inputs } = dispatch;
  const report: VerifyKernelReport = {
    kernel: kernel.name,
    source: kernel.library.source,
    threads: threadCount(inputs.threads),
    races: [],
    raceWarnings: [],
    exploration: { strategy: options.strategy ?? 'random', runs: 0, outcomes: [], deterministic: true },
    deterministic: true,
  };
  if (options.races !== false) {
    const buffers = freshBuffers(inputs);
    try {
      const result = await kernel.dispatch({
        threads: inputs.threads,
        buffers,
        ...(inputs.threadgroupMemory === undefined ? {} : { threadgroupMemory: inputs.threadgroupMemory }),
        seed: options.seed ?? 1n,
        strict: inputs.strict,
        race: true,
      });
      report.raceWarnings = result.raceWarnings ?? [];
      if (result.raceCheckedAccesses !== undefined) report.raceCheckedAccesses = result.raceCheckedAccesses;
    } catch (error) {
      if (!(error instanceof EmulatorError)) throw error;
      report.races = error.findings.filter((f) => f.code === 'E_DATA_RACE' || f.code === 'E_UNINITIALIZED_READ');
      if (report.races.length === 0) report.raceRunError = { code: error.code, message: error.message };
    } finally {
      for (const buffer of Array.isArray(buffers) ? buffers : Object.values(buffers)) buffer.release();
    }
  }
  report.exploration = await exploreSchedules(targetOf(dispatch), options);
  report.deterministic = report.races.length === 0 && !report.raceRunError && report.exploration.deterministic;
  return report;
}

/** The CLI lists this many outcomes, most frequent first. */
const MAX_OUTCOMES_SHOWN = 8;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function rerunFlags(reference: ExploreReport['outcomes'][number]['reproduce']): string {
  if (reference.strategy === 'exhaustive') return `--strategy exhaustive --seed ${reference.seed} --script ${reference.script}`;
  return `--strategy ${reference.strategy} --seed ${reference.seed}${reference.pctDepth ? ` --depth ${reference.pctDepth} --pct-steps ${reference.pctSteps}` : ''}`;
}

/** The report as the CLI prints it. */
export function formatVerifyReport(report: VerifyKernelReport): string {
  const runs = report.exploration.runs;
  const verdict = !report.deterministic ? 'NOT DETERMINISTIC' : runs > 1 ? `DETERMINISTIC in ${plural(runs, 'schedule')}` : 'ONE SCHEDULE RUN (nothing to compare it with)';
  const lines: string[] = [`${verdict}: kernel ${report.kernel} (${basename(report.source)}), ${plural(report.threads, 'thread')}`];
  if (report.raceRunError) lines.push(`race check: the dispatch stopped: ${report.raceRunError.code}: ${report.raceRunError.message}`);
  if (report.races.length > 0) {
    lines.push(`races: ${plural(report.races.length, 'report')}`);
    for (const finding of report.races) lines.push(`  ${finding.code}: ${finding.message.replaceAll('\n', '\n  ')}`);
  } else if (report.raceCheckedAccesses !== undefined) {
    lines.push(`races: none in ${plural(report.raceCheckedAccesses, 'load and store', 'loads and stores')} checked`);
  }
  for (const warning of report.raceWarnings) lines.push(`  ${warning.code} (a warning): ${warning.message.replaceAll('\n', '\n  ')}`);
  lines.push(...formatExploration(report.exploration));
  return lines.join('\n');
}

export function formatExploration(exploration: ExploreReport): string[] {
  const lines: string[] = [];
  const how =
    exploration.strategy === 'pct'
      ? `pct, depth ${exploration.pctDepth} over ${exploration.pctSteps} decisions`
      : exploration.strategy === 'exhaustive'
        ? `exhaustive, at most ${exploration.preemptionBound} preemptions: ${
            exploration.exhausted ? 'every such schedule run' : exploration.startedFrom !== undefined ? `from script ${exploration.startedFrom} on` : 'stopped at the schedule limit before running them all'
          }`
        : 'random';
  lines.push(`schedules: ${plural(exploration.runs, 'run')} (${how}), ${plural(exploration.outcomes.length, 'distinct outcome')}`);
  const shown = exploration.outcomes.slice(0, MAX_OUTCOMES_SHOWN);
  for (const outcome of shown) {
    const what = outcome.error ? `stopped with ${outcome.error.code}` : `memory ${outcome.digest}`;
    lines.push(`  ${String(outcome.count).padStart(7)} x ${what}   rerun: ${rerunFlags(outcome.reproduce)}`);
  }
  if (exploration.outcomes.length > shown.length) lines.push(`  ... and ${plural(exploration.outcomes.length - shown.length, 'more outcome')} (the report object has them all)`);
  const difference = exploration.difference;
  if (difference) {
    lines.push(
      `first difference between the two most frequent: ${difference.label} byte ${difference.offset}${difference.meaning ? ` (${difference.meaning})` : ''}: ` +
        `word 0x${difference.word[0].toString(16).padStart(8, '0')} vs 0x${difference.word[1].toString(16).padStart(8, '0')}; ${plural(difference.differingBytes, 'byte')} differ in that buffer`,
    );
  }
  const parting = exploration.partsWays;
  if (parting) {
    const after = parting.lastAlike ? `the barrier at ${basename(parting.lastAlike.file)}:${parting.lastAlike.line}` : "the kernel's start";
    const before = parting.barrier ? `the barrier at ${basename(parting.barrier.file)}:${parting.barrier.line}` : "the kernel's end";
    lines.push(`memory parts ways between ${after} and ${before} (${plural(parting.barriersAlike, 'barrier')} passed with identical memory)`);
  }
  return lines;
}

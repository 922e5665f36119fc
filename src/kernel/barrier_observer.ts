/**
 * onBarrier: a function the emulator calls at every threadgroup barrier release, while the
 * dispatch is paused there. Every live thread waits at that barrier, so device and threadgroup
 * memory hold exactly what the phase before it wrote: the place to check a phase's post-conditions.
 *
 * What the observer throws (or its promise rejects with) stops the dispatch, which then rejects
 * with that same error. The addon only learns "stop"; the error itself stays here, in JavaScript.
 */
import { InvalidArgumentError } from '../errors.js';
import type { SourceSite } from './emulator_error.js';
import { callNative, nativeAddon, type NativeBarrierRelease, type NativeOutcome } from './native.js';

/** A kernel-scope threadgroup variable: where its bytes lie in BarrierRelease.threadgroup(). */
export interface ThreadgroupVariableInfo {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** One released threadgroup barrier. Its memory can be read only until the observer call settles. */
export interface BarrierRelease {
  /** 0-based ordinal of this release in the dispatch. */
  readonly index: number;
  /** The threadgroup_barrier call (its .metal file and line, as the profile timeline reports them). */
  readonly site: SourceSite;
  /** The calls of synchronising helpers the threads are inside, outermost first ([] at kernel scope). */
  readonly callPath: readonly SourceSite[];
  /** The kernel-scope threadgroup variables declared so far, with their offsets into threadgroup(). */
  readonly threadgroupVariables: readonly ThreadgroupVariableInfo[];
  /** A copy of all threadgroup memory in use ([[threadgroup(n)]] bindings first, then the variables); at most 32 KiB. */
  threadgroup(): Uint8Array;
  /** A copy of one variable's bytes; InvalidArgumentError naming the declared ones if there is none by that name. */
  threadgroupVariable(name: string): Uint8Array;
}

/** dispatch() awaits a returned promise before the threads go on; dispatchSync refuses one. */
export type BarrierObserver = (release: BarrierRelease) => void | PromiseLike<void>;

class ObservedRelease implements BarrierRelease {
  readonly index: number;
  readonly site: SourceSite;
  readonly callPath: readonly SourceSite[];
  readonly threadgroupVariables: readonly ThreadgroupVariableInfo[];

  constructor(private readonly native: NativeBarrierRelease) {
    this.index = native.index;
    this.site = Object.freeze(native.site);
    this.callPath = Object.freeze(native.callPath.map((site) => Object.freeze(site)));
    this.threadgroupVariables = Object.freeze(native.threadgroupVariables.map((variable) => Object.freeze(variable)));
  }

  threadgroup(): Uint8Array {
    return callNative(() => this.native.threadgroup(0, this.native.threadgroupBytes));
  }

  threadgroupVariable(name: string): Uint8Array {
    const variable = this.threadgroupVariables.find((v) => v.name === name);
    if (!variable) {
      const names = this.threadgroupVariables.map((v) => v.name).join(', ') || 'none';
      throw new InvalidArgumentError(
        `no threadgroup variable '${String(name)}' is declared at barrier release ${this.index} (${this.site.file}:${this.site.line}); declared so far: ${names}`,
      );
    }
    return callNative(() => this.native.threadgroup(variable.offset, variable.size));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

let exitHandled = false;

/**
 * process.exit() while a dispatch() waits on its observer: libuv joins its pool threads on exit,
 * and the one waiting for JavaScript that will never run again would hang the process. Stopping
 * those dispatches lets it go. One listener for the process, added with the first observer.
 */
function letPoolThreadsGoOnExit(): void {
  if (exitHandled) return;
  exitHandled = true;
  process.on('exit', () => nativeAddon().abandonBarrierObservers());
}

/** One dispatch's observer: the hook handed to the addon, and what stopped the dispatch, if anything. */
export class BarrierObservation {
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly observer: BarrierObserver,
    private readonly mode: 'async' | 'sync',
  ) {
    if (mode === 'async') letPoolThreadsGoOnExit();
  }

  /** true: resume the threads; false: stop the dispatch (the reason is kept in this.failure). */
  readonly hook = (native: NativeBarrierRelease): boolean | Promise<boolean> => {
    let result: unknown;
    try {
      result = this.observer(new ObservedRelease(native));
    } catch (error) {
      return this.fail(error);
    }
    if (!isThenable(result)) return true;
    if (this.mode === 'sync') {
      // Awaiting would need this thread's event loop, which the dispatch is holding.
      Promise.resolve(result).then(undefined, () => undefined);
      return this.fail(
        new InvalidArgumentError(
          `onBarrier returned a promise at barrier release ${native.index}, which dispatchSync cannot await; use dispatch(), or make the observer synchronous`,
        ),
      );
    }
    return Promise.resolve(result).then(
      () => true,
      (error: unknown) => this.fail(error),
    );
  };

  /** The error the observer stopped this dispatch with, when the outcome says it did. */
  failureOf(outcome: NativeOutcome): { error: unknown } | undefined {
    return outcome.findings[0]?.code === 'E_OBSERVER_STOPPED' ? this.failure : undefined;
  }

  private fail(error: unknown): false {
    this.failure ??= { error };
    return false;
  }
}

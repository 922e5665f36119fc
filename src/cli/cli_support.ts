/**
 * What every `gpuos` command shares: argument parsing that turns mistakes into usage errors (exit
 * 2), finding traces in the paths given, and printing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { GpuosError } from '../errors.js';
import { sameFile } from '../files.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** A bug in gpuos itself (not the input): reported with its stack. */
export const EXIT_INTERNAL = 70;

export class UsageError extends GpuosError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** stderr is a terminal (progress bars redraw in place). */
  interactive: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export class ParsedArgs {
  constructor(
    private readonly values: Record<string, string | boolean | undefined>,
    readonly positionals: string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }
}

export function parse(args: string[], options: Options, command: Command): ParsedArgs {
  try {
    const parsed = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return new ParsedArgs(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${command.usage}`);
  }
}

export function integerOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return Number(value);
}

export function numberOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** --backend: where frames run (emulator or cuda; the session's backends). */
export function backendOption(value: string | undefined): 'emulator' | 'cuda' {
  if (value === undefined) return 'emulator';
  if (value !== 'emulator' && value !== 'cuda') throw new UsageError(`--backend must be emulator or cuda, got '${value}' (gpuos backends lists what this machine has)`);
  return value;
}

/** --backends a,b: backends to compare, each named once. */
export function backendListOption(value: string): Array<'emulator' | 'cuda'> {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new UsageError(`--backends is a comma-separated list such as emulator,cuda, got '${value}'`);
  const backends = names.map((name) => {
    try {
      return backendOption(name);
    } catch {
      throw new UsageError(`--backends names emulator and cuda only, got '${name}' (gpuos backends lists what this machine has)`);
    }
  });
  if (new Set(backends).size !== backends.length) throw new UsageError(`--backends names a backend twice: '${value}'`);
  return backends;
}

export function seedOption(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,20}$/.test(value) || BigInt(value) >= 1n << 64n) throw new UsageError(`--seed must be an integer from 0 to 2^64-1, got '${value}'`);
  return BigInt(value);
}

/** Trace files named directly, or found (*.gtrace, sorted) in directories. */
export function findTraces(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new UsageError('name at least one trace file or directory');
  const traces: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
    if (statSync(path).isDirectory()) {
      const found = readdirSync(path).filter((f) => f.endsWith('.gtrace')).sort().map((f) => join(path, f));
      if (found.length === 0) throw new UsageError(`${path} holds no .gtrace files`);
      traces.push(...found);
    } else {
      traces.push(path);
    }
  }
  return traces;
}

/** Text from a file, safe to print: control characters (terminal escape sequences) shown as \\uXXXX. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Refuses an output path that would destroy an input (gpuos render t.gtrace -o t.gtrace) or that
 * cannot be a file (an existing directory), before any work is done.
 */
export function checkOutputPath(output: string, inputs: readonly string[], option: string): void {
  if (existsSync(output) && statSync(output).isDirectory()) throw new UsageError(`${option} ${output} is a directory; name a file`);
  const input = inputs.find((path) => sameFile(output, path));
  if (input !== undefined) throw new UsageError(`${option} ${output} is the input ${input}: writing it would destroy it`);
}

export function formatBytes(bytes: number): string {
  if (bytes < 10_000) return `${bytes} B`;
  if (bytes < 10_000_000) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

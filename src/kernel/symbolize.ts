/**
 * Maps a faulting instruction in a kernel library back to its .metal line, using the line tables
 * the kernel was compiled with (-g1) and binutils' addr2line (macOS: atos). Best effort: without
 * the tool the report still names the thread, the buffer and the last barrier passed.
 */
import { spawnSync } from 'node:child_process';
import { platform } from 'node:os';

import { runProcess } from './process_runner.js';

export interface SymbolizedLocation {
  file: string;
  line: number;
  function: string;
}

function command(library: string, pcOffsets: readonly bigint[], inlined = false): [string, string[]] {
  const addresses = pcOffsets.map((offset) => `0x${offset.toString(16)}`);
  if (platform() === 'darwin') return ['atos', ['-o', library, '-l', '0x0', ...addresses]];
  return ['addr2line', ['-e', library, '-f', '-C', ...(inlined ? ['-i'] : []), ...addresses]];
}

/**
 * One address's inline chain (addr2line -i: the innermost frame first): the first frame in the
 * kernel's own source, not in the MSL headers (a trap in an inlined vector operator[] belongs to
 * the kernel line that indexed).
 */
function parseInlined(stdout: string): SymbolizedLocation | undefined {
  const lines = stdout.split('\n');
  const frames: SymbolizedLocation[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const frame = parseOne(lines.slice(i, i + 2));
    if (frame) frames.push(frame);
  }
  return frames.find((frame) => !isHeaderFile(frame.file)) ?? frames[0];
}

/** The emulator's MSL headers (native/msl/): where a kernel's code is inlined from, never the kernel. */
function isHeaderFile(file: string): boolean {
  return /[\\/]native[\\/]msl[\\/]/.test(file);
}

function parseOne(lines: readonly string[]): SymbolizedLocation | undefined {
  if (platform() === 'darwin') {
    const match = /^(.*?) \(in .*?\) \((.*?):(\d+)\)/.exec((lines[0] ?? '').trim());
    return match ? { function: match[1] ?? '', file: match[2] ?? '', line: Number(match[3]) } : undefined;
  }
  const [fn, where] = lines;
  const match = where ? /^(.*):(\d+)(?: \(discriminator \d+\))?$/.exec(where.trim()) : null;
  if (!match || match[2] === '0') return undefined;
  return { function: fn ?? '', file: match[1] ?? '', line: Number(match[2]) };
}

/** The tool's answer for each address, in order: atos writes a line each, addr2line -f two. */
function parse(stdout: string, count: number): (SymbolizedLocation | undefined)[] {
  const lines = stdout.split('\n');
  const per = platform() === 'darwin' ? 1 : 2;
  return Array.from({ length: count }, (_, i) => parseOne(lines.slice(i * per, i * per + per)));
}

function parseSingle(stdout: string): SymbolizedLocation | undefined {
  return platform() === 'darwin' ? parse(stdout, 1)[0] : parseInlined(stdout);
}

/** For dispatchSync: blocks, as the dispatch itself did. */
export function symbolizeSync(library: string, pcOffset: bigint): SymbolizedLocation | undefined {
  if (!library || pcOffset <= 0n) return undefined;
  const [tool, args] = command(library, [pcOffset], true);
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? parseSingle(result.stdout) : undefined;
}

/** For dispatch: never blocks the event loop. */
export async function symbolize(library: string, pcOffset: bigint): Promise<SymbolizedLocation | undefined> {
  if (!library || pcOffset <= 0n) return undefined;
  const [tool, args] = command(library, [pcOffset], true);
  const result = await runProcess(tool, args, { maxOutputBytes: 1 << 16 });
  return result.status === 0 ? parseSingle(result.stdout) : undefined;
}

/** The addresses worth asking the tool for (a zero offset is no code address). */
function wantedOffsets(library: string, pcOffsets: readonly bigint[]): bigint[] {
  return library ? pcOffsets.filter((offset) => offset > 0n) : [];
}

/** Each address's line, from the tool's answer for `wanted` (undefined where it had none). */
function located(pcOffsets: readonly bigint[], wanted: readonly bigint[], stdout: string | undefined): (SymbolizedLocation | undefined)[] {
  const found = stdout === undefined ? [] : parse(stdout, wanted.length);
  const byOffset = new Map(wanted.map((offset, i) => [offset, found[i]]));
  return pcOffsets.map((offset) => byOffset.get(offset));
}

/** Many addresses of one library in one run of the tool (race reports hold two each). */
export function symbolizeManySync(library: string, pcOffsets: readonly bigint[]): (SymbolizedLocation | undefined)[] {
  const wanted = wantedOffsets(library, pcOffsets);
  if (wanted.length === 0) return pcOffsets.map(() => undefined);
  const [tool, args] = command(library, wanted);
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 30_000, maxBuffer: 1 << 22 });
  return located(pcOffsets, wanted, result.status === 0 ? result.stdout : undefined);
}

/** symbolizeManySync without blocking the event loop. */
export async function symbolizeMany(library: string, pcOffsets: readonly bigint[]): Promise<(SymbolizedLocation | undefined)[]> {
  const wanted = wantedOffsets(library, pcOffsets);
  if (wanted.length === 0) return pcOffsets.map(() => undefined);
  const [tool, args] = command(library, wanted);
  const result = await runProcess(tool, args, { maxOutputBytes: 1 << 22 });
  return located(pcOffsets, wanted, result.status === 0 ? result.stdout : undefined);
}

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

function command(library: string, pcOffset: bigint): [string, string[]] {
  const address = `0x${pcOffset.toString(16)}`;
  return platform() === 'darwin' ? ['atos', ['-o', library, '-l', '0x0', address]] : ['addr2line', ['-e', library, '-f', '-C', address]];
}

function parse(stdout: string): SymbolizedLocation | undefined {
  if (platform() === 'darwin') {
    const match = /^(.*?) \(in .*?\) \((.*?):(\d+)\)/.exec(stdout.trim());
    return match ? { function: match[1] ?? '', file: match[2] ?? '', line: Number(match[3]) } : undefined;
  }
  const [fn, where] = stdout.trim().split('\n');
  const match = where ? /^(.*):(\d+)(?: \(discriminator \d+\))?$/.exec(where) : null;
  if (!match || match[2] === '0') return undefined;
  return { function: fn ?? '', file: match[1] ?? '', line: Number(match[2]) };
}

/** For dispatchSync: blocks, as the dispatch itself did. */
export function symbolizeSync(library: string, pcOffset: bigint): SymbolizedLocation | undefined {
  if (!library || pcOffset <= 0n) return undefined;
  const [tool, args] = command(library, pcOffset);
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? parse(result.stdout) : undefined;
}

/** For dispatch: never blocks the event loop. */
export async function symbolize(library: string, pcOffset: bigint): Promise<SymbolizedLocation | undefined> {
  if (!library || pcOffset <= 0n) return undefined;
  const [tool, args] = command(library, pcOffset);
  const result = await runProcess(tool, args, { maxOutputBytes: 1 << 16 });
  return result.status === 0 ? parse(result.stdout) : undefined;
}

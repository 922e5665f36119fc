/**
 * Maps a faulting instruction in a kernel library back to its .metal line, using the line tables
 * the kernel was compiled with (-g1) and binutils' addr2line (macOS: atos). Best effort: without
 * the tool the report still names the thread, the buffer and the last barrier passed.
 */
import { spawnSync } from 'node:child_process';
import { platform } from 'node:os';

export interface SymbolizedLocation {
  file: string;
  line: number;
  function: string;
}

export function symbolize(library: string, pcOffset: bigint): SymbolizedLocation | undefined {
  if (!library || pcOffset <= 0n) return undefined;
  const address = `0x${pcOffset.toString(16)}`;
  if (platform() === 'darwin') {
    const result = spawnSync('atos', ['-o', library, '-l', '0x0', address], { encoding: 'utf8', timeout: 10_000 });
    const match = result.status === 0 ? /^(.*?) \(in .*?\) \((.*?):(\d+)\)/.exec(result.stdout.trim()) : null;
    return match ? { function: match[1] ?? '', file: match[2] ?? '', line: Number(match[3]) } : undefined;
  }
  const result = spawnSync('addr2line', ['-e', library, '-f', '-C', address], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return undefined;
  const [fn, where] = result.stdout.trim().split('\n');
  const match = where ? /^(.*):(\d+)(?: \(discriminator \d+\))?$/.exec(where) : null;
  if (!match || match[2] === '0') return undefined;
  return { function: fn ?? '', file: match[1] ?? '', line: Number(match[2]) };
}

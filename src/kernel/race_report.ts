/**
 * Race reports as users read them: the addon's structured facts (native/emu/race_checker.h) with
 * each access's code address turned into its .metal line, and a message that names both accesses,
 * the memory in the kernel's terms and the barriers around them.
 */
import { basename } from 'node:path';

import type { NativeFinding, NativeRace, NativeRaceAccess, NativeSourceSite } from './native.js';
import type { SymbolizedLocation } from './symbolize.js';

/** Where an access is in the source. */
export interface RaceSourceLine {
  file: string;
  line: number;
  function: string;
}

export interface RaceAccess {
  thread: number;
  /** A plain read or write, an atomic load or store, or an atomic read-modify-write (exchange, compare-exchange, fetch_*). */
  kind: 'read' | 'write' | 'atomic read' | 'atomic write' | 'atomic update';
  /** Bytes of the access; for the earlier access, the bytes of the 4-byte word it touched. */
  size: number;
  /** The .metal line, when the library's line table (addr2line or atos) could give it. */
  source?: RaceSourceLine;
}

export interface RaceDetails {
  /** The earlier access: absent for an uninitialised read, which has one access. */
  first?: RaceAccess;
  /** The access that found the race (or read the unwritten memory). */
  second: RaceAccess;
  space: 'threadgroup' | 'device';
  /** Device memory: the buffer binding, [[buffer(n)]]. */
  buffer?: number;
  /** Byte offset in that buffer, or in the threadgroup memory in use. */
  offset: number;
  /** Threadgroup memory: the kernel-scope variable, or "threadgroup(n)" for a binding. */
  variable?: string;
  variableOffset?: number;
  /** The barriers the two accesses lie between: null for the kernel's start and its end. */
  intervalStart: RaceSourceLine | null;
  intervalEnd: RaceSourceLine | null;
  /** How many barriers of that memory space released before the interval (0: the first). */
  intervalIndex: number;
  /** Accesses that found this same pair of places in the dispatch. */
  occurrences: number;
}

/** Every code address the findings' races hold, to symbolise in one run of the tool. */
export function racePcOffsets(findings: readonly NativeFinding[]): { library: string; offsets: bigint[] } {
  const offsets: bigint[] = [];
  let library = '';
  for (const finding of findings) {
    if (!finding.race) continue;
    library = finding.race.library;
    for (const access of [finding.race.first, finding.race.second]) {
      if (access?.pcOffset !== undefined) offsets.push(access.pcOffset);
    }
  }
  return { library, offsets };
}

function siteLine(site: NativeSourceSite): RaceSourceLine {
  return { file: site.file, line: site.line, function: site.function };
}

function accessOf(native: NativeRaceAccess, lines: ReadonlyMap<bigint, SymbolizedLocation | undefined>): RaceAccess {
  const kind = native.readModifyWrite ? 'atomic update' : native.atomic ? (native.write ? 'atomic write' : 'atomic read') : native.write ? 'write' : 'read';
  const access: RaceAccess = { thread: native.thread, kind, size: native.size };
  const source = native.site ? siteLine(native.site) : native.pcOffset !== undefined ? lines.get(native.pcOffset) : undefined;
  if (source) access.source = { file: source.file, line: source.line, function: source.function };
  return access;
}

export function raceDetails(native: NativeRace, lines: ReadonlyMap<bigint, SymbolizedLocation | undefined>): RaceDetails {
  const details: RaceDetails = {
    second: accessOf(native.second, lines),
    space: native.space,
    offset: native.offset,
    intervalStart: native.intervalStart ? siteLine(native.intervalStart) : null,
    intervalEnd: native.intervalEnd ? siteLine(native.intervalEnd) : null,
    intervalIndex: native.intervalIndex,
    occurrences: native.occurrences,
  };
  if (native.first) details.first = accessOf(native.first, lines);
  if (native.buffer !== undefined) details.buffer = native.buffer;
  if (native.variable !== undefined) {
    details.variable = native.variable;
    details.variableOffset = native.variableOffset ?? 0;
  }
  return details;
}

const where = (line: RaceSourceLine | undefined): string => (line ? `${basename(line.file)}:${line.line}` : 'a line the library has no line table for');

const VERBS: Record<RaceAccess['kind'], string> = { read: 'read', write: 'wrote', 'atomic read': 'atomically read', 'atomic write': 'atomically wrote', 'atomic update': 'atomically updated' };

function describeAccess(access: RaceAccess): string {
  return `thread ${access.thread} ${VERBS[access.kind]} ${access.size} byte${access.size === 1 ? '' : 's'} at ${where(access.source)}`;
}

/** "threadgroup variable 'partial' byte 12 (element 3 of 4-byte elements)", "buffer(1) byte 40". */
export function describeRacePlace(details: RaceDetails): string {
  const elementNote = (offset: number) => (offset > 0 && details.second.size > 1 && offset % details.second.size === 0 ? ` (element ${offset / details.second.size} of ${details.second.size}-byte elements)` : '');
  if (details.space === 'device') return `buffer(${details.buffer}) byte ${details.offset}${elementNote(details.offset)}`;
  if (details.variable === undefined) return `threadgroup memory byte ${details.offset}`;
  const offset = details.variableOffset ?? 0;
  return `threadgroup ${details.variable.startsWith('threadgroup(') ? 'binding' : 'variable'} '${details.variable}' byte ${offset}${elementNote(offset)}`;
}

function describeInterval(details: RaceDetails): string {
  const start = details.intervalStart ? `the barrier at ${where(details.intervalStart)}` : "the kernel's start";
  const end = details.intervalEnd ? `the barrier at ${where(details.intervalEnd)}` : "the kernel's end";
  return `both between ${start} and ${end}`;
}

/** The message of a race finding, from its details. */
export function raceMessage(code: string, details: RaceDetails): string {
  const place = describeRacePlace(details);
  const seen = details.occurrences > 1 ? `\n  (seen ${details.occurrences} times in this dispatch)` : '';
  if (code === 'E_UNINITIALIZED_READ') {
    return `uninitialised read of ${place}: ${describeAccess(details.second)}, and no thread had written it in this dispatch (threadgroup memory starts undefined)${seen}`;
  }
  const what = code === 'W_SAME_VALUE_WRITE' ? 'unordered writes of the same value' : 'data race';
  const space = details.space === 'threadgroup' ? 'mem_threadgroup' : 'mem_device';
  return (
    `${what} on ${place}:\n` +
    `  ${describeAccess(details.first!)}\n` +
    `  ${describeAccess(details.second)}\n` +
    `  ${describeInterval(details)}: no barrier with ${space} orders them${seen}`
  );
}

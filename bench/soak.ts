/**
 * npm run soak — a long randomised session, recorded and then replayed, watching memory and
 * digests:
 *
 *   1. record SOAK_FRAMES frames (default 1,000,000) of a seeded random user (pointer moves,
 *      clicks, typing, keys, wheel, long idle stretches) on the form scene at 160x120;
 *   2. replay the trace, checking every frame's digests against the recording;
 *   3. report resident memory (RSS) and heap every SOAK_SAMPLE frames, throughput, trace size.
 *
 * Exits 1 if any frame's digest differs or memory keeps growing (in either phase, the mean RSS of
 * the last quarter of samples more than 64 MiB above the first quarter's, the warm-up sample left
 * out). Figures go in docs/TRACE_FORMAT.md with this command.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../src/kernel/package_root.js';
import type { InputEvent } from '../src/os/input_events.js';
import { openSession, type OsSession } from '../src/os/session.js';
import { TraceRecorder } from '../src/recorder/trace_recorder.js';
import { Replayer } from '../src/replayer/replayer.js';

const FRAMES = Number(process.env['SOAK_FRAMES'] ?? 1_000_000);
const SAMPLE = Number(process.env['SOAK_SAMPLE'] ?? 50_000);
const WIDTH = Number(process.env['SOAK_WIDTH'] ?? 160);
const HEIGHT = Number(process.env['SOAK_HEIGHT'] ?? 120);

interface Sample {
  phase: 'record' | 'replay';
  frame: number;
  rssMiB: number;
  heapMiB: number;
  seconds: number;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The events of one frame of a user who mostly rests and sometimes does something. */
function userInput(next: () => number, session: OsSession): InputEvent[] {
  const roll = next();
  if (roll > 0.03) return [];
  const x = Math.floor(next() * WIDTH) + 0.5;
  const y = Math.floor(next() * HEIGHT) + 0.5;
  const action = Math.floor(next() * 6);
  switch (action) {
    case 0:
      return [{ type: 'pointerMove', x, y }];
    case 1:
      return [{ type: 'pointerMove', x, y }, { type: 'pointerDown', x, y }, { type: 'pointerUp', x, y }];
    case 2:
      return [{ type: 'text', text: 'soak'.slice(0, 1 + Math.floor(next() * 4)) }];
    case 3:
      return [{ type: 'keyDown', key: next() < 0.5 ? 'Tab' : 'Backspace' }, { type: 'keyUp', key: 'Tab' }];
    case 4:
      return [{ type: 'wheel', dy: Math.round((next() - 0.5) * 200) }];
    default:
      // Keep the ring from filling if a burst outpaces the kernel: the session refuses overruns.
      return session.frameState().eventsPending > 200 ? [] : [{ type: 'pointerMove', x: WIDTH - x, y: HEIGHT - y }];
  }
}

function sample(samples: Sample[], phase: Sample['phase'], frame: number, started: number): void {
  const memory = process.memoryUsage();
  samples.push({ phase, frame, rssMiB: memory.rss / 2 ** 20, heapMiB: memory.heapUsed / 2 ** 20, seconds: (performance.now() - started) / 1000 });
  const s = samples.at(-1)!;
  console.log(`${phase} ${String(frame).padStart(8)} frames  ${s.seconds.toFixed(0).padStart(5)} s  rss ${s.rssMiB.toFixed(0).padStart(4)} MiB  heap ${s.heapMiB.toFixed(0).padStart(4)} MiB`);
}

function growth(samples: Sample[], phase: Sample['phase']): number {
  // The first sample of a phase is taken before its caches and the trace index have filled.
  const rows = samples.filter((s) => s.phase === phase).slice(1);
  const quarter = Math.max(1, Math.floor(rows.length / 4));
  const mean = (xs: Sample[]) => xs.reduce((a, s) => a + s.rssMiB, 0) / xs.length;
  return mean(rows.slice(-quarter)) - mean(rows.slice(0, quarter));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuos-soak-'));
  const path = join(dir, 'soak.gtrace');
  const samples: Sample[] = [];
  console.log(`soak: ${FRAMES} frames of a random user on the form scene at ${WIDTH}x${HEIGHT}, sampling every ${SAMPLE}`);

  let started = performance.now();
  const session = await openSession({ scene: join(packageRoot(), 'fixtures', 'scenes', 'form.json'), width: WIDTH, height: HEIGHT });
  const recorder = TraceRecorder.start(session, path, { name: 'soak', checkpointInterval: 10_000 });
  const next = random(20261124);
  for (let frame = 0; frame < FRAMES; frame++) {
    const events = userInput(next, session);
    if (events.length) session.pushEvents(events);
    session.stepSync();
    if (frame % SAMPLE === 0) sample(samples, 'record', frame, started);
  }
  const recorded = recorder.stop();
  session.close();
  sample(samples, 'record', FRAMES, started);
  const recordSeconds = (performance.now() - started) / 1000;
  const bytes = statSync(path).size;

  started = performance.now();
  const replayer = await Replayer.open(path, { seed: 99 });
  let mismatches = 0;
  let first: number | undefined;
  while (replayer.position < replayer.frameCount) {
    const check = await replayer.step();
    if (!check.ok) {
      mismatches++;
      first ??= check.frame.index;
      break; // the session has left the recording; later frames would all differ
    }
    if (replayer.position % SAMPLE === 0) sample(samples, 'replay', replayer.position, started);
  }
  replayer.close();
  sample(samples, 'replay', FRAMES, started);
  const replaySeconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });

  const rssGrowth = Math.max(growth(samples, 'record'), growth(samples, 'replay'));
  console.log(`\nrecorded ${recorded.frames} frames with ${recorded.events} events in ${recordSeconds.toFixed(0)} s (${(recorded.frames / recordSeconds).toFixed(0)} frames/s)`);
  console.log(`trace: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${(bytes / recorded.frames).toFixed(1)} bytes/frame on average (checkpoints every 10000 frames included)`);
  console.log(`replayed in ${replaySeconds.toFixed(0)} s (${(recorded.frames / replaySeconds).toFixed(0)} frames/s) under another schedule seed: ${mismatches === 0 ? 'every frame digest identical to the recording' : `DIVERGED at frame ${first}`}`);
  console.log(`rss: peak ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(0)} MiB; last quarter vs first quarter of each phase: ${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MiB`);
  process.exitCode = mismatches === 0 && rssGrowth < 64 ? 0 : 1;
}

await main();

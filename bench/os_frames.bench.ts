/**
 * npm run bench:os — what an OS frame costs on the CPU emulator, per fixture scene and resolution.
 *
 *   full   a frame with GPUOS_FRAME_FORCE_FULL_REDRAW: every phase runs and every tile is drawn
 *   idle   a frame with no input once the scene has settled: the OS finds nothing changed
 *
 * Each figure is the median of REPEATS frames measured by the emulator itself (elapsedNs: the
 * dispatch, no JavaScript). The per-phase breakdown comes from profiled frames, run alternately
 * with the timed ones: the emulator records when each of the kernel's top-level barriers
 * released, and a phase's time is the interval up to its barrier (phase 1 includes starting the
 * 1024 fibers; phase 8 is what follows the last barrier). Results print as a table and go to
 * bench/results/os_frames.json.
 *
 *   BENCH_REPEATS=n        frames per figure (default 15)
 *   BENCH_SCENES=a,b       only these scenes
 *   BENCH_RESOLUTIONS=WxH  only these resolutions
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../src/kernel/package_root.js';
import type { BarrierMark } from '../src/kernel/native.js';
import { osKernelPath } from '../src/os/os_kernel.js';
import { openSession, type OsSession } from '../src/os/session.js';
import { median } from './stats.js';

const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 15);
const SCENES = (process.env['BENCH_SCENES'] ?? 'settings,scroll_list,stress_256,nesting_depth8,text_heavy').split(',');
const RESOLUTIONS = (process.env['BENCH_RESOLUTIONS'] ?? '640x360,1280x720,1920x1080').split(',').map((r) => r.split('x').map(Number) as [number, number]);
const RETAINED = 0x87;

// The kernel's top-level barriers end these phases, in source order (kernels/os_kernel.metal).
const PHASES = ['1 input', '2-3 hit test, dispatch, animate', '4 layout', '5 visibility, sort', '6 geometry', '7 tile render', '8 finalize'] as const;
type Phase = (typeof PHASES)[number];

function topLevelBarrierLines(): number[] {
  const lines = readFileSync(osKernelPath(), 'utf8').split('\n');
  const found = lines.flatMap((line, i) => (/^\s*threadgroup_barrier\(/.test(line) ? [i + 1] : []));
  if (found.length !== PHASES.length - 1) throw new Error(`expected ${PHASES.length - 1} top-level barriers in ${osKernelPath()}, found ${found.length}`);
  return found;
}

/** Nanoseconds per phase of one profiled frame. */
function phaseTimes(timeline: readonly BarrierMark[], totalNs: number, barrierLines: readonly number[]): Record<Phase, number> {
  const times = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  let previous = 0;
  for (const mark of timeline) {
    if (!mark.file?.endsWith('os_kernel.metal')) continue; // inner barriers belong to the phase around them
    const phase = PHASES[barrierLines.indexOf(mark.line)];
    if (!phase) throw new Error(`unexpected barrier at os_kernel.metal:${mark.line}`);
    times[phase] += mark.elapsedNs - previous;
    previous = mark.elapsedNs;
  }
  times['8 finalize'] += totalNs - previous;
  return times;
}

interface Measurement {
  medianMs: number;
  phasesMs: Record<Phase, number>;
  tilesRendered: number;
}

function measure(session: OsSession, fullRedraw: boolean, barrierLines: readonly number[]): Measurement {
  const totals: number[] = [];
  const phases: Record<Phase, number>[] = [];
  let tilesRendered = 0;
  for (let i = 0; i < REPEATS; i++) {
    const timed = session.stepSync({ fullRedraw });
    if (!fullRedraw && timed.frame.phasesRun !== RETAINED) throw new Error('an idle frame was not idle: the scene has not settled');
    totals.push(timed.kernelNs);
    tilesRendered = timed.frame.tilesRendered;
    const profiled = session.stepSync({ fullRedraw, profile: true });
    phases.push(phaseTimes(profiled.barrierTimeline ?? [], profiled.kernelNs, barrierLines));
  }
  const phasesMs = Object.fromEntries(PHASES.map((p) => [p, median(phases.map((t) => t[p])) / 1e6])) as Record<Phase, number>;
  return { medianMs: median(totals) / 1e6, phasesMs, tilesRendered };
}

async function settle(session: OsSession): Promise<void> {
  for (let frame = 0; frame < 240; frame++) if (session.stepSync().frame.phasesRun === RETAINED) return;
  throw new Error('the scene never settled');
}

interface Row {
  scene: string;
  resolution: string;
  full: Measurement;
  idle: Measurement;
}

async function main(): Promise<void> {
  const barrierLines = topLevelBarrierLines();
  const rows: Row[] = [];
  for (const scene of SCENES) {
    for (const [width, height] of RESOLUTIONS) {
      const session = await openSession({ scene: join(packageRoot(), 'fixtures', 'scenes', `${scene}.json`), width, height });
      await settle(session);
      session.stepSync({ fullRedraw: true }); // warm-up
      const full = measure(session, true, barrierLines);
      await settle(session);
      const idle = measure(session, false, barrierLines);
      rows.push({ scene, resolution: `${width}x${height}`, full, idle });
      session.close();
      process.stderr.write(`  ${scene} ${width}x${height}: full ${full.medianMs.toFixed(2)} ms, idle ${idle.medianMs.toFixed(3)} ms\n`);
    }
  }

  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
  console.log(`\ngpuos-replay OS frame benchmark (CPU emulator, one core) — ${machine.cpu}, Node ${machine.node}, median of ${REPEATS} frames\n`);
  console.log('| scene | resolution | full redraw ms | fps | idle ms | full / idle |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.scene} | ${r.resolution} | ${r.full.medianMs.toFixed(2)} | ${(1000 / r.full.medianMs).toFixed(0)} | ${r.idle.medianMs.toFixed(3)} | ${(r.full.medianMs / r.idle.medianMs).toFixed(0)}x |`);
  }
  console.log('\nPer phase, ms (full redraw / idle):\n');
  console.log(`| scene | resolution | ${PHASES.join(' | ')} |`);
  console.log(`|---|---|${PHASES.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    const cells = PHASES.map((p) => `${r.full.phasesMs[p].toFixed(2)} / ${r.idle.phasesMs[p].toFixed(2)}`);
    console.log(`| ${r.scene} | ${r.resolution} | ${cells.join(' | ')} |`);
  }
  const settings = rows.find((r) => r.scene === 'settings' && r.resolution === '1280x720');
  if (settings) {
    const fps = 1000 / settings.full.medianMs;
    console.log(`\ntarget: settings at 1280x720 >= 60 fps full redraw: ${fps.toFixed(0)} fps ${fps >= 60 ? '✓' : '✗ MISSED'}`);
  }
  const worstRatio = Math.min(...rows.map((r) => r.full.medianMs / r.idle.medianMs));
  console.log(`target: idle >= 10x cheaper than full redraw, every row: worst ${worstRatio.toFixed(0)}x ${worstRatio >= 10 ? '✓' : '✗ MISSED'}`);

  const dir = join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'os_frames.json'), JSON.stringify({ machine, repeats: REPEATS, rows }, null, 2) + '\n');
}

await main();

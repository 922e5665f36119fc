/**
 * npm run bench:races — what race checking costs on the OS frame benchmark: the same frames of
 * each fixture scene with and without race: true, side by side in one run, as medians of the
 * emulator's own dispatch times (elapsedNs), and their ratio. The target is at most 10x.
 *
 *   full   a frame with every phase and every tile drawn (fullRedraw): the most loads and stores
 *   idle   a frame with no input once the scene has settled
 *
 * Frames alternate between the two sessions so both see the same machine noise.
 *
 *   BENCH_REPEATS=n        frames per figure (default 15)
 *   BENCH_SCENES=a,b       only these scenes
 *   BENCH_RESOLUTIONS=WxH  only these resolutions
 */
import { cpus } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../src/kernel/package_root.js';
import { openSession, type OsSession } from '../src/os/session.js';
import { median } from './stats.js';

const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 15);
const SCENES = (process.env['BENCH_SCENES'] ?? 'settings,scroll_list,stress_256,nesting_depth8,text_heavy').split(',');
const RESOLUTIONS = (process.env['BENCH_RESOLUTIONS'] ?? '640x360,1280x720').split(',').map((r) => r.split('x').map(Number) as [number, number]);
const RETAINED = 0x87;

function settle(session: OsSession): void {
  for (let frame = 0; frame < 240; frame++) if (session.stepSync().frame.phasesRun === RETAINED) return;
  throw new Error('the scene never settled');
}

/** Median ms of plain and race-checked frames, alternating, and the accesses one checked frame saw. */
function measure(plain: OsSession, checked: OsSession, fullRedraw: boolean): { plainMs: number; checkedMs: number; accesses: number } {
  const plainNs: number[] = [];
  const checkedNs: number[] = [];
  let accesses = 0;
  for (let i = 0; i < REPEATS; i++) {
    plainNs.push(plain.stepSync({ fullRedraw }).kernelNs);
    const result = checked.stepSync({ fullRedraw });
    checkedNs.push(result.kernelNs);
    accesses = result.raceCheckedAccesses ?? 0;
  }
  return { plainMs: median(plainNs) / 1e6, checkedMs: median(checkedNs) / 1e6, accesses };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  let worst = 0;
  for (const scene of SCENES) {
    for (const [width, height] of RESOLUTIONS) {
      const path = join(packageRoot(), 'fixtures', 'scenes', `${scene}.json`);
      const plain = await openSession({ scene: path, width, height });
      const checked = await openSession({ scene: path, width, height, races: true });
      settle(plain);
      settle(checked);
      plain.stepSync({ fullRedraw: true }); // warm-up: stacks, caches and the checker's shadow
      checked.stepSync({ fullRedraw: true });
      const full = measure(plain, checked, true);
      settle(plain);
      settle(checked);
      const idle = measure(plain, checked, false);
      plain.close();
      checked.close();
      const fullRatio = full.checkedMs / full.plainMs;
      const idleRatio = idle.checkedMs / idle.plainMs;
      worst = Math.max(worst, fullRatio, idleRatio);
      rows.push(
        `| ${scene} | ${width}x${height} | ${full.plainMs.toFixed(2)} | ${full.checkedMs.toFixed(2)} | ${fullRatio.toFixed(1)}x | ${(full.accesses / 1e6).toFixed(2)} M | ${idle.plainMs.toFixed(3)} | ${idle.checkedMs.toFixed(3)} | ${idleRatio.toFixed(1)}x |`,
      );
      process.stderr.write(`  ${scene} ${width}x${height}: full ${fullRatio.toFixed(1)}x, idle ${idleRatio.toFixed(1)}x\n`);
    }
  }
  const machine = `${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`;
  console.log(`\ngpuos-replay race-checking overhead (CPU emulator, one core) — ${machine}, median of ${REPEATS} frames each\n`);
  console.log('| scene | resolution | full ms | full ms, races | ratio | accesses checked | idle ms | idle ms, races | ratio |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(`\ntarget: race checking at most 10x the plain emulator, every row: worst ${worst.toFixed(1)}x ${worst <= 10 ? '✓' : '✗ MISSED'}`);
}

await main();

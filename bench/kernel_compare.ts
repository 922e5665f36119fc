/**
 * npm run bench:kernel-compare — an edit timed side by side with a base commit on the CPU
 * emulator, in one run: child processes running the base and the working tree alternate, round
 * after round, so both see the same machine load. Each child opens a session of the scene, lets
 * it settle, and times frames (the emulator's own elapsedNs for the dispatch).
 *
 * Two things can be compared:
 *   - the OS kernel alone (the default): the base's kernels/ directory is taken from git (git
 *     archive) and run by this build, so only the .metal sources differ;
 *   - whole builds (BENCH_WHOLE=1): the base commit is extracted whole and built (its native
 *     addon, emulator, translator and kernel, with this checkout's node_modules), and each child
 *     runs its own build. This is the comparison for a change to the emulator itself.
 *
 *   BENCH_BASE=<rev>        the base commit (default HEAD)
 *   BENCH_WHOLE=1           compare whole builds instead of kernel sources
 *   BENCH_SCENE=<name>      fixture scene (default settings)
 *   BENCH_RESOLUTION=WxH    default 1280x720
 *   BENCH_FRAMES=n          frames per child (default 40)
 *   BENCH_ROUNDS=n          children per side (default 5)
 *   BENCH_IDLE=1            time idle frames instead of full redraws
 *
 * Prints the median frame time of each side over all its frames and the ratio base / edit, and
 * writes bench/results/kernel_compare.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { packageRoot } from '../src/kernel/package_root.js';
import { median } from './stats.js';

const FRAME_US = 16_667;

interface FrameSession {
  step(options: { timeUs: number; deltaUs: number; fullRedraw?: boolean }): Promise<{ kernelNs: number }>;
  close(): void;
}

/**
 * One child: frames of the scene through the build at `root` (its dist/), with `kernelPath` as the
 * OS kernel when given (kernel comparison), else that build's own kernel.
 */
async function child(root: string, kernelPath: string, scene: string, width: number, height: number, frames: number, idle: boolean): Promise<void> {
  const dist = (module: string) => pathToFileURL(join(root, 'dist', 'src', 'os', module)).href;
  if (kernelPath !== '') {
    const { benchmarkOsKernelSource } = (await import(dist('os_kernel.js'))) as { benchmarkOsKernelSource(path: string): void };
    benchmarkOsKernelSource(kernelPath);
  }
  const { openSession } = (await import(dist('session.js'))) as { openSession(options: object): Promise<FrameSession> };
  const session = await openSession({ scene: JSON.parse(readFileSync(join(root, 'fixtures', 'scenes', `${scene}.json`), 'utf8')) as object, width, height });
  let timeUs = 0;
  for (let i = 0; i < 5; i++) await session.step({ timeUs: (timeUs += FRAME_US), deltaUs: FRAME_US });
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const result = await session.step({ timeUs: (timeUs += FRAME_US), deltaUs: FRAME_US, fullRedraw: !idle });
    times.push(result.kernelNs);
  }
  session.close();
  process.stdout.write(`${JSON.stringify(times)}\n`);
}

interface Side {
  readonly name: string;
  readonly root: string;
  readonly kernel: string;  // '' for the build's own kernel
}

/** The base commit's sources in `dir`: its kernels/ only, or the whole tree built with this checkout's node_modules. */
function extractBase(root: string, base: string, dir: string, whole: boolean): void {
  const archive = execFileSync('git', ['archive', '--format=tar', base, ...(whole ? [] : ['kernels'])], { cwd: root, maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive, maxBuffer: 64 * 1024 * 1024 });
  if (!whole) return;
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  process.stderr.write(`building ${base} in ${dir} (its native addon and TypeScript)...\n`);
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(): Promise<void> {
  const root = packageRoot();
  const base = process.env['BENCH_BASE'] ?? 'HEAD';
  const whole = process.env['BENCH_WHOLE'] === '1';
  const scene = process.env['BENCH_SCENE'] ?? 'settings';
  const [width, height] = (process.env['BENCH_RESOLUTION'] ?? '1280x720').split('x').map(Number) as [number, number];
  const frames = Number(process.env['BENCH_FRAMES'] ?? 40);
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
  const idle = process.env['BENCH_IDLE'] === '1';
  const baseDir = mkdtempSync(join(tmpdir(), 'gpuos-bench-base-'));
  try {
    const revision = execFileSync('git', ['rev-parse', '--short', base], { cwd: root, encoding: 'utf8' }).trim();
    extractBase(root, base, baseDir, whole);
    const sides: Side[] = whole
      ? [
          { name: `base ${revision} (whole build)`, root: baseDir, kernel: '' },
          { name: 'working tree (whole build)', root, kernel: '' },
        ]
      : [
          { name: `base ${revision}`, root, kernel: join(baseDir, 'kernels', 'os_kernel.metal') },
          { name: 'working tree', root, kernel: join(root, 'kernels', 'os_kernel.metal') },
        ];
    const times = new Map<string, number[]>(sides.map((side) => [side.name, []]));
    const script = fileURLToPath(import.meta.url);
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        const out = execFileSync(process.execPath, [script, '--child', side.root, side.kernel, scene, String(width), String(height), String(frames), idle ? '1' : '0'], {
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        });
        const mine = times.get(side.name)!;
        mine.push(...(JSON.parse(out.trim().split('\n').at(-1)!) as number[]));
        process.stderr.write(`round ${round + 1}/${rounds}: ${side.name} ${(median(mine) / 1e6).toFixed(3)} ms so far\n`);
      }
    }
    const [baseSide, editSide] = sides as [Side, Side];
    const baseMs = median(times.get(baseSide.name)!) / 1e6;
    const editMs = median(times.get(editSide.name)!) / 1e6;
    const what = `${scene} ${width}x${height} ${idle ? 'idle' : 'full redraw'}`;
    console.log(`\n${what}, CPU emulator (${cpus()[0]?.model ?? 'CPU'}), median of ${rounds * frames} frames each, children alternating:`);
    console.log(`  ${baseSide.name}: ${baseMs.toFixed(3)} ms`);
    console.log(`  ${editSide.name}: ${editMs.toFixed(3)} ms`);
    console.log(`  ${(baseMs / editMs).toFixed(2)}x ${baseMs >= editMs ? 'faster' : 'slower'} than the base`);
    const out = join(root, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'kernel_compare.json'),
      `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, scene, width, height, idle, whole, frames, rounds, base: baseSide.name, baseMs, editMs, ratio: baseMs / editMs }, null, 2)}\n`,
    );
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [root, kernel, scene, width, height, frames, idle] = process.argv.slice(3) as [string, string, string, string, string, string, string];
  await child(root, kernel, scene, Number(width), Number(height), Number(frames), idle === '1');
} else {
  await main();
}

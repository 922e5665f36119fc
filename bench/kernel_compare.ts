/**
 * npm run bench:kernel-compare — an edit of the OS kernel timed side by side with a base commit's
 * kernel, on the CPU emulator, in one run: the base's kernels/ directory is taken from git
 * (git archive), and child processes running the base and the working tree's kernel alternate,
 * round after round, so both see the same machine load. Each child opens a session of the scene,
 * lets it settle, and times frames (the emulator's own elapsedNs for the dispatch).
 *
 *   BENCH_BASE=<rev>        the base commit (default HEAD)
 *   BENCH_SCENE=<name>      fixture scene (default settings)
 *   BENCH_RESOLUTION=WxH    default 1280x720
 *   BENCH_FRAMES=n          frames per child (default 40)
 *   BENCH_ROUNDS=n          children per kernel (default 5)
 *   BENCH_IDLE=1            time idle frames instead of full redraws
 *
 * Prints the median frame time of each kernel over all its frames and the ratio base / edit, and
 * writes bench/results/kernel_compare.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packageRoot } from '../src/kernel/package_root.js';
import { benchmarkOsKernelSource } from '../src/os/os_kernel.js';
import { openSession } from '../src/os/session.js';
import { median } from './stats.js';

const FRAME_US = 16_667;

async function child(kernelPath: string, scene: string, width: number, height: number, frames: number, idle: boolean): Promise<void> {
  benchmarkOsKernelSource(kernelPath);
  const session = await openSession({ scene: JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'scenes', `${scene}.json`), 'utf8')) as object, width, height });
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

async function main(): Promise<void> {
  const root = packageRoot();
  const base = process.env['BENCH_BASE'] ?? 'HEAD';
  const scene = process.env['BENCH_SCENE'] ?? 'settings';
  const [width, height] = (process.env['BENCH_RESOLUTION'] ?? '1280x720').split('x').map(Number) as [number, number];
  const frames = Number(process.env['BENCH_FRAMES'] ?? 40);
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
  const idle = process.env['BENCH_IDLE'] === '1';
  const baseDir = mkdtempSync(join(tmpdir(), 'gpuos-kernel-base-'));
  try {
    const revision = execFileSync('git', ['rev-parse', '--short', base], { cwd: root, encoding: 'utf8' }).trim();
    const archive = execFileSync('git', ['archive', '--format=tar', base, 'kernels'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', baseDir], { input: archive });
    const kernels = { [`base ${revision}`]: join(baseDir, 'kernels', 'os_kernel.metal'), 'working tree': join(root, 'kernels', 'os_kernel.metal') };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(kernels).map((k) => [k, []]));
    const script = fileURLToPath(import.meta.url);
    for (let round = 0; round < rounds; round++) {
      for (const [name, path] of Object.entries(kernels)) {
        const out = execFileSync(process.execPath, [script, '--child', path, scene, String(width), String(height), String(frames), idle ? '1' : '0'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
        times[name]!.push(...(JSON.parse(out.trim().split('\n').at(-1)!) as number[]));
        process.stderr.write(`round ${round + 1}/${rounds}: ${name} ${(median(times[name]!) / 1e6).toFixed(3)} ms so far\n`);
      }
    }
    const [baseName, editName] = Object.keys(kernels) as [string, string];
    const baseMs = median(times[baseName]!) / 1e6;
    const editMs = median(times[editName]!) / 1e6;
    const what = `${scene} ${width}x${height} ${idle ? 'idle' : 'full redraw'}`;
    console.log(`\n${what}, CPU emulator (${cpus()[0]?.model ?? 'CPU'}), median of ${rounds * frames} frames each, children alternating:`);
    console.log(`  ${baseName}: ${baseMs.toFixed(3)} ms`);
    console.log(`  ${editName}: ${editMs.toFixed(3)} ms`);
    console.log(`  ${(baseMs / editMs).toFixed(2)}x ${baseMs >= editMs ? 'faster' : 'slower'} than the base`);
    const out = join(root, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'kernel_compare.json'), `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, scene, width, height, idle, frames, rounds, base: baseName, baseMs, editMs, ratio: baseMs / editMs }, null, 2)}\n`);
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [path, scene, width, height, frames, idle] = process.argv.slice(3) as [string, string, string, string, string, string];
  await child(path, scene, Number(width), Number(height), Number(frames), idle === '1');
} else {
  await main();
}

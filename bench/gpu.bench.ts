/**
 * `npm run bench:gpu`: the OS kernel's frame times on a real GPU (the CUDA backend), from the
 * GPU's own clock, beside the floor for one threadgroup on the same GPU and the PRD's 8.3 ms
 * budget (120 Hz).
 *
 * For every fixture scene at 1280x720, 1920x1080 and 3840x2160: full-redraw frames and idle
 * frames (nothing changed: the kernel must notice and skip rendering), medians over
 * BENCH_GPU_FRAMES frames (default 100), and per phase from the global timer thread 0 reads after
 * each top-level barrier; phase 7 (tile rendering) also step by step, from the barriers inside it
 * (reach, row lists, damage, dirty list, draw). The floor: an empty one-block launch, a
 * 1024-thread barrier, and one block writing a 1080p and a 4K RGBA framebuffer once.
 *
 * Writes bench/results/gpu.json and prints a table. Needs a CUDA GPU (`gpuos backends`).
 *
 *   BENCH_RESOLUTIONS=WxH,…   default 1280x720,1920x1080,3840x2160
 *   BENCH_SCENES=a,b          fixture scenes (default all)
 *   BENCH_GPU_FRAMES=n        frames per median (default 100)
 *   BENCH_GPU_KERNEL=path     another copy's kernels/os_kernel.metal, to time a kernel edit
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { listBackends } from '../src/kernel/backends.js';
import { compileKernel } from '../src/kernel/compile.js';
import { DeviceBuffer } from '../src/kernel/device_buffer.js';
import { packageRoot } from '../src/kernel/package_root.js';
import { benchmarkOsKernelSource, osKernelPath } from '../src/os/os_kernel.js';
import { openSession } from '../src/os/session.js';
import { median } from './stats.js';

const FRAMES = Number(process.env['BENCH_GPU_FRAMES'] ?? 100);
const RESOLUTIONS = (process.env['BENCH_RESOLUTIONS'] ?? '1280x720,1920x1080,3840x2160').split(',').map((r) => r.split('x').map(Number) as [number, number]);
const BUDGET_MS = 8.3;
const PHASES = ['1 input', '2-3 hit test, dispatch, animate', '4 layout', '5 visibility, sort', '6 geometry', '7 tile render', '8 finalize'] as const;

// Another copy of the OS kernel (its kernels/os_kernel.metal), to time an edit beside the package's.
const kernelOverride = process.env['BENCH_GPU_KERNEL'];
if (kernelOverride) benchmarkOsKernelSource(kernelOverride);

const cuda = listBackends().find((b) => b.name === 'cuda')!;
if (!cuda.available) {
  console.error(`bench:gpu needs the CUDA backend: ${cuda.reason}`);
  process.exit(2);
}

function topLevelBarrierLines(): number[] {
  const lines = readFileSync(osKernelPath(), 'utf8').split('\n');
  return lines.flatMap((line, i) => (/^\s*threadgroup_barrier\(/.test(line) ? [i + 1] : []));
}

const scenesDir = join(packageRoot(), 'fixtures', 'scenes');
const scenes = (process.env['BENCH_SCENES']?.split(',') ?? readdirSync(scenesDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''))).sort();
const barrierLines = topLevelBarrierLines();

async function floor(): Promise<Record<string, number>> {
  const dir = join(packageRoot(), 'bench', 'kernels');
  const empty = (await compileKernel({ path: join(dir, 'empty.metal'), backend: 'cuda' })).kernel();
  const sink = new DeviceBuffer(4);
  const emptyMs: number[] = [];
  for (let i = 0; i < 200; i++) emptyMs.push(empty.dispatchSync({ threads: 1024, buffers: [sink] }).gpuMs);
  const barriers = (await compileKernel({ path: join(dir, 'barrier_rounds.metal'), backend: 'cuda' })).kernel();
  const rounds = DeviceBuffer.from(new Uint32Array([10_000]));
  const barrierMs: number[] = [];
  for (let i = 0; i < 20; i++) barrierMs.push(barriers.dispatchSync({ threads: 1024, buffers: [rounds] }).gpuMs);
  const fill = (await compileKernel({ path: join(dir, 'framebuffer_fill.metal'), backend: 'cuda' })).kernel();
  const fillMs = (width: number, height: number): number => {
    const pixels = new DeviceBuffer(width * height * 4);
    const quads = DeviceBuffer.from(new Uint32Array([(width * height) / 4]));
    const times: number[] = [];
    for (let i = 0; i < 100; i++) times.push(fill.dispatchSync({ threads: 1024, buffers: [pixels, quads] }).gpuMs);
    return median(times);
  };
  return {
    emptyLaunchUs: median(emptyMs) * 1000,
    barrierNs: ((median(barrierMs) - median(emptyMs)) / 10_000) * 1e6,
    write1080pMs: fillMs(1920, 1080),
    write4kMs: fillMs(3840, 2160),
  };
}

interface Row {
  scene: string;
  resolution: string;
  fullRedrawMs: number;
  idleMs: number;
  fullRedrawPhasesMs: Record<string, number>;
  /** Phase 7's steps in order: each from the barrier before it to the one that ends it (the last to the phase's end), by the source line of that barrier. */
  renderStepsMs: { endsAtLine: number | 'phase end'; ms: number }[];
}

async function sceneRow(scene: string, width: number, height: number): Promise<Row> {
  const session = await openSession({ scene: join(scenesDir, `${scene}.json`), width, height, backend: 'cuda' });
  await session.step({ fullRedraw: true });
  const full: number[] = [];
  const phaseSamples: number[][] = PHASES.map(() => []);
  const renderSteps = new Map<string, number[]>();
  const renderPhase = PHASES.indexOf('7 tile render');
  for (let i = 0; i < FRAMES; i++) {
    const result = await session.step({ fullRedraw: true, profile: true });
    full.push(result.kernelNs / 1e6);
    // Phase n runs from the barrier that ends phase n-1 (the kernel's start for the first) to
    // the one that ends it; the last runs to the end of the dispatch.
    const all = result.barrierTimeline ?? [];
    const topLevel = all.flatMap((mark, index) => (barrierLines.includes(mark.line) ? [index] : []));
    let previous = 0;
    PHASES.forEach((_, p) => {
      const end = p < topLevel.length ? all[topLevel[p]!]!.elapsedNs : result.kernelNs;
      phaseSamples[p]!.push((end - previous) / 1e6);
      previous = end;
    });
    // The barriers inside phase 7 are those released between the top-level barrier that ends
    // phase 6 and the one that ends phase 7; line numbers alone would be ambiguous (the CUDA
    // timeline names no file), their position is not.
    const from = topLevel[renderPhase - 1];
    const to = topLevel[renderPhase];
    if (from !== undefined && to !== undefined) {
      let start = all[from]!.elapsedNs;
      for (let i = from + 1; i <= to; i++) {
        const key = i === to ? 'phase end' : String(all[i]!.line);
        const samples = renderSteps.get(key) ?? [];
        samples.push((all[i]!.elapsedNs - start) / 1e6);
        renderSteps.set(key, samples);
        start = all[i]!.elapsedNs;
      }
    }
  }
  const idle: number[] = [];
  for (let i = 0; i < FRAMES; i++) idle.push((await session.step()).kernelNs / 1e6);
  session.close();
  return {
    scene,
    resolution: `${width}x${height}`,
    fullRedrawMs: median(full),
    idleMs: median(idle),
    fullRedrawPhasesMs: Object.fromEntries(PHASES.map((name, p) => [name, median(phaseSamples[p]!)])),
    renderStepsMs: [...renderSteps].map(([key, samples]) => ({ endsAtLine: key === 'phase end' ? 'phase end' : Number(key), ms: median(samples) })),
  };
}

const floors = await floor();
const rows: Row[] = [];
for (const [width, height] of RESOLUTIONS) {
  for (const scene of scenes) {
    const row = await sceneRow(scene, width, height);
    rows.push(row);
    console.log(`${row.scene.padEnd(16)} ${row.resolution.padEnd(10)} full ${row.fullRedrawMs.toFixed(3).padStart(8)} ms  idle ${(row.idleMs * 1000).toFixed(1).padStart(7)} us  render ${row.fullRedrawPhasesMs['7 tile render']!.toFixed(3)} ms (${row.renderStepsMs.map((step) => step.ms.toFixed(3)).join(' + ')})`);
  }
}
const result = { kernel: osKernelPath(), device: cuda.device, compiler: cuda.compiler, date: new Date().toISOString(), framesPerMedian: FRAMES, budgetMs: BUDGET_MS, floor: floors, rows };
console.log(`floor: empty launch ${floors.emptyLaunchUs!.toFixed(1)} us, barrier ${floors.barrierNs!.toFixed(1)} ns, write 1080p ${floors.write1080pMs!.toFixed(3)} ms, 4K ${floors.write4kMs!.toFixed(3)} ms`);
const out = join(packageRoot(), 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'gpu.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${join(out, 'gpu.json')}`);

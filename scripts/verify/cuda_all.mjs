#!/usr/bin/env node
// `npm run verify:cuda`: the whole cross-backend check on a machine with a CUDA GPU. Every
// fixture trace replayed on the emulator and on CUDA in lockstep, each frame checked against the
// recording (state, every framebuffer block, the damage signatures) and the two digests compared
// (what `gpuos verify fixtures/traces --backends emulator,cuda` does), and every kernel under
// kernels/tests, test/foreign/kernels and bench/kernels run on both backends with the same inputs,
// every buffer compared byte for byte. Writes bench/results/cuda_verify.json; exits 1 on any
// difference.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

import { listBackends } from '../../dist/src/kernel/backends.js';
import { compileKernel } from '../../dist/src/kernel/compile.js';
import { loadOsKernelForCuda } from '../../dist/src/os/os_kernel.js';
import { packageRoot } from '../../dist/src/kernel/package_root.js';
import { compareWithCuda } from '../../dist/src/verify/cross_backend.js';
import { formatKernelComparison, formatTraceComparison } from '../../dist/src/verify/cross_backend_format.js';
import { compareTraceAcrossBackends } from '../../dist/src/verify/cross_backend_traces.js';

const root = packageRoot();

if (process.argv[2] === '--kernel-file') {
  // One file's kernels, each report a JSON line (see the parent's loop below).
  const file = process.argv[3];
  const emit = (report) => process.stdout.write(`${JSON.stringify({ file: relative(root, file), ...report }, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  let names;
  try {
    names = (await compileKernel(file)).kernels.map((k) => k.name);
  } catch (error) {
    emit({ verdict: 'emulator-compile-error', error: error.message.split('\n')[0] });
    process.exit(0);
  }
  for (const name of names) {
    try {
      emit(await compareWithCuda(file, name));
    } catch (error) {
      emit({ kernel: name, verdict: 'error', error: `${error.code ?? ''} ${error.message.split('\n').slice(0, 6).join(' ')}` });
    }
  }
  process.exit(0);
}

const cuda = listBackends().find((b) => b.name === 'cuda');
console.log(`cuda: ${cuda.available ? cuda.device : `unavailable: ${cuda.reason}`}`);
if (!cuda.available) process.exit(2);

const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? walk(path) : path.endsWith('.metal') ? [path] : [];
});

// Every kernel is compiled for both backends first, as many at a time as there are cores: a
// fresh machine has an empty kernel cache, and one compile after another takes minutes.
const kernelFiles = [...walk(join(root, 'kernels', 'host')), ...walk(join(root, 'kernels', 'tests')), ...walk(join(root, 'test', 'foreign', 'kernels')), ...walk(join(root, 'bench', 'kernels'))].sort();
const compileJobs = [() => loadOsKernelForCuda(), ...kernelFiles.flatMap((file) => [() => compileKernel(file), () => compileKernel({ path: file, backend: 'cuda' })])];
const warmStarted = Date.now();
await Promise.all(Array.from({ length: availableParallelism() }, async () => {
  // A failure is not reported here: the comparison below compiles again and reports it there.
  for (let job = compileJobs.shift(); job; job = compileJobs.shift()) await job().catch(() => undefined);
}));
console.log(`compiled ${kernelFiles.length} kernel files for both backends in ${((Date.now() - warmStarted) / 1000).toFixed(1)} s`);

const traces = [];
const tracesDir = join(root, 'fixtures', 'traces');
for (const name of readdirSync(tracesDir).filter((n) => n.endsWith('.gtrace')).sort()) {
  const started = Date.now();
  const report = await compareTraceAcrossBackends(join(tracesDir, name), ['emulator', 'cuda']);
  traces.push({ ...report, trace: name, ms: Date.now() - started });
  console.log(formatTraceComparison(report));
}

// Each kernel file runs in a child process of its own: a kernel that faults on the GPU leaves
// the process's CUDA context unusable (CUDA errors are sticky), and must not fail the files after it.
const kernels = [];
for (const file of kernelFiles) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--kernel-file', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const lines = (child.stdout ?? '').split('\n').filter((line) => line.startsWith('{'));
  for (const line of lines) {
    const report = JSON.parse(line);
    kernels.push(report);
    console.log(report.verdict === 'error' || report.verdict === 'emulator-compile-error' ? `ERROR ${report.file} ${report.kernel ?? ''}: ${report.error}` : formatKernelComparison(report.file, report));
  }
  if (child.status !== 0 && lines.length === 0) {
    kernels.push({ file: relative(root, file), verdict: 'error', error: `the child process exited ${child.status}: ${(child.stderr ?? '').split('\n').slice(0, 4).join(' ')}` });
    console.log(`ERROR ${relative(root, file)}: ${kernels.at(-1).error}`);
  }
}

const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'cuda_verify.json'), `${JSON.stringify({ device: cuda.device, compiler: cuda.compiler, date: new Date().toISOString(), traces, kernels }, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
const failed = traces.filter((t) => !t.ok).length + kernels.filter((k) => k.verdict === 'different' || k.verdict === 'error').length;
const count = (verdict) => kernels.filter((k) => k.verdict === verdict).length;
console.log(`${traces.filter((t) => t.ok).length}/${traces.length} traces bit-identical; kernels: ${count('identical')} identical, ${count('nan-payloads')} identical but for NaN payloads, ${count('emulator-finding')} not comparable (emulator findings), ${count('schedule-dependent')} schedule-dependent, ${failed} failures`);
process.exit(failed > 0 ? 1 : 0);

#!/usr/bin/env node
// `npm run verify:cuda`: the whole cross-backend check on a machine with a CUDA GPU. Every
// fixture trace replayed on the emulator and on CUDA in lockstep, each frame checked against the
// recording (state, every framebuffer block, the damage signatures) and the two digests compared
// (what `gpuos verify fixtures/traces --backends emulator,cuda` does), and every kernel under
// kernels/tests, test/foreign/kernels and bench/kernels run on both backends with the same inputs,
// every buffer compared byte for byte. Writes bench/results/cuda_verify.json; exits 1 on any
// difference.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

import { listBackends } from '../../dist/src/kernel/backends.js';
import { compileKernel } from '../../dist/src/kernel/compile.js';
import { loadOsKernelForCuda } from '../../dist/src/os/os_kernel.js';
import { packageRoot } from '../../dist/src/kernel/package_root.js';
import { compareWithCuda } from '../../dist/src/verify/cross_backend.js';
import { formatKernelComparison, formatTraceComparison } from '../../dist/src/verify/cross_backend_format.js';
import { compareTraceAcrossBackends } from '../../dist/src/verify/cross_backend_traces.js';

const root = packageRoot();
const cuda = listBackends().find((b) => b.name === 'cuda');
console.log(`cuda: ${cuda.available ? cuda.device : `unavailable: ${cuda.reason}`}`);
if (!cuda.available) process.exit(2);

const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? walk(path) : path.endsWith('.metal') ? [path] : [];
});

// Every kernel is compiled for both backends first, as many at a time as there are cores: a
// fresh machine has an empty kernel cache, and one compile after another takes minutes.
const kernelFiles = [...walk(join(root, 'kernels', 'tests')), ...walk(join(root, 'test', 'foreign', 'kernels')), ...walk(join(root, 'bench', 'kernels'))].sort();
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

const kernels = [];
for (const file of kernelFiles) {
  let names;
  try {
    names = (await compileKernel(file)).kernels.map((k) => k.name);
  } catch (error) {
    kernels.push({ file: relative(root, file), verdict: 'emulator-compile-error', error: error.message.split('\n')[0] });
    console.log(`SKIP ${relative(root, file)}: the emulator refuses it (${error.message.split('\n')[0]})`);
    continue;
  }
  for (const name of names) {
    try {
      const report = await compareWithCuda(file, name);
      kernels.push({ file: relative(root, file), ...report });
      console.log(formatKernelComparison(relative(root, file), report));
    } catch (error) {
      kernels.push({ file: relative(root, file), kernel: name, verdict: 'error', error: `${error.code ?? ''} ${error.message}` });
      console.log(`ERROR ${relative(root, file)} ${name}: ${error.code ?? ''} ${error.message.split('\n').slice(0, 6).join('\n  ')}`);
    }
  }
}

const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'cuda_verify.json'), `${JSON.stringify({ device: cuda.device, compiler: cuda.compiler, date: new Date().toISOString(), traces, kernels }, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
const failed = traces.filter((t) => !t.ok).length + kernels.filter((k) => k.verdict === 'different' || k.verdict === 'error').length;
console.log(`${traces.filter((t) => t.ok).length}/${traces.length} traces bit-identical; kernels: ${kernels.filter((k) => k.verdict === 'identical').length} identical, ${kernels.filter((k) => k.verdict === 'emulator-finding').length} not comparable (emulator findings), ${failed} failures`);
process.exit(failed > 0 ? 1 : 0);

#!/usr/bin/env node
// `npm run verify:cuda`: the whole cross-backend check on a machine with a CUDA GPU. Every
// fixture trace replayed on CUDA against its recorded digests (recorded on the emulator: state,
// every framebuffer block, the damage signatures, at every frame), and every kernel under
// kernels/tests, test/foreign/kernels and bench/kernels run on both backends with the same inputs,
// every buffer compared byte for byte. Writes bench/results/cuda_verify.json; exits 1 on any
// difference.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { listBackends } from '../../dist/src/kernel/backends.js';
import { compileKernel } from '../../dist/src/kernel/compile.js';
import { packageRoot } from '../../dist/src/kernel/package_root.js';
import { replayTrace } from '../../dist/src/replayer/replay_trace.js';
import { compareWithCuda } from '../../dist/src/verify/cross_backend.js';

const root = packageRoot();
const cuda = listBackends().find((b) => b.name === 'cuda');
console.log(`cuda: ${cuda.available ? cuda.device : `unavailable: ${cuda.reason}`}`);
if (!cuda.available) process.exit(2);

const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? walk(path) : path.endsWith('.metal') ? [path] : [];
});

const traces = [];
const tracesDir = join(root, 'fixtures', 'traces');
for (const name of readdirSync(tracesDir).filter((n) => n.endsWith('.gtrace')).sort()) {
  const started = Date.now();
  const report = await replayTrace(join(tracesDir, name), { backend: 'cuda', goldens: true, output: join(root, 'test-output', 'cuda') });
  const line = { trace: name, ok: report.ok, frames: report.frames, replayed: report.replayed, goldens: report.goldens.map((g) => `${g.name}:${g.status}`), ...(report.divergence ? { divergence: report.divergence.description } : {}), ...(report.error ? { error: report.error } : {}), ms: Date.now() - started };
  traces.push(line);
  console.log(`${report.ok ? 'PASS' : 'FAIL'} ${name} ${report.replayed}/${report.frames} frames ${line.goldens.join(' ')}${line.divergence ? `\n  ${line.divergence.split('\n').slice(0, 8).join('\n  ')}` : ''}${line.error ? `\n  ${line.error}` : ''}`);
}

const kernels = [];
for (const file of [...walk(join(root, 'kernels', 'tests')), ...walk(join(root, 'test', 'foreign', 'kernels')), ...walk(join(root, 'bench', 'kernels'))].sort()) {
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
      const what = report.verdict === 'identical' ? `identical (${report.gpuMs.toFixed(3)} ms on the GPU)` : report.verdict === 'emulator-finding' ? `not compared: the emulator reports ${report.findings.join(', ')}` : `DIFFERENT: ${JSON.stringify(report.differences)}`;
      console.log(`${report.verdict === 'different' ? 'FAIL' : report.verdict === 'identical' ? 'PASS' : 'NOTE'} ${relative(root, file)} ${name}: ${what}`);
    } catch (error) {
      kernels.push({ file: relative(root, file), kernel: name, verdict: 'error', error: `${error.code ?? ''} ${error.message}` });
      console.log(`ERROR ${relative(root, file)} ${name}: ${error.code ?? ''} ${error.message.split('\n').slice(0, 6).join('\n  ')}`);
    }
  }
}

const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'cuda_verify.json'), `${JSON.stringify({ device: cuda.device, compiler: cuda.compiler, date: new Date().toISOString(), traces, kernels }, null, 2)}\n`);
const failed = traces.filter((t) => !t.ok).length + kernels.filter((k) => k.verdict === 'different' || k.verdict === 'error').length;
console.log(`${traces.filter((t) => t.ok).length}/${traces.length} traces bit-identical; kernels: ${kernels.filter((k) => k.verdict === 'identical').length} identical, ${kernels.filter((k) => k.verdict === 'emulator-finding').length} not comparable (emulator findings), ${failed} failures`);
process.exit(failed > 0 ? 1 : 0);

#!/usr/bin/env node
// `npm install` runs this: builds the native addon with cmake-js, then the TypeScript, then
// bundles the local web pages (web/<page>/ into dist/web/<page>/, scripts/web/bundle_pages.mjs).
//   --ts-only   skip the native build (npm run bench uses it after install); pages still bundle
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const tsOnly = process.argv.includes('--ts-only');

function run(label, command, args) {
  console.log(`gpuos-replay: ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`gpuos-replay: could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`gpuos-replay: ${label} failed (exit ${result.status}). See the output above.`);
    process.exit(result.status ?? 1);
  }
}

if (!tsOnly) {
  const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  const parallel = String(Math.max(1, Math.min(4, (await import('node:os')).availableParallelism())));
  run('building the native addon (cmake-js)', process.execPath, [cmakeJs, 'compile', '--parallel', parallel]);
}
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
run('compiling TypeScript', process.execPath, [tsc, '-p', 'tsconfig.build.json']);

// tsc does not keep file modes: the `gpuos` bin must be executable for npx and npm's bin links.
const { chmodSync } = await import('node:fs');
chmodSync(join(root, 'dist', 'src', 'cli', 'bin.js'), 0o755);

// The pages `gpuos play` and `gpuos view` serve (src/web/server.ts reads dist/web/<page>/).
console.log('gpuos-replay: bundling the web pages (esbuild)');
try {
  // Imported here, not at the top: without esbuild installed, this step fails with its message.
  const { bundlePages } = await import('./web/bundle_pages.mjs');
  const pages = await bundlePages({ from: join(root, 'web'), to: join(root, 'dist', 'web') });
  console.log(pages.length > 0 ? `gpuos-replay: bundled ${pages.join(', ')} into dist/web/` : 'gpuos-replay: no pages in web/ (no web/<page>/main.ts); nothing to bundle');
} catch (error) {
  console.error(`gpuos-replay: bundling the web pages failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

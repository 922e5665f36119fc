/**
 * Where compiled kernel libraries are kept between runs, keyed by everything that affects the
 * binary: the translated source, the compiler and its flags, the Metal-compatible headers and the
 * emulator ABI. Writes are atomic (write a temporary, then rename), so concurrent test workers
 * that compile the same kernel never see a half-written library.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';

import { mslIncludeDir } from './toolchain.js';

let headersDigestValue: string | undefined;

/** A digest of every file under native/msl: a header change rebuilds every kernel. */
export function headersDigest(): string {
  if (headersDigestValue) return headersDigestValue;
  const hash = createHash('sha256');
  const root = mslIncludeDir();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
      }
    }
  };
  walk(root);
  return (headersDigestValue = hash.digest('hex'));
}

export function kernelCacheDir(): string {
  const projectModules = join(process.cwd(), 'node_modules');
  const dir =
    process.env.GPUOS_KERNEL_CACHE ??
    (existsSync(projectModules)
      ? join(projectModules, '.cache', 'gpuos-replay', 'kernels')
      : join(tmpdir(), `gpuos-replay-${userInfo().uid}`, 'kernels'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function cacheKey(parts: readonly (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\0');
  return hash.digest('hex').slice(0, 32);
}

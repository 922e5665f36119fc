/**
 * Where compiled kernel libraries are kept between runs, keyed by everything that affects the
 * binary: the translated source, the compiler and its flags, the Metal-compatible headers and the
 * emulator ABI. Writes are atomic (write a temporary, then rename), so concurrent test workers
 * that compile the same kernel never see a half-written library.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';

import { GpuosError } from '../errors.js';
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
  if (process.env.GPUOS_KERNEL_CACHE) return made(process.env.GPUOS_KERNEL_CACHE);
  if (existsSync(projectModules)) return made(join(projectModules, '.cache', 'gpuos-replay', 'kernels'));
  return made(join(privateTempDir(), 'kernels'));
}

function made(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * The cache's fallback home in the shared temp directory. Libraries found there are loaded into
 * this process, so it must be this user's alone: created 0700, and refused when it is a link, is
 * someone else's, or others may write to it (they could plant a library under a kernel's key).
 */
function privateTempDir(): string {
  const { uid } = userInfo();
  const dir = join(tmpdir(), `gpuos-replay-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new GpuosError('E_IO', `cannot create the kernel cache ${dir}: ${(error as Error).message}`);
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) {
    throw new GpuosError(
      'E_UNSAFE_CACHE',
      `the kernel cache ${dir} is not private to you (${stat.isDirectory() ? `owner ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}` : 'not a directory'}): anyone who can write there could have a library of theirs loaded as a kernel. Remove it, or set GPUOS_KERNEL_CACHE to a directory of your own.`,
    );
  }
  return dir;
}

export function cacheKey(parts: readonly (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\0');
  return hash.digest('hex').slice(0, 32);
}

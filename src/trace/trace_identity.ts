/**
 * What a trace records about the build that wrote it: the program, the OS ABI (whose layout must
 * match for a replay to mean anything), and the kernel's sources (which may differ: replaying an old
 * trace through a changed kernel is the regression test).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { InvalidArgumentError } from '../errors.js';

import { nativeAddon } from '../kernel/native.js';
import { packageRoot } from '../kernel/package_root.js';
import { OsAbi } from '../os/abi.js';

function hex(digest: bigint): string {
  return digest.toString(16).padStart(16, '0');
}

let cached: { writer: string; abiVersion: number; layoutDigest: string; kernelDigest: string } | undefined;

export function buildIdentity(): { writer: string; abiVersion: number; layoutDigest: string; kernelDigest: string } {
  if (cached) return cached;
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const layout = JSON.stringify(nativeAddon().osAbiLayout());
  cached = {
    writer: `gpuos-replay ${version}`,
    abiVersion: OsAbi.get().constant('GPUOS_ABI_VERSION'),
    layoutDigest: hex(nativeAddon().digest64(new TextEncoder().encode(layout))),
    kernelDigest: kernelSourcesDigest(join(root, 'kernels', 'os_kernel.metal')),
  };
  return cached;
}

const digests = new Map<string, string>();

/**
 * The digest of an OS kernel's sources: the kernel file and the headers beside it (gpuos_abi.h,
 * font_atlas.h, os/*.h), each named. The package's kernel gives buildIdentity().kernelDigest; a
 * copy of the kernels directory (another commit's, a mutant) gives its own.
 */
export function kernelSourcesDigest(kernelPath: string): string {
  const path = resolve(kernelPath);
  const known = digests.get(path);
  if (known) return known;
  const dir = dirname(path);
  if (!existsSync(path) || !existsSync(join(dir, 'os'))) throw new InvalidArgumentError(`${kernelPath} is not an OS kernel: name the os_kernel.metal of a kernels directory (with its os/ headers beside it)`);
  const files = ['os_kernel.metal', 'gpuos_abi.h', 'font_atlas.h', ...readdirSync(join(dir, 'os')).filter((f) => f.endsWith('.h')).map((f) => `os/${f}`)].sort();
  const main = path.endsWith('os_kernel.metal') ? undefined : path;
  const sources = Buffer.concat(files.map((file) => Buffer.concat([Buffer.from(`${file}\n`), readFileSync(file === 'os_kernel.metal' && main ? main : join(dir, file))])));
  const digest = hex(nativeAddon().digest64(sources));
  digests.set(path, digest);
  return digest;
}

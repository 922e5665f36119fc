/**
 * What a trace records about the build that wrote it: the program, the OS ABI (whose layout must
 * match for a replay to mean anything), and the kernel's sources (which may differ: replaying an old
 * trace through a changed kernel is the regression test).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  const kernelFiles = ['os_kernel.metal', 'gpuos_abi.h', 'font_atlas.h', ...readdirSync(join(root, 'kernels', 'os')).filter((f) => f.endsWith('.h')).map((f) => `os/${f}`)].sort();
  const sources = Buffer.concat(kernelFiles.map((file) => Buffer.concat([Buffer.from(`${file}\n`), readFileSync(join(root, 'kernels', file))])));
  cached = {
    writer: `gpuos-replay ${version}`,
    abiVersion: OsAbi.get().constant('GPUOS_ABI_VERSION'),
    layoutDigest: hex(nativeAddon().digest64(new TextEncoder().encode(layout))),
    kernelDigest: hex(nativeAddon().digest64(sources)),
  };
  return cached;
}

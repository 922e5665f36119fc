import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The gpuos-replay package directory (where native/, kernels/ and build/ live), found by walking
 * up from this module: it runs both from src/ (vitest) and from dist/src/ (built).
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'gpuos-replay') return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('gpuos-replay: cannot find the package directory above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

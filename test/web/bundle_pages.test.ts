/**
 * The page bundler scripts/build.mjs runs (scripts/web/bundle_pages.mjs): a page importing a
 * shared module becomes one ESM file that runs, with its map and page files beside it; a page
 * that does not compile or loads code from the network fails with a message naming it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BundleError, bundlePages, listPages } from '../../scripts/web/bundle_pages.mjs';

let tmp: string;
let from: string;
let to: string;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gpuos-bundle-test-'));
  from = join(tmp, 'web');
  to = join(tmp, 'dist', 'web');
  write(join(from, 'shared', 'greet.ts'), 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n');
  write(join(from, 'hello', 'main.ts'), "import { greet } from '../shared/greet.js';\n\nconst message: string = greet('page');\nexport { message };\n");
  write(join(from, 'hello', 'index.html'), '<!doctype html><link rel="stylesheet" href="style.css"><script type="module" src="main.js"></script>');
  write(join(from, 'hello', 'style.css'), 'body { margin: 0 }');
  // Not pages: shared/ (even with a main.ts) and a directory without one.
  write(join(from, 'shared', 'main.ts'), 'export {};');
  write(join(from, 'notes', 'readme.txt'), 'not a page');
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('bundlePages', () => {
  it('bundles a page and its shared import into one ESM file that runs', async () => {
    expect(listPages(from)).toEqual(['hello']);
    expect(await bundlePages({ from, to })).toEqual(['hello']);
    const out = join(to, 'hello');
    for (const name of ['main.js', 'main.js.map', 'index.html', 'style.css']) expect(existsSync(join(out, name)), name).toBe(true);
    expect(existsSync(join(to, 'shared'))).toBe(false);
    expect(existsSync(join(to, 'notes'))).toBe(false);
    const code = readFileSync(join(out, 'main.js'), 'utf8');
    expect(code).toContain('function greet(');
    expect(code).not.toMatch(/\bimport\b.*from/);
    expect(code).toContain('//# sourceMappingURL=main.js.map');
    const bundle = (await import(pathToFileURL(join(out, 'main.js')).href)) as { message: string };
    expect(bundle.message).toBe('hello page');
  });

  it('empties the output first: a removed page does not live on', async () => {
    write(join(to, 'old', 'main.js'), 'stale');
    await bundlePages({ from, to });
    expect(existsSync(join(to, 'old'))).toBe(false);
  });

  it('bundles nothing, without error, when there are no pages', async () => {
    expect(await bundlePages({ from: join(tmp, 'missing'), to })).toEqual([]);
  });

  it('fails naming the page when it does not compile or import', async () => {
    write(join(from, 'hello', 'main.ts'), "import { nothing } from '../shared/absent.js';\nconsole.log(nothing);\n");
    const error = await bundlePages({ from, to }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(/web page hello .*did not bundle/);
    expect((error as Error).message).toContain('absent.js');
  });

  it('refuses a page without index.html, or one that loads from the network', async () => {
    rmSync(join(from, 'hello', 'index.html'));
    await expect(bundlePages({ from, to })).rejects.toThrow(/no index\.html/);
    write(join(from, 'hello', 'index.html'), '<script src="https://cdn.example/lib.js"></script><script type="module" src="main.js"></script>');
    await expect(bundlePages({ from, to })).rejects.toThrow(/pages run offline/);
  });
});

// Bundles the local web pages (`gpuos play`, `gpuos view`) with esbuild's JS API: every directory
// `<from>/<page>/` holding a `main.ts` becomes `<to>/<page>/main.js` (one ESM file with its source
// map), with the page's index.html and style.css copied beside it. `<from>/shared/` holds modules
// pages import by relative path ('../shared/api.js'); it is not a page. Everything a page uses is
// in its bundle: the pages are opened offline, and the server's CSP allows nothing but 'self'.
//
// scripts/build.mjs calls this after the TypeScript step; tests call it with temporary directories.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

import { build, formatMessages } from 'esbuild';

/** The files of a page besides its bundle, copied when present; index.html is required. */
const COPIED = ['index.html', 'style.css'];

/** An absolute or protocol-relative URL in a src or href attribute: something a CDN would serve. */
const REMOTE_REFERENCE = /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i;

/** A page or shared directory that cannot be bundled; the message says which and why. */
export class BundleError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'BundleError';
  }
}

/** The page names under `from`: directories (not shared/) that hold a main.ts, sorted. */
export function listPages(from) {
  if (!existsSync(from)) return [];
  return readdirSync(from, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared' && existsSync(join(from, entry.name, 'main.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Bundles every page under `from` into `to`, which is emptied first (it is a build output: a
 * page deleted from `from` must not live on in it). Returns the names of the pages bundled; none
 * is not an error. Throws a BundleError naming the page and esbuild's diagnostics.
 */
export async function bundlePages({ from, to }) {
  const pages = listPages(from);
  rmSync(to, { recursive: true, force: true });
  for (const page of pages) {
    const source = join(from, page);
    const output = join(to, page);
    if (!existsSync(join(source, 'index.html'))) {
      throw new BundleError(`web page ${page} has a main.ts but no index.html: add ${join(source, 'index.html')} that loads main.js`);
    }
    const html = readFileSync(join(source, 'index.html'), 'utf8');
    const remote = REMOTE_REFERENCE.exec(html);
    if (remote) {
      throw new BundleError(`${join(source, 'index.html')} loads ${JSON.stringify(remote[0])}...: pages run offline, so import the code from main.ts and reference only main.js and style.css`);
    }
    mkdirSync(output, { recursive: true });
    try {
      await build({
        entryPoints: [join(source, 'main.ts')],
        outfile: join(output, 'main.js'),
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        sourcemap: true,
        // Diagnostics come back in the thrown error and are printed once, below.
        logLevel: 'silent',
      });
    } catch (error) {
      const messages = Array.isArray(error?.errors) ? await formatMessages(error.errors, { kind: 'error' }) : [String(error?.message ?? error)];
      throw new BundleError(`web page ${page} (${relative(process.cwd(), join(source, 'main.ts')) || 'main.ts'}) did not bundle:\n${messages.join('').trimEnd()}`, { cause: error });
    }
    for (const name of COPIED) {
      if (existsSync(join(source, name))) copyFileSync(join(source, name), join(output, name));
    }
  }
  return pages;
}

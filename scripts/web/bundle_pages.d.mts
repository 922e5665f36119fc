// Types for bundle_pages.mjs (a plain Node script), so TypeScript tests can import it.

/** A page or shared directory that cannot be bundled; the message says which and why. */
export class BundleError extends Error {}

/** The page names under `from`: directories (not shared/) that hold a main.ts, sorted. */
export function listPages(from: string): string[];

/** Bundles every page under `from` into `to` (emptied first); returns the page names bundled. */
export function bundlePages(options: { from: string; to: string }): Promise<string[]>;

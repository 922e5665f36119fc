/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
 * 2002): the ddmin algorithm, which finds a 1-minimal subset of `units` for which `test` holds
 * (removing any one unit makes it fail), testing subsets and complements at doubling granularity.
 * `pinned` units are in every subset tested and are never removed. Stops early, keeping the
 * smallest subset found so far, when `exhausted` says the budget is spent.
 */
export interface DdminOptions<T> {
  test: (subset: T[]) => Promise<boolean>;
  exhausted: () => boolean;
  pinned?: (unit: T) => boolean;
  /** Called with each smaller subset that still holds. */
  onProgress?: (subset: T[]) => void;
}

export async function ddmin<T>(units: readonly T[], options: DdminOptions<T>): Promise<T[]> {
  const pinned = units.filter((u) => options.pinned?.(u) === true);
  let current = units.filter((u) => options.pinned?.(u) !== true);
  // Subsets are tested with the pinned units merged back in their original order.
  const order = new Map(units.map((u, i) => [u, i]));
  const withPinned = (subset: T[]): T[] => [...subset, ...pinned].sort((a, b) => order.get(a)! - order.get(b)!);
  const tried = new Map<string, boolean>();
  const test = async (subset: T[]): Promise<boolean> => {
    const key = subset.map((u) => order.get(u)).join(',');
    const known = tried.get(key);
    if (known !== undefined) return known;
    const holds = await options.test(withPinned(subset));
    tried.set(key, holds);
    return holds;
  };

  let granularity = 2;
  while (current.length >= 1 && !options.exhausted()) {
    if (current.length === 1) {
      // A 1-element set: only the empty set (with the pinned units) is smaller; a test that
      // cannot hold for it (a trace needs a frame) says so itself.
      if (await test([])) {
        current = [];
        options.onProgress?.(withPinned(current));
      }
      break;
    }
    const chunks = split(current, Math.min(granularity, current.length));
    let reduced = false;
    for (const chunk of chunks) {
      if (options.exhausted()) break;
      if (await test(chunk)) {
        current = chunk;
        granularity = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (let i = 0; i < chunks.length && !options.exhausted(); i++) {
        const complement = chunks.flatMap((c, j) => (j === i ? [] : c));
        if (await test(complement)) {
          current = complement;
          granularity = Math.max(granularity - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (reduced) {
      options.onProgress?.(withPinned(current));
      continue;
    }
    if (granularity >= current.length) break;
    granularity = Math.min(granularity * 2, current.length);
  }
  return withPinned(current);
}

/** `items` in `n` contiguous chunks of near-equal size. */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}

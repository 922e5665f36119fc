/**
 * How a vitest run treats goldens, from vitest's own snapshot mode: `vitest -u` (or
 * UPDATE_GOLDEN=1) rewrites goldens that differ; CI (where vitest never writes snapshots) fails on
 * missing ones; otherwise missing goldens are written and reported, like new snapshots.
 */
import { expect } from 'vitest';

import { isCi } from '../golden/golden_store.js';

export interface GoldenMode {
  update: boolean;
  ci: boolean;
}

export function goldenMode(): GoldenMode {
  const state = (expect.getState() as { snapshotState?: { snapshotUpdateState?: 'all' | 'new' | 'none' } }).snapshotState?.snapshotUpdateState;
  const env = process.env['UPDATE_GOLDEN'];
  const ci = isCi() || state === 'none';
  const update = !ci && (state === 'all' || (env !== undefined && env !== '' && env !== '0'));
  return { update, ci };
}

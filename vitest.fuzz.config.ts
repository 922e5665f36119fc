import { defineConfig } from 'vitest/config';

// The long property campaign (npm run fuzz): test/fuzz/chunk_*.fuzz.ts, one chunk a file so that
// --shard spreads chunks (and their seeds) over machines. docs/PROPERTIES.md, "Campaigns".
export default defineConfig({
  test: {
    include: ['test/fuzz/*.fuzz.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});

/** The installed `gpuos` executable runs by itself (a shebang, an executable mode), as npx runs it. */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the gpuos executable', () => {
  it('is built executable and prints its usage', () => {
    const bin = 'dist/src/cli/bin.js';
    expect(statSync(bin).mode & 0o111, `${bin} is not executable: npm install (scripts/build.mjs) makes it so`).not.toBe(0);
    const run = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/usage: gpuos <command>/);
    expect(spawnSync(bin, ['frobnicate'], { encoding: 'utf8' }).status).toBe(2);
  });
});

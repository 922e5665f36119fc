/**
 * Whole frames on generated sessions: damage tracking against full redraws, and thread schedules
 * against each other (docs/PROPERTIES.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { expect, it } from 'vitest';

import { assertProperty, expectedRuns } from '../../src/properties/assert_property.js';
import { writeCounterexample } from '../../src/properties/counterexample.js';
import { sessionCaseArbitrary } from '../../src/properties/session_case.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { damageMatchesFullRedraw, scheduleIndependent } from '../../src/properties/frame_properties.js';

it('drawing only damaged tiles gives the pixels of a full redraw', async () => {
  const result = await assertProperty(damageMatchesFullRedraw, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(damageMatchesFullRedraw));
});

it('two thread schedules give bit-identical device memory, and the OS invariants hold', async () => {
  const result = await assertProperty(scheduleIndependent, { seed: 20261204 });
  expect(result.runs).toBe(expectedRuns(scheduleIndependent));
});

it('a counterexample of a session property keeps its schedule seed: the scenario and the trace it records run under it', async () => {
  const sessionCase = fc.sample(sessionCaseArbitrary('test'), { seed: 9, numRuns: 1 })[0]!;
  const out = mkdtempSync(join(tmpdir(), 'gpuos-session-case-'));
  try {
    const files = await writeCounterexample(out, 'seeded', damageMatchesFullRedraw.toCase(sessionCase), 'report');
    expect(JSON.parse(readFileSync(files.scenario, 'utf8')).seed).toBe(sessionCase.seed);
    const trace = Trace.open(files.trace!);
    try {
      expect(trace.header.config.seed).toBe(BigInt(sessionCase.seed));
    } finally {
      trace.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

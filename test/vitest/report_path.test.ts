// replayTraces' report goes to a file of its own, never the CLI's test-output/report.html, and two
// folders' reports never overwrite each other.
import { describe, expect, it } from 'vitest';

import { defaultReportPath } from '../../src/vitest/replay_traces.js';

describe('defaultReportPath', () => {
  it('names the report after the folder, under test-output/vitest', () => {
    expect(defaultReportPath('fixtures/traces')).toBe('test-output/vitest/fixtures-traces.html');
    expect(defaultReportPath('./my traces/')).toBe('test-output/vitest/my-traces.html');
    expect(defaultReportPath('../..')).toBe('test-output/vitest/traces.html');
  });

  it('gives different folders different reports, and none is the CLI report', () => {
    const paths = ['fixtures/traces', 'test/traces', 'traces'].map(defaultReportPath);
    expect(new Set(paths).size).toBe(3);
    for (const path of paths) expect(path).not.toBe('test-output/report.html');
  });
});

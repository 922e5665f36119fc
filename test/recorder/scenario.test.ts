/** Scenario files: validated with errors naming the step, and played into traces as described. */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { DEFAULT_FRAME_US, loadScenario, ScenarioError, stepFrames, validateScenario, type Scenario } from '../../src/recorder/scenario.js';
import { recordScenario } from '../../src/recorder/scenario_runner.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { Trace } from '../../src/trace/trace_reader.js';
import { tempPath } from '../trace/trace_helpers.js';

const base = { name: 'test', scene: 'x.json', width: 320, height: 240 };

function problem(steps: unknown[], extra: object = {}): string {
  try {
    validateScenario({ ...base, ...extra, steps }, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('scenario validation', () => {
  it.each([
    [[{ clack: 'x' }], /steps\[0\]\.clack: unknown property/],
    [[{ click: 'a', type: 'b' }], /steps\[0\]: a step has exactly one of/],
    [[{ wait: -1 }], /steps\[0\]\.wait: expected a whole number from 0/],
    [[{ wait: { frames: 1, ms: 2 } }], /give frames or ms/],
    [[{ move: [5000, 0] }], /steps\[0\]\.move\[0\]: expected a number from 0 to 3840/],
    [[{ type: 'café' }], /printable ASCII/],
    [[{ key: 'Tabb' }], /'Tabb' is not a key/],
    [[{ key: { key: 'Tab', modifiers: ['hyper'] } }], /modifiers: expected a list of shift, control, alt, meta/],
    [[{ golden: '../../etc' }], /expected a file name/],
    [[{ raw: [{ type: 1 }] }], /raw\[0\]\.modifiers: missing/],
    [[{ counters: {} }], /give head, tail or both/],
    [[{ drag: { from: 'a' } }], /drag\.to: missing/],
    [[{ frame: {} }], /frame\.deltaUs: missing/],
    [[{ frame: { deltaUs: 60_000_001 } }], /frame\.deltaUs: expected a whole number from 0 to 60000000/],
    [[{ frame: { deltaUs: 1, raw: [{ type: 1, modifiers: 0, code: 0, x: 'nan', y: 0 }] } }], /frame\.raw\[0\]\.x: expected a number, or "NaN"/],
    [[{ frame: { deltaUs: 1, redraw: 'yes' } }], /frame\.redraw: expected true or false/],
    [[{ push: [] }], /push: expected a list of 1 to 256 events/],
    // eslint-disable-next-line no-sparse-arrays
    [[{ push: [, { type: 1, modifiers: 0, code: 0, x: 0, y: 0 }] }], /push\[0\]: expected an object/],
  ])('rejects %j', (steps, message) => {
    expect(problem(steps)).toMatch(message);
    expect(problem(steps)).toMatch(/^test\.json: /);
  });

  it('rejects bad top-level fields', () => {
    expect(problem([], { name: 'a/b' })).toMatch(/scenario\.name/);
    expect(problem([], { width: 0 })).toMatch(/scenario\.width/);
    expect(() => validateScenario({ ...base, steps: [], extra: 1 })).toThrow(/scenario\.extra: unknown property/);
  });

  it('loads files with their scene relative to the file, and names unreadable ones', () => {
    const scenario = loadScenario('fixtures/scenarios/form-toggle.json');
    expect((scenario.scene as { name: string }).name).toBe('form');
    const bad = tempPath('bad.json');
    writeFileSync(bad, JSON.stringify({ ...base, scene: 'missing-scene.json', steps: [] }));
    expect(() => loadScenario(bad)).toThrow(/cannot load the scene: cannot read .*missing-scene\.json/);
    writeFileSync(bad, '{ nope');
    expect(() => loadScenario(bad)).toThrow(/is not valid JSON/);
  });
});

describe('scenario length', () => {
  it('refuses, before recording, a scenario of more than 100,000 frames however it asks for them', () => {
    expect(problem([{ move: { to: [1, 1], ms: 600_000 } }], { frameUs: 1 })).toMatch(/scenario\.steps: record 600000001 frames at 1 us a frame; a scenario records at most 100000/);
    expect(problem(Array.from({ length: 2 }, () => ({ wait: 60_000 })))).toMatch(/record 120001 frames/);
    expect(problem([{ key: { key: 'a', repeat: 1000 } }, { wait: 99_000 }])).toMatch(/record 100001 frames/);
    // Exactly at the limit is fine: the scene appearing plus 99,999 frames.
    expect(() => validateScenario({ ...base, steps: [{ wait: 99_999 }] })).not.toThrow();
  });

  it('counts every fixture scenario\'s frames exactly as recording it does', () => {
    for (const file of readdirSync('fixtures/scenarios').filter((f) => f.endsWith('.json'))) {
      const scenario = loadScenario(join('fixtures/scenarios', file));
      const trace = Trace.open(join('fixtures/traces', file.replace('.json', '.gtrace')));
      const counted = 1 + scenario.steps.reduce((n, step) => n + stepFrames(step, scenario.frameUs ?? DEFAULT_FRAME_US), 0);
      expect(counted, file).toBe(trace.frameCount);
      trace.close();
    }
  });
});

describe('playing a scenario', () => {
  const scene = { root: { kind: 'column', padding: 8, gap: 8, children: [{ kind: 'toggle', id: 't', text: 'Toggle' }, { kind: 'textField', id: 'f' }, { kind: 'slider', id: 's' }] } };

  async function play(steps: Scenario['steps']): Promise<Trace> {
    const path = tempPath('play.gtrace');
    await recordScenario({ ...base, scene, steps, source: 'inline' }, path);
    return Trace.open(path);
  }

  it('turns each step into frames and the events it describes', async () => {
    const trace = await play([{ click: 't' }, { type: 'abc' }, { key: { key: 'Tab', repeat: 2 } }, { wait: { ms: 50 } }, { move: { to: 's', ms: 100 } }, { golden: 'end' }]);
    const frames = [...trace.frames()];
    const kinds = frames.map((f) => f.operations.flatMap((op) => (op.kind === 'events' ? op.events.map((e) => e.type) : [])));
    expect(kinds[0]).toEqual([]); // the scene appearing
    expect(kinds[1]).toEqual([1, 2, 3]); // click: move, down, up
    expect(kinds[2]).toEqual([7, 7, 7]); // typed characters
    expect(kinds.slice(3, 5)).toEqual([[5, 6], [5, 6]]); // Tab twice
    expect(kinds.slice(5, 8)).toEqual([[], [], []]); // 50 ms at 60 Hz: 3 frames
    expect(kinds.slice(8)).toEqual([[1], [1], [1], [1], [1], [1]]); // a 100 ms move: 6 frames of motion
    expect(trace.goldens).toEqual([{ frame: frames.length - 1, name: 'end' }]);
  });

  it('checks every golden mark of a frame, not only the last', async () => {
    const trace = await play([{ wait: 2 }, { golden: 'first' }, { golden: 'second' }]);
    expect(trace.goldens).toEqual([{ frame: 2, name: 'first' }, { frame: 2, name: 'second' }]);
    const root = tempPath('goldens');
    const report = await replayTrace(trace.path, { root, ci: false });
    expect(report.goldens.map((g) => [g.name, g.status])).toEqual([['first', 'written'], ['second', 'written']]);
    const inCi = await replayTrace(trace.path, { root: tempPath('empty'), ci: true });
    expect(inCi.goldens.map((g) => [g.name, g.status])).toEqual([['first', 'missing'], ['second', 'missing']]);
    expect(inCi.ok).toBe(false);
  });

  it('fails on a target that is not there, naming the step, and leaves no trace behind', async () => {
    const path = tempPath('failed.gtrace');
    await expect(recordScenario({ ...base, scene, steps: [{ wait: 1 }, { click: 'missing' }], source: 'inline' }, path)).rejects.toThrow(/inline: steps\[1\]\.click: the scene has no widget 'missing'/);
    expect(existsSync(path)).toBe(false);
    await expect(recordScenario({ ...base, scene, steps: [{ click: [400, 10] }], source: 'inline' }, path)).rejects.toThrow(/off the 320x240 framebuffer/);
  });
});

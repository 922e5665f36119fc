/**
 * Properties made to fail, for testing the runner and `gpuos check` on failures: what they print,
 * what they write and whether the printed seed, path, scale and replayPath rerun the same case.
 */
import fc from 'fast-check';

import { PropertyViolation, type OsProperty } from '../../src/properties/property.js';
import type { Scene } from '../../src/scene/scene_types.js';

export const labels = (count: number): Scene => ({ root: { kind: 'column', children: Array.from({ length: count }, () => ({ kind: 'label' as const, text: 'x' })) } });

/** Fails for more than 5 labels: the smallest counterexample has exactly 6. */
export const plantedAtMostFive: OsProperty<number> = {
  name: 'planted-at-most-five',
  claim: 'a scene has at most five labels',
  oracle: 'arithmetic',
  testRuns: 200,
  arbitrary: () => fc.integer({ min: 0, max: 40 }),
  async check(count) {
    if (count > 5) throw new PropertyViolation(`${count} labels`);
  },
  toCase: (count) => ({ scene: labels(count), width: 64, height: 200, frames: [{ deltaUs: 1000, operations: [{ events: [{ type: 1, modifiers: 0, code: 0, x: 3, y: Number.NaN }] }] }] }),
};

/** Campaign cases are 100-200 labels, test cases 0-40: one seed and path mean other cases at each scale. */
export const plantedScaled: OsProperty<number> = {
  ...plantedAtMostFive,
  name: 'planted-scaled',
  arbitrary: (scale) => (scale === 'campaign' ? fc.integer({ min: 100, max: 200 }) : fc.integer({ min: 0, max: 40 })),
};

interface Sums {
  total: number;
  adds: number[];
}
type AddCommand = fc.AsyncCommand<Sums, { total: number }>;

class Add implements AddCommand {
  constructor(readonly amount: number) {}
  check = (): boolean => true;
  async run(model: Sums, real: { total: number }): Promise<void> {
    model.total += this.amount;
    model.adds.push(this.amount);
    real.total += this.amount;
    if (real.total > 30) throw new PropertyViolation(`adds ${model.adds.join('+')}`);
  }
  toString = (): string => `add ${this.amount}`;
}

/** The message's list of additions, which is what differs between two shrunk command lists. */
export const addsOf = (message: string): string | undefined => /adds [\d+]+/.exec(message)?.[0];

/** A model-based property (fc.commands) that fails once the additions pass 30. */
export const plantedCommands: OsProperty<Iterable<AddCommand>> = {
  name: 'planted-commands',
  claim: 'the total stays at most 30',
  oracle: 'arithmetic',
  testRuns: 100,
  arbitrary: (_scale, replay) =>
    fc.commands([fc.integer({ min: 1, max: 20 }).map((n): AddCommand => new Add(n))], { maxCommands: 40, ...(replay?.commandsPath ? { replayPath: replay.commandsPath } : {}) }),
  commandsPathOf: (value) => /replayPath="([^"]*)"/.exec(String(value))?.[1],
  async check(commands) {
    await fc.asyncModelRun(() => ({ model: { total: 0, adds: [] }, real: { total: 0 } }), commands);
  },
  toCase: () => ({ scene: labels(1), width: 64, height: 64, frames: [] }),
};

/**
 * Input and dispatch as a model-based test: fc.commands drives a real session and the reference
 * model of a session (src/model/os_model.ts, written from docs/SCENES.md I1-I13) with the same
 * commands, and after every frame everything the model keeps must be what the kernel holds:
 * hover, press, click and activation, focus and Tab order, toggles, slider drags and keys, text
 * editing, wheel scrolling and its animation, the ring and its counters, and the layout.
 */
import fc from 'fast-check';

import { describeScene, sceneArbitrary } from '../arbitraries/index.js';
import { OsModel } from '../model/os_model.js';
import { openSession } from '../os/session.js';
import type { Scene } from '../scene/scene_types.js';
import { commandFrames, commandsReplayPath, inputCommandsArbitrary, type AnyInputCommand, type InputReal } from './input_commands.js';
import { FIRST_FRAME_US } from './os_case.js';
import { PropertyViolation, type OsProperty } from './property.js';
import { sessionDifferences } from './session_compare.js';

export interface InputCase {
  scene: Scene;
  width: number;
  height: number;
  commands: Iterable<AnyInputCommand>;
}

export const inputMatchesModel: OsProperty<InputCase> = {
  name: 'input-matches-model',
  claim: 'after every frame of generated input, every widget and frame field the input model keeps is what the kernel holds',
  oracle: 'src/model/os_model.ts, written from docs/SCENES.md I1-I13 (with the layout and hit-testing models)',
  testRuns: 150,
  arbitrary(scale, replay) {
    const scene = sceneArbitrary({ maxWidgets: scale === 'test' ? 14 : 28, sizes: 'small', allowHidden: true });
    const screen = fc.constantFrom<[number, number]>([320, 240], [160, 120]);
    return fc.record({ scene, screen, commands: inputCommandsArbitrary(scale === 'test' ? 80 : 200, replay?.commandsPath) }).map(({ scene: s, screen: [width, height], commands }) => ({ scene: s, width, height, commands }));
  },
  async check(value) {
    const session = await openSession({ scene: value.scene, width: value.width, height: value.height });
    try {
      const model = new OsModel(value.scene, value.width, value.height);
      const real: InputReal = { session, timeUs: FIRST_FRAME_US, log: [`scene on ${value.width}x${value.height}:\n${describeScene(value.scene)}`, 'step 16667 us (the scene appears)'] };
      model.step(real.timeUs, FIRST_FRAME_US);
      await session.step({ deltaUs: FIRST_FRAME_US });
      const first = sessionDifferences(model, session);
      if (first.length > 0) throw new PropertyViolation(`after frame 1:\n  ${first.slice(0, 12).join('\n  ')}\n\n${real.log.join('\n')}`);
      await fc.asyncModelRun(() => ({ model, real }), value.commands);
    } finally {
      session.close();
    }
  },
  commandsPathOf: (value) => commandsReplayPath(value.commands),
  toCase(value) {
    return { scene: value.scene, width: value.width, height: value.height, frames: commandFrames(new OsModel(value.scene, value.width, value.height), value.commands) };
  },
};

/**
 * Layout properties: the kernel's layout equals the reference model's on generated trees, and the
 * model's layout and hit testing equal Chromium's flexbox on the same trees.
 */
import fc from 'fast-check';

import { describeScene, sceneArbitrary, STRESS_SCENE_OPTIONS } from '../arbitraries/index.js';
import { layoutModel } from '../model/layout_model.js';
import { modelTree } from '../model/model_tree.js';
import type { WidgetLayout } from '../os/os_state.js';
import { openSession } from '../os/session.js';
import type { Scene } from '../scene/scene_types.js';
import { checkAgainstChromium } from './chromium/chromium_check.js';
import { FLEX_SCREEN, flexSceneArbitrary } from './flex_scenes.js';
import { ChromiumLayout } from './chromium/chromium_layout.js';
import type { OsCase } from './os_case.js';
import { PropertyViolation, type OsProperty, type PropertyScale } from './property.js';

export interface SceneCase {
  scene: Scene;
  width: number;
  height: number;
}

/** Screens small enough that generated trees fill and overflow them. */
const SCREENS: readonly [number, number][] = [
  [320, 240],
  [160, 120],
  [640, 360],
];

/** Generated trees of every kind on small screens, and trees aimed at growing (flex_scenes.ts). */
function treesArbitrary(scene: fc.Arbitrary<Scene>): fc.Arbitrary<SceneCase> {
  const anyTree = fc.record({ scene, screen: fc.constantFrom(...SCREENS) });
  const flexTree = fc.record({ scene: flexSceneArbitrary(), screen: fc.constant(FLEX_SCREEN) });
  return fc.oneof({ weight: 3, arbitrary: anyTree }, { weight: 1, arbitrary: flexTree }).map(({ scene: s, screen }) => ({ scene: s, width: screen[0], height: screen[1] }));
}

export function sceneCaseArbitrary(scale: PropertyScale): fc.Arbitrary<SceneCase> {
  const small = sceneArbitrary({ maxWidgets: 24, sizes: 'small' });
  return treesArbitrary(scale === 'test' ? small : fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: sceneArbitrary({ ...STRESS_SCENE_OPTIONS, maxTextLength: 600 }) }));
}

const FIELDS: readonly (keyof WidgetLayout)[] = ['x', 'y', 'width', 'height', 'clip', 'contentWidth', 'contentHeight', 'z', 'visible'];

/** Every field of every widget's layout where the kernel and the model differ, as sentences. */
export function layoutDifferences(scene: Scene, kernel: readonly WidgetLayout[], model: readonly WidgetLayout[]): string[] {
  const tree = modelTree(scene);
  const out: string[] = [];
  kernel.forEach((ours, i) => {
    const expected = model[i]!;
    for (const field of FIELDS) {
      const a = JSON.stringify(ours[field]);
      const b = JSON.stringify(expected[field]);
      if (a !== b) out.push(`#${i} ${tree.nodes[i]!.kind}${tree.nodes[i]!.id ? ` '${tree.nodes[i]!.id}'` : ''} layout.${field}: kernel ${a}, model ${b}`);
    }
  });
  return out;
}

function sceneReport(value: SceneCase, problems: readonly string[]): string {
  const shown = problems.slice(0, 12).join('\n  ');
  return `scene on ${value.width}x${value.height}:\n${describeScene(value.scene)}\n\n  ${shown}${problems.length > 12 ? `\n  ... ${problems.length - 12} more` : ''}`;
}

const asCase = (value: SceneCase): OsCase => ({ scene: value.scene, width: value.width, height: value.height, frames: [] });

export const layoutMatchesModel: OsProperty<SceneCase> = {
  name: 'layout-matches-model',
  claim: "after a scene's first frame, every widget's layout (box, clip, content size, paint order, visibility) is the reference model's",
  oracle: 'src/model/layout_model.ts, written from docs/SCENES.md L1-L10 and V1-V4',
  testRuns: 400,
  arbitrary: sceneCaseArbitrary,
  async check(value) {
    const session = await openSession({ scene: value.scene, width: value.width, height: value.height });
    try {
      await session.step();
      const model = layoutModel(modelTree(value.scene), { width: value.width, height: value.height });
      const problems = layoutDifferences(value.scene, session.widgets().map((w) => w.layout), model.boxes);
      if (problems.length > 0) throw new PropertyViolation(sceneReport(value, problems));
    } finally {
      session.close();
    }
  },
  toCase: asCase,
};

export interface ChromiumCase extends SceneCase {
  /** Scroll offsets asked of the scroll views, whole px, by widget index. */
  scrollPx: Map<number, number>;
}

class ChromiumResources {
  constructor(readonly chromium: ChromiumLayout) {}
  close(): Promise<void> {
    return this.chromium.close();
  }
}

export const modelMatchesChromium: OsProperty<ChromiumCase, ChromiumResources> = {
  name: 'model-matches-chromium',
  claim: "the layout model's boxes and hits equal Chromium's flexbox and elementFromPoint on the same tree",
  oracle: 'headless Chromium (playwright-core), the scene translated to HTML/CSS flexbox (src/properties/chromium/scene_html.ts)',
  testRuns: 200,
  arbitrary(scale) {
    const trees = treesArbitrary(sceneArbitrary({ maxWidgets: scale === 'test' ? 24 : 40, sizes: 'small' }));
    return fc
      .record({ tree: trees, offsets: fc.array(fc.nat({ max: 400 }), { maxLength: 8 }) })
      .map(({ tree: { scene: s, width, height }, offsets }) => {
        const scrollPx = new Map<number, number>();
        let k = 0;
        for (const node of modelTree(s).nodes) if (node.kind === 'scroll') scrollPx.set(node.index, offsets[k++ % Math.max(offsets.length, 1)] ?? 0);
        return { scene: s, width, height, scrollPx };
      });
  },
  async open() {
    return new ChromiumResources(await ChromiumLayout.launch());
  },
  // Chromium divides in 1/64 px and the OS in whole pixels: only trees where no division rounds
  // can be compared exactly (docs/PROPERTIES.md says what that leaves unchecked).
  async judged(value) {
    const result = layoutModel(modelTree(value.scene), { width: value.width, height: value.height, scroll: scrollStates(value.scrollPx) });
    return result.roundings.length === 0;
  },
  async check(value, resources) {
    const result = await checkAgainstChromium(resources.chromium, value.scene, value.width, value.height, value.scrollPx);
    if (!result.compared) throw new PropertyViolation('a tree the model judged exact was not compared');
    if (result.mismatches.length > 0) {
      const scroll = [...value.scrollPx].map(([w, px]) => `#${w}: ${px} px`).join(', ');
      throw new PropertyViolation(`${sceneReport(value, result.mismatches)}${scroll ? `\n\nscroll offsets asked: ${scroll}` : ''}`);
    }
  },
  toCase: (value) => ({ ...asCase(value), scrollPx: value.scrollPx }),
};

function scrollStates(scrollPx: ReadonlyMap<number, number>): Map<number, { target: number; offset: number }> {
  return new Map([...scrollPx].map(([widget, px]) => [widget, { target: px * 256, offset: px * 256 }]));
}

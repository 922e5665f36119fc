/**
 * sceneArbitrary: a fast-check arbitrary of scenes the validator and compiler always accept,
 * covering every widget kind and property, up to the OS's limits (256 widgets, 8 levels, the
 * 32 KiB text pool).
 *
 * How it shrinks well: a scene is drawn as a root and a flat fc.array of widgets in depth-first
 * order, each with the level it would like to sit at (see scene_assemble.ts). The array shrinker
 * removes widgets (whole runs of them at once), each level shrinks towards 1 (a flatter tree),
 * each kind towards a label (withCrossShrink), each optional property to absent, text to fewer
 * 'a's, and numbers towards 0. Budgets are kept by construction while assembling, never by
 * filtering, so generation never retries and every shrink candidate is itself a valid scene.
 */
import fc from 'fast-check';

import type { Scene, WidgetKind } from '../scene/scene_types.js';
import { assembleScene, type PlacedDraft } from './scene_assemble.js';
import { resolveSceneOptions, type SceneArbitraryOptions } from './scene_options.js';
import { maybe, textArbitrary, themeArbitrary, widgetArbitraries } from './widget_arbitraries.js';

/** Simplest first: what a widget's kind shrinks towards. */
const SHRINK_ORDER: readonly WidgetKind[] = ['label', 'button', 'toggle', 'textField', 'slider', 'progress', 'column', 'row', 'scroll'];

/**
 * Scenes that always pass validateScene and compileScene. The options (all optional, see
 * SceneArbitraryOptions) bound the size and say what may appear; STRESS_SCENE_OPTIONS asks for
 * scenes at the OS's limits. A bad option throws a RangeError at once.
 *
 * @example
 *   fc.assert(fc.property(sceneArbitrary({ maxWidgets: 8, ids: 'all' }), (scene) => { ... }));
 */
export function sceneArbitrary(options?: SceneArbitraryOptions): fc.Arbitrary<Scene> {
  const o = resolveSceneOptions(options);
  const drafts = widgetArbitraries(o);
  const ordered = (kinds: readonly WidgetKind[]) => SHRINK_ORDER.filter((kind) => kinds.includes(kind));

  const root = fc.oneof({ withCrossShrink: true }, ...ordered(o.rootKinds).map((kind) => drafts.draft(kind, true)));
  const kinds = ordered(o.kinds);
  const most = o.maxDepth === 0 || kinds.length === 0 || o.maxChildren === 0 ? 0 : o.maxWidgets - 1;
  let widgets: fc.Arbitrary<PlacedDraft[]> = fc.constant([]);
  if (most > 0) {
    // Half the widgets ask for the deepest level open, so deep trees are common; shrinks to 1.
    const level = fc.oneof({ withCrossShrink: true }, fc.integer({ min: 1, max: o.maxDepth }), fc.constant(o.maxDepth));
    const draft = fc.oneof({ withCrossShrink: true }, ...kinds.map((kind) => drafts.draft(kind)));
    // size 'max': every length up to the most is as likely, so big scenes are not rare.
    widgets = fc.array(fc.record({ level, draft }), { maxLength: most, size: 'max' });
  }
  const none = fc.constant(undefined);
  return fc
    .record({
      name: maybe(textArbitrary(200), 6, 1),
      description: maybe(textArbitrary(2000), 12, 1),
      theme: o.colors ? maybe(themeArbitrary(), 8, 1) : none,
      root,
      widgets,
    })
    .map(({ name, description, theme, root: r, widgets: w }) =>
      assembleScene(
        { ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}), ...(theme !== undefined ? { theme } : {}), root: r, widgets: w },
        { maxDepth: o.maxDepth, maxChildren: o.maxChildren },
      ),
    );
}

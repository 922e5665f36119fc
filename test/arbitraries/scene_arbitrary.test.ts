/**
 * sceneArbitrary: every scene it draws is valid, it covers what the format allows up to the OS's
 * limits, it keeps its options, and planted failing properties shrink to tiny readable scenes.
 * Every run is seeded, so these tests are deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { allWidgets, countWidgets, describeScene, sceneArbitrary, sceneDepth, STRESS_SCENE_OPTIONS, type SceneArbitraryOptions } from '../../src/arbitraries/index.js';
import { compileScene } from '../../src/scene/scene_compile.js';
import { validateScene } from '../../src/scene/scene_validate.js';
import { CONTAINER_KINDS, type Scene, type SceneWidget, type WidgetKind } from '../../src/scene/scene_types.js';

const sample = (options: SceneArbitraryOptions | undefined, numRuns: number, seed = 7): Scene[] => fc.sample(sceneArbitrary(options), { numRuns, seed });

/** What the text pool holds for a scene: text lengths, text-field capacities. */
const textBytes = (scene: Scene): number => allWidgets(scene).reduce((sum, w) => sum + (w.kind === 'textField' ? (w.capacity ?? 32) : (w.text?.length ?? 0)), 0);

/** Widgets below the root with their parent. */
function withParents(scene: Scene): { widget: SceneWidget; parent: SceneWidget }[] {
  return allWidgets(scene).flatMap((parent) => (parent.children ?? []).map((widget) => ({ widget, parent })));
}

/**
 * A scroll view below the root whose visible children surely need more height than its fixed
 * height: text widgets with no size of their own need a 16 px line each, a fixed height its size.
 */
function overflows(scroll: SceneWidget): boolean {
  if (scroll.kind !== 'scroll' || scroll.height === undefined) return false;
  const least = (w: SceneWidget): number => {
    if (w.hidden) return 0;
    if (w.height !== undefined) return Math.min(w.height, w.maxHeight ?? w.height);
    return ['label', 'button', 'toggle', 'textField'].includes(w.kind) && w.maxHeight === undefined ? 16 : 0;
  };
  return (scroll.children ?? []).reduce((sum, child) => sum + least(child), 0) > scroll.height;
}

describe('sceneArbitrary: validity', () => {
  it.each<[string, SceneArbitraryOptions | undefined, number]>([
    ['default options', undefined, 2000],
    ['any sizes', { sizes: 'any', maxTextLength: 4096 }, 1000],
    ['stress options', STRESS_SCENE_OPTIONS, 200],
    ['stress, every widget with an id', { ...STRESS_SCENE_OPTIONS, ids: 'all' }, 100],
    ['text fields only (capacities fill the pool)', { ...STRESS_SCENE_OPTIONS, kinds: ['textField', 'column'] }, 100],
  ])('every scene passes validateScene and compileScene: %s', (_, options, numRuns) => {
    fc.assert(
      fc.property(sceneArbitrary(options), (scene) => {
        expect(validateScene(scene)).toBe(scene);
        expect(compileScene(scene).widgets).toHaveLength(countWidgets(scene));
      }),
      { numRuns, seed: 1 },
    );
  });

  it('is deterministic under a seed, and draws JSON (what survives a round trip)', () => {
    const first = sample(undefined, 50, 99);
    expect(sample(undefined, 50, 99)).toEqual(first);
    for (const scene of first) expect(JSON.parse(JSON.stringify(scene))).toEqual(scene);
  });

  it('refuses options outside the OS limits', () => {
    expect(() => sceneArbitrary({ maxWidgets: 257 })).toThrow(RangeError);
    expect(() => sceneArbitrary({ maxWidgets: 0 })).toThrow(/maxWidgets must be a whole number from 1 to 256/);
    expect(() => sceneArbitrary({ maxDepth: 9 })).toThrow(/maxDepth/);
    expect(() => sceneArbitrary({ maxTextLength: 4097 })).toThrow(/maxTextLength/);
    expect(() => sceneArbitrary({ rootKinds: ['label' as 'row'] })).toThrow(/root must be a row, column or scroll/);
    expect(() => sceneArbitrary({ kinds: ['slidr' as WidgetKind] })).toThrow(/unknown kind 'slidr'/);
  });
});

describe('sceneArbitrary: coverage', () => {
  const scenes = sample(undefined, 1500);
  const widgets = scenes.flatMap((scene) => allWidgets(scene));
  const below = scenes.flatMap(withParents).map(({ widget }) => widget);
  const count = (predicate: (w: SceneWidget) => boolean, from = widgets): number => from.filter(predicate).length;

  it('every kind, at the root and below it', () => {
    for (const kind of ['row', 'column', 'scroll', 'label', 'button', 'toggle', 'slider', 'textField', 'progress'] as const) {
      expect(count((w) => w.kind === kind, below), kind).toBeGreaterThan(0);
    }
    for (const kind of ['row', 'column', 'scroll']) expect(scenes.filter((s) => s.root.kind === kind).length, kind).toBeGreaterThan(0);
    expect(scenes.every((s) => CONTAINER_KINDS.includes(s.root.kind))).toBe(true);
  });

  it('every align and crossAlign value, every padding form, gaps, fonts, colours', () => {
    for (const align of ['start', 'center', 'end', 'space-between']) expect(count((w) => w.align === align), align).toBeGreaterThan(0);
    for (const cross of ['start', 'center', 'end', 'stretch']) expect(count((w) => w.crossAlign === cross), cross).toBeGreaterThan(0);
    expect(count((w) => typeof w.padding === 'number')).toBeGreaterThan(0);
    expect(count((w) => Array.isArray(w.padding) && w.padding.length === 2)).toBeGreaterThan(0);
    expect(count((w) => Array.isArray(w.padding) && w.padding.length === 4)).toBeGreaterThan(0);
    expect(count((w) => (w.gap ?? 0) > 0)).toBeGreaterThan(0);
    expect(count((w) => w.font === 'title')).toBeGreaterThan(0);
    expect(count((w) => w.font === 'body')).toBeGreaterThan(0);
    expect(count((w) => w.background !== undefined || w.borderColor !== undefined)).toBeGreaterThan(0);
    expect(scenes.filter((s) => s.theme !== undefined).length).toBeGreaterThan(0);
  });

  it('grow mostly absent or 0, often small, sometimes large', () => {
    const none = count((w) => (w.grow ?? 0) === 0, below);
    const small = count((w) => w.grow !== undefined && w.grow >= 1 && w.grow <= 3, below);
    const large = count((w) => (w.grow ?? 0) > 3, below);
    expect(none).toBeGreaterThan(small);
    expect(small).toBeGreaterThan(large);
    expect(large).toBeGreaterThan(0);
  });

  it('fixed and content sizes, min and max sizes (above and below the content), within small sizes', () => {
    expect(count((w) => w.width !== undefined, below)).toBeGreaterThan(0);
    expect(count((w) => w.width === undefined && w.height === undefined, below)).toBeGreaterThan(0);
    expect(count((w) => w.minWidth !== undefined && w.maxWidth !== undefined)).toBeGreaterThan(0);
    expect(count((w) => w.minHeight !== undefined && w.maxHeight !== undefined)).toBeGreaterThan(0);
    expect(count((w) => w.kind === 'label' && (w.minHeight ?? 0) > 40)).toBeGreaterThan(0); // a 20 px line, a taller min
    expect(count((w) => w.kind === 'label' && (w.maxHeight ?? 99) < 16)).toBeGreaterThan(0); // a max below the line
    const sizes = widgets.flatMap((w) => [w.width, w.height, w.minWidth, w.maxWidth, w.minHeight, w.maxHeight].filter((v) => v !== undefined));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(160);
  });

  it('hidden and disabled widgets and subtrees, ids, text fields, value widgets', () => {
    expect(count((w) => w.hidden === true)).toBeGreaterThan(0);
    expect(count((w) => w.hidden === true && (w.children?.length ?? 0) > 0)).toBeGreaterThan(0);
    expect(count((w) => w.disabled === true)).toBeGreaterThan(0);
    expect(count((w) => w.disabled === true && (w.children?.length ?? 0) > 0)).toBeGreaterThan(0);
    expect(count((w) => w.id !== undefined)).toBeGreaterThan(0);
    expect(count((w) => w.id === undefined)).toBeGreaterThan(0);
    expect(count((w) => w.kind === 'textField' && w.capacity !== undefined && w.text !== undefined)).toBeGreaterThan(0);
    expect(count((w) => w.kind === 'toggle' && w.checked === true)).toBeGreaterThan(0);
    expect(count((w) => w.kind === 'slider' && w.step !== undefined && w.min !== undefined && w.max !== undefined)).toBeGreaterThan(0);
    expect(count((w) => w.kind === 'progress' && w.value !== undefined)).toBeGreaterThan(0);
  });

  it('scroll views with a viewport and content that overflows it', () => {
    const scrolls = count((w) => w.kind === 'scroll', below);
    const withViewport = count((w) => w.kind === 'scroll' && (w.height !== undefined || (w.grow ?? 0) > 0), below);
    expect(withViewport).toBeGreaterThan(0.8 * scrolls);
    expect(count(overflows, below)).toBeGreaterThan(0);
  });

  it('stress options: 200+ widgets, depth 8, the text pool nearly full, sizes up to 4096', () => {
    const stress = sample(STRESS_SCENE_OPTIONS, 300);
    expect(stress.filter((s) => countWidgets(s) >= 200).length).toBeGreaterThan(0);
    expect(stress.filter((s) => sceneDepth(s) === 8).length).toBeGreaterThan(0);
    expect(stress.filter((s) => textBytes(s) >= 32_000).length).toBeGreaterThan(0);
    expect(stress.filter((s) => allWidgets(s).some((w) => (w.text?.length ?? 0) > 1000)).length).toBeGreaterThan(0);
    expect(stress.filter((s) => allWidgets(s).some((w) => (w.width ?? 0) > 1000)).length).toBeGreaterThan(0);
    expect(Math.max(...stress.map(countWidgets))).toBeLessThanOrEqual(256);
    expect(Math.max(...stress.map(textBytes))).toBeLessThanOrEqual(32_768);
  });
});

describe('sceneArbitrary: options', () => {
  it('maxWidgets, maxDepth and maxChildren bound the tree, and every size up to them appears', () => {
    const scenes = sample({ maxWidgets: 10, maxDepth: 2, maxChildren: 3 }, 500);
    expect(Math.max(...scenes.map(countWidgets))).toBe(10);
    expect(Math.min(...scenes.map(countWidgets))).toBe(1);
    expect(Math.max(...scenes.map(sceneDepth))).toBe(2);
    expect(Math.max(...scenes.flatMap((s) => allWidgets(s).map((w) => w.children?.length ?? 0)))).toBe(3);
    expect(sample({ maxWidgets: 1 }, 50).every((s) => countWidgets(s) === 1)).toBe(true);
    expect(sample({ maxDepth: 0 }, 50).every((s) => countWidgets(s) === 1)).toBe(true);
  });

  it('kinds and rootKinds: only those kinds appear', () => {
    const scenes = sample({ kinds: ['button', 'row'], rootKinds: ['scroll'] }, 300);
    expect(scenes.every((s) => s.root.kind === 'scroll')).toBe(true);
    const kinds = new Set(scenes.flatMap(withParents).map(({ widget }) => widget.kind));
    expect([...kinds].sort()).toEqual(['button', 'row']);
    expect(Math.max(...scenes.map(sceneDepth))).toBeGreaterThan(1); // rows nest
    const leavesOnly = sample({ kinds: ['label'] }, 100);
    expect(Math.max(...leavesOnly.map(sceneDepth))).toBe(1);
  });

  it('maxTextLength, sizes, allowHidden, allowDisabled, colors', () => {
    const scenes = sample({ maxTextLength: 3, allowHidden: false, allowDisabled: false, colors: false }, 500);
    const widgets = scenes.flatMap((s) => allWidgets(s));
    expect(Math.max(...widgets.map((w) => w.text?.length ?? 0))).toBe(3);
    expect(widgets.some((w) => w.hidden !== undefined || w.disabled !== undefined)).toBe(false);
    expect(widgets.some((w) => w.background !== undefined || w.foreground !== undefined || w.accent !== undefined || w.borderColor !== undefined)).toBe(false);
    expect(scenes.some((s) => s.theme !== undefined)).toBe(false);
    const any = sample({ sizes: 'any' }, 500).flatMap((s) => allWidgets(s));
    expect(Math.max(...any.map((w) => w.width ?? 0))).toBeGreaterThan(1000);
  });

  it("ids: 'all' names every widget readably, false none, and ids are unique", () => {
    const all = sample({ ids: 'all', maxWidgets: 40 }, 200);
    for (const scene of all) {
      const ids = allWidgets(scene).map((w) => w.id);
      expect(ids.every((id) => id !== undefined && /^[a-zA-Z]+\d+$/.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(all[0]!.root.id).toBe(`${all[0]!.root.kind}1`);
    expect(sample({ ids: false }, 200).some((s) => allWidgets(s).some((w) => w.id !== undefined))).toBe(false);
  });
});

describe('sceneArbitrary: shrinking', () => {
  /** Runs a property that must fail; returns the shrunk counterexample. */
  function shrunk(options: SceneArbitraryOptions | undefined, property: (scene: Scene) => boolean, seed: number): Scene {
    const result = fc.check(fc.property(sceneArbitrary(options), property), { seed, numRuns: 1000 });
    expect(result.failed, 'the planted property should fail').toBe(true);
    const scene = result.counterexample![0];
    expect(property(scene)).toBe(false);
    expect(() => compileScene(scene)).not.toThrow();
    return scene;
  }
  const kinds = (scene: Scene) => allWidgets(scene).map((w) => w.kind);
  const seeds = [1, 2, 3];

  it.each([
    ['default', undefined],
    ['stress', STRESS_SCENE_OPTIONS],
  ] as const)('"no scene contains a button" shrinks to a root and a bare button (%s)', (_, options) => {
    for (const seed of seeds) {
      const scene = shrunk(options, (s) => !kinds(s).includes('button'), seed);
      expect(countWidgets(scene)).toBeLessThanOrEqual(3);
      expect(describeScene(scene)).toBe('column\n  button');
    }
  });

  it('"no toggle inside a row" shrinks to at most 3 widgets, still a toggle in a row', () => {
    for (const seed of seeds) {
      const scene = shrunk(undefined, (s) => !withParents(s).some(({ widget, parent }) => widget.kind === 'toggle' && parent.kind === 'row'), seed);
      expect(countWidgets(scene)).toBeLessThanOrEqual(3);
      expect(['row\n  toggle', 'column\n  row\n    toggle']).toContain(describeScene(scene));
    }
  });

  it('"no label text longer than 5" shrinks to one label of 6 characters', () => {
    for (const options of [undefined, STRESS_SCENE_OPTIONS]) {
      const scene = shrunk(options, (s) => allWidgets(s).every((w) => w.kind !== 'label' || (w.text?.length ?? 0) <= 5), 4);
      expect(countWidgets(scene)).toBe(2);
      expect(describeScene(scene)).toBe('column\n  label "aaaaaa"');
    }
  });

  it('"depth at most 3" shrinks to the shallowest failing tree: a chain 4 levels deep', () => {
    for (const options of [undefined, STRESS_SCENE_OPTIONS]) {
      for (const seed of seeds) {
        const scene = shrunk(options, (s) => sceneDepth(s) <= 3, seed);
        expect(sceneDepth(scene)).toBe(4);
        expect(countWidgets(scene)).toBe(5);
        expect(allWidgets(scene).every((w) => Object.keys(w).every((key) => key === 'kind' || key === 'children'))).toBe(true);
      }
    }
  });

  it('"no fixed width above 100" shrinks to one widget with width 101 and nothing else', () => {
    for (const seed of seeds) {
      const scene = shrunk({ sizes: 'any' }, (s) => allWidgets(s).every((w) => (w.width ?? 0) <= 100), seed);
      // The kind stays what it was drawn as (a label drawn afresh would not have the width).
      expect(scene).toEqual({ root: { kind: 'column', children: [{ kind: scene.root.children![0]!.kind, width: 101 }] } });
    }
  });

  it('"at most 20 widgets" shrinks to 21 bare labels under a bare root', () => {
    const scene = shrunk({ maxWidgets: 64 }, (s) => countWidgets(s) <= 20, 6);
    expect(countWidgets(scene)).toBe(21);
    expect(new Set(allWidgets(scene).slice(1).map(describeScene))).toEqual(new Set(['label']));
  });

  it('shrinking keeps ids readable with ids: all', () => {
    const scene = shrunk({ ids: 'all' }, (s) => !kinds(s).includes('slider'), 8);
    expect(describeScene(scene)).toBe('column#column1\n  slider#slider1');
  });
});

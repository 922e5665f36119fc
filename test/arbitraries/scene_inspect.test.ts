/** countWidgets, sceneDepth and describeScene, on hand-written and fixture scenes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { allWidgets, countWidgets, describeScene, sceneDepth } from '../../src/arbitraries/index.js';
import type { Scene } from '../../src/scene/scene_types.js';

const fixture = (name: string): Scene => JSON.parse(readFileSync(new URL(`../../fixtures/scenes/${name}.json`, import.meta.url), 'utf8')) as Scene;

describe('scene inspection helpers', () => {
  const scene: Scene = {
    root: {
      kind: 'column',
      padding: 4,
      gap: 2,
      children: [
        { kind: 'label', text: 'ab' },
        { kind: 'button', id: 'ok', text: 'OK', grow: 1 },
        { kind: 'row', padding: [1, 2], hidden: true, children: [{ kind: 'slider', value: 5, min: 0, max: 10, step: 1, disabled: true }] },
      ],
    },
  };

  it('counts widgets and levels', () => {
    expect(countWidgets(scene)).toBe(5);
    expect(sceneDepth(scene)).toBe(2);
    expect(countWidgets(scene.root.children![2]!)).toBe(2);
    expect(sceneDepth({ root: { kind: 'row' } })).toBe(0);
    expect(allWidgets(scene).map((w) => w.kind)).toEqual(['column', 'label', 'button', 'row', 'slider']);
    expect(countWidgets(fixture('stress_256'))).toBe(256);
    expect(sceneDepth(fixture('nesting_depth8'))).toBe(8);
  });

  it('describes a tree one widget a line', () => {
    expect(describeScene(scene)).toBe(
      ['column pad=4 gap=2', '  label "ab"', '  button#ok "OK" grow=1', '  row pad=1,2 hidden', '    slider value=5 min=0 max=10 step=1 disabled'].join('\n'),
    );
    expect(describeScene({ name: 'n', theme: { accent: '#fff' }, root: { kind: 'scroll' } })).toBe('scene "n" theme.accent=#fff\nscroll');
    expect(describeScene({ root: { kind: 'column', children: [{ kind: 'label', text: 'x'.repeat(100) }] } })).toBe(`column\n  label "${'x'.repeat(32)}"…(100 chars)`);
    expect(describeScene({ root: { kind: 'column', children: [{ kind: 'toggle', checked: false }] } })).toBe('column\n  toggle checked=false');
  });
});

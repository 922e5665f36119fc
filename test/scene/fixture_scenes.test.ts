/**
 * The fixture scenes are what the benchmarks, goldens and traces run on; each must be what
 * fixtures/scenes/README-level claims say it is (docs/SCENES.md), on the real kernel.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { openSession } from '../../src/os/session.js';
import { loadScene } from '../../src/scene/scene_compile.js';
import { WIDGET_KINDS } from '../../src/scene/scene_types.js';
import { GENERATED_SCENES, sceneText } from '../../scripts/scenes/generate_scenes.mjs';

const path = (name: string) => `fixtures/scenes/${name}.json`;

describe('fixture scenes', () => {
  it('are exactly what scripts/scenes/generate_scenes.mjs writes (regenerate with it after editing)', () => {
    for (const [file, build] of Object.entries(GENERATED_SCENES)) {
      expect(readFileSync(`fixtures/scenes/${file}`, 'utf8'), file).toBe(sceneText(build));
    }
    expect(readdirSync('fixtures/scenes').sort()).toEqual(['form.json', 'inbox.json', 'nesting_depth8.json', 'scroll_list.json', 'settings.json', 'stress_256.json', 'text_heavy.json']);
  });

  it('settings uses every widget kind, and hides one row', async () => {
    const scene = loadScene(path('settings'));
    expect(new Set(scene.kinds)).toEqual(new Set(WIDGET_KINDS));
    const session = await openSession({ scene, width: 1280, height: 720 });
    await session.step();
    expect(session.widget('advanced').hidden).toBe(true);
    expect(session.widgets().filter((w) => !w.layout.visible).map((w) => w.id ?? `#${w.index}`)).toEqual(
      expect.arrayContaining(['advanced', 'advanced.reset']),
    );
  });

  it('scroll_list holds 200 rows in one scroll view, most of them clipped away', async () => {
    const session = await openSession({ scene: path('scroll_list'), width: 1280, height: 720 });
    await session.step();
    const rows = session.widgets().filter((w) => w.id?.startsWith('row'));
    expect(rows).toHaveLength(200);
    expect(rows.every((w) => session.scene.kinds[session.scene.widgets[w.index]!['parent']!] === 'scroll')).toBe(true);
    const visible = rows.filter((w) => w.layout.visible).length;
    expect(visible).toBeGreaterThan(20);
    expect(visible).toBeLessThan(40);
  });

  it('stress_256 has the most widgets the OS holds, all drawn at 1280x720', async () => {
    const session = await openSession({ scene: path('stress_256'), width: 1280, height: 720 });
    const frame = (await session.step()).frame;
    expect(session.scene.widgets).toHaveLength(256);
    expect(frame.visibleWidgets).toBe(256);
    expect(frame.primitives).toBeGreaterThan(256 * 3);
  });

  it('nesting_depth8 lays out 8 levels below the root, and the deepest widgets work', async () => {
    const session = await openSession({ scene: path('nesting_depth8'), width: 1280, height: 720 });
    const frame = (await session.step()).frame;
    expect(frame.layoutDepth).toBe(8);
    expect(Math.max(...session.scene.widgets.map((w) => w['depth']!))).toBe(8);
    const toggle = session.widget('deepest.toggle').layout;
    const x = toggle.x + 8.5;
    const y = toggle.y + toggle.height / 2;
    session.pushEvents([{ type: 'pointerDown', x, y }, { type: 'pointerUp', x, y }]);
    await session.step();
    expect(session.widget('deepest.toggle').checked).toBe(true);
  });

  it('text_heavy draws more than the PRD maximum of 4000 glyphs in a 1280x720 frame', async () => {
    const session = await openSession({ scene: path('text_heavy'), width: 1280, height: 720 });
    const frame = (await session.step()).frame;
    expect(frame.glyphsDrawn).toBeGreaterThanOrEqual(4000);
  });
});

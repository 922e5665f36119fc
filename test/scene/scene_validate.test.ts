/**
 * Scenes are untrusted JSON: every mistake is a SceneError naming the path of the bad value and
 * what to do, and limits are checked before anything grows with the input.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compileScene, loadScene, parseColor } from '../../src/scene/scene_compile.js';
import { SceneError } from '../../src/scene/scene_error.js';

function errorOf(scene: unknown): SceneError {
  try {
    compileScene(scene, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SceneError);
    return error as SceneError;
  }
  throw new Error('the scene was accepted');
}

const label = (text = 'x') => ({ kind: 'label', text });

describe('scene validation', () => {
  it.each([
    ['no root', {}, 'scene.root', /missing: a scene needs a root widget/],
    ['an unknown kind', { root: { kind: 'slidr' } }, 'root.kind', /expected one of "row", "column"/],
    ['a missing kind', { root: { text: 'x' } }, 'root.kind', /missing: one of row, column/],
    ['a misspelt property', { root: { kind: 'column', paddng: 4 } }, 'root.paddng', /unknown property; did you mean 'padding'\?/],
    ['a negative width', { root: { kind: 'column', width: -5 } }, 'root.width', /expected a whole number from 0 to 4096, got -5/],
    ['a fractional gap', { root: { kind: 'column', gap: 1.5 } }, 'root.gap', /whole number/],
    ['a bad colour', { root: { kind: 'column', background: 'red' } }, 'root.background', /expected a colour like "#rrggbb"/],
    ['text on a slider', { root: { kind: 'column', children: [{ kind: 'slider', text: 'no' }] } }, 'root.children[0].text', /a slider has no text/],
    ['children on a label', { root: { kind: 'label', children: [] } }, 'root.children', /a label has no children/],
    ['non-ASCII text', { root: { kind: 'column', children: [label('caf\u00e9')] } }, 'root.children[0].text', /printable ASCII only/],
    ['min above max', { root: { kind: 'progress', min: 10, max: 5 } }, 'root.min', /must be below max \(5\)/],
    ['a value out of range', { root: { kind: 'slider', value: 101 } }, 'root.value', /101 is outside 0..100/],
    ['text beyond a field capacity', { root: { kind: 'textField', text: 'abcdef', capacity: 3 } }, 'root.text', /more than the field's capacity 3/],
    ['a duplicate id', { root: { kind: 'column', children: [{ kind: 'label', id: 'a' }, { kind: 'label', id: 'a' }] } }, 'root.children[1].id', /"a" is already the id of root.children\[0\]/],
    ['a bad padding shape', { root: { kind: 'column', padding: [1, 2, 3] } }, 'root.padding', /\[vertical, horizontal\]/],
    ['minWidth above maxWidth', { root: { kind: 'column', minWidth: 50, maxWidth: 10 } }, 'root.minWidth', /larger than maxWidth \(10\)/],
    ['a theme typo', { theme: { acent: '#fff' }, root: { kind: 'column' } }, 'theme.acent', /did you mean 'accent'/],
  ])('rejects %s', (_, scene, path, message) => {
    const error = errorOf(scene);
    expect(error.code).toBe('E_SCENE_INVALID');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith('test.json: ')).toBe(true);
  });

  it("lists, for an unknown property, the keys that widget's kind really allows", () => {
    const button = errorOf({ root: { kind: 'column', children: [{ kind: 'button', text: 'Go', colour: '#fff' }] } });
    expect(button.path).toBe('root.children[0].colour');
    const allowed = /\(allowed: ([^)]*)\)/.exec(button.message)![1]!.split(', ');
    expect(allowed).toContain('text');
    expect(allowed).toContain('foreground');
    for (const other of ['capacity', 'checked', 'children', 'value', 'gap']) expect(allowed).not.toContain(other);
    const column = errorOf({ root: { kind: 'column', gapp: 4 } });
    expect(column.message).toMatch(/did you mean 'gap'\? \(allowed: .*children.*\)/);
    expect(column.message).not.toMatch(/allowed: .*capacity/);
    // A kind-only property on another kind keeps its own message.
    expect(errorOf({ root: { kind: 'column', children: [{ kind: 'button', capacity: 3 }] } }).message).toContain('a button has no capacity (only textField)');
  });

  it('rejects more than 256 widgets, stopping at the 257th', () => {
    const children = Array.from({ length: 300 }, () => label());
    const error = errorOf({ root: { kind: 'column', children } });
    expect(error.path).toBe('root.children[255]');
    expect(error.message).toMatch(/more than 256 widgets/);
    // 256 exactly is fine.
    expect(compileScene({ root: { kind: 'column', children: children.slice(0, 255) } }).widgets).toHaveLength(256);
  });

  it('rejects nesting deeper than 8 levels below the root, however deep the input goes', () => {
    let widget: object = label();
    for (let i = 0; i < 5000; i++) widget = { kind: 'column', children: [widget] };
    const error = errorOf({ root: widget });
    expect(error.message).toMatch(/nested 9 levels below the root; the OS lays out at most 8/);
    let eight: object = label();
    for (let i = 0; i < 8; i++) eight = { kind: 'row', children: [eight] };
    expect(compileScene({ root: eight }).widgets).toHaveLength(9);
  });

  it('rejects text beyond the 32 KiB pool, counting field capacities', () => {
    const children = Array.from({ length: 40 }, () => ({ kind: 'textField', capacity: 1000 }));
    expect(errorOf({ root: { kind: 'column', children } }).message).toMatch(/32768-byte text pool/);
  });

  it('reports unreadable, oversized and malformed files with their name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuos-scene-'));
    expect(() => loadScene(join(dir, 'missing.json'))).toThrow(/cannot read .*missing\.json/);
    writeFileSync(join(dir, 'broken.json'), '{ "root": ');
    expect(() => loadScene(join(dir, 'broken.json'))).toThrow(/broken\.json is not valid JSON/);
    writeFileSync(join(dir, 'big.json'), ' '.repeat(1024 * 1024 + 1));
    expect(() => loadScene(join(dir, 'big.json'))).toThrow(/scene files are limited to 1048576/);
    // An endless stream or a directory is refused, not read until memory runs out.
    expect(() => loadScene('/dev/zero')).toThrow(/\/dev\/zero is not a regular file/);
    expect(() => loadScene(dir)).toThrow(SceneError);
  });
});

describe('scene compilation', () => {
  it('lays widgets out depth first with tree links, defaults from the theme, and ids', () => {
    const scene = compileScene({
      theme: { accent: '#ff0000' },
      root: { kind: 'column', children: [{ kind: 'row', children: [{ kind: 'button', id: 'ok', text: 'OK' }] }, { kind: 'toggle', id: 't', checked: true }] },
    });
    expect(scene.kinds).toEqual(['column', 'row', 'button', 'toggle']);
    expect(scene.widgets.map((w) => [w['parent'], w['first_child'], w['next_sibling'], w['depth']])).toEqual([
      [0xffff, 1, 0xffff, 0],
      [0, 2, 3, 1],
      [1, 0xffff, 0xffff, 2],
      [0, 0xffff, 0xffff, 1],
    ]);
    expect(Object.fromEntries(scene.ids)).toEqual({ ok: 2, t: 3 });
    expect(scene.widgets[3]!['state']).toBe(8); // checked
    expect(scene.widgets[2]!['accent']).toBe(parseColor('#ff0000'));
    expect(String.fromCharCode(...scene.text)).toBe('OK');
  });

  it('parses colours into RGBA8 with red in the low byte', () => {
    expect(parseColor('#102030').toString(16)).toBe('ff302010');
    expect(parseColor('#abc')).toBe(parseColor('#aabbcc'));
    expect(parseColor('#11223344').toString(16)).toBe('44332211');
  });
});

// The built-in font: kernels/font_atlas.h is exactly what the generator makes (nobody edits it by
// hand), every glyph is present, distinct, inside its cell and on the documented baseline, the
// coverage is genuinely anti-aliased, and the header works both as plain C++ and as MSL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileKernel, DeviceBuffer, findToolchain } from '../../src/index.js';
import { buildAtlas, generate, headerText, SIZES, sizeRows } from '../../scripts/font/generate_font_atlas.mjs';
import { layoutGlyph } from '../../scripts/font/rasterize.mjs';
import { CHARS, GLYPHS } from '../../scripts/font/stroke_font.mjs';

const HEADER_PATH = 'kernels/font_atlas.h';
const committed = readFileSync(HEADER_PATH, 'utf8');

/** Ink a reader sees (half coverage or more); fainter values are anti-aliasing fringes. */
const INK = 128;

/** `#define NAME value` from the committed header. */
function define(name: string): number {
  const match = new RegExp(`^#define ${name} (\\d+)$`, 'm').exec(committed);
  if (!match) throw new Error(`${HEADER_PATH} has no #define ${name}`);
  return Number(match[1]);
}

/** The bytes of `gpuos_font_<name>` as the committed header spells them. */
function headerArray(name: string): Uint8Array {
  const start = committed.indexOf(`gpuos_font_uchar gpuos_font_${name}[`);
  if (start < 0) throw new Error(`${HEADER_PATH} has no array gpuos_font_${name}`);
  const open = committed.indexOf('{', start);
  const close = committed.indexOf('};', open);
  const body = committed.slice(open + 1, close).replace(/\/\*.*?\*\//g, '');
  const values = body.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new Error(`gpuos_font_${name} holds ${v}`);
  }
  return Uint8Array.from(values);
}

interface Atlas {
  name: string;
  cellW: number;
  cellH: number;
  baselineRow: number;
  xHeightRow: number;
  capRow: number;
  ascenderRow: number;
  descenderRow: number;
  bytes: Uint8Array;
}

/** Both sizes as the header declares them. */
const ATLASES: Atlas[] = SIZES.map((size) => {
  const p = `GPUOS_FONT_${size.name.toUpperCase()}`;
  return {
    name: size.name,
    cellW: define(`${p}_CELL_W`),
    cellH: define(`${p}_CELL_H`),
    baselineRow: define(`${p}_BASELINE_ROW`),
    xHeightRow: define(`${p}_X_HEIGHT_ROW`),
    capRow: define(`${p}_CAP_ROW`),
    ascenderRow: define(`${p}_ASCENDER_ROW`),
    descenderRow: define(`${p}_DESCENDER_ROW`),
    bytes: headerArray(size.name),
  };
});

function glyph(atlas: Atlas, ch: string): Uint8Array {
  const g = ch.charCodeAt(0) - 0x20;
  const n = atlas.cellW * atlas.cellH;
  return atlas.bytes.subarray(g * n, (g + 1) * n);
}

/** Rows (top = 0) holding ink of `ch`. */
function inkRows(atlas: Atlas, ch: string, threshold = INK): number[] {
  const bits = glyph(atlas, ch);
  const rows: number[] = [];
  for (let y = 0; y < atlas.cellH; y++) {
    if (bits.subarray(y * atlas.cellW, (y + 1) * atlas.cellW).some((v) => v >= threshold)) rows.push(y);
  }
  return rows;
}

/** The characters (of `set`) whose ink satisfies `test`, as a string in atlas order. */
function which(set: string, test: (ch: string) => boolean): string {
  return [...set].filter(test).join('');
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALL = CHARS.join('');

describe('kernels/font_atlas.h is generated, never hand-edited', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gpuos-font-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('regenerating into a temporary directory gives the committed header byte for byte', () => {
    generate(dir);
    const fresh = readFileSync(join(dir, HEADER_PATH), 'utf8');
    // A plain toBe would print two 170 KB strings; point at the first differing line instead.
    if (fresh !== committed) {
      const a = fresh.split('\n');
      const b = committed.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(
        `${HEADER_PATH} differs from the generator's output at line ${line + 1}:\n` +
          `  generated: ${a[line]}\n  committed: ${b[line]}\n` +
          'Run `node scripts/font/generate_font_atlas.mjs` and commit the result.',
      );
    }
  });

  it('is deterministic: two runs give identical header and preview bytes', () => {
    const png1 = readFileSync(join(dir, 'docs/font_preview.png'));
    generate(dir);
    expect(readFileSync(join(dir, 'docs/font_preview.png')).equals(png1)).toBe(true);
    expect(headerText()).toBe(committed);
  });

  it('declares the documented constants and nothing that leaks a `constant` macro', () => {
    expect(define('GPUOS_FONT_FIRST_CHAR')).toBe(0x20);
    expect(define('GPUOS_FONT_GLYPH_COUNT')).toBe(95);
    expect(committed.startsWith('// GENERATED')).toBe(true);
    expect(committed).toContain('#pragma once');
    expect(committed).not.toMatch(/#define constant\b/);
    expect(committed).not.toMatch(/#include/);
    expect(ATLASES.map((a) => [a.name, a.cellW, a.cellH, a.baselineRow])).toEqual([
      ['body', 8, 16, 11],
      ['title', 12, 24, 17],
    ]);
    for (const atlas of ATLASES) expect(atlas.bytes.length).toBe(95 * atlas.cellW * atlas.cellH);
  });

  it('matches the generator in memory as well (the arrays are what buildAtlas makes)', () => {
    SIZES.forEach((size, i) => expect(Buffer.from(buildAtlas(size)).equals(Buffer.from(ATLASES[i]!.bytes))).toBe(true));
  });
});

describe.each(ATLASES)('the $name atlas ($cellW x $cellH)', (atlas) => {
  it('has ink in every glyph but space, and none in space', () => {
    expect(glyph(atlas, ' ').every((v) => v === 0)).toBe(true);
    expect(which(ALL, (ch) => ch !== ' ' && !glyph(atlas, ch).some((v) => v >= 192))).toBe('');
  });

  it('has 95 pairwise distinct glyphs', () => {
    const seen = new Map<string, string>();
    for (const ch of ALL) {
      const key = Buffer.from(glyph(atlas, ch)).toString('hex');
      expect(seen.get(key), `${JSON.stringify(ch)} looks exactly like ${JSON.stringify(seen.get(key))}`).toBeUndefined();
      seen.set(key, ch);
    }
    expect(seen.size).toBe(95);
  });

  it('keeps every stroke inside the cell (nothing is clipped)', () => {
    const size = SIZES.find((s) => s.name === atlas.name)!;
    for (const ch of ALL) {
      for (const [x0, y0, x1, y1, r] of layoutGlyph(GLYPHS[ch]!, size)) {
        expect(Math.min(x0, x1) - r, ch).toBeGreaterThanOrEqual(0);
        expect(Math.max(x0, x1) + r, ch).toBeLessThanOrEqual(atlas.cellW);
        expect(Math.min(y0, y1) - r, ch).toBeGreaterThanOrEqual(0);
        expect(Math.max(y0, y1) + r, ch).toBeLessThanOrEqual(atlas.cellH);
      }
    }
  });

  it('orders its metric rows: ascender above cap above x-height above baseline above descender', () => {
    expect(atlas.ascenderRow).toBeLessThan(atlas.capRow);
    expect(atlas.capRow).toBeLessThan(atlas.xHeightRow);
    expect(atlas.xHeightRow).toBeLessThan(atlas.baselineRow);
    expect(atlas.baselineRow).toBeLessThan(atlas.descenderRow);
    expect(atlas.descenderRow).toBeLessThan(atlas.cellH);
    const size = SIZES.find((s) => s.name === atlas.name)!;
    expect(sizeRows(size)).toEqual({
      baselineRow: atlas.baselineRow,
      xHeightRow: atlas.xHeightRow,
      capRow: atlas.capRow,
      ascenderRow: atlas.ascenderRow,
      descenderRow: atlas.descenderRow,
    });
  });

  it('sits on the baseline: exactly these glyphs reach below it', () => {
    const below = which(ALL, (ch) => inkRows(atlas, ch).some((y) => y > atlas.baselineRow));
    expect(below).toBe('(),/;Q[\\]_gjpqy{|}');
    // Letters and digits without descenders end on the baseline row itself.
    const flat = 'EHILTZ1247hiklmnrxz';
    expect(which(flat, (ch) => inkRows(atlas, ch).at(-1) === atlas.baselineRow)).toBe(flat);
    // Descenders reach the descender row.
    expect(which('gjpqy', (ch) => inkRows(atlas, ch).at(-1) === atlas.descenderRow)).toBe('gjpqy');
  });

  it('keeps x-height letters under the x-height and lets ascenders and capitals rise above it', () => {
    const xHigh = 'acemnorsuvwxz';
    expect(which(xHigh, (ch) => inkRows(atlas, ch)[0] === atlas.xHeightRow)).toBe(xHigh);
    expect(which(ALL, (ch) => (inkRows(atlas, ch)[0] ?? 99) < atlas.ascenderRow)).toBe('');
    const ascenders = 'bdhkl';
    expect(which(ascenders, (ch) => inkRows(atlas, ch)[0] === atlas.ascenderRow)).toBe(ascenders);
    const caps = UPPER + DIGITS;
    expect(which(caps, (ch) => inkRows(atlas, ch)[0] === atlas.capRow)).toBe(caps);
    // A descender never rises above the x-height (p, q, g, y all start there).
    expect(which('gpqy', (ch) => inkRows(atlas, ch)[0] === atlas.xHeightRow)).toBe('gpqy');
    expect(which(LOWER, (ch) => inkRows(atlas, ch)[0]! < atlas.xHeightRow)).toBe('bdfhijklt');
  });

  it('is anti-aliased: full, empty and many intermediate coverage values', () => {
    const histogram = new Array<number>(256).fill(0);
    for (const v of atlas.bytes) histogram[v]!++;
    expect(histogram[0]).toBeGreaterThan(0);
    expect(histogram[255]).toBeGreaterThan(0);
    const levels = histogram.slice(1, 255).filter((n) => n > 0).length;
    const partial = histogram.slice(1, 255).reduce((a, b) => a + b, 0);
    expect(levels).toBeGreaterThan(64);
    expect(partial).toBeGreaterThan(atlas.bytes.length / 20);
    // Diagonals and curves carry the partial values; a straight stem stays crisp.
    const diagonal = glyph(atlas, '/');
    expect(diagonal.some((v) => v > 0 && v < 255)).toBe(true);
  });
});

describe('the header compiles', () => {
  it('as plain C++ with warnings as errors, leaking no `constant` macro', () => {
    const toolchain = findToolchain();
    const dir = mkdtempSync(join(tmpdir(), 'gpuos-font-cxx-'));
    try {
      const source = join(dir, 'probe.cpp');
      writeFileSync(
        source,
        [
          `#include "${join(process.cwd(), HEADER_PATH)}"`,
          `#include "${join(process.cwd(), HEADER_PATH)}" // #pragma once: a second include is harmless`,
          '#ifdef constant',
          '#error font_atlas.h leaked a macro named constant',
          '#endif',
          'static_assert(sizeof(gpuos_font_body) == 95 * 16 * 8, "body size");',
          'static_assert(sizeof(gpuos_font_title) == 95 * 24 * 12, "title size");',
          'int main() { return gpuos_font_body[0] + gpuos_font_title[0]; }',
          '',
        ].join('\n'),
      );
      const result = spawnSync(toolchain.cxx, ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', source], {
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('as MSL: a kernel reading the atlases through `constant` memory sees the header bytes', async () => {
    const library = await compileKernel('test/font/font_atlas_probe.metal');
    const [body, title] = ATLASES;
    const out = new DeviceBuffer(body!.bytes.length + title!.bytes.length);
    await library.kernel('font_atlas_probe').dispatch({ threads: 1024, buffers: [out] });
    const bytes = out.read();
    expect(Buffer.from(bytes.subarray(0, body!.bytes.length)).equals(Buffer.from(body!.bytes))).toBe(true);
    expect(Buffer.from(bytes.subarray(body!.bytes.length)).equals(Buffer.from(title!.bytes))).toBe(true);
  });
});

/**
 * Goldens: identical frames take the fast path, differences are measured by pixelmatch within a
 * threshold and a pixel budget, and the write policy never lets CI write a golden.
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { compareImages } from '../../src/golden/compare.js';
import { checkGolden, goldenPath, obsoleteGoldens } from '../../src/golden/golden_store.js';
import { readPng, writePng, type RgbaImage } from '../../src/golden/png.js';

function image(width: number, height: number, paint: (x: number, y: number) => [number, number, number] = () => [30, 40, 50]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...paint(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
}

function withPixel(img: RgbaImage, x: number, y: number, rgb: [number, number, number]): RgbaImage {
  const data = img.data.slice();
  data.set([...rgb, 255], (y * img.width + x) * 4);
  return { ...img, data };
}

const dirs = () => {
  const root = mkdtempSync(join(tmpdir(), 'gpuos-golden-'));
  return { root: join(root, 'golden'), artifacts: join(root, 'artifacts') };
};

describe('comparing images', () => {
  it('takes the fast path for identical bytes and measures differences otherwise', () => {
    const a = image(40, 30);
    expect(compareImages(a, image(40, 30))).toMatchObject({ identical: true, diffPixels: 0, pass: true });
    const b = withPixel(a, 3, 4, [255, 0, 0]);
    const result = compareImages(a, b);
    expect(result).toMatchObject({ identical: false, diffPixels: 1, pass: false, sizeMismatch: false });
    expect(result.diff?.data[(4 * 40 + 3) * 4]).toBe(255); // pixelmatch paints differences red
    expect(compareImages(a, b, { maxDiffPixels: 1 }).pass).toBe(true);
    // A change below the colour threshold is not a difference.
    expect(compareImages(a, withPixel(a, 3, 4, [31, 40, 50]), { threshold: 0.1 })).toMatchObject({ identical: false, diffPixels: 0, pass: true });
    expect(compareImages(a, image(41, 30))).toMatchObject({ pass: false, sizeMismatch: true });
    expect(() => compareImages(a, b, { threshold: 2 })).toThrow(/threshold must be a number from 0 to 1/);
  });
});

describe('the golden store', () => {
  it('writes a missing golden locally and reports it, but fails in CI without writing', () => {
    const { root, artifacts } = dirs();
    const frame = image(16, 16);
    const ci = checkGolden('trace', 'start', frame, { root, artifacts, ci: true });
    expect(ci).toMatchObject({ status: 'missing', failed: true });
    expect(ci.message).toMatch(/CI never writes goldens/);
    expect(existsSync(goldenPath(root, 'trace', 'start'))).toBe(false);
    const local = checkGolden('trace', 'start', frame, { root, artifacts, ci: false });
    expect(local).toMatchObject({ status: 'written', failed: false });
    expect(readPng(goldenPath(root, 'trace', 'start')).data).toEqual(frame.data);
    expect(checkGolden('trace', 'start', frame, { root, artifacts, ci: true })).toMatchObject({ status: 'match', failed: false });
  });

  it('fails a differing frame with the actual and diff images, and rewrites it on update (never in CI)', () => {
    const { root, artifacts } = dirs();
    checkGolden('trace', 'g', image(16, 16), { root, artifacts, ci: false });
    const changed = withPixel(image(16, 16), 5, 5, [250, 250, 0]);
    const result = checkGolden('trace', 'g', changed, { root, artifacts, ci: false });
    expect(result).toMatchObject({ status: 'mismatch', failed: true });
    expect(result.message).toMatch(/1 pixel differs from .*g\.png \(allowed 0\), within \(5,5\)-\(5,5\), the first at \(5,5\); actual: .*g\.actual\.png, diff: .*g\.diff\.png/);
    expect(result.comparison?.where).toEqual({ box: [5, 5, 5, 5], first: [[5, 5]] });
    expect(result.frame).toBeUndefined();
    // With the frame it is of (a replay), the message names it.
    checkGolden('trace', 'h', image(16, 16), { root, artifacts, ci: false });
    const framed = checkGolden('trace', 'h', withPixel(withPixel(changed, 2, 9, [0, 0, 0]), 14, 1, [0, 0, 0]), { root, artifacts, ci: false }, 17);
    expect(framed.message).toContain('3 pixels differ from');
    expect(framed.message).toContain('at frame 17, within (2,1)-(14,9), the first at (14,1) (5,5) (2,9)');
    expect(readPng(result.actual!).data).toEqual(changed.data);
    expect(existsSync(result.diff!)).toBe(true);
    expect(() => checkGolden('trace', 'g', changed, { root, artifacts, ci: true, update: true })).toThrow(/cannot be updated with CI set/);
    expect(checkGolden('trace', 'g', changed, { root, artifacts, ci: false, update: true })).toMatchObject({ status: 'updated', failed: false });
    expect(checkGolden('trace', 'g', changed, { root, artifacts, ci: true })).toMatchObject({ status: 'match' });
  });

  it('refuses names that are not plain file names and lists obsolete goldens', () => {
    const { root } = dirs();
    expect(() => goldenPath(root, '../x', 'a')).toThrow(/a trace name must be/);
    expect(() => goldenPath(root, 't', 'a/b')).toThrow(/a golden name must be/);
    mkdirSync(join(root, 't'), { recursive: true });
    for (const name of ['keep', 'old']) writePng(goldenPath(root, 't', name), image(2, 2));
    writeFileSync(join(root, 't', 'notes.txt'), 'not a golden');
    expect(obsoleteGoldens(root, 't', ['keep']).map((p) => p.split('/').pop())).toEqual(['old.png']);
    expect(obsoleteGoldens(root, 'none', [])).toEqual([]);
  });

  it('an unreadable golden fails that golden (and is rewritten on update), never the run', () => {
    const { root, artifacts } = dirs();
    const frame = image(4, 4);
    mkdirSync(join(root, 't'), { recursive: true });
    writeFileSync(join(root, 't', 'text.png'), 'not a png');
    symlinkSync('/dev/zero', join(root, 't', 'device.png'));
    for (const name of ['text', 'device']) {
      const result = checkGolden('t', name, frame, { root, artifacts, ci: false });
      expect(result, name).toMatchObject({ status: 'unreadable', failed: true });
      expect(result.message).toMatch(/replace it \(gpuos goldens update\) or delete it/);
    }
    expect(() => checkGolden('t', 'device', frame, { root, ci: true })).not.toThrow();
    const updated = checkGolden('t', 'device', frame, { root, update: true, ci: false });
    expect(updated).toMatchObject({ status: 'updated', failed: false });
    expect(readPng(join(root, 't', 'device.png'))).toEqual(frame);
    expect(() => obsoleteGoldens(root, '..', [])).toThrow(/a trace name must be/);
  });
});

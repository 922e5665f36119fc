/** The PNG codec: exact round trips, and untrusted files refused before they can cost memory. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { decodePng, encodePng, PngError, readPng, writePng } from '../../src/golden/png.js';

describe('PNG codec', () => {
  it('round-trips RGBA exactly, alpha included', () => {
    const data = new Uint8Array(7 * 3 * 4).map((_, i) => (i * 37) & 0xff);
    const image = decodePng(encodePng({ width: 7, height: 3, data }));
    expect([image.width, image.height]).toEqual([7, 3]);
    expect(Array.from(image.data)).toEqual(Array.from(data));
  });

  it('refuses images of the wrong size and data of the wrong length', () => {
    expect(() => encodePng({ width: 0, height: 1, data: new Uint8Array(0) })).toThrow(/1×1 to 3840×2160/);
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(/has 16 bytes, got 15/);
  });

  it('refuses files that are not PNGs, are corrupt, or claim huge dimensions', () => {
    expect(() => decodePng(new TextEncoder().encode('definitely not a png, just text here'), 'x.png')).toThrow(/x\.png is not a PNG file/);
    const good = encodePng({ width: 4, height: 4, data: new Uint8Array(64) });
    const huge = Uint8Array.from(good);
    new DataView(huge.buffer).setUint32(16, 100_000);
    expect(() => decodePng(huge, 'huge.png')).toThrow(/huge\.png is 100000×4; images are limited to 3840×2160/);
    const truncated = good.subarray(0, good.length - 20);
    expect(() => decodePng(truncated, 'cut.png')).toThrow(/cut\.png is corrupt/);
    const flipped = Uint8Array.from(good);
    flipped[40] = flipped[40]! ^ 0xff;
    expect(() => decodePng(flipped, 'flipped.png')).toThrow(/E_PNG_INVALID|flipped\.png is corrupt/);
  });

  it('refuses a golden path that is a device, a FIFO or a directory, without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuos-png-'));
    expect(() => readPng('/dev/zero')).toThrow(PngError);
    expect(() => readPng('/dev/zero')).toThrow(/\/dev\/zero is not a regular file/);
    const fifo = join(dir, 'fifo.png');
    execFileSync('mkfifo', [fifo]);
    expect(() => readPng(fifo)).toThrow(/is not a regular file/);
    expect(() => readPng(dir)).toThrow(/is not a regular file/);
  });

  it('a write that fails leaves neither the file nor its temporary behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuos-png-'));
    const image = { width: 2, height: 2, data: new Uint8Array(16) };
    mkdirSync(join(dir, 'taken.png'));
    expect(() => writePng(join(dir, 'taken.png'), image)).toThrow(/cannot write .*taken\.png/);
    expect(readdirSync(dir)).toEqual(['taken.png']);
    writePng(join(dir, 'ok.png'), image);
    expect(readdirSync(dir).sort()).toEqual(['ok.png', 'taken.png']);
  });
});

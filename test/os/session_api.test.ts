/**
 * The host API's contract: options are validated with errors that say what to do, time is
 * explicit and never goes backwards, widgets are found by name, frames come out as RGBA and PNG,
 * and a closed or busy session says so instead of misbehaving.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/errors.js';
import { readPng } from '../../src/golden/png.js';
import { SessionStateError } from '../../src/os/os_errors.js';
import { openSession } from '../../src/os/session.js';
import { compileScene } from '../../src/scene/scene_compile.js';
import { SceneError } from '../../src/scene/scene_error.js';
import type { SceneWidget } from '../../src/scene/scene_types.js';
import { sessionWith } from './os_helpers.js';

const SCENE: SceneWidget = { kind: 'column', padding: 8, children: [{ kind: 'button', id: 'ok', text: 'OK' }, { kind: 'label', text: 'unnamed' }] };

describe('openSession', () => {
  it.each([
    [{ width: 0 }, /width must be an integer from 1 to 3840, got 0/],
    [{ height: 2161 }, /height must be an integer from 1 to 2160, got 2161/],
    [{ width: 10.5 }, /width must be an integer/],
    [{ backend: 'metal' }, /backend must be one of emulator, cuda, got metal/],
    [{ backend: 'cuda', races: true }, /races: emulator-only session option/],
    [{ seed: -1 }, /seed must be a non-negative integer/],
    [{ seed: 2n ** 64n }, /seed must be a non-negative integer below 2\^64/],
  ])('rejects %o', async (options, message) => {
    await expect(openSession({ scene: { root: SCENE }, ...(options as object) })).rejects.toThrow(message);
    await expect(openSession({ scene: { root: SCENE }, ...(options as object) })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('reports a bad scene as a SceneError with its path', async () => {
    await expect(openSession({ scene: 'fixtures/scenes/nope.json' })).rejects.toThrow(/cannot read fixtures\/scenes\/nope\.json/);
    await expect(openSession({ scene: { root: { kind: 'column', children: [{ kind: 'buton' }] } } })).rejects.toThrow(SceneError);
  });

  it('checks a hand-made compiled scene before it reaches device memory', async () => {
    const good = compileScene({ root: SCENE });
    const tamper = (index: number, field: string, value: number) => ({
      ...good,
      widgets: good.widgets.map((record, i) => (i === index ? { ...record, [field]: value } : record)),
    });
    await expect(openSession({ scene: tamper(1, 'text_offset', 70000) })).rejects.toThrow(/widget 1.text_offset must be an integer within uint16_t, got 70000/);
    await expect(openSession({ scene: tamper(1, 'text_capacity', 500) })).rejects.toThrow(/widget 1's text \(offset 0, capacity 500\) runs past/);
    await expect(openSession({ scene: tamper(2, 'depth', 5) })).rejects.toThrow(/widget 2.depth is 5, not its parent's plus one/);
    await expect(openSession({ scene: tamper(1, 'first_child', 9) })).rejects.toThrow(/widget 1.first_child is 9, past the last widget/);
    await expect(openSession({ scene: tamper(0, 'kind', 42) })).rejects.toThrow(/widget 0.kind 42 is not a widget kind/);
    await expect(openSession({ scene: tamper(1, 'value', Number.NaN) })).rejects.toThrow(InvalidArgumentError);
    await expect(openSession({ scene: good })).resolves.toBeDefined();
  });

  it('defaults to 1280x720 on the emulator', async () => {
    const session = await openSession({ scene: { root: SCENE } });
    expect([session.width, session.height, session.backend, session.seed]).toEqual([1280, 720, 'emulator', 1n]);
    expect(session.framebuffer()).toHaveLength(1280 * 720 * 4);
  });
});

describe('stepping frames', () => {
  it('takes time from the host: explicit time, explicit delta, or 60 Hz by default', async () => {
    const session = await sessionWith(SCENE);
    let frame = (await session.step()).frame;
    expect(frame).toMatchObject({ frameNumber: 1, timeUs: 16_667 });
    expect(frame.deltaTime).toBeCloseTo(0.016667, 6);
    frame = (await session.step({ deltaUs: 5000 })).frame;
    expect(frame).toMatchObject({ frameNumber: 2, timeUs: 21_667 });
    frame = (await session.step({ timeUs: 1_000_000 })).frame;
    expect(frame).toMatchObject({ frameNumber: 3, timeUs: 1_000_000 });
    expect(frame.deltaTime).toBeCloseTo(0.978333, 6);
    frame = (await session.step({ timeUs: 2 ** 40, deltaUs: 1 })).frame; // time past 2^32 µs
    expect(frame.timeUs).toBe(2 ** 40);
    expect(session.frameCount).toBe(4);
  });

  it('refuses time going backwards and impossible deltas', async () => {
    const session = await sessionWith(SCENE);
    await session.step({ timeUs: 1000 });
    await expect(session.step({ timeUs: 999 })).rejects.toThrow(/no earlier than the previous frame's 1000/);
    await expect(session.step({ deltaUs: -1 })).rejects.toThrow(/deltaUs must be an integer from 0/);
    await expect(session.step({ deltaUs: 1.5 })).rejects.toThrow(InvalidArgumentError);
    expect(session.frameCount).toBe(1);
  });

  it('refuses a second step while one runs, and any use after close', async () => {
    const session = await sessionWith(SCENE);
    const running = session.step();
    expect(() => session.pushEvents([])).toThrow(SessionStateError);
    await expect(session.step()).rejects.toThrow(/a frame is still running; await step\(\) first/);
    await running;
    session.close();
    session.close(); // idempotent
    await expect(session.step()).rejects.toThrow(/the session is closed/);
    expect(() => session.framebuffer()).toThrow(SessionStateError);
  });
});

describe('reading state', () => {
  it('finds widgets by id or index, and lists the ids when a name is wrong', async () => {
    const session = await sessionWith(SCENE);
    await session.step();
    expect(session.widget('ok')).toMatchObject({ index: 1, id: 'ok', kind: 'button', text: 'OK' });
    expect(session.widget(2)).toMatchObject({ id: undefined, kind: 'label', text: 'unnamed' });
    expect(() => session.widget('okay')).toThrow(/no widget 'okay' \(ids: ok\)/);
    expect(() => session.widget(3)).toThrow(/widget index must be from 0 to 2/);
  });

  it('writes the framebuffer as a PNG that reads back to the same RGBA bytes', async () => {
    const session = await sessionWith(SCENE);
    await session.step();
    const path = join(mkdtempSync(join(tmpdir(), 'gpuos-png-')), 'frame.png');
    session.writePng(path);
    const image = readPng(path);
    expect([image.width, image.height]).toEqual([640, 360]);
    expect(Buffer.compare(Buffer.from(image.data), Buffer.from(session.framebuffer()))).toBe(0);
    // Opaque everywhere: the OS paints every pixel.
    expect(image.data.filter((_, i) => i % 4 === 3).every((alpha) => alpha === 255)).toBe(true);
  });
});

/**
 * The routes behind `gpuos view` (src/view/view_server.ts) and `gpuos play`
 * (src/play/play_server.ts), driven over HTTP with node:http (no browser): what each answers for a
 * good request, checked against the replayer, the trace and the golden files; and that every
 * malformed request gets a 4xx with a JSON error while the server (and the OS behind it) goes on.
 *
 * The pages themselves are read from dist/web/<page>/ (`node scripts/build.mjs --ts-only`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { at, request, type Reply, type Send } from './http_request.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GpuosError } from '../../src/errors.js';
import { decodePng, readPng } from '../../src/golden/png.js';
import { EVENT_TYPES, eventTypeName } from '../../src/os/input_events.js';
import { openSession } from '../../src/os/session.js';
import { OsAbi } from '../../src/os/abi.js';
import { MAX_EVENTS_PER_STEP, type RecordingStatus, type StepResult } from '../../src/play/live_os.js';
import { startPlayServer, type PlayServer } from '../../src/play/play_server.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { Replayer } from '../../src/replayer/replayer.js';
import { Trace } from '../../src/trace/trace_reader.js';
import type { FrameView, GoldenView, TraceSummary } from '../../src/view/trace_viewer.js';
import { startViewServer, type ViewServer } from '../../src/view/view_server.js';
import type { WebServer } from '../../src/web/server.js';

const TRACE = resolve('fixtures/traces/form-toggle.gtrace');
const GOLDEN_ROOT = resolve('golden');
const FORM = resolve('fixtures/scenes/form.json');
const WIDTH = 320;
const HEIGHT = 240;
const JSON_TYPE = 'application/json; charset=utf-8';

// ---------------------------------------------------------------------------------------------
// Requests (the style of test/web/server.test.ts: one request per connection, path sent as is).

/** GET (or another method) of a path under the token. */
function get(server: WebServer, path: string, send: Send = {}): Promise<Reply> {
  return request(server, at(server, path), send);
}

/** POST of a JSON value (or of raw text, as given) under the token. */
function post(server: WebServer, path: string, body: unknown, type = 'application/json'): Promise<Reply> {
  return request(server, at(server, path), { method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function json<T>(reply: Reply): T {
  expect(reply.headers['content-type'], reply.text).toBe(JSON_TYPE);
  return JSON.parse(reply.text) as T;
}

/** A 200 JSON answer. */
function ok<T>(reply: Reply): T {
  expect(reply.status, reply.text).toBe(200);
  return json<T>(reply);
}

/** A client error: the status, a JSON `{ error }` that says what is wrong, never a stack. */
function expectClientError(reply: Reply, status: number, message?: RegExp, what = ''): { error: string; code?: string } {
  expect(reply.status, `${what}: ${reply.text}`).toBe(status);
  const body = json<{ error: string; code?: string }>(reply);
  expect(typeof body.error, what).toBe('string');
  expect(body.error.length, what).toBeGreaterThan(0);
  expect(body.error, what).not.toMatch(/\n\s+at /);
  if (message) expect(body.error, what).toMatch(message);
  return body;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The replay's framebuffer after frame `frame`. */
async function replayedFramebuffer(trace: string, frame: number): Promise<Uint8Array> {
  const replayer = await Replayer.open(trace);
  try {
    await replayer.seek(frame);
    await replayer.step();
    return replayer.session.framebuffer();
  } finally {
    replayer.close();
  }
}

/** A frame's input events as the viewer describes them, read from the trace itself. */
function traceEvents(trace: Trace, frame: number): { type: string; x: number; y: number; code: number; modifiers: number }[] {
  return trace
    .frame(frame)
    .operations.flatMap((op) => (op.kind === 'events' ? op.events : []))
    .map((e) => ({ type: eventTypeName(e.type) ?? `unknown (${e.type})`, x: e.x, y: e.y, code: e.code, modifiers: e.modifiers }));
}

function wrongToken(server: WebServer): string {
  return server.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
}

let dir: string;
const reported: unknown[] = [];
const onError = (error: unknown) => reported.push(error);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpuos-page-routes-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  // No request in this file is the server's failure: nothing may have become a 500.
  expect(reported).toEqual([]);
  reported.length = 0;
});

// ---------------------------------------------------------------------------------------------

describe('gpuos view: the routes', () => {
  let server: ViewServer;
  let trace: Trace;

  beforeAll(async () => {
    trace = Trace.open(TRACE);
    server = await startViewServer(TRACE, { frame: 7, golden: 'checked', goldenRoot: GOLDEN_ROOT, onError });
  });

  afterAll(async () => {
    await server?.close();
    trace?.close();
  });

  it('api/summary: the trace, its goldens (present), checkpoints, events per frame and where the page opens', async () => {
    const summary = ok<TraceSummary & { initialFrame: number; initialGolden: string | null }>(await get(server, 'api/summary'));
    expect(summary.name).toBe('form-toggle');
    expect(summary.frames).toBe(41);
    expect(summary.frames).toBe(trace.frameCount);
    expect(summary.width).toBe(WIDTH);
    expect(summary.height).toBe(HEIGHT);
    expect(summary.complete).toBe(true);
    expect(summary.goldens).toEqual([
      { frame: 20, name: 'hovered', exists: true },
      { frame: 23, name: 'checked', exists: true },
      { frame: 40, name: 'unchecked', exists: true },
    ]);
    expect(summary.checkpoints).toEqual(trace.checkpoints.map((c) => c.frame));
    expect(summary.eventsPerFrame).toHaveLength(summary.frames);
    expect(summary.eventsPerFrame).toEqual(Array.from({ length: trace.frameCount }, (_, i) => trace.frame(i).operations.reduce((n, op) => n + (op.kind === 'events' ? op.events.length : 1), 0)));
    // Some frames have input and some have none: the timeline's marks are not all alike.
    expect(summary.eventsPerFrame.some((n) => n > 0)).toBe(true);
    expect(summary.eventsPerFrame.some((n) => n === 0)).toBe(true);
    expect(summary.initialFrame).toBe(7);
    expect(summary.initialGolden).toBe('checked');
  });

  it('api/summary without options: frame 0, no golden; under another golden root goldens are missing or unreadable', async () => {
    const empty = mkdtempSync(join(dir, 'no-goldens-'));
    // One golden present but not a PNG.
    mkdirSync(join(empty, 'form-toggle'));
    writeFileSync(join(empty, 'form-toggle', 'unchecked.png'), 'not a png');
    const other = await startViewServer(TRACE, { goldenRoot: empty, onError });
    try {
      const summary = ok<TraceSummary & { initialFrame: number; initialGolden: string | null }>(await get(other, 'api/summary'));
      expect(summary.initialFrame).toBe(0);
      expect(summary.initialGolden).toBeNull();
      expect(summary.goldens.map((g) => [g.name, g.exists])).toEqual([
        ['hovered', false],
        ['checked', false],
        ['unchecked', true],
      ]);
      const unreadable = ok<GoldenView>(await get(other, 'api/golden?name=unchecked'));
      expect(unreadable.status).toBe('unreadable');
      expect(unreadable.frame).toBe(40);
      expectClientError(await get(other, 'api/golden.png?name=unchecked&which=expected'), 404, /unreadable/);
      const golden = ok<GoldenView>(await get(other, 'api/golden?name=checked'));
      expect(golden.status).toBe('missing');
      expect(golden.status).not.toBe('match');
      expectClientError(await get(other, 'api/golden.png?name=checked&which=expected'), 404, /missing/);
      // The replay's own picture is still there.
      const actual = await get(other, 'api/golden.png?name=checked&which=actual');
      expect(actual.status).toBe(200);
      expect(actual.headers['content-type']).toBe('image/png');
    } finally {
      await other.close();
    }
  });

  it('api/frame: the frame as the trace holds it, replayed without divergence', async () => {
    const withEvents = trace.frameCount - 1 - [...Array(trace.frameCount).keys()].reverse().findIndex((i) => traceEvents(trace, i).length > 0);
    const withoutEvents = [...Array(trace.frameCount).keys()].find((i) => traceEvents(trace, i).length === 0)!;
    expect(traceEvents(trace, withEvents).length).toBeGreaterThan(0);
    for (const n of [withEvents, withoutEvents, 23, 5]) {
      const view = ok<FrameView>(await get(server, `api/frame?n=${n}`));
      const record = trace.frame(n);
      expect(view.frame).toBe(n);
      expect(view.timeUs).toBe(record.timeUs);
      expect(view.deltaUs).toBe(record.deltaUs);
      expect(view.events).toEqual(traceEvents(trace, n));
      expect(view.ok).toBe(true);
      expect(view).not.toHaveProperty('divergence');
      expect(view.goldens).toEqual(trace.goldens.filter((g) => g.frame === n).map((g) => g.name));
    }
    // The toggle is checked at the 'checked' mark and not before the click.
    const at23 = ok<FrameView>(await get(server, 'api/frame?n=23'));
    const at5 = ok<FrameView>(await get(server, 'api/frame?n=5'));
    expect(at23.goldens).toEqual(['checked']);
    expect(at5.goldens).toEqual([]);
    expect(at23.widgets.find((w) => w.name === 'updates')?.checked).toBe(true);
    expect(at5.widgets.find((w) => w.name === 'updates')?.checked).toBe(false);
    expect(at23.timeUs).toBeGreaterThan(at5.timeUs);
  });

  it("api/frame.png: the replayer's framebuffer after that frame, forwards and backwards", async () => {
    const expected30 = await replayedFramebuffer(TRACE, 30);
    const expected5 = await replayedFramebuffer(TRACE, 5);
    // Frame 5 (toggle off) and frame 30 (toggle on) differ: a right answer is not any frame.
    expect(sameBytes(expected30, expected5)).toBe(false);

    const png30 = await get(server, 'api/frame.png?n=30');
    expect(png30.status).toBe(200);
    expect(png30.headers['content-type']).toBe('image/png');
    const image30 = decodePng(png30.body);
    expect([image30.width, image30.height]).toEqual([WIDTH, HEIGHT]);
    expect(sameBytes(image30.data, expected30)).toBe(true);

    // Backwards: frame 5 after frame 30 (from a checkpoint or from the start, not from 30).
    const png5 = await get(server, 'api/frame.png?n=5');
    expect(png5.status).toBe(200);
    const image5 = decodePng(png5.body);
    expect(sameBytes(image5.data, expected5)).toBe(true);
    expect(sameBytes(image5.data, expected30)).toBe(false);
    // And the JSON agrees after the backward seek.
    expect(ok<FrameView>(await get(server, 'api/frame?n=5')).timeUs).toBe(trace.frame(5).timeUs);
    // 'actual' is the default: asked for by name it is the same picture.
    expect(sameBytes(decodePng((await get(server, 'api/frame.png?n=5&which=actual')).body).data, expected5)).toBe(true);
  });

  it('api/golden: the checked mark matches its golden file; no diff image for a match', async () => {
    const view = ok<GoldenView>(await get(server, 'api/golden?name=checked'));
    expect(view.name).toBe('checked');
    expect(view.frame).toBe(23);
    expect(view.status).toBe('match');
    expect(view.diffPixels).toBe(0);
    expect(view).not.toHaveProperty('where');

    const file = readPng(join(GOLDEN_ROOT, 'form-toggle', 'checked.png'));
    const expected = await get(server, 'api/golden.png?name=checked&which=expected');
    expect(expected.status).toBe(200);
    expect(expected.headers['content-type']).toBe('image/png');
    const decoded = decodePng(expected.body);
    expect([decoded.width, decoded.height]).toEqual([file.width, file.height]);
    expect(sameBytes(decoded.data, file.data)).toBe(true);
    // Another mark's golden is another picture.
    const hovered = decodePng((await get(server, 'api/golden.png?name=hovered&which=expected')).body);
    expect(sameBytes(hovered.data, file.data)).toBe(false);
    // The replay at the mark is the golden (it matches), and it is the replayer's frame 23.
    const actual = decodePng((await get(server, 'api/golden.png?name=checked&which=actual')).body);
    expect(sameBytes(actual.data, file.data)).toBe(true);
    expect(sameBytes(actual.data, await replayedFramebuffer(TRACE, 23))).toBe(true);

    const diff = expectClientError(await get(server, 'api/golden.png?name=checked&which=diff'), 404, /it matches/);
    expect(diff.error).toContain('checked');
  });

  it('api/divergence: none for a fixture trace; frames are still served right after the whole replay', async () => {
    // The fixture is shorter than one step of the scan: done at once.
    expect(ok<{ frame: number | null }>(await get(server, 'api/divergence'))).toEqual({ frame: null, scanned: 41, done: true });
    // Asked twice: the same answer (kept, not replayed again).
    expect(ok<{ frame: number | null }>(await get(server, 'api/divergence'))).toEqual({ frame: null, scanned: 41, done: true });
    const png = decodePng((await get(server, 'api/frame.png?n=12')).body);
    expect(sameBytes(png.data, await replayedFramebuffer(TRACE, 12))).toBe(true);
  });

  it('malformed requests get 4xx with a JSON error, and the server keeps serving', async () => {
    const cases: [path: string, status: number, message?: RegExp][] = [
      ['api/frame', 400, /'n'.*nothing/],
      ['api/frame?n=', 400, /'n'/],
      ['api/frame?n=abc', 400, /'n'.*"abc"/],
      ['api/frame?n=-1', 400, /'n'/],
      ['api/frame?n=41', 400, /from 0 to 40/],
      ['api/frame?n=99999', 400, /from 0 to 40/],
      ['api/frame?n=1e3', 400, /'n'/],
      ['api/frame?n=1.5', 400, /'n'/],
      ['api/frame?n=0x1', 400, /'n'/],
      ['api/frame?n=%203', 400, /'n'/],
      ['api/frame?n=99999999999999999999', 400, /'n'/],
      ['api/frame.png', 400, /'n'/],
      ['api/frame.png?n=abc', 400, /'n'/],
      ['api/frame.png?n=3&which=bogus', 400, /'which'.*actual, expected, diff/],
      ['api/golden', 400, /'name'/],
      ['api/golden?name=', 400, /'name'/],
      [`api/golden?name=${'x'.repeat(65)}`, 400, /'name'/],
      ['api/golden?name=nope', 404, /no golden "nope"/],
      ['api/golden?name=Checked', 404, /no golden/],
      ['api/golden.png?name=checked', 400, /'which'/],
      ['api/golden.png?name=checked&which=bogus', 400, /'which'/],
      ['api/golden.png?name=nope&which=expected', 404, /no golden/],
      ['api/nope', 404, /nothing at/],
      ['api/summary/', 404, /nothing at/],
      ['API/summary', 404, /nothing at/],
      ['api', 404, /nothing at/],
    ];
    for (const [path, status, message] of cases) {
      const reply = await get(server, path);
      expectClientError(reply, status, message, path);
      expect(reply.headers['content-type'], path).not.toBe('image/png');
    }
    // Path characters in a golden name reach no file: an unknown mark, never the file's bytes.
    for (const path of ['api/golden?name=../../package.json', 'api/golden.png?name=..%2F..%2Fpackage.json&which=expected', 'api/golden.png?name=../form-toggle/checked&which=expected', 'api/golden?name=%2Fetc%2Fpasswd']) {
      const reply = await get(server, path);
      expect([400, 404], `${path}: ${reply.text}`).toContain(reply.status);
      expect(reply.text).not.toContain('devDependencies');
      expect(reply.text).not.toContain('root:');
      expect(reply.headers['content-type'], path).toBe(JSON_TYPE);
    }
    // Wrong method: 405 with the methods that are allowed.
    for (const path of ['api/summary', 'api/frame?n=1', 'api/frame.png?n=1', 'api/golden?name=checked', 'api/divergence']) {
      const reply = await post(server, path, {});
      expectClientError(reply, 405, /use GET/, path);
      expect(reply.headers.allow).toBe('GET');
    }
    expectClientError(await get(server, 'api/summary', { method: 'DELETE' }), 405);
    // Wrong or missing token: 403, and nothing of the trace.
    for (const path of [`/${wrongToken(server)}/api/summary`, '/api/summary', `/${server.token.slice(1)}/api/frame?n=1`]) {
      const reply = await request(server, path);
      expectClientError(reply, 403, /forbidden/, path);
      expect(reply.text).not.toContain('form-toggle');
    }

    // After all of them: the server answers, and answers right.
    expect(ok<TraceSummary>(await get(server, 'api/summary')).frames).toBe(41);
    const frame = ok<FrameView>(await get(server, 'api/frame?n=2'));
    expect(frame.frame).toBe(2);
    expect(frame.ok).toBe(true);
    expect(frame.timeUs).toBe(trace.frame(2).timeUs);
    const png = await get(server, 'api/frame.png?n=40');
    expect(png.status).toBe(200);
    expect(decodePng(png.body).width).toBe(WIDTH);
  });
});

describe('gpuos view: start', () => {
  const fails = async (options: Parameters<typeof startViewServer>[1], message: RegExp) => {
    const error = await startViewServer(TRACE, { goldenRoot: GOLDEN_ROOT, onError, ...options }).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error, JSON.stringify(options)).toBeInstanceOf(GpuosError);
    expect((error as GpuosError).code).toBe('E_INVALID_ARGUMENT');
    expect((error as GpuosError).message).toMatch(message);
  };

  it('refuses a frame out of range and an unknown golden with E_INVALID_ARGUMENT', async () => {
    await fails({ frame: 41 }, /from 0 to 40.*41 frames/);
    await fails({ frame: -1 }, /from 0 to 40/);
    await fails({ frame: 2.5 }, /from 0 to 40/);
    await fails({ golden: 'nope' }, /no golden 'nope'.*hovered, checked, unchecked/);
    await fails({ golden: '../../package.json' }, /no golden/);
    // The edges that are in range start (and close).
    for (const options of [{ frame: 0 }, { frame: 40, golden: 'unchecked' }]) {
      const server = await startViewServer(TRACE, { goldenRoot: GOLDEN_ROOT, onError, ...options });
      try {
        const summary = ok<{ initialFrame: number; initialGolden: string | null }>(await get(server, 'api/summary'));
        expect(summary.initialFrame).toBe(options.frame);
        expect(summary.initialGolden).toBe('golden' in options ? options.golden : null);
      } finally {
        await server.close();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('gpuos play: the routes', () => {
  const servers: PlayServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function play(options: { record?: string; recordAtStart?: boolean } = {}): Promise<PlayServer> {
    const server = await startPlayServer({ scene: FORM, width: WIDTH, height: HEIGHT, onError, ...options });
    servers.push(server);
    return server;
  }

  const idle = { events: [], elapsedUs: 16_667 };

  /** The centre of the 'updates' toggle, from the OS's own layout. */
  async function toggleCentre(): Promise<{ x: number; y: number }> {
    const probe = await openSession({ scene: FORM, width: WIDTH, height: HEIGHT });
    try {
      await probe.step();
      const { x, y, width, height } = probe.widget('updates').layout;
      expect(width).toBeGreaterThan(0);
      expect(height).toBeGreaterThan(0);
      return { x: x + width / 2, y: y + height / 2 };
    } finally {
      probe.close();
    }
  }

  it('api/step runs frame 0; api/framebuffer is the session\u2019s framebuffer', async () => {
    const server = await play();
    const info = ok<{ name: string; width: number; height: number; maxEventsPerStep: number; recording: RecordingStatus }>(await get(server, 'api/info'));
    expect(info).toMatchObject({ name: 'form', width: WIDTH, height: HEIGHT, maxEventsPerStep: MAX_EVENTS_PER_STEP });
    expect(info.recording).toMatchObject({ available: false, active: false, path: null, frames: 0, goldens: [], last: null });

    const first = ok<StepResult>(await post(server, 'api/step', idle));
    expect(first.frame).toBe(0);
    expect(first.changed).toBe(true);
    expect(first.recording.active).toBe(false);
    expect(first.recording.frames).toBe(0);

    const reply = await get(server, 'api/framebuffer');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    expect(reply.body.byteLength).toBe(WIDTH * HEIGHT * 4);
    expect(sameBytes(reply.body, server.os.framebuffer())).toBe(true);
    // Something was drawn: not a blank buffer.
    expect(reply.body.some((byte) => byte !== 0)).toBe(true);
    expect(reply.body.some((byte) => byte !== reply.body[0])).toBe(true);

    // The next frame is frame 1; its time moved by the elapsed time the page gave.
    const second = ok<StepResult>(await post(server, 'api/step', { events: [], elapsedUs: 20_000 }));
    expect(second.frame).toBe(1);
    expect(second.deltaUs).toBe(20_000);
    expect(second.timeUs).toBe(first.timeUs + 20_000);
    // `changed` says whether the framebuffer changed (the page fetches it only then).
    const after = (await get(server, 'api/framebuffer')).body;
    expect(second.changed).toBe(!sameBytes(after, reply.body));
    // Time never stands still, and a page back from a background tab moves it by a second at most.
    const still = ok<StepResult>(await post(server, 'api/step', { events: [], elapsedUs: 0 }));
    expect(still.deltaUs).toBe(1);
    expect(still.timeUs).toBe(second.timeUs + 1);
    const resumed = ok<StepResult>(await post(server, 'api/step', { events: [], elapsedUs: 1e12 }));
    expect(resumed.deltaUs).toBe(1_000_000);
    expect(resumed.frame).toBe(3);
  });

  it('changed is false for a frame that leaves the framebuffer as it was (docs/PAGES.md: the page fetches it only when it changed)', async () => {
    const server = await play();
    let previous: Buffer | undefined;
    const frames: { frame: number; changed: boolean; framebufferChanged: boolean }[] = [];
    // The form animates for its first frames (the progress bar eases), then goes still.
    for (let i = 0; i < 30; i++) {
      const step = ok<StepResult>(await post(server, 'api/step', idle));
      const framebuffer = (await get(server, 'api/framebuffer')).body;
      frames.push({ frame: step.frame, changed: step.changed, framebufferChanged: previous === undefined || !sameBytes(framebuffer, previous) });
      previous = framebuffer;
    }
    // Both kinds of frame happened, so the comparison below means something.
    expect(frames.some((f) => f.framebufferChanged)).toBe(true);
    expect(frames.some((f) => !f.framebufferChanged)).toBe(true);
    const wrong = frames.filter((f) => f.changed !== f.framebufferChanged).map((f) => `frame ${f.frame}: changed ${f.changed}, framebuffer ${f.framebufferChanged ? 'changed' : 'unchanged'}`);
    expect(wrong).toEqual([]);
  });

  it('a page that sends the most events a step may carry (api/info maxEventsPerStep) every step is not refused', async () => {
    const server = await play();
    const { maxEventsPerStep } = ok<{ maxEventsPerStep: number }>(await get(server, 'api/info'));
    // As many as the kernel takes from the ring in one frame: sent every step, the ring never fills.
    expect(maxEventsPerStep).toBe(OsAbi.get().constant('GPUOS_EVENTS_PER_FRAME'));
    const refused: string[] = [];
    for (let step = 0; step < 10; step++) {
      const events = Array.from({ length: maxEventsPerStep }, (_, i) => ({ type: 'pointerMove', x: (step * 7 + i) % WIDTH, y: 30 }));
      const reply = await post(server, 'api/step', { events, elapsedUs: 16_667 });
      if (reply.status !== 200) refused.push(`step ${step}: ${reply.status} ${reply.text}`);
    }
    // (Each refused step loses the events the page took for it.)
    expect(refused).toEqual([]);
  });

  it('a click on the toggle, recorded with a golden mark, replays bit-identically with the toggle on', async () => {
    const centre = await toggleCentre();
    const path = join(dir, 'clicked.gtrace');
    const server = await play({ record: path, recordAtStart: true });
    expect(ok<{ recording: RecordingStatus }>(await get(server, 'api/info')).recording).toMatchObject({ available: true, active: true, path, frames: 0 });

    const steps: StepResult[] = [];
    steps.push(ok<StepResult>(await post(server, 'api/step', idle)));
    steps.push(
      ok<StepResult>(
        await post(server, 'api/step', {
          events: [
            { type: 'pointerDown', ...centre },
            { type: 'pointerUp', ...centre },
          ],
          elapsedUs: 16_667,
        }),
      ),
    );
    for (let i = 0; i < 3; i++) steps.push(ok<StepResult>(await post(server, 'api/step', idle)));
    expect(steps.map((s) => s.frame)).toEqual([0, 1, 2, 3, 4]);
    expect(steps.map((s) => s.recording.frames)).toEqual([1, 2, 3, 4, 5]);
    expect(steps[1]!.state.cursor).toMatchObject({ x: centre.x, y: centre.y });
    expect(steps[0]!.state.cursor).not.toMatchObject({ x: centre.x, y: centre.y });

    // A golden of the frame just shown (frame 4).
    const marked = ok<RecordingStatus>(await post(server, 'api/golden', { name: 'after-click' }));
    expect(marked.goldens).toEqual(['after-click']);
    expect(marked.active).toBe(true);
    // The same name twice is refused; the list keeps one.
    expectClientError(await post(server, 'api/golden', { name: 'after-click' }), 400, /already/);
    for (let i = 0; i < 2; i++) steps.push(ok<StepResult>(await post(server, 'api/step', idle)));
    const shown = (await get(server, 'api/framebuffer')).body;

    const stopped = ok<RecordingStatus>(await post(server, 'api/stop', {}));
    expect(stopped.active).toBe(false);
    expect(stopped.last).not.toBeNull();
    const frames = stopped.last!.frames;
    expect(frames).toBe(7);
    expect(stopped.last!.path).toBe(path);
    expect(stopped.last!.goldens).toEqual(['after-click']);
    expect(stopped.last!.events).toBe(2);

    const trace = Trace.open(path);
    try {
      expect(trace.complete).toBe(true);
      expect(trace.frameCount).toBe(frames);
      expect(trace.goldens).toEqual([{ frame: 4, name: 'after-click' }]);
      const downs = [...trace.frames()].map((f) => f.operations.flatMap((op) => (op.kind === 'events' ? op.events : [])).filter((e) => e.type === EVENT_TYPES.pointerDown).length);
      expect(downs).toEqual([0, 1, 0, 0, 0, 0, 0]);
    } finally {
      trace.close();
    }

    const report = await replayTrace(path, { goldens: false });
    expect(report.ok).toBe(true);
    expect(report.replayed).toBe(frames);
    expect(report.frames).toBe(frames);
    expect(report).not.toHaveProperty('divergence');
    expect(report.incomplete).toBeUndefined();

    const replayer = await Replayer.open(path);
    try {
      await replayer.seek(1);
      expect(replayer.session.widget('updates').checked).toBe(false);
      await replayer.seek(frames);
      expect(replayer.position).toBe(frames);
      expect(replayer.session.widget('updates').checked).toBe(true);
      // The replay ends on the picture the page was shown.
      expect(sameBytes(replayer.session.framebuffer(), shown)).toBe(true);
    } finally {
      replayer.close();
    }
  });

  it('bad requests get 4xx with a message, and the OS keeps running (frame numbers go on)', async () => {
    const server = await play();
    let frame = ok<StepResult>(await post(server, 'api/step', idle)).frame;
    expect(frame).toBe(0);
    const valid = { type: 'pointerMove', x: 50, y: 60 };
    const cases: [what: string, send: () => Promise<Reply>, status: number, message: RegExp][] = [
      ['an array body', () => post(server, 'api/step', [idle]), 400, /JSON object/],
      ['a number body', () => post(server, 'api/step', '5'), 400, /JSON object/],
      ['a null body', () => post(server, 'api/step', 'null'), 400, /JSON object/],
      ['no events', () => post(server, 'api/step', { elapsedUs: 1 }), 400, /events must be an array/],
      ['events an object', () => post(server, 'api/step', { events: {}, elapsedUs: 1 }), 400, /events must be an array/],
      ['events a string', () => post(server, 'api/step', { events: 'pointerDown', elapsedUs: 1 }), 400, /events must be an array/],
      ['elapsedUs a string', () => post(server, 'api/step', { events: [], elapsedUs: '16667' }), 400, /elapsedUs must be a number/],
      ['no elapsedUs', () => post(server, 'api/step', { events: [] }), 400, /elapsedUs/],
      ['elapsedUs negative', () => post(server, 'api/step', { events: [], elapsedUs: -5 }), 400, /elapsedUs/],
      ['x out of range', () => post(server, 'api/step', { events: [valid, { type: 'pointerDown', x: WIDTH + 1, y: 5 }], elapsedUs: 1 }), 400, /events\[1\]\.x/],
      ['y negative', () => post(server, 'api/step', { events: [{ type: 'pointerMove', x: 5, y: -1 }], elapsedUs: 1 }), 400, /events\[0\]\.y/],
      ['x a string', () => post(server, 'api/step', { events: [{ type: 'pointerMove', x: '5', y: 5 }], elapsedUs: 1 }), 400, /events\[0\]\.x/],
      ['unknown type', () => post(server, 'api/step', { events: [valid, valid, { type: 'hover', x: 1, y: 1 }], elapsedUs: 1 }), 400, /events\[2\]\.type/],
      ['a null event', () => post(server, 'api/step', { events: [null], elapsedUs: 1 }), 400, /events\[0\]/],
      ['an unknown key', () => post(server, 'api/step', { events: [{ type: 'keyDown', key: 'NotAKey' }], elapsedUs: 1 }), 400, /events\[0\]\.key/],
      [`${MAX_EVENTS_PER_STEP + 1} events`, () => post(server, 'api/step', { events: Array.from({ length: MAX_EVENTS_PER_STEP + 1 }, () => valid), elapsedUs: 1 }), 400, new RegExp(`at most ${MAX_EVENTS_PER_STEP} events a step`)],
      ['text that is not ASCII', () => post(server, 'api/step', { events: [{ type: 'text', text: 'h\u00e9' }], elapsedUs: 1 }), 400, /events\[0\]\.text\[1\]/],
      ['text longer than the ring', () => post(server, 'api/step', { events: [{ type: 'text', text: 'x'.repeat(300) }], elapsedUs: 1 }), 400, /300/],
      ['elapsedUs infinite', () => post(server, 'api/step', '{"events": [], "elapsedUs": 1e400}'), 400, /elapsedUs/],
      ['a golden while not recording', () => post(server, 'api/golden', { name: 'x' }), 400, /while recording/],
      ['a golden name not a string', () => post(server, 'api/golden', { name: 5 }), 400, /name must be a string/],
      ['a golden body not an object', () => post(server, 'api/golden', '"x"'), 400, /JSON object/],
      ['record without --record', () => post(server, 'api/record', {}), 400, /without --record/],
      ['stop when not recording', () => post(server, 'api/stop', {}), 400, /not recording/],
      ['a body that is not JSON', () => post(server, 'api/step', '{"events": [], "elapsedUs": 1'), 400, /not valid JSON/],
      ['an empty body', () => post(server, 'api/step', ''), 400, /not valid JSON/],
      ['Content-Type text/plain', () => post(server, 'api/step', JSON.stringify(idle), 'text/plain'), 415, /Content-Type: application\/json/],
      ['a form body', () => post(server, 'api/step', 'events=1', 'application/x-www-form-urlencoded'), 415, /application\/json/],
      ['a body over 64 KiB', () => post(server, 'api/step', { events: [], elapsedUs: 1, pad: 'x'.repeat(65 * 1024) }), 413, /over 65536 bytes/],
      ['GET of a POST route', () => get(server, 'api/step'), 405, /use POST/],
      ['POST of a GET route', () => post(server, 'api/framebuffer', {}), 405, /use GET/],
      ['an unknown route', () => post(server, 'api/steps', idle), 404, /nothing at/],
      ['a wrong token', () => request(server, `/${wrongToken(server)}/api/step`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(idle) }), 403, /forbidden/],
    ];
    // One at a time: each answer before the next request (the handlers would queue anyway).
    for (const [what, send, status, message] of cases) expectClientError(await send(), status, message, what);

    // None of them ran a frame or queued an event (all or nothing: events[0] of a refused step is
    // not in the ring): the next step is frame 1, and the cursor never went to (50, 60).
    const next = ok<StepResult>(await post(server, 'api/step', idle));
    expect(next.frame).toBe(frame + 1);
    frame = next.frame;
    expect(next.state.eventsProcessed).toBe(0);
    expect(next.state.cursor).not.toMatchObject({ x: 50, y: 60 });
    expect(next.recording).toMatchObject({ available: false, active: false, goldens: [], last: null });

    // The most a step may carry is taken, and the OS goes on with the steps after it.
    const full = ok<StepResult>(await post(server, 'api/step', { events: Array.from({ length: MAX_EVENTS_PER_STEP }, (_, i) => ({ type: 'pointerMove', x: 10 + i, y: 20 })), elapsedUs: 16_667 }));
    expect(full.frame).toBe(frame + 1);
    expect(full.state.eventsProcessed).toBeGreaterThan(0);
    const last = ok<StepResult>(await post(server, 'api/step', idle));
    expect(last.frame).toBe(frame + 2);
    // All of them taken in that frame: the cursor is at the last one.
    expect(full.state.cursor).toMatchObject({ x: 10 + MAX_EVENTS_PER_STEP - 1, y: 20 });
    expect(last.state.cursor).toMatchObject({ x: 10 + MAX_EVENTS_PER_STEP - 1, y: 20 });
    expect(sameBytes((await get(server, 'api/framebuffer')).body, server.os.framebuffer())).toBe(true);
  });

  it('recording requests: a golden name with path characters, record twice, stop twice', async () => {
    const path = join(dir, 'names.gtrace');
    const server = await play({ record: path });
    expectClientError(await post(server, 'api/stop', {}), 400, /not recording/);
    expectClientError(await post(server, 'api/golden', { name: 'early' }), 400, /while recording/);
    ok<StepResult>(await post(server, 'api/step', idle));

    const started = ok<RecordingStatus>(await post(server, 'api/record', {}));
    expect(started).toMatchObject({ available: true, active: true, path, frames: 0, goldens: [] });
    // Recording restarts the OS from the scene: frames count from 0 again.
    expectClientError(await post(server, 'api/golden', { name: 'too-early' }), 400, /no frame/);
    expect(ok<StepResult>(await post(server, 'api/step', idle)).frame).toBe(0);
    for (const name of ['a/b', '../x', '', 'a b', '.hidden', 'x'.repeat(65), 'a\\b']) {
      const body = expectClientError(await post(server, 'api/golden', { name }), 400, /golden name/, JSON.stringify(name));
      expect(body.code).toBe('E_INVALID_ARGUMENT');
    }
    expectClientError(await post(server, 'api/record', {}), 400, /already recording/);
    const marked = ok<RecordingStatus>(await post(server, 'api/golden', { name: 'first.frame_0-ok' }));
    expect(marked.goldens).toEqual(['first.frame_0-ok']);
    const step = ok<StepResult>(await post(server, 'api/step', idle));
    expect(step.frame).toBe(1);
    expect(step.recording.frames).toBe(2);

    const stopped = ok<RecordingStatus>(await post(server, 'api/stop', {}));
    expect(stopped.last).toMatchObject({ path, frames: 2, goldens: ['first.frame_0-ok'] });
    expectClientError(await post(server, 'api/stop', {}), 400, /not recording/);
    // The OS runs on after the recording, unrecorded.
    const after = ok<StepResult>(await post(server, 'api/step', idle));
    expect(after.frame).toBe(2);
    expect(after.recording.active).toBe(false);
    expect(after.recording.last?.frames).toBe(2);

    const trace = Trace.open(path);
    try {
      expect(trace.frameCount).toBe(2);
      expect(trace.goldens).toEqual([{ frame: 0, name: 'first.frame_0-ok' }]);
    } finally {
      trace.close();
    }
  });
});

/**
 * The local web server (src/web/server.ts) as a security boundary: every check it makes, driven
 * with node:http and raw sockets (no browser). Each server serves a tiny page built in a temp
 * directory, beside a secret file no URL may reach.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { at, request, type Reply, type Send } from './http_request.js';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GpuosError, InvalidArgumentError } from '../../src/errors.js';
import { RequestError, startServer, type Route, type ServerOptions, type WebServer } from '../../src/web/server.js';

const SECRET = 'TOP-SECRET-do-not-serve';
const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>t</title><script type="module" src="main.js"></script>',
  'main.js': 'console.log("page");',
  'style.css': 'body { margin: 0 }',
  'main.js.map': '{"version":3,"sources":[],"mappings":""}',
};

let tmp: string;
let assets: string;
const servers: WebServer[] = [];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gpuos-web-server-test-'));
  assets = join(tmp, 'page');
  mkdirSync(assets);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(assets, name), text);
  writeFileSync(join(assets, 'secret.txt'), SECRET);
  writeFileSync(join(tmp, 'secret.txt'), SECRET);
  writeFileSync(join(tmp, 'package.json'), SECRET);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function start(routes: Route[] = [], options: Partial<ServerOptions> = {}): Promise<WebServer> {
  const server = await startServer({ page: 'test', assets, routes, ...options });
  servers.push(server);
  return server;
}

function json(reply: Reply): unknown {
  return JSON.parse(reply.text);
}


const postJson = (body: string, type = 'application/json'): Send => ({ method: 'POST', headers: { 'Content-Type': type }, body });

const EXPECTED_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'",
  'x-frame-options': 'DENY',
};

function expectSecurityHeaders(reply: Reply): void {
  expect(reply.headers).toMatchObject(EXPECTED_HEADERS);
}

describe('start', () => {
  it('listens on 127.0.0.1 at a random port, behind a token of 256 random bits', async () => {
    const a = await start();
    const b = await start();
    expect(a.url).toBe(`http://127.0.0.1:${a.port}/${a.token}/`);
    expect(a.port).toBeGreaterThan(0);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.token).not.toBe(a.token);
    expect(b.port).not.toBe(a.port);
  });

  it('refuses to start without a built page, and says to build it', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    const error = await startServer({ page: 'view', assets: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuosError);
    expect((error as GpuosError).code).toBe('E_WEB_ASSETS');
    expect((error as GpuosError).message).toContain('npm run build');
  });

  it('refuses malformed, repeated and page-file route paths and odd page names', async () => {
    const handle = () => ({ json: 1 });
    for (const path of ['api', '/api/../x', '/api//x', '/api/%2e', '/a b', '/main.js', '/']) {
      await expect(startServer({ page: 'test', assets, routes: [{ method: 'GET', path, handle }] })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    const twice: Route[] = [
      { method: 'GET', path: '/api/x', handle },
      { method: 'GET', path: '/api/x', handle },
    ];
    await expect(startServer({ page: 'test', assets, routes: twice })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(startServer({ page: '../etc', assets })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('RequestError takes 4xx statuses only', () => {
    expect(new RequestError(422, 'x').status).toBe(422);
    expect(() => new RequestError(500, 'x')).toThrow(InvalidArgumentError);
    expect(() => new RequestError(200, 'x')).toThrow(InvalidArgumentError);
  });
});

describe('the token and the Host header', () => {
  it('serves the page under the token, with every security header', async () => {
    const server = await start();
    const reply = await request(server, at(server, ''));
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(FILES['index.html']);
    expectSecurityHeaders(reply);
  });

  it('refuses a missing or wrong token with 403', async () => {
    const server = await start();
    const wrongSameLength = server.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    for (const path of ['/', '/main.js', '/index.html', `/${wrongSameLength}/`, `/${server.token}x/`, `/${server.token.slice(0, -1)}/`, `/x/${server.token}/`, `//${server.token}/`, `/${server.token.toLowerCase()}/`]) {
      const reply = await request(server, path);
      expect(reply.status, path).toBe(403);
      expect(reply.text).not.toContain('console.log');
      expectSecurityHeaders(reply);
    }
  });

  it('redirects /<token> to /<token>/ (relative URLs need the slash)', async () => {
    const server = await start();
    const reply = await request(server, `/${server.token}`);
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`/${server.token}/`);
  });

  it('refuses another Host with 403 (DNS rebinding) and takes localhost', async () => {
    const server = await start();
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`, `[::1]:${server.port}`]) {
      const reply = await request(server, at(server, ''), { headers: { Host: host } });
      expect(reply.status, host).toBe(403);
    }
    expect((await request(server, at(server, ''), { headers: { Host: `localhost:${server.port}` } })).status).toBe(200);
    expect((await request(server, at(server, ''), { headers: { Host: `LocalHost:${server.port}` } })).status).toBe(200);
    // No Host at all: Node answers 400 for HTTP/1.1 before we see it; never 200.
    expect([400, 403]).toContain((await request(server, at(server, ''), { setHost: false })).status);
  });
});

describe('the page files', () => {
  it('serves the four page files with their content types', async () => {
    const server = await start();
    const types: Record<string, string> = {
      '': 'text/html; charset=utf-8',
      'main.js': 'text/javascript; charset=utf-8',
      'style.css': 'text/css; charset=utf-8',
      'main.js.map': 'application/json; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const reply = await request(server, at(server, path));
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-type']).toBe(type);
      expect(reply.text).toBe(FILES[path || 'index.html']);
      expectSecurityHeaders(reply);
    }
    expect((await request(server, at(server, 'main.js?v=2'))).status).toBe(200);
  });

  it('never serves anything else: traversal and encoded paths find nothing', async () => {
    const server = await start();
    const paths = [
      at(server, '../package.json'),
      at(server, '../secret.txt'),
      at(server, 'secret.txt'),
      at(server, 'index.html'),
      at(server, '%2e%2e/secret.txt'),
      at(server, '%2E%2E/package.json'),
      at(server, '%2e%2e%2fsecret.txt'),
      at(server, '..%2fsecret.txt'),
      at(server, '..%5csecret.txt'),
      at(server, '..\\secret.txt'),
      at(server, '/secret.txt'),
      at(server, './main.js'),
      at(server, 'main.js/../secret.txt'),
      at(server, 'main.js%00'),
      at(server, `%2f${tmp.replaceAll('/', '%2f')}%2fsecret.txt`),
      `/${server.token}/../${server.token}/secret.txt`,
      `/../${server.token}/main.js`,
      `/%2e%2e/${server.token}/main.js`,
    ];
    for (const path of paths) {
      const reply = await request(server, path);
      expect([403, 404], path).toContain(reply.status);
      expect(reply.text, path).not.toContain(SECRET);
      expect(reply.text, path).not.toContain('console.log');
    }
  });

  it('reads the files once at start: removing them later changes nothing', async () => {
    const copy = join(tmp, 'page-copy');
    mkdirSync(copy, { recursive: true });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(copy, name), text);
    const server = await start([], { assets: copy });
    rmSync(copy, { recursive: true });
    expect((await request(server, at(server, 'main.js'))).text).toBe(FILES['main.js']);
  });

  it('takes GET only on page files (405 with Allow)', async () => {
    const server = await start();
    const reply = await request(server, at(server, 'main.js'), postJson('{}'));
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET');
    expect((await request(server, at(server, ''), { method: 'DELETE' })).status).toBe(405);
  });
});

describe('routes', () => {
  const echo: Route = { method: 'POST', path: '/api/echo', handle: (req) => ({ json: { body: req.body, path: req.path } }) };
  const query: Route = { method: 'GET', path: '/api/query', handle: (req) => ({ json: { frame: req.query.get('frame'), all: [...req.query.keys()] } }) };
  const png: Route = { method: 'GET', path: '/api/frame.png', handle: async () => ({ body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), type: 'image/png' }) };

  it('answers JSON and bytes with their types, and gives the handler the query', async () => {
    const server = await start([echo, query, png]);
    const q = await request(server, at(server, 'api/query?frame=12&x=a%20b'));
    expect(q.status).toBe(200);
    expect(q.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json(q)).toEqual({ frame: '12', all: ['frame', 'x'] });
    expectSecurityHeaders(q);
    const image = await request(server, at(server, 'api/frame.png'));
    expect(image.headers['content-type']).toBe('image/png');
    expect([...image.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expectSecurityHeaders(image);
    const posted = await request(server, at(server, 'api/echo'), postJson('{"a":[1,2]}', 'application/json; charset=utf-8'));
    expect(json(posted)).toEqual({ body: { a: [1, 2] }, path: '/api/echo' });
  });

  it('404 for an unknown path, 405 with Allow for a known path and another method', async () => {
    const server = await start([echo, query]);
    const unknown = await request(server, at(server, 'api/nope'));
    expect(unknown.status).toBe(404);
    expectSecurityHeaders(unknown);
    expect((await request(server, at(server, 'api/echo/'))).status).toBe(404);
    expect((await request(server, at(server, 'API/echo'))).status).toBe(404);
    const wrong = await request(server, at(server, 'api/echo'));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect((await request(server, at(server, 'api/query'), postJson('{}'))).headers.allow).toBe('GET');
  });

  it('ignores the body of a GET', async () => {
    const server = await start([query]);
    // (node:http frames a GET body only with an explicit Content-Length.)
    const body = 'x'.repeat(100_000);
    const reply = await request(server, at(server, 'api/query?frame=1'), { headers: { 'Content-Type': 'text/plain', 'Content-Length': body.length }, body });
    expect(reply.status).toBe(200);
    const chunks = [Buffer.from('x'.repeat(1000)), Buffer.from('y')];
    expect((await request(server, at(server, 'api/query?frame=1'), { headers: { 'Transfer-Encoding': 'chunked' }, chunks })).status).toBe(200);
  });

  it('refuses a POST body that is not JSON: 415 for the type, 400 for the text', async () => {
    const server = await start([echo]);
    expect((await request(server, at(server, 'api/echo'), postJson('{}', 'text/plain'))).status).toBe(415);
    expect((await request(server, at(server, 'api/echo'), postJson('{}', 'application/x-www-form-urlencoded'))).status).toBe(415);
    expect((await request(server, at(server, 'api/echo'), { method: 'POST', body: '{}' })).status).toBe(415);
    for (const body of ['{', '', 'undefined', '{"a":1}}']) {
      const reply = await request(server, at(server, 'api/echo'), postJson(body));
      expect(reply.status, body).toBe(400);
      expect((json(reply) as { error: string }).error).toContain('not valid JSON');
    }
    const latin1 = await request(server, at(server, 'api/echo'), postJson(Buffer.from([0x22, 0xff, 0x22]) as unknown as string));
    expect(latin1.status).toBe(400);
  });

  it('413 for a body over maxBodyBytes, by Content-Length or counted while chunked', async () => {
    const server = await start([echo], { maxBodyBytes: 1024 });
    const fits = JSON.stringify('x'.repeat(1000));
    expect((await request(server, at(server, 'api/echo'), postJson(fits))).status).toBe(200);
    const declared = await request(server, at(server, 'api/echo'), postJson(JSON.stringify('x'.repeat(2000))));
    expect(declared.status).toBe(413);
    expectSecurityHeaders(declared);
    const chunks = Array.from({ length: 64 }, () => Buffer.from('x'.repeat(256)));
    chunks.unshift(Buffer.from('"'));
    const chunked = await request(server, at(server, 'api/echo'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, chunks });
    expect(chunked.status).toBe(413);
    expect(chunked.headers.connection).toBe('close');
    // The server still serves.
    expect((await request(server, at(server, 'api/echo'), postJson('1'))).status).toBe(200);
  });

  it('cuts off a client that keeps sending a refused body', async () => {
    const server = await start([echo], { maxBodyBytes: 1024 });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((done) => socket.once('connect', done));
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.write(`POST ${at(server, 'api/echo')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const started = Date.now();
    const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
    let open = true;
    void closed.then(() => (open = false));
    while (open && Date.now() - started < 10_000) {
      if (!socket.write(chunk)) await new Promise((done) => setTimeout(done, 5));
      await new Promise((done) => setImmediate(done));
    }
    expect(open).toBe(false);
    expect((await closed) - started).toBeLessThan(5_000);
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
  });

  it("gives a RequestError its status, a refused value 400 with its code, the server's own failure 500", async () => {
    const reported: unknown[] = [];
    const server = await start(
      [
        { method: 'GET', path: '/api/missing', handle: () => { throw new RequestError(404, 'no frame 12: the trace has 10'); } },
        { method: 'GET', path: '/api/bad', handle: async () => { throw new InvalidArgumentError('width must be positive'); } },
        { method: 'GET', path: '/api/fault', handle: async () => { throw new GpuosError('E_OUT_OF_BOUNDS', 'the kernel wrote past buffer 0'); } },
      ],
      { onError: (error) => reported.push(error) },
    );
    const missing = await request(server, at(server, 'api/missing'));
    expect(missing.status).toBe(404);
    expect(json(missing)).toEqual({ error: 'no frame 12: the trace has 10' });
    expectSecurityHeaders(missing);
    const bad = await request(server, at(server, 'api/bad'));
    expect(bad.status).toBe(400);
    expect(json(bad)).toEqual({ error: 'width must be positive', code: 'E_INVALID_ARGUMENT' });
    expect(reported).toEqual([]);
    // Not the request's fault: a 500 naming the failure, reported to the terminal.
    const fault = await request(server, at(server, 'api/fault'));
    expect(fault.status).toBe(500);
    expect(json(fault)).toEqual({ error: 'the kernel wrote past buffer 0', code: 'E_OUT_OF_BOUNDS' });
    expect(reported).toHaveLength(1);
  });

  it('close() waits for the handler that is running before it resolves', async () => {
    let finished = false;
    const server = await start([
      {
        method: 'GET',
        path: '/api/slow',
        handle: async () => {
          await new Promise((done) => setTimeout(done, 200));
          finished = true;
          return { json: {} };
        },
      },
    ]);
    const pending = request(server, at(server, 'api/slow')).catch(() => undefined);
    await new Promise((done) => setTimeout(done, 50));
    await server.close();
    expect(finished).toBe(true);
    await pending;
  });

  it('answers 500 for a handler that throws, reports it, and keeps serving', async () => {
    const reported: unknown[] = [];
    const failure = new Error('kaboom at /secret/path');
    const server = await start(
      [
        { method: 'GET', path: '/api/throw', handle: () => { throw failure; } },
        { method: 'GET', path: '/api/bogus', handle: () => ({ nothing: true }) as never },
        query,
      ],
      { onError: (error) => reported.push(error) },
    );
    const reply = await request(server, at(server, 'api/throw'));
    expect(reply.status).toBe(500);
    expect(reply.text).not.toContain('kaboom');
    expectSecurityHeaders(reply);
    expect(reported).toEqual([failure]);
    expect((await request(server, at(server, 'api/bogus'))).status).toBe(500);
    expect(reported).toHaveLength(2);
    expect((await request(server, at(server, 'api/query?frame=3'))).status).toBe(200);
  });

  it('runs handlers one at a time, in order', async () => {
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const slow: Route = {
      method: 'POST',
      path: '/api/slow',
      handle: async (req) => {
        active++;
        most = Math.max(most, active);
        await new Promise((done) => setTimeout(done, 30));
        order.push(req.body as number);
        active--;
        return { json: req.body };
      },
    };
    const server = await start([slow]);
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => request(server, at(server, 'api/slow'), postJson(String(n)))));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(most).toBe(1);
    expect(order.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers 503 when too many requests wait', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    let started = 0;
    const block: Route = {
      method: 'GET',
      path: '/api/block',
      handle: async () => {
        started++;
        await gate;
        return { json: started };
      },
    };
    const server = await start([block], { maxQueue: 2 });
    const first = request(server, at(server, 'api/block'));
    while (started === 0) await new Promise((done) => setTimeout(done, 5));
    const waiting = [request(server, at(server, 'api/block')), request(server, at(server, 'api/block'))];
    await new Promise((done) => setTimeout(done, 100));
    const refused = await request(server, at(server, 'api/block'));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    release();
    expect((await Promise.all([first, ...waiting])).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('limits and malformed requests', () => {
  it('414 for a long URL', async () => {
    const server = await start();
    const reply = await request(server, at(server, `?${'q'.repeat(3000)}`));
    expect(reply.status).toBe(414);
    expectSecurityHeaders(reply);
    // Even without the token: length is checked first.
    expect((await request(server, `/${'a'.repeat(3000)}`)).status).toBe(414);
  });

  it('431 for headers over the limit, 400 for garbage; the server keeps serving', async () => {
    const server = await start();
    const big = await request(server, at(server, ''), { headers: { 'X-Big': 'b'.repeat(20_000) } });
    expect(big.status).toBe(431);
    expectSecurityHeaders(big);
    const answer = await rawExchange(server.port, 'GARBAGE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('X-Frame-Options: DENY');
    expect((await request(server, at(server, ''))).status).toBe(200);
  });

  it('drops connections over maxConnections', async () => {
    const server = await start([], { maxConnections: 2 });
    const open: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((done) => socket.once('connect', done));
      open.push(socket);
    }
    await new Promise((done) => setTimeout(done, 50));
    const third = connect(server.port, '127.0.0.1');
    third.on('error', () => {});
    const closedSoon = await new Promise<boolean>((done) => {
      third.once('close', () => done(true));
      setTimeout(() => done(false), 2_000);
    });
    expect(closedSoon).toBe(true);
    for (const socket of open) socket.destroy();
    await new Promise((done) => setTimeout(done, 50));
    expect((await request(server, at(server, ''))).status).toBe(200);
  });

  it('close() ends idle and active connections and resolves', async () => {
    const server = await startServer({ page: 'test', assets });
    const idle = connect(server.port, '127.0.0.1');
    idle.on('error', () => {});
    await new Promise((done) => idle.once('connect', done));
    // Half a request: the connection is active, waiting for the rest of the headers.
    idle.write(`GET ${at(server, '')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    const keepAlive = connect(server.port, '127.0.0.1');
    keepAlive.on('error', () => {});
    await new Promise((done) => keepAlive.once('connect', done));
    keepAlive.write(`GET ${at(server, '')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    await new Promise((done) => keepAlive.once('data', done));
    const bothClosed = Promise.all([idle, keepAlive].map((socket) => new Promise((done) => socket.once('close', done))));
    const began = Date.now();
    await server.close();
    await server.close();
    expect(Date.now() - began).toBeLessThan(1_000);
    await bothClosed;
    const refused = await request(server, at(server, '')).catch((e: NodeJS.ErrnoException) => e.code);
    expect(refused).toBe('ECONNREFUSED');
  });
});

/** Sends raw bytes on a new connection and returns everything received until it closes. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
    socket.on('connect', () => socket.write(text));
  });
}

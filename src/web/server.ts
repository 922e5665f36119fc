/**
 * The local HTTP server behind `gpuos play` and `gpuos view`: one bundled page and the JSON/PNG
 * routes its code calls, for a browser on the same machine. It is a security boundary (any web
 * page the user has open can send requests to 127.0.0.1, and any local user can connect), so:
 *
 *   - it listens on 127.0.0.1 only, on a port the OS picks;
 *   - every URL starts with a per-run token of 256 random bits (`/<token>/`), which only the URL
 *     gpuos prints knows: another page cannot guess it, so it cannot read or drive the session;
 *   - the Host header must name 127.0.0.1 or localhost with our port (DNS rebinding: a hostile
 *     name resolved to 127.0.0.1 makes the browser send its own name);
 *   - the page's files are read once at start into an allow-list of four exact names; no part of
 *     a URL ever reaches the file system, so there is nothing to traverse;
 *   - sizes and times are bounded (URL, headers, bodies, waiting handlers, connections), and no
 *     request, however malformed, stops the server;
 *   - handlers run one at a time: they drive one stateful OS session.
 *
 * Pages use relative URLs ('api/summary'), so the token travels with them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';

import { GpuosError, InvalidArgumentError } from '../errors.js';
import { PLAIN_NAME, readBoundedFile } from '../files.js';
import { packageRoot } from '../kernel/package_root.js';
import { RequestError } from './http_errors.js';

export { RequestError } from './http_errors.js';

export type Method = 'GET' | 'POST';

/** What a route handler is given. */
export interface ApiRequest {
  method: Method;
  /** The path after the token, with its leading slash: '/api/summary'. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body of a POST; undefined for a GET. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** What a route handler answers: JSON, or bytes of a content type ('image/png'). Status 200. */
export type ApiResponse = { json: unknown } | { body: Uint8Array | string; type: string };

export interface Route {
  method: Method;
  /** The exact path after the token: '/api/summary' (letters, digits and - . _ ~ / only). */
  path: string;
  handle(req: ApiRequest): Promise<ApiResponse> | ApiResponse;
}

export interface ServerOptions {
  /** The page served at `/<token>/`: dist/web/<page>/ (web/<page>/ bundled by `npm run build`). */
  page: string;
  routes?: readonly Route[];
  /** The directory holding index.html, main.js and optionally style.css and main.js.map. */
  assets?: string;
  /** The largest POST body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** How many requests may wait for the running handler before more get 503 (default 32). */
  maxQueue?: number;
  /** Open connections at once; more are dropped by the OS-level accept (default 32). */
  maxConnections?: number;
  /** Where a handler's unexpected failure is reported (default console.error). */
  onError?: (error: unknown) => void;
  /** Called once by close(), after the last handler finished: close what the handlers use. */
  onClose?: () => void;
}

export interface WebServer {
  /** http://127.0.0.1:<port>/<token>/ — the page, and the base of every relative URL in it. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Closes every connection, idle or not; resolves once the server is down. Idempotent. */
  close(): Promise<void>;
}

/** URLs longer than this get 414; the pages' URLs are short. */
export const MAX_URL_LENGTH = 2048;
/** Node's limit on the request line and headers together; more gets 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_MAX_QUEUE = 32;
const DEFAULT_MAX_CONNECTIONS = 32;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const MAX_ASSET_BYTES = 64 * 1024 * 1024;

/** Route paths: what a URL path may hold without percent-encoding, so raw and decoded agree. */
const ROUTE_PATH = /^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The token is in the URL: never send it to anyone in a Referer.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const JSON_TYPE = 'application/json; charset=utf-8';

interface Asset {
  file: string;
  type: string;
  required: boolean;
}

/** The only files ever served, by the URL path after the token ('' is the page itself). */
const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['', { file: 'index.html', type: 'text/html; charset=utf-8', required: true }],
  ['main.js', { file: 'main.js', type: 'text/javascript; charset=utf-8', required: true }],
  ['style.css', { file: 'style.css', type: 'text/css; charset=utf-8', required: false }],
  ['main.js.map', { file: 'main.js.map', type: JSON_TYPE, required: false }],
]);

interface LoadedAsset {
  type: string;
  body: Buffer;
}

/** Reads the page's files once, at start: requests never touch the file system. */
function loadAssets(page: string, dir: string): Map<string, LoadedAsset> {
  const loaded = new Map<string, LoadedAsset>();
  for (const [urlPath, asset] of ASSETS) {
    const path = join(dir, asset.file);
    if (!existsSync(path)) {
      if (!asset.required) continue;
      throw new GpuosError(
        'E_WEB_ASSETS',
        `${path} is missing: the ${page} page is not built. Run \`npm run build\` (it bundles web/${page}/ into dist/web/${page}/).`,
      );
    }
    loaded.set(urlPath, { type: asset.type, body: readBoundedFile(path, MAX_ASSET_BYTES, `web page file`) });
  }
  return loaded;
}

/** Routes by path, then by method; refuses paths that are malformed, repeated or a page file. */
function indexRoutes(routes: readonly Route[]): Map<string, Map<Method, Route>> {
  const byPath = new Map<string, Map<Method, Route>>();
  for (const route of routes) {
    if (route.method !== 'GET' && route.method !== 'POST') {
      throw new InvalidArgumentError(`route ${route.path} has method ${String(route.method)}; routes are GET or POST`);
    }
    if (!ROUTE_PATH.test(route.path) || route.path.split('/').some((segment) => segment === '.' || segment === '..')) {
      throw new InvalidArgumentError(`route path ${JSON.stringify(route.path)} must start with / and hold only letters, digits, - . _ ~ and single slashes, like '/api/summary'`);
    }
    if (ASSETS.has(route.path.slice(1))) throw new InvalidArgumentError(`route path ${route.path} is a page file; choose another path`);
    const methods = byPath.get(route.path) ?? new Map<Method, Route>();
    if (methods.has(route.method)) throw new InvalidArgumentError(`two routes for ${route.method} ${route.path}; keep one`);
    methods.set(route.method, route);
    byPath.set(route.path, methods);
  }
  return byPath;
}

/**
 * Runs tasks one at a time in arrival order. At most `limit` wait behind the running one: a
 * client that floods the server gets 503s instead of a queue that grows without end.
 */
class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly limit: number) {}

  /** The task's result once it ran after every earlier one; undefined (never run) when full. */
  run<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.waiting >= this.limit) return undefined;
    this.waiting++;
    const result = this.tail.then(() => {
      this.waiting--;
      return task();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every task queued so far has run (closing waits for the running handler). */
  idle(): Promise<void> {
    return this.tail;
  }
}

/**
 * Errors a request caused (a value it sent that the API refuses): 400. Any other GpuosError (a
 * kernel fault, a file that cannot be written, a closed session) is the server's failure: 500,
 * with its code and message (a local tool: nothing to hide), and reported.
 */
function isClientMistake(error: GpuosError): boolean {
  return error.code === 'E_INVALID_ARGUMENT' || error.code === 'E_QUEUE_FULL';
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer, not ${value}`);
  return value;
}

/** Whether the request announced a body (which we may not have read). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': body.length, ...extra };
  if (hasBody(req) && !req.complete) {
    // A body we refused (too large, wrong type) or ignored: rather than read the rest for the
    // next request, close the connection. With `Connection: close` Node destroys the socket as
    // soon as this answer is flushed, so a client that sends without end is cut off.
    headers['Connection'] = 'close';
  }
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, extra?: Record<string, string>): void {
  send(req, res, status, JSON_TYPE, Buffer.from(JSON.stringify(value)), extra);
}

function sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string, extra?: Record<string, string>): void {
  sendJson(req, res, status, { error: message }, extra);
}

/**
 * The JSON body of a POST, bounded by `maxBytes`: Content-Length is checked before reading, and
 * bytes are counted as they come (a chunked body has no length), so at most maxBytes are kept.
 */
function readJsonBody(req: IncomingMessage, path: string, maxBytes: number): Promise<unknown> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    // Also why a cross-site form cannot post here: it cannot send this type without a preflight.
    return Promise.reject(new RequestError(415, `POST ${path} takes a JSON body: send it with Content-Type: application/json`));
  }
  const tooLarge = () => new RequestError(413, `the body of POST ${path} is over ${maxBytes} bytes; send less`);
  const declared = req.headers['content-length'];
  if (declared !== undefined && !(Number(declared) <= maxBytes)) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        reject(new RequestError(400, `the body of POST ${path} is not UTF-8 text; send JSON`));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new RequestError(400, `the body of POST ${path} is not valid JSON: ${(error as Error).message}`));
      }
    };
    // The client went away before the end: nobody is left to answer, but the promise must settle.
    const onClose = () => {
      stop();
      reject(new RequestError(400, `the body of POST ${path} was cut off`));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

/** A handler's answer as bytes; anything else is the handler's bug (500). */
function encodeResponse(response: ApiResponse): { type: string; body: Buffer } {
  if (typeof response === 'object' && response !== null) {
    if ('json' in response) return { type: JSON_TYPE, body: Buffer.from(JSON.stringify(response.json) ?? 'null') };
    if ('body' in response && typeof response.type === 'string' && (typeof response.body === 'string' || response.body instanceof Uint8Array)) {
      return { type: response.type, body: Buffer.from(response.body) };
    }
  }
  throw new TypeError('a route handler returned neither { json } nor { body, type }');
}

/** Starts the server for one page and its routes; see the top of this file for what it checks. */
export async function startServer(options: ServerOptions): Promise<WebServer> {
  if (!PLAIN_NAME.test(options.page)) throw new InvalidArgumentError(`page ${JSON.stringify(options.page)} is not a page name like 'view'`);
  const assets = loadAssets(options.page, options.assets ?? join(packageRoot(), 'dist', 'web', options.page));
  const routes = indexRoutes(options.routes ?? []);
  const maxBodyBytes = positiveInteger(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const queue = new SerialQueue(positiveInteger(options.maxQueue, DEFAULT_MAX_QUEUE, 'maxQueue'));
  const maxConnections = positiveInteger(options.maxConnections, DEFAULT_MAX_CONNECTIONS, 'maxConnections');
  const onError = options.onError ?? ((error: unknown) => console.error('gpuos: a web request failed:', error));
  const report = (error: unknown) => {
    try {
      onError(error);
    } catch {
      // A failing logger must not take the server down with it.
    }
  };

  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let allowedHosts = new Set<string>();

  /** Whether `segment` is the token, in time that does not depend on where they differ. */
  const isToken = (segment: string): boolean => {
    const bytes = Buffer.from(segment);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (url.length > MAX_URL_LENGTH) return sendError(req, res, 414, `the URL is ${url.length} characters; at most ${MAX_URL_LENGTH}`);
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      return sendError(req, res, 403, 'forbidden: the Host header must be 127.0.0.1 or localhost with this port; open the URL gpuos printed');
    }
    // The token is the first path segment. Compared raw: nothing in the URL is decoded before it.
    const found = url.slice(1).search(/[/?]/);
    const end = found < 0 ? url.length : found + 1;
    if (!url.startsWith('/') || !isToken(url.slice(1, end))) {
      return sendError(req, res, 403, 'forbidden: open the URL gpuos printed (it holds this run\u2019s token)');
    }
    if (url[end] !== '/') {
      // `/<token>` alone: the page needs the trailing slash for its relative URLs.
      return send(req, res, 308, 'text/plain; charset=utf-8', Buffer.from('moved'), { Location: `/${token}/` });
    }
    const rest = url.slice(end + 1);
    const queryAt = rest.indexOf('?');
    const subpath = queryAt < 0 ? rest : rest.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1));

    // Exact matches only, on the raw path: '..', '%2e%2e' and '%2f' match nothing.
    const asset = assets.get(subpath);
    if (asset) {
      if (req.method !== 'GET') return sendError(req, res, 405, `${req.method} is not allowed here; use GET`, { Allow: 'GET' });
      return send(req, res, 200, asset.type, asset.body);
    }
    const path = `/${subpath}`;
    const methods = routes.get(path);
    if (!methods) return sendError(req, res, 404, `nothing at ${path}`);
    const route = methods.get(req.method as Method);
    if (!route) {
      const allow = [...methods.keys()].join(', ');
      return sendError(req, res, 405, `${req.method} is not allowed on ${path}; use ${allow}`, { Allow: allow });
    }
    // The body is read before queueing: a slow client must not hold up the other requests.
    const body = route.method === 'POST' ? await readJsonBody(req, path, maxBodyBytes) : undefined;
    const request: ApiRequest = { method: route.method, path, query, body, headers: req.headers };
    const result = queue.run(async () => route.handle(request));
    if (!result) return sendError(req, res, 503, 'busy: too many requests are waiting; try again shortly', { 'Retry-After': '1' });
    const { type, body: bytes } = encodeResponse(await result);
    send(req, res, 200, type, bytes);
  }

  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // How often Node checks the two timeouts above (default 30 s, longer than they are).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      // Errors on a request or response whose client went away are nobody's to handle.
      req.on('error', () => {});
      res.on('error', () => {});
      dispatch(req, res).catch((error: unknown) => {
        if (error instanceof RequestError) return sendError(req, res, error.status, error.message);
        if (error instanceof GpuosError && isClientMistake(error)) return sendJson(req, res, 400, { error: error.message, code: error.code });
        report(error);
        if (error instanceof GpuosError) return sendJson(req, res, 500, { error: error.message, code: error.code });
        sendError(req, res, 500, 'internal error in gpuos; the details are in its output');
      });
    },
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = maxConnections;

  // A request Node could not parse (bad syntax, headers over MAX_HEADER_BYTES, a timeout): answer
  // with our headers when nothing was written on the connection yet, then close it.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code !== 'ECONNRESET' && socket.writable && socket.bytesWritten === 0) {
      const [status, reason] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request Timeout']
            : [400, 'Bad Request'];
      const body = JSON.stringify({ error: reason.toLowerCase() });
      const headers = Object.entries({ ...SECURITY_HEADERS, 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' });
      socket.write(`HTTP/1.1 ${status} ${reason}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`);
    }
    socket.destroy();
  });

  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, an error on the server (not on a connection) is reported, never thrown.
  server.on('error', report);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('gpuos: the web server has no TCP address');
  const port = address.port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      })
        .then(() => queue.idle()) // a handler still running finishes before what it uses is closed
        .then(() => options.onClose?.());
      return closing;
    },
  };
}

/** Raw HTTP requests to the local server, for the tests of test/web/. */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

import type { WebServer } from '../../src/web/server.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface Send {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Sent one after another without a Content-Length (chunked). */
  chunks?: Buffer[];
  setHost?: boolean;
}

/**
 * One request on its own connection; `path` is sent exactly as given (node:http does not
 * normalize it). Errors after the response arrived (the server closing on a body it refused)
 * are ignored: the answer is what counts.
 */
export function request(server: WebServer, path: string, send: Send = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: send.method ?? 'GET', headers: send.headers ?? {}, agent: false, setHost: send.setHost ?? true },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => {});
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (send.chunks) {
      void (async () => {
        for (const chunk of send.chunks!) {
          if (answered || req.destroyed) return;
          if (!req.write(chunk)) await new Promise((done) => req.once('drain', done).once('close', done));
        }
        req.end();
      })();
    } else {
      req.end(send.body);
    }
  });
}

/** A path under the server's token. */
export function at(server: WebServer, path: string): string {
  return `/${server.token}/${path}`;
}

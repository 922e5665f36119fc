/**
 * Calls to the page's own server (src/web/server.ts). URLs are relative ('api/summary'): the page
 * is served at http://127.0.0.1:<port>/<token>/, so they carry the token without the code knowing it.
 */

/** A request the server answered with an error status; `message` is the server's `error` text. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, message: string, code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function failure(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  let code: string | undefined;
  try {
    const body = (await response.json()) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string') message = body.error;
    if (typeof body.code === 'string') code = body.code;
  } catch {
    // Not JSON: the status line says enough.
  }
  return new ApiError(response.status, message, code);
}

/** GETs `path` (relative, e.g. 'api/summary') and returns its JSON; an ApiError if it failed. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** POSTs `body` as JSON to `path` and returns the JSON answer; an ApiError if it failed. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** GETs `path` as a Blob (frames: 'api/frame.png'); an ApiError if it failed. */
export async function getBlob(path: string): Promise<Blob> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return response.blob();
}

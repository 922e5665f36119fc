/**
 * The server behind `gpuos play`: the page (web/play/, bundled into dist/web/play/) and the routes
 * it drives the live OS with. It reads the scene it was started with and writes only the
 * recording path it was given.
 */
import { startServer, RequestError, type ApiRequest, type WebServer } from '../web/server.js';
import type { InputEvent } from '../os/input_events.js';
import { LiveOs, MAX_EVENTS_PER_STEP, type LiveOsOptions, type RecordingStatus } from './live_os.js';

/** What api/info answers: the scene, the framebuffer's size, the step's limit, the recording. */
export interface PlayInfo {
  scene: string;
  name: string;
  width: number;
  height: number;
  maxEventsPerStep: number;
  recording: RecordingStatus;
}

export interface PlayServer extends WebServer {
  os: LiveOs;
}

function objectBody(req: ApiRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new RequestError(400, 'the request body must be a JSON object');
  return req.body as Record<string, unknown>;
}

export async function startPlayServer(options: LiveOsOptions & { onError?: (error: unknown) => void }): Promise<PlayServer> {
  const os = await LiveOs.open(options);
  let server: WebServer;
  try {
    server = await startServer({
      page: 'play',
      ...(options.onError ? { onError: options.onError } : {}),
      onClose: () => os.close(),
      routes: [
        { method: 'GET', path: '/api/info', handle: () => ({ json: { scene: options.scene, name: os.sceneName, width: os.width, height: os.height, maxEventsPerStep: MAX_EVENTS_PER_STEP, recording: os.status() } satisfies PlayInfo }) },
        {
          method: 'POST',
          path: '/api/step',
          handle: async (req) => {
            const body = objectBody(req);
            if (!Array.isArray(body['events'])) throw new RequestError(400, 'events must be an array of input events (docs/SCENES.md: pointerMove, pointerDown, pointerUp, wheel, keyDown, keyUp, text)');
            if (typeof body['elapsedUs'] !== 'number') throw new RequestError(400, 'elapsedUs must be a number: the microseconds since the last step');
            return { json: await os.step(body['events'] as InputEvent[], body['elapsedUs']) };
          },
        },
        { method: 'GET', path: '/api/framebuffer', handle: () => ({ body: os.framebuffer(), type: 'application/octet-stream' }) },
        { method: 'POST', path: '/api/record', handle: async () => ({ json: await os.record() }) },
        { method: 'POST', path: '/api/stop', handle: () => ({ json: os.stop() }) },
        {
          method: 'POST',
          path: '/api/golden',
          handle: (req) => {
            const name = objectBody(req)['name'];
            if (typeof name !== 'string') throw new RequestError(400, 'name must be a string: the golden image will be golden/<trace>/<name>.png');
            return { json: os.markGolden(name) };
          },
        },
      ],
    });
  } catch (error) {
    os.close();
    throw error;
  }
  return { ...server, os };
}

/**
 * The server behind `gpuos view`: the page (web/view/, bundled into dist/web/view/) and the routes
 * it calls, each answered from one TraceViewer. It reads the trace and its goldens only.
 */
import { InvalidArgumentError } from '../errors.js';
import { startServer, RequestError, type WebServer } from '../web/server.js';
import { choiceParam, integerParam, stringParam } from '../web/query.js';
import { TraceViewer, type TraceSummary, type ViewerOptions } from './trace_viewer.js';

export interface ViewServerOptions extends ViewerOptions {
  /** The frame the page opens at (default the first divergence is not searched first: frame 0). */
  frame?: number;
  /** A golden mark the page opens compared. */
  golden?: string;
  onError?: (error: unknown) => void;
}

/** What api/summary answers: the trace, and where the page opens. */
export interface ViewSummary extends TraceSummary {
  /** The frame to show first (gpuos view --frame). */
  initialFrame: number;
  /** The golden to open first (gpuos view --golden). */
  initialGolden: string | null;
}

export interface ViewServer extends WebServer {
  viewer: TraceViewer;
}

export async function startViewServer(trace: string, options: ViewServerOptions = {}): Promise<ViewServer> {
  const viewer = await TraceViewer.open(trace, options);
  const summary = viewer.summary();
  const initialFrame = options.frame ?? 0;
  try {
    if (!Number.isInteger(initialFrame) || initialFrame < 0 || initialFrame >= summary.frames) throw new InvalidArgumentError(`the frame to open at must be from 0 to ${summary.frames - 1} (the trace has ${summary.frames} frames), got ${initialFrame}`);
    if (options.golden !== undefined && !summary.goldens.some((g) => g.name === options.golden)) throw new InvalidArgumentError(`the trace has no golden '${options.golden}' (it has ${summary.goldens.map((g) => g.name).join(', ') || 'none'})`);
  } catch (error) {
    viewer.close();
    throw error;
  }
  const lastFrame = summary.frames - 1;
  const goldenName = (query: URLSearchParams): string => {
    const name = stringParam(query, 'name', 64);
    if (!summary.goldens.some((g) => g.name === name)) throw new RequestError(404, `the trace has no golden ${JSON.stringify(name)}`);
    return name;
  };
  let server: WebServer;
  try {
    server = await startServer({
      page: 'view',
      ...(options.onError ? { onError: options.onError } : {}),
      onClose: () => viewer.close(),
      routes: [
        { method: 'GET', path: '/api/summary', handle: () => ({ json: { ...summary, initialFrame, initialGolden: options.golden ?? null } satisfies ViewSummary }) },
        { method: 'GET', path: '/api/frame', handle: async (req) => ({ json: await viewer.frame(integerParam(req.query, 'n', 0, lastFrame)) }) },
        {
          method: 'GET',
          path: '/api/frame.png',
          handle: async (req) => {
            await viewer.frame(integerParam(req.query, 'n', 0, lastFrame));
            return { body: viewer.png(choiceParam(req.query, 'which', ['actual', 'expected', 'diff'] as const, 'actual')), type: 'image/png' };
          },
        },
        // A step of the scan for the first divergence: the page asks again until done.
        { method: 'GET', path: '/api/divergence', handle: async () => ({ json: await viewer.scanDivergence() }) },
        { method: 'GET', path: '/api/golden', handle: async (req) => ({ json: (await viewer.golden(goldenName(req.query))).view }) },
        {
          method: 'GET',
          path: '/api/golden.png',
          handle: async (req) => {
            const which = choiceParam(req.query, 'which', ['expected', 'actual', 'diff'] as const);
            const image = (await viewer.golden(goldenName(req.query))).images[which];
            if (!image) throw new RequestError(404, `golden ${req.query.get('name')} has no ${which} image (${which === 'diff' ? 'it matches' : 'the golden file is missing or unreadable'})`);
            return { body: image, type: 'image/png' };
          },
        },
      ],
    });
  } catch (error) {
    viewer.close();
    throw error;
  }
  return { ...server, viewer };
}

/**
 * gpuos play: the live OS. Each animation frame of the page, the input gathered since the last is
 * sent with the time that passed, the server runs one OS frame, and the framebuffer comes back when
 * it changed. One step at a time: the page runs as fast as the emulator does, and says how fast.
 */
import { getJson, postJson } from '../shared/api.js';
import { byId, formatNs, h, replace, showError } from '../shared/dom.js';
import { InputQueue, isShortcut } from './input.js';
// The server's own types (erased when bundled): the page and the server agree on every field.
import type { RecordingStatus, StepResult } from '../../src/play/live_os.js';
import type { PlayInfo as Info } from '../../src/play/play_server.js';

const status = byId('status');
const canvas = byId<HTMLCanvasElement>('screen');
let info: Info;
let input: InputQueue;
let lastStep = 0;
let stepping = false;
let stopped = false;
/** Completion times of recent frames (the rate shown is over the last second). */
const recent: number[] = [];
/** Recording actions wait for the step in flight (one request at a time keeps frames in order). */
const actions: (() => Promise<void>)[] = [];

async function boot(): Promise<void> {
  info = await getJson<Info>('api/info');
  byId('scene-name').textContent = `${info.name} (${info.scene}, ${info.width}x${info.height})`;
  canvas.width = info.width;
  canvas.height = info.height;
  const scale = info.width <= 480 ? 2 : 1;
  canvas.style.width = `${info.width * scale}px`;
  canvas.style.height = `${info.height * scale}px`;
  input = new InputQueue(canvas, info.width, info.height, shortcut);
  window.addEventListener('keydown', (e) => {
    if (e.target === canvas || !isShortcut(e.key)) return;
    e.preventDefault();
    if (!e.repeat) shortcut(e.key);
  });
  byId('record').addEventListener('click', () => queue(record));
  byId('stop').addEventListener('click', () => queue(stop));
  byId('mark-golden').addEventListener('click', () => queue(markGolden));
  showRecording(info.recording);
  requestAnimationFrame(loop);
}

/** F8 toggles recording (decided when it runs, after the actions before it), F9 marks a golden. */
function shortcut(key: string): void {
  if (key === 'F8') queue(() => (info.recording.active ? stop() : record()));
  else if (key === 'F9') queue(markGolden);
}

/** Actions run in the order asked, between steps. */
function queue(next: () => Promise<void>): void {
  actions.push(next);
}

async function record(): Promise<void> {
  showRecording(await postJson<RecordingStatus>('api/record', {}));
  lastStep = 0; // the OS restarted from the scene
}

async function stop(): Promise<void> {
  showRecording(await postJson<RecordingStatus>('api/stop', {}));
}

async function markGolden(): Promise<void> {
  const field = byId<HTMLInputElement>('golden-name');
  const recording = await postJson<RecordingStatus>('api/golden', { name: field.value });
  showRecording(recording);
  // The next default name: golden-1 -> golden-2.
  field.value = field.value.replace(/(\d+)$/, (n) => String(Number(n) + 1));
}

function showRecording(recording: RecordingStatus): void {
  info.recording = recording;
  const line = byId('recording-status');
  line.classList.toggle('active', recording.active);
  line.dataset['active'] = String(recording.active);
  line.dataset['frames'] = String(recording.frames);
  line.textContent = !recording.available
    ? 'not available: start gpuos play with --record <file.gtrace>'
    : recording.active
      ? `● recording into ${recording.path}: ${recording.frames} frames${recording.goldens.length ? `, goldens ${recording.goldens.join(', ')}` : ''}`
      : `stopped${recording.last ? `: ${recording.last.path} holds ${recording.last.frames} frames, ${recording.last.events} events${recording.last.goldens.length ? `, goldens ${recording.last.goldens.join(', ')}` : ''}` : ''}`;
  if (recording.last && !recording.active) line.dataset['written'] = recording.last.path;
  byId<HTMLButtonElement>('record').disabled = !recording.available || recording.active;
  byId<HTMLButtonElement>('stop').disabled = !recording.active;
  byId<HTMLButtonElement>('mark-golden').disabled = !recording.active;
  byId('recording-note').textContent = recording.available ? 'Record restarts the OS from the scene: a trace replays from the scene. Replay it with gpuos replay; the first replay writes the golden images.' : '';
}

async function step(now: number): Promise<void> {
  for (let next = actions.shift(); next; next = actions.shift()) await next();
  const elapsedUs = lastStep === 0 ? 0 : Math.round((now - lastStep) * 1000);
  lastStep = now;
  const result = await postJson<StepResult>('api/step', { events: input.take(info.maxEventsPerStep), elapsedUs });
  if (result.changed) {
    const response = await fetch('api/framebuffer', { cache: 'no-store' });
    if (!response.ok) throw new Error(`the framebuffer could not be read: ${response.status}`);
    const pixels = new Uint8ClampedArray(await response.arrayBuffer());
    canvas.getContext('2d')!.putImageData(new ImageData(pixels, info.width, info.height), 0, 0);
  }
  show(result, performance.now());
}

function show(result: StepResult, now: number): void {
  recent.push(now);
  while (recent.length > 0 && recent[0]! < now - 1000) recent.shift();
  // The page asks for at most one frame per display refresh; the kernel time says what the emulator alone could do.
  byId('rate').textContent = `${recent.length} frames/s reached (one per display refresh at most) · frame ${result.frame} · kernel ${formatNs(result.kernelNs)} (${Math.floor(1e9 / Math.max(1, result.kernelNs))} frames/s alone) · ${result.tilesRendered} tiles drawn`;
  const total = Math.max(1, result.phases.reduce((sum, p) => sum + p.ns, 0));
  replace(byId('phases'), ...result.phases.map((p) => h('tr', {}, h('td', {}, p.phase), h('td', { class: 'num' }, formatNs(p.ns)), h('td', {}, h('span', { class: 'bar', style: { width: `${Math.round((p.ns / total) * 140)}px` } })))));
  const state = result.state;
  replace(byId('frame-state'), ...(['frameNumber', 'focused', 'hovered', 'pressed', 'cursor', 'eventsProcessed', 'tilesRendered'] as const).map((key) => h('tr', {}, h('td', {}, key), h('td', { class: 'num' }, JSON.stringify(state[key]) ?? ''))));
  if (result.recording.frames !== info.recording.frames || result.recording.active !== info.recording.active) showRecording(result.recording);
  status.textContent = `running · ${(result.timeUs / 1e6).toFixed(2)} s of OS time`;
  status.classList.remove('error');
  if (input.dropped > 0) {
    status.textContent += ` · ${input.dropped} input events dropped: more were waiting than the OS takes (${info.maxEventsPerStep} a frame)`;
    status.classList.add('error');
  }
  document.body.dataset['frame'] = String(result.frame);
  document.body.dataset['state'] = 'ready';
}

function loop(now: number): void {
  if (!stepping && !stopped) {
    stepping = true;
    step(now)
      .catch((error: unknown) => {
        // A refused action (a bad golden name) is shown; the OS keeps running.
        showError(status, error);
      })
      .finally(() => {
        stepping = false;
      });
  }
  requestAnimationFrame(loop);
}

boot().catch((error: unknown) => {
  stopped = true;
  showError(status, error);
  document.body.dataset['state'] = 'error';
});

/**
 * Plays a scenario (scenario.ts) through a real session while a TraceRecorder writes the trace.
 * Every input step pushes its events and runs one frame; moves and drags with a duration run one
 * frame per step of the way. Targets are resolved on the layout the user would see at that moment.
 */
import { GpuosError } from '../errors.js';
import type { InputEvent } from '../os/input_events.js';
import { openSession, type Backend, type OsSession } from '../os/session.js';
import { DEFAULT_FRAME_US, durationFrames, rawEventOf, ScenarioError, TEXT_PER_FRAME, waitFrames, type LoadedScenario, type Step, type Target } from './scenario.js';
import { TraceRecorder, type RecordingSummary } from './trace_recorder.js';

export interface RecordScenarioOptions {
  backend?: Backend;
  /** Called after each frame with the number recorded so far. */
  onFrame?: (frames: number) => void;
}


type Point = { x: number; y: number };

class ScenarioPlayer {
  private cursor: Point = { x: 0, y: 0 };
  private frames = 0;

  constructor(
    private readonly session: OsSession,
    private readonly recorder: TraceRecorder,
    private readonly scenario: LoadedScenario,
    private readonly onFrame: ((frames: number) => void) | undefined,
  ) {}

  private get frameUs(): number {
    return this.scenario.frameUs ?? DEFAULT_FRAME_US;
  }

  async frame(events: InputEvent[] = [], fullRedraw = false, deltaUs = this.frameUs): Promise<void> {
    if (events.length > 0) this.session.pushEvents(events);
    await this.session.step({ deltaUs, fullRedraw });
    this.frames++;
    this.onFrame?.(this.frames);
  }

  point(target: Target, where: string): Point {
    const { width, height } = this.session;
    if (Array.isArray(target)) {
      const [x, y] = target;
      if (x > width || y > height) throw new ScenarioError(where, `(${x}, ${y}) is off the ${width}x${height} framebuffer`, this.scenario.source);
      return { x, y };
    }
    const id = typeof target === 'string' ? target : target.widget;
    let widget;
    try {
      widget = this.session.widget(id);
    } catch (error) {
      throw new ScenarioError(where, (error as Error).message, this.scenario.source);
    }
    const [x0, y0, x1, y1] = widget.layout.clip;
    if (!widget.layout.visible || x1 <= x0 || y1 <= y0) throw new ScenarioError(where, `widget '${id}' is not visible at this point of the scenario`, this.scenario.source);
    if (typeof target === 'string') return { x: Math.floor((x0 + x1) / 2) + 0.5, y: Math.floor((y0 + y1) / 2) + 0.5 };
    // A fraction of the widget's box, kept inside its visible part.
    const { x, y, width: w, height: h } = widget.layout;
    const px = Math.min(Math.max(x + (target.x ?? 0.5) * w, x0), x1 - 0.5);
    const py = Math.min(Math.max(y + (target.y ?? 0.5) * h, y0), y1 - 0.5);
    return { x: Math.floor(px) + 0.5, y: Math.floor(py) + 0.5 };
  }

  async moveTo(to: Point, ms: number | undefined): Promise<void> {
    const from = this.cursor;
    const steps = ms === undefined ? 1 : durationFrames(ms, this.frameUs);
    for (let k = 1; k <= steps; k++) {
      const t = k / steps;
      const p = { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t };
      await this.frame([{ type: 'pointerMove', x: p.x, y: p.y }]);
    }
    this.cursor = to;
  }

  async play(step: Step, where: string): Promise<void> {
    if ('wait' in step) {
      for (let i = 0, count = waitFrames(step.wait, this.frameUs); i < count; i++) await this.frame();
    } else if ('move' in step) {
      const spec = typeof step.move === 'object' && step.move !== null && !Array.isArray(step.move) && 'to' in step.move ? step.move : { to: step.move as Target };
      await this.moveTo(this.point(spec.to, `${where}.move`), 'ms' in spec ? spec.ms : undefined);
    } else if ('click' in step) {
      const p = this.point(step.click, `${where}.click`);
      this.cursor = p;
      await this.frame([{ type: 'pointerMove', ...p }, { type: 'pointerDown', ...p }, { type: 'pointerUp', ...p }]);
    } else if ('press' in step) {
      const p = this.point(step.press, `${where}.press`);
      this.cursor = p;
      await this.frame([{ type: 'pointerMove', ...p }, { type: 'pointerDown', ...p }]);
    } else if ('release' in step) {
      const p = this.point(step.release, `${where}.release`);
      this.cursor = p;
      await this.frame([{ type: 'pointerMove', ...p }, { type: 'pointerUp', ...p }]);
    } else if ('drag' in step) {
      const from = this.point(step.drag.from, `${where}.drag.from`);
      this.cursor = from;
      await this.frame([{ type: 'pointerMove', ...from }, { type: 'pointerDown', ...from }]);
      // The target is resolved once the press has happened (the layout it refers to is the same).
      await this.moveTo(this.point(step.drag.to, `${where}.drag.to`), step.drag.ms ?? 0);
      await this.frame([{ type: 'pointerUp', ...this.cursor }]);
    } else if ('type' in step) {
      for (let i = 0; i < step.type.length; i += TEXT_PER_FRAME) await this.frame([{ type: 'text', text: step.type.slice(i, i + TEXT_PER_FRAME) }]);
    } else if ('key' in step) {
      const spec = typeof step.key === 'string' ? { key: step.key } : step.key;
      const modifiers = spec.modifiers ?? [];
      for (let i = 0; i < (spec.repeat ?? 1); i++) {
        await this.frame([
          { type: 'keyDown', key: spec.key, modifiers },
          { type: 'keyUp', key: spec.key, modifiers },
        ]);
      }
    } else if ('scroll' in step) {
      const p = this.point(step.scroll.at, `${where}.scroll.at`);
      this.cursor = p;
      await this.frame([{ type: 'pointerMove', ...p }, { type: 'wheel', dy: step.scroll.dy, dx: step.scroll.dx ?? 0 }]);
    } else if ('golden' in step) {
      this.recorder.markGolden(step.golden);
    } else if ('redraw' in step) {
      await this.frame([], true);
    } else if ('raw' in step) {
      this.session.pushRawEvents(step.raw.map(rawEventOf));
      await this.frame();
    } else if ('push' in step) {
      this.session.pushRawEvents(step.push.map(rawEventOf));
    } else if ('frame' in step) {
      if (step.frame.raw && step.frame.raw.length > 0) this.session.pushRawEvents(step.frame.raw.map(rawEventOf));
      await this.frame([], step.frame.redraw === true, step.frame.deltaUs);
    } else if ('counters' in step) {
      this.session.setQueueCounters(step.counters);
    }
  }
}

/** Records `scenario` into a trace at `outPath`. The first frame (the scene appearing) needs no step. */
export async function recordScenario(scenario: LoadedScenario, outPath: string, options: RecordScenarioOptions = {}): Promise<RecordingSummary> {
  const session = await openSession({
    scene: scenario.scene,
    width: scenario.width,
    height: scenario.height,
    seed: scenario.seed ?? 1,
    backend: options.backend ?? 'emulator',
  });
  const recorder = TraceRecorder.start(session, outPath, {
    name: scenario.name,
    ...(scenario.description === undefined ? {} : { description: scenario.description }),
    ...(scenario.checkpointInterval === undefined ? {} : { checkpointInterval: scenario.checkpointInterval }),
  });
  try {
    const player = new ScenarioPlayer(session, recorder, scenario, options.onFrame);
    await player.frame();
    for (const [i, step] of scenario.steps.entries()) {
      try {
        await player.play(step, `steps[${i}]`);
      } catch (error) {
        if (error instanceof ScenarioError || !(error instanceof GpuosError)) throw error;
        throw new ScenarioError(`steps[${i}]`, error.message, scenario.source);
      }
    }
    return recorder.stop();
  } catch (error) {
    recorder.abort();
    throw error;
  } finally {
    session.close();
  }
}

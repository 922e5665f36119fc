/**
 * The timeline: a range input over every frame, with a strip of marks above it (frames with
 * events, golden marks, checkpoints, the first divergence). Dragging asks for frames as fast as the
 * server answers them: one request in flight, the latest position wins.
 */
import { byId } from '../shared/dom.js';
import type { TraceSummary } from './types.js';

export class Timeline {
  private readonly range = byId<HTMLInputElement>('timeline');
  private readonly marks = byId<HTMLCanvasElement>('timeline-marks');
  private readonly number = byId<HTMLInputElement>('frame-number');
  private divergence: number | null = null;

  constructor(
    private readonly summary: TraceSummary,
    private readonly onChange: (frame: number) => void,
  ) {
    this.range.max = String(summary.frames - 1);
    this.number.max = String(summary.frames - 1);
    byId('frame-count').textContent = `of ${summary.frames}`;
    this.range.addEventListener('input', () => {
      this.number.value = this.range.value;
      this.onChange(Number(this.range.value));
    });
    this.number.addEventListener('change', () => this.go(Number(this.number.value)));
    byId('prev').addEventListener('click', () => this.go(this.value - 1));
    byId('next').addEventListener('click', () => this.go(this.value + 1));
    window.addEventListener('keydown', (event) => {
      if (event.target instanceof HTMLInputElement && event.target.type === 'number') return;
      if (event.key === 'ArrowLeft') this.go(this.value - 1);
      else if (event.key === 'ArrowRight') this.go(this.value + 1);
      else return;
      event.preventDefault();
    });
    window.addEventListener('resize', () => this.draw());
    this.draw();
  }

  get value(): number {
    return Number(this.range.value);
  }

  /** Moves to `frame` (clamped) and asks for it. */
  go(frame: number): void {
    const clamped = Math.max(0, Math.min(this.summary.frames - 1, Math.round(frame)));
    this.show(clamped);
    this.onChange(clamped);
  }

  /** Moves the controls to `frame` without asking for it. */
  show(frame: number): void {
    this.range.value = String(frame);
    this.number.value = String(frame);
  }

  setDivergence(frame: number | null): void {
    this.divergence = frame;
    this.draw();
  }

  private draw(): void {
    const canvas = this.marks;
    const width = canvas.clientWidth || 800;
    canvas.width = width;
    canvas.height = 18;
    const context = canvas.getContext('2d');
    if (!context) return;
    const frames = this.summary.frames;
    // The range input's thumb travels inside its padding: marks line up with its centre.
    const inset = 8;
    const x = (frame: number) => inset + (frames <= 1 ? 0 : (frame / (frames - 1)) * (width - 2 * inset));
    const tick = (frame: number, color: string, top: number, height: number) => {
      context.fillStyle = color;
      context.fillRect(Math.round(x(frame)) - 1, top, 2, height);
    };
    this.summary.eventsPerFrame.forEach((count, frame) => count > 0 && tick(frame, '#6b7280', 10, 8));
    for (const frame of this.summary.checkpoints) tick(frame, '#3b82f6', 0, 8);
    for (const golden of this.summary.goldens) tick(golden.frame, '#d4a017', 0, 18);
    if (this.divergence !== null) tick(this.divergence, '#dc2626', 0, 18);
  }
}

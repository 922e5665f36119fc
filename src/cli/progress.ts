/**
 * Progress for long runs: a bar redrawn in place on a terminal, or a plain line every 10% (and at
 * the end) when stderr is a file or a CI log, so logs stay readable.
 */
import type { Io } from './cli_support.js';

export class Progress {
  private lastDecile = -1;
  private lastDraw = 0;

  constructor(
    private readonly io: Io,
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'frames',
  ) {}

  /** Ends a bar cut short (the run failed partway), so the next line starts clean. */
  interrupt(): void {
    if (this.io.interactive && this.lastDraw !== 0) process.stderr.write('\n');
  }

  update(done: number): void {
    if (this.total <= 0) return;
    if (this.io.interactive) {
      const now = Date.now();
      if (done < this.total && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round((done / this.total) * width);
      process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${this.unit}`);
      if (done >= this.total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor((done / this.total) * 10);
    if (decile !== this.lastDecile && (decile > this.lastDecile || done >= this.total)) {
      this.lastDecile = decile;
      if (this.total >= 200 || done >= this.total) this.io.err(`${this.label}: ${done}/${this.total} ${this.unit}`);
    }
  }
}

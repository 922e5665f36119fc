import { GpuosError } from '../errors.js';

/** The input ring has no room for the events: step frames to let the kernel drain it. */
export class QueueFullError extends GpuosError {
  readonly free: number;
  readonly requested: number;

  constructor(free: number, requested: number, perFrame: number) {
    super(
      'E_QUEUE_FULL',
      `the input queue has room for ${free} event${free === 1 ? '' : 's'}, ${requested} were pushed; ` +
        `step() a frame (the kernel takes ${perFrame} a frame) or push fewer. Nothing was queued.`,
    );
    this.free = free;
    this.requested = requested;
  }
}

/** The session was closed, or a frame is still running on it. */
export class SessionStateError extends GpuosError {
  constructor(message: string) {
    super('E_SESSION_STATE', message);
  }
}

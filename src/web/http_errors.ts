/**
 * The error a route handler throws to answer with a client error (src/web/server.ts): the
 * request itself is wrong (an unknown frame, a missing parameter), so the status is 4xx and the
 * message, sent as `{ error: message }`, says what is wrong and what to send instead.
 */
import { InvalidArgumentError } from '../errors.js';

export class RequestError extends Error {
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    // A 5xx would say the server failed; a handler that failed just throws (the server sends 500).
    if (!Number.isInteger(status) || status < 400 || status > 499) {
      throw new InvalidArgumentError(`RequestError status must be an integer from 400 to 499, not ${status}: throw another error for a server failure (it becomes 500)`);
    }
    super(message, options);
    this.name = new.target.name;
    this.status = status;
  }
}

/**
 * describeEventStream: a stream as a person reads it in a counterexample, one line a frame:
 *
 *   frame 1 (+16667 us): idle
 *   frame 2 (+16667 us): pointerDown (12, 40); pointerUp (12, 40); text "ab"
 *   frame 3 (+0 us): pointerMove (3, 4) x40
 *
 * Frames are numbered from 1, as the session counts them once stepped. Runs of text events read
 * as one string, and runs of one event repeated as "x n", so a burst stays one readable line.
 */
import { describeEvent, EVENT_TYPES, type RawInputEvent } from '../os/input_events.js';

const isPrintableText = (e: RawInputEvent): boolean => e.type === EVENT_TYPES.text && e.code >= 0x20 && e.code <= 0x7e;

/** The events of one frame, with text runs joined and repeats counted. */
function describeEvents(events: readonly RawInputEvent[]): string {
  const items: string[] = [];
  for (let i = 0; i < events.length; ) {
    if (isPrintableText(events[i]!)) {
      let text = '';
      for (; i < events.length && isPrintableText(events[i]!); i++) text += String.fromCharCode(events[i]!.code);
      items.push(`text ${JSON.stringify(text)}`);
    } else {
      items.push(describeEvent(events[i]!));
      i++;
    }
  }
  const out: string[] = [];
  for (let i = 0; i < items.length; ) {
    let n = 1;
    while (i + n < items.length && items[i + n] === items[i]) n++;
    out.push(n > 1 ? `${items[i]!} x${n}` : items[i]!);
    i += n;
  }
  return out.join('; ');
}

export function describeEventStream(frames: readonly { deltaUs: number; events: readonly RawInputEvent[] }[]): string {
  return frames.map((frame, i) => `frame ${i + 1} (+${frame.deltaUs} us): ${frame.events.length === 0 ? 'idle' : describeEvents(frame.events)}`).join('\n');
}

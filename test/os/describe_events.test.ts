/** The one-line descriptions of events and host operations that inspect --events and the report print. */
import { describe, expect, it } from 'vitest';

import { describeOperation } from '../../src/os/host_operations.js';
import { describeEvent, encodeEvent, eventTypeName, EVENT_TYPES } from '../../src/os/input_events.js';

function described(event: object): string[] {
  return encodeEvent(event, 320, 240).map(describeEvent);
}

describe('event descriptions', () => {
  it('names every event type the kernel knows, and no other', () => {
    for (const [name, type] of Object.entries(EVENT_TYPES)) expect(eventTypeName(type)).toBe(name);
    expect(eventTypeName(0)).toBeUndefined();
    expect(eventTypeName(8)).toBeUndefined();
  });

  it('says what each event does, with key names and modifiers', () => {
    expect(described({ type: 'pointerDown', x: 10.5, y: 20, modifiers: ['shift', 'meta'] })).toEqual(['pointerDown (10.5, 20) +shift+meta']);
    expect(described({ type: 'pointerMove', x: 1, y: 2 })).toEqual(['pointerMove (1, 2)']);
    // Coordinates are float32 in the kernel: printed in the fewest digits that are the same float32.
    expect(described({ type: 'pointerMove', x: 210.7222222, y: 0.1 })).toEqual(['pointerMove (210.72223, 0.1)']);
    expect(described({ type: 'wheel', dy: -3 })).toEqual(['wheel dx 0 dy -3']);
    expect(described({ type: 'keyDown', key: 'Tab', modifiers: ['shift'] })).toEqual(['keyDown Tab +shift']);
    expect(described({ type: 'keyUp', key: 'a' })).toEqual(['keyUp "a"']);
    expect(described({ type: 'text', text: 'hi' })).toEqual(['text "h"', 'text "i"']);
  });

  it('describes raw events a trace may hold that no typed event makes', () => {
    expect(describeEvent({ type: 9, modifiers: 0, code: 4, x: 1, y: 2 })).toBe('type 9 (unknown: the kernel ignores it) code 4 (1, 2)');
    expect(describeEvent({ type: EVENT_TYPES.keyDown, modifiers: 0x31, code: 0x999, x: 0, y: 0 })).toBe('keyDown code 2457 +shift+0x30');
    expect(describeEvent({ type: EVENT_TYPES.pointerDown, modifiers: 0, code: 2, x: 0, y: 0 })).toBe('pointerDown (0, 0) button 2');
  });

  it('describes every kind of host operation', () => {
    expect(describeOperation({ kind: 'counters', head: 5 })).toEqual(['ring counters overwritten: head 5']);
    expect(describeOperation({ kind: 'counters', head: 1, tail: 2 })).toEqual(['ring counters overwritten: head 1 tail 2']);
    expect(describeOperation({ kind: 'write', offset: 64, bytes: new Uint8Array(3) })).toEqual(['3 bytes of device memory written at 64']);
    expect(describeOperation({ kind: 'events', events: [] })).toEqual([]);
  });
});

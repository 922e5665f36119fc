/**
 * The page's input, turned into the OS's input events (src/os/input_events.ts): pointer on the
 * picture in framebuffer pixels, wheel in pixels, named keys and printable characters. Queued until
 * the next step takes them; consecutive pointer moves coalesce into the last (the OS sees where
 * the pointer is, as a real input ring of a busy system would).
 */
export type OsEvent =
  | { type: 'pointerMove' | 'pointerDown' | 'pointerUp'; x: number; y: number; modifiers?: string[] }
  | { type: 'wheel'; dx: number; dy: number }
  | { type: 'keyDown' | 'keyUp'; key: string; modifiers?: string[] }
  | { type: 'text'; text: string };

/** The keys the OS knows by name (KEY_CODES in src/os/input_events.ts), by the browser's KeyboardEvent.key. */
const NAMED_KEYS: Record<string, string> = {
  Backspace: 'Backspace',
  Tab: 'Tab',
  Enter: 'Enter',
  Escape: 'Escape',
  ' ': 'Space',
  Delete: 'Delete',
  ArrowLeft: 'ArrowLeft',
  ArrowRight: 'ArrowRight',
  ArrowUp: 'ArrowUp',
  ArrowDown: 'ArrowDown',
  Home: 'Home',
  End: 'End',
};
const WHEEL_LINE_PX = 16;
/**
 * Events waiting for the next steps, at most: the OS takes GPUOS_EVENTS_PER_FRAME a frame, far more
 * than hands make; a flood beyond this (a stuck key repeating, a script) is counted and shown, not
 * kept without bound.
 */
const MAX_PENDING = 4096;
const MAX_WHEEL_PX = 10_000;

function modifiers(event: KeyboardEvent | PointerEvent): string[] {
  return [event.shiftKey && 'shift', event.ctrlKey && 'control', event.altKey && 'alt', event.metaKey && 'meta'].filter((m): m is string => typeof m === 'string');
}

/** The page's own keys: F8 records or stops, F9 marks a golden. */
export function isShortcut(key: string): boolean {
  return key === 'F8' || key === 'F9';
}

function isPrintable(key: string): boolean {
  return key.length === 1 && key.charCodeAt(0) >= 0x20 && key.charCodeAt(0) <= 0x7e;
}

export class InputQueue {
  private pending: OsEvent[] = [];
  /** Events refused because MAX_PENDING were waiting (the page shows the count). */
  dropped = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly width: number,
    private readonly height: number,
    /** Called when a key the page keeps for itself (F8, F9) is pressed; never sent to the OS. */
    private readonly shortcut: (key: string) => void,
  ) {
    canvas.addEventListener('pointermove', (e) => this.pointer('pointerMove', e));
    canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      canvas.focus();
      canvas.setPointerCapture(e.pointerId);
      this.pointer('pointerDown', e);
    });
    canvas.addEventListener('pointerup', (e) => e.button === 0 && this.pointer('pointerUp', e));
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const scale = e.deltaMode === 1 ? WHEEL_LINE_PX : e.deltaMode === 2 ? this.height : 1;
        const clamp = (v: number) => Math.max(-MAX_WHEEL_PX, Math.min(MAX_WHEEL_PX, Math.round(v * scale)));
        this.push({ type: 'wheel', dx: clamp(e.deltaX), dy: clamp(e.deltaY) });
      },
      { passive: false },
    );
    canvas.addEventListener('keydown', (e) => this.key('keyDown', e));
    canvas.addEventListener('keyup', (e) => this.key('keyUp', e));
  }

  private push(event: OsEvent): void {
    if (this.pending.length >= MAX_PENDING) this.dropped++;
    else this.pending.push(event);
  }

  /** The events gathered since the last call, at most `max` (the rest wait for the next step). */
  take(max: number): OsEvent[] {
    return this.pending.splice(0, max);
  }

  private position(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    // Pixel centres, inside the framebuffer (a drag may leave the picture).
    const x = Math.min(this.width - 1, Math.max(0, Math.floor(((e.clientX - rect.left) / rect.width) * this.width))) + 0.5;
    const y = Math.min(this.height - 1, Math.max(0, Math.floor(((e.clientY - rect.top) / rect.height) * this.height))) + 0.5;
    return { x, y };
  }

  private pointer(type: 'pointerMove' | 'pointerDown' | 'pointerUp', e: PointerEvent): void {
    const event = { type, ...this.position(e), modifiers: modifiers(e) };
    const last = this.pending[this.pending.length - 1];
    if (type === 'pointerMove' && last?.type === 'pointerMove') this.pending[this.pending.length - 1] = event;
    else this.push(event);
  }

  private key(type: 'keyDown' | 'keyUp', e: KeyboardEvent): void {
    if (isShortcut(e.key)) {
      // Acted on when pressed, once: not on release, not on auto-repeat.
      e.preventDefault();
      if (type === 'keyDown' && !e.repeat) this.shortcut(e.key);
      return;
    }
    const named = NAMED_KEYS[e.key];
    const printable = isPrintable(e.key) && !e.ctrlKey && !e.metaKey;
    if (!named && !printable) return; // Shift, Control, F-keys...: nothing the OS reads
    e.preventDefault(); // Tab, Space, arrows belong to the OS while it has the keyboard
    this.push({ type, key: named ?? e.key, modifiers: modifiers(e) });
    if (type === 'keyDown' && printable) this.push({ type: 'text', text: e.key });
  }
}

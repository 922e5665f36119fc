// Types for stroke_font.mjs (plain data), so TypeScript tests can import it.

export declare const METRICS: Readonly<{
  advance: number;
  stemLeft: number;
  stemRight: number;
  centre: number;
  baseline: number;
  xHeight: number;
  capHeight: number;
  ascender: number;
  descender: number;
}>;
/** Character -> strokes in the path language described in stroke_font.mjs. */
export declare const GLYPHS: Readonly<Record<string, readonly string[]>>;
/** The 95 printable ASCII characters, 0x20..0x7E, in atlas order. */
export declare const CHARS: readonly string[];

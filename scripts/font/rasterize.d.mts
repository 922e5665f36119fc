// Types for rasterize.mjs, so TypeScript tests can import it.
import type { FontSize } from './generate_font_atlas.mjs';

/** A round-capped stroke piece in cell pixels: [x0, y0, x1, y1, radius], y down. */
export type Capsule = [number, number, number, number, number];

export declare const SUB: number;
export declare function layoutGlyph(strokes: readonly string[], size: FontSize): Capsule[];
export declare function rasterize(segments: readonly Capsule[], w: number, h: number): Uint8Array;

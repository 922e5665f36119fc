// Types for generate_font_atlas.mjs (a plain Node script), so TypeScript tests can import it.

/** One pixel size of the atlas; see SIZES in generate_font_atlas.mjs for what each field means. */
export interface FontSize {
  readonly name: string;
  readonly cellW: number;
  readonly cellH: number;
  readonly strokeWidth: number;
  readonly grid: 'center' | 'edge';
  readonly dotSize: number;
  readonly dotCorner: number;
  readonly dotGrid: 'center' | 'edge';
  readonly xScale: number;
  readonly xBase: number;
  readonly xMetric: readonly (readonly [number, number])[];
  readonly yScale: number;
  readonly yBase: number;
  readonly yMetric: readonly (readonly [number, number])[];
}

export interface SizeRows {
  baselineRow: number;
  xHeightRow: number;
  capRow: number;
  ascenderRow: number;
  descenderRow: number;
}

export declare const SIZES: readonly FontSize[];
export declare function sizeRows(size: FontSize): SizeRows;
export declare function buildAtlas(size: FontSize): Uint8Array;
export declare function headerText(atlases?: Uint8Array[]): string;
/** Writes kernels/font_atlas.h and docs/font_preview.png under `root`; returns their paths. */
export declare function generate(root: string): string[];

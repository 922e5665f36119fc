/** What the view server answers (src/view/trace_viewer.ts), as the page reads it. */
export interface TraceSummary {
  path: string;
  name: string;
  description: string;
  width: number;
  height: number;
  frames: number;
  complete: boolean;
  kernelDigest: string;
  replayKernelDigest: string;
  tileSize: number;
  eventsPerFrame: number[];
  goldens: { frame: number; name: string; exists: boolean }[];
  checkpoints: number[];
  /** The frame to show first (gpuos view --frame). */
  initialFrame: number;
  /** The golden to open first (gpuos view --golden). */
  initialGolden: string | null;
}

export interface Layout {
  x: number;
  y: number;
  width: number;
  height: number;
  clip: [number, number, number, number];
  visible: boolean;
  z: number;
}

export interface Widget {
  index: number;
  name: string;
  kind: string;
  parent: number | null;
  text: string;
  value: number;
  checked: boolean;
  hovered: boolean;
  pressed: boolean;
  focused: boolean;
  dragging: boolean;
  hidden: boolean;
  disabled: boolean;
  caret: number;
  scrollOffset: number;
  activations: number;
  layout: Layout;
}

export interface FieldDifference {
  path: string;
  expected: number | string;
  actual: number | string;
  decoded?: { expected: string; actual: string };
}

export interface FrameView {
  frame: number;
  timeUs: number;
  deltaUs: number;
  fullRedraw: boolean;
  events: { type: string; x: number; y: number; code: number; modifiers: number }[];
  operations: string[];
  state: Record<string, unknown>;
  widgets: Widget[];
  tilesRedrawn: number[];
  phases: { phase: string; ns: number }[];
  kernelNs: number;
  ok: boolean;
  divergence?: { fields: FieldDifference[]; blocks: { index: number; x: number; y: number }[]; regions: string[]; description: string };
  goldens: string[];
}

export interface GoldenView {
  name: string;
  frame: number;
  golden: string;
  status: 'match' | 'mismatch' | 'missing' | 'unreadable';
  message: string;
  diffPixels: number;
  /** Bounding box (inclusive x0, y0, x1, y1) and the first few differing pixels. */
  where?: { box: [number, number, number, number]; first: [number, number][] };
}

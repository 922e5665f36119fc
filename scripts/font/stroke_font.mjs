// GPUOS Mono: a monospace stroke font for printable ASCII (0x20-0x7E), authored as data.
//
// Design grid (units), y UP, baseline at y = 0. Coordinates are stroke CENTRE lines:
//   advance 12, stems at x = 2 (left) and x = 10 (right), centre x = 6,
//   x-height 8, cap height 12, ascender 13, descender -4.
// The grid is the title size's pixel grid (1 unit = 1 px at 12x24, where a 2 px stroke centred on
// an integer line covers exactly two pixels), so integers are preferred for stems and bars; the
// body size (8x16) is hinted from the same data (see rasterize.mjs).
//
// Each glyph is a list of strokes; a stroke is a string in a tiny path language:
//   "M x y"               start          "L x y"   line to
//   "E cx cy rx ry a0 a1" elliptical arc from angle a0 to a1 (degrees, counter-clockwise, y up;
//                         a1 < a0 runs clockwise), continuing the stroke
//   a single "M x y"      a round dot of the stroke width (i, j)
//   "D x y"               a punctuation dot (. , : ;), a rounded square each pixel size sizes
// Strokes are drawn with round caps and joins at one width per size. Features the hinter snaps
// (see rasterize.mjs): vertical and horizontal segments, arc tangent points, dots, and extremes
// on the metric lines; keep them on integers.
//
// Legibility choices: 0 is slashed, O is a plain oval; 1 has a flag and foot, l a curved tail,
// I two bars, i a left serif and a foot; 5 has a flat top and straight left stem where S curves;
// B has a straight stem where 8 is two loops; ' is upright, ` slants.

export const METRICS = Object.freeze({
  advance: 12,
  stemLeft: 2,
  stemRight: 10,
  centre: 6,
  baseline: 0,
  xHeight: 8,
  capHeight: 12,
  ascender: 13,
  descender: -4,
});

// Shared shapes (strings, so the table below stays plain data).
const BOWL = 'M 10 5 E 6 5 4 3 0 180 L 2 3 E 6 3 4 3 180 360 L 10 5'; // x-height oval
const ARCH = 'M 2 5 E 6 5 4 3 180 0 L 10 0'; // n/h shoulder

/** Glyph table: character -> strokes. Order does not matter; coverage is the union. */
export const GLYPHS = Object.freeze({
  ' ': [],
  '!': ['M 6 12 L 6 5', 'M 6 0 L 6 1'],
  '"': ['M 4 12 L 4 9', 'M 8 12 L 8 9'],
  '#': ['M 3 12 L 3 0', 'M 9 12 L 9 0', 'M 1 8 L 11 8', 'M 1 4 L 11 4'],
  '$': ['M 9.5 9.5 E 6 8.25 4 2.25 20 270 E 6 3.75 4 2.25 90 -160', 'M 6 12.5 L 6 10.5', 'M 6 1.5 L 6 -0.5'],
  '%': ['M 10 12 L 2 0', 'M 6 9.5 E 4 9.5 2 2.5 0 360', 'M 10 2.5 E 8 2.5 2 2.5 0 360'],
  '&': ['M 10 0 L 4.2 7.6 E 5.6 9.8 2 2.2 235 90 E 5.6 9.8 2 2.2 90 -40 L 3.5 5.8 E 5.5 2.9 3.5 2.9 150 270 E 6.5 4 3.5 4 -90 -10'],
  "'": ['M 6 12 L 6 9'],
  '(': ['E 11 5 7 9 117.3 242.7'],
  ')': ['E 1 5 7 9 62.7 -62.7'],
  '*': ['M 6 12.5 L 6 4.5', 'M 2.54 10.5 L 9.46 6.5', 'M 2.54 6.5 L 9.46 10.5'],
  '+': ['M 6 8 L 6 0', 'M 2 4 L 10 4'],
  ',': ['D 6 0', 'M 6.6 0 L 5 -2.5'],
  '-': ['M 3 4 L 9 4'],
  '.': ['D 6 0'],
  '/': ['M 9.5 12.5 L 2.5 -1.5'],
  '0': ['M 10 8 E 6 8 4 4 0 180 L 2 4 E 6 4 4 4 180 360 L 10 8', 'M 8.5 9.5 L 3.5 2.5'],
  '1': ['M 3 9.5 L 6 12 L 6 0', 'M 3 0 L 9 0'],
  '2': ['M 2.2 9.7 E 6 8.5 4 3.5 160 -30 L 2 0 L 10 0'],
  '3': ['M 2.5 10.5 E 6 9 3 3 150 -90', 'M 4.5 6 L 6 6 E 6 3 4 3 90 -150'],
  '4': ['M 8 0 L 8 12 L 2 4 L 10 4'],
  '5': ['M 9.5 12 L 2.5 12 L 2.5 7.2 L 6 7.2 E 6 3.6 4 3.6 90 -150'],
  '6': ['M 8.5 11.6 E 6 8 4 4 60 180 L 2 3.6', 'M 2 3.6 E 6 3.6 4 3.6 180 540'],
  '7': ['M 2 12 L 10 12 L 4.5 0'],
  '8': ['M 6 12 E 6 9 3 3 90 450', 'M 6 6 E 6 3 4 3 90 450'],
  '9': ['M 3.5 0.4 E 6 4 4 4 -120 0 L 10 8.4', 'M 10 8.4 E 6 8.4 4 3.6 0 360'],
  ':': ['D 6 7', 'D 6 0'],
  ';': ['D 6 7', 'D 6 0', 'M 6.6 0 L 5 -2.5'],
  '<': ['M 10 8 L 2 4 L 10 0'],
  '=': ['M 2 6 L 10 6', 'M 2 2 L 10 2'],
  '>': ['M 2 8 L 10 4 L 2 0'],
  '?': ['M 2.2 10 E 6 9 4 3 160 -90 L 6 4.5', 'M 6 0 L 6 1'],
  '@': ['M 10 3 L 10 9 E 6 9 4 3 0 180 L 2 3 E 6 3 4 3 180 300', 'M 10 8 L 7 8 E 7 5.5 2 2.5 90 270 L 10 3'],
  A: ['M 2 0 L 5.5 12 L 6.5 12 L 10 0', 'M 3.3 3.5 L 8.7 3.5'],
  B: ['M 2 0 L 2 12 L 6 12 E 6 9 3 3 90 -90 L 2 6', 'M 6 6 E 6 3 4 3 90 -90 L 2 0'],
  C: ['M 9.6 10.3 E 6 8 4 4 35 180 L 2 4 E 6 4 4 4 180 325'],
  D: ['M 2 0 L 2 12 L 5.5 12 E 5.5 7.5 4.5 4.5 90 0 L 10 4.5 E 5.5 4.5 4.5 4.5 0 -90 L 2 0'],
  E: ['M 10 12 L 2 12 L 2 0 L 10 0', 'M 2 6 L 8.5 6'],
  F: ['M 10 12 L 2 12 L 2 0', 'M 2 6 L 8.5 6'],
  G: ['M 9.6 10.3 E 6 8 4 4 35 180 L 2 4 E 6 4 4 4 180 360 L 10 6 L 6.5 6'],
  H: ['M 2 0 L 2 12', 'M 10 0 L 10 12', 'M 2 6 L 10 6'],
  I: ['M 3 12 L 9 12', 'M 6 12 L 6 0', 'M 3 0 L 9 0'],
  J: ['M 5 12 L 9 12 L 9 3.5 E 5.5 3.5 3.5 3.5 0 -160'],
  K: ['M 2 0 L 2 12', 'M 10 12 L 2 4', 'M 5 7 L 10 0'],
  L: ['M 2 12 L 2 0 L 10 0'],
  M: ['M 2 0 L 2 12 L 6 5 L 10 12 L 10 0'],
  N: ['M 2 0 L 2 12 L 10 0 L 10 12'],
  O: ['M 6 12 E 6 6 4 6 90 450'],
  P: ['M 2 0 L 2 12 L 6 12 E 6 8.5 4 3.5 90 -90 L 2 5'],
  Q: ['M 6 12 E 6 6 4 6 90 450', 'M 7 2.5 L 10 -2'],
  R: ['M 2 0 L 2 12 L 6 12 E 6 8.5 4 3.5 90 -90 L 2 5', 'M 6 5 L 10 0'],
  S: ['M 9.8 10 E 6 9 4 3 20 270 E 6 3 4 3 90 -160'],
  T: ['M 2 12 L 10 12', 'M 6 12 L 6 0'],
  U: ['M 2 12 L 2 4 E 6 4 4 4 180 360 L 10 12'],
  V: ['M 2 12 L 6 0 L 10 12'],
  W: ['M 1.5 12 L 2.5 0 L 6 7 L 9.5 0 L 10.5 12'],
  X: ['M 2 12 L 10 0', 'M 10 12 L 2 0'],
  Y: ['M 2 12 L 6 6 L 10 12', 'M 6 6 L 6 0'],
  Z: ['M 2 12 L 10 12 L 2 0 L 10 0'],
  '[': ['M 8 13 L 4 13 L 4 -3 L 8 -3'],
  '\\': ['M 2.5 12.5 L 9.5 -1.5'],
  ']': ['M 4 13 L 8 13 L 8 -3 L 4 -3'],
  '^': ['M 2.5 7.5 L 6 12 L 9.5 7.5'],
  _: ['M 1 -3 L 11 -3'],
  '`': ['M 4.5 12.5 L 7 10'],
  a: ['M 2.5 6.8 E 6 5.5 4 2.5 150 0 L 10 0', 'M 10 4.5 L 5.5 4.5 E 5.5 2.25 3.5 2.25 90 270 L 7 0 E 7 2 3 2 270 360'],
  b: ['M 2 13 L 2 0', BOWL],
  c: ['M 9.5 6.5 E 6 5 4 3 30 180 L 2 3 E 6 3 4 3 180 330'],
  d: ['M 10 13 L 10 0', BOWL],
  e: ['M 2 4 L 10 4 L 10 5 E 6 5 4 3 0 180 L 2 3 E 6 3 4 3 180 325'],
  f: ['M 5 0 L 5 10 E 8 10 3 3 180 60', 'M 2 8 L 9.5 8'],
  g: [BOWL, 'M 10 8 L 10 -1 E 6 -1 4 3 0 -150'],
  h: ['M 2 13 L 2 0', ARCH],
  i: ['M 3.5 8 L 6 8 L 6 0', 'M 3 0 L 9 0', 'M 6 12'],
  j: ['M 4 8 L 7 8 L 7 -1.5 E 4.5 -1.5 2.5 2.5 0 -150', 'M 7 12'],
  k: ['M 2 13 L 2 0', 'M 10 8 L 2 3', 'M 5 4.875 L 10 0'],
  l: ['M 3 13 L 6 13 L 6 2.5 E 9 2.5 3 2.5 180 270 L 10 0'],
  m: ['M 2 8 L 2 0', 'M 2 5.5 E 4 5.5 2 2.5 180 0 L 6 0', 'M 6 5.5 E 8 5.5 2 2.5 180 0 L 10 0'],
  n: ['M 2 8 L 2 0', ARCH],
  o: [BOWL],
  p: ['M 2 8 L 2 -4', BOWL],
  q: ['M 10 8 L 10 -4', BOWL],
  r: ['M 3 8 L 3 0', 'M 3 5 E 6.5 5 3.5 3 180 50'],
  s: ['M 9.8 6.7 E 6 6 4 2 20 270 E 6 2 4 2 90 -160'],
  t: ['M 5 11 L 5 2.5 E 8 2.5 3 2.5 180 270 L 9.5 0', 'M 2 8 L 9.5 8'],
  u: ['M 2 8 L 2 3 E 6 3 4 3 180 360 L 10 8', 'M 10 8 L 10 0'],
  v: ['M 2 8 L 6 0 L 10 8'],
  w: ['M 1.5 8 L 3 0 L 6 5 L 9 0 L 10.5 8'],
  x: ['M 2 8 L 10 0', 'M 10 8 L 2 0'],
  y: ['M 2 8 L 6.2 0', 'M 10 8 L 5 -3 L 4 -4 L 2.5 -4'],
  z: ['M 2 8 L 10 8 L 2 0 L 10 0'],
  '{': ['M 9 13 E 9 11 2 2 90 180 L 7 7 E 5 7 2 2 0 -90 E 5 3 2 2 90 0 L 7 -1 E 9 -1 2 2 180 270'],
  '|': ['M 6 13 L 6 -3'],
  '}': ['M 3 13 E 3 11 2 2 90 0 L 5 7 E 7 7 2 2 180 270 E 7 3 2 2 90 180 L 5 -1 E 3 -1 2 2 0 -90'],
  '~': ['M 2 4 E 4 4 2 1.5 180 0 E 8 4 2 1.5 180 360'],
});

/** Characters in atlas order: 0x20 .. 0x7E. */
export const CHARS = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));

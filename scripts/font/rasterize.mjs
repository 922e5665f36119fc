// Stroke-font rasterizer: design-space strokes -> hinted pixel-space capsules -> 8-bit coverage.
//
// Pipeline for one glyph at one pixel size:
//   1. parse each stroke (a tiny path language, see stroke_font.mjs) and flatten arcs to points;
//   2. collect hint keys: the x of vertical segments, the y of horizontal segments, the tangent
//      points of arcs, dots, and any local extreme lying on a metric line (baseline, x-height);
//   3. per axis, map design units to pixels piecewise-linearly through those keys, each key
//      snapped to the size's grid (pixel centres for a ~1 px stroke, pixel edges for a 2 px one),
//      so stems and bars land crisply while curves between them stay smooth (TrueType-style
//      "interpolate untouched points");
//   4. cover every pixel with SUB x SUB subsamples; a subsample is ink when it lies within half
//      the stroke width of any segment (round caps and joins come for free). Coverage is the
//      ink count scaled to 0..255 with integer arithmetic, so the output is deterministic.

/** Subsamples per pixel along each axis (16 x 16 = 256 per pixel). */
export const SUB = 16;

/** Arcs are flattened to chords of at most this many degrees (error < 0.01 unit at r = 6). */
const ARC_STEP_DEG = 6;

/** Points are quantised to 1/4096 unit so trig noise in the last ulp cannot change a pixel. */
const QUANT = 4096;
const q = (v) => Math.round(v * QUANT) / QUANT;

/**
 * Parses one stroke string into polyline points plus hint features.
 *   "M x y"                      start a polyline
 *   "L x y"                      straight segment to (x, y)
 *   "E cx cy rx ry a0 a1"        elliptical arc, angles in degrees, counter-clockwise with y up,
 *                                from a0 to a1 (a1 < a0 runs clockwise); appended to the polyline
 *   "D x y"                      a punctuation dot (a whole stroke by itself): a rounded square
 *                                whose size and pixel alignment each size chooses (see SIZES)
 * A stroke of a single point is a round dot of the stroke width.
 */
export function parseStroke(text) {
  const tok = text.trim().split(/[\s,]+/).filter((t) => t.length > 0);
  const points = [];
  const xKeys = [];
  const yKeys = [];
  let i = 0;
  const num = () => {
    const v = Number(tok[i++]);
    if (!Number.isFinite(v)) throw new Error(`bad number in stroke "${text}"`);
    return v;
  };
  const push = (x, y) => points.push([q(x), q(y)]);
  if (tok[0] === 'D') {
    if (tok.length !== 3) throw new Error(`a D stroke is just "D x y": "${text}"`);
    i = 1;
    return { points: [], dot: [q(num()), q(num())], xKeys: [], yKeys: [] };
  }
  while (i < tok.length) {
    const op = tok[i++];
    if (op === 'M') {
      if (points.length > 0) throw new Error(`one M per stroke: "${text}"`);
      push(num(), num());
    } else if (op === 'L') {
      const [x0, y0] = points[points.length - 1] ?? [NaN, NaN];
      const x = q(num());
      const y = q(num());
      if (x === x0 && y !== y0) xKeys.push(x);
      if (y === y0 && x !== x0) yKeys.push(y);
      push(x, y);
    } else if (op === 'E') {
      const [cx, cy, rx, ry, a0, a1] = [num(), num(), num(), num(), num(), num()];
      // Cut the sweep at every multiple of 90 degrees so the tangent points are exact vertices.
      const dir = a1 >= a0 ? 1 : -1;
      const stops = [a0];
      for (let k = Math.ceil(Math.min(a0, a1) / 90); k * 90 <= Math.max(a0, a1); k++) {
        if (k * 90 !== a0 && k * 90 !== a1) stops.push(k * 90);
      }
      stops.push(a1);
      if (dir < 0) stops.sort((a, b) => b - a);
      else stops.sort((a, b) => a - b);
      const at = (deg) => {
        const m = ((deg % 360) + 360) % 360;
        // Exact values at the quadrant angles (Math.cos(PI/2) is 6e-17, not 0).
        if (m === 0) return [cx + rx, cy];
        if (m === 90) return [cx, cy + ry];
        if (m === 180) return [cx - rx, cy];
        if (m === 270) return [cx, cy - ry];
        const r = (deg * Math.PI) / 180;
        return [cx + rx * Math.cos(r), cy + ry * Math.sin(r)];
      };
      for (let s = 0; s < stops.length; s++) {
        const deg = stops[s];
        if (s > 0) {
          const prev = stops[s - 1];
          const n = Math.max(1, Math.ceil(Math.abs(deg - prev) / ARC_STEP_DEG));
          for (let j = 1; j < n; j++) push(...at(prev + ((deg - prev) * j) / n));
        }
        push(...at(deg));
        const m = ((deg % 360) + 360) % 360;
        if (m === 0 || m === 180) xKeys.push(q(at(deg)[0]));
        if (m === 90 || m === 270) yKeys.push(q(at(deg)[1]));
      }
    } else {
      throw new Error(`unknown op "${op}" in stroke "${text}"`);
    }
  }
  if (points.length === 0) throw new Error(`empty stroke "${text}"`);
  if (points.length === 1) {
    xKeys.push(points[0][0]);
    yKeys.push(points[0][1]);
  }
  return { points, xKeys, yKeys };
}

/** Nearest grid value; ties go to the lower value so the rule is explicit and stable. */
function snap(v, grid) {
  // grid 'center': k + 0.5; grid 'edge': k.
  const off = grid === 'center' ? 0.5 : 0;
  return Math.ceil(v - off - 0.5) + off;
}

/**
 * Builds a piecewise-linear design->pixel map through `keys` ([design, px] pairs), extrapolating
 * with `scale` beyond the outermost keys. Keys are made monotonic (a later key never maps before
 * an earlier one) so hinting can fold a span to zero but never flip it.
 */
function makeMap(keys, scale) {
  const sorted = [...keys].sort((a, b) => a[0] - b[0]);
  const k = [];
  for (const [d, p] of sorted) {
    const last = k[k.length - 1];
    if (last && last[0] === d) continue; // first one wins (metric keys are added first)
    const mono = last ? (scale > 0 ? Math.max(p, last[1]) : Math.min(p, last[1])) : p;
    k.push([d, mono]);
  }
  return (v) => {
    if (v <= k[0][0]) return k[0][1] + (v - k[0][0]) * scale;
    const n = k.length - 1;
    if (v >= k[n][0]) return k[n][1] + (v - k[n][0]) * scale;
    let i = 0;
    while (k[i + 1][0] < v) i++;
    const [d0, p0] = k[i];
    const [d1, p1] = k[i + 1];
    return p0 + ((v - d0) * (p1 - p0)) / (d1 - d0);
  };
}

/**
 * Values of coordinate `axis` at the polyline's local extremes (ends, and vertices whose two
 * neighbours lie on the same side). Only these may pin a metric line: an arc that merely passes
 * through y = 8 on its way down the side of a G must not be pulled to the x-height.
 */
function extremes(points, axis) {
  const out = [];
  for (let i = 0; i < points.length; i++) {
    const v = points[i][axis];
    if (i === 0 || i === points.length - 1) {
      out.push(v);
      continue;
    }
    const a = points[i - 1][axis];
    const b = points[i + 1][axis];
    if ((a <= v && b <= v) || (a >= v && b >= v)) out.push(v);
  }
  return out;
}

/**
 * Maps one axis: metric keys (design values with a fixed pixel position) where the glyph has an
 * extreme or a feature, plus feature keys snapped to the grid after mapping through the metric
 * keys. With no key at all the glyph gets the size's plain linear map.
 */
function axisMap(extremeValues, features, metric, base, scale, grid) {
  const metricKeys = [];
  for (const [d, p] of metric) {
    if (extremeValues.includes(d) || features.includes(d)) metricKeys.push([d, p]);
  }
  const baseMap = metricKeys.length > 0 ? makeMap(metricKeys, scale) : (v) => base + v * scale;
  const keys = [...metricKeys];
  for (const f of features) {
    if (!keys.some(([d]) => d === f)) keys.push([f, snap(baseMap(f), grid)]);
  }
  return keys.length > 0 ? makeMap(keys, scale) : baseMap;
}

/**
 * Turns a glyph (array of stroke strings) into pixel-space capsules for one size:
 * [x0, y0, x1, y1, radius] in pixels, y down, origin at the cell's top-left corner.
 */
export function layoutGlyph(strokes, size) {
  const parsed = strokes.map(parseStroke);
  const xs = [];
  const ys = [];
  const xKeys = [];
  const yKeys = [];
  for (const s of parsed) {
    const pts = s.dot ? [s.dot] : s.points;
    xs.push(...extremes(pts, 0));
    ys.push(...extremes(pts, 1));
    xKeys.push(...s.xKeys);
    yKeys.push(...s.yKeys);
  }
  const mapX = axisMap(xs, xKeys, size.xMetric, size.xBase, size.xScale, size.grid);
  const mapY = axisMap(ys, yKeys, size.yMetric, size.yBase, -size.yScale, size.grid);
  const r = size.strokeWidth / 2;
  const segments = [];
  for (const s of parsed) {
    if (s.dot) {
      // Punctuation dot: centre snapped to the size's dot grid, then a rounded square drawn as
      // a tiny closed path whose stroke radius is the corner radius (it fills the inside).
      const cx = snap(mapX(s.dot[0]), size.dotGrid);
      const cy = snap(mapY(s.dot[1]), size.dotGrid);
      const c = size.dotCorner;
      const h = size.dotSize / 2 - c;
      const corners = [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h]];
      for (let i = 0; i < 4; i++) segments.push([...corners[i], ...corners[(i + 1) % 4], c]);
      continue;
    }
    const pts = s.points.map(([x, y]) => [mapX(x), mapY(y)]);
    if (pts.length === 1) segments.push([pts[0][0], pts[0][1], pts[0][0], pts[0][1], r]);
    for (let i = 1; i < pts.length; i++) {
      segments.push([pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1], r]);
    }
  }
  return segments;
}

/** Squared distance from (px, py) to the segment (x0, y0)-(x1, y1). */
function dist2(px, py, x0, y0, x1, y1) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = x0 + t * dx - px;
  const ey = y0 + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * Rasterizes capsules ([x0, y0, x1, y1, radius], pixels) into a w x h coverage bitmap
 * (Uint8Array, row-major, top row first). Throws if any ink would fall outside the cell, so a
 * glyph can never be silently clipped.
 */
export function rasterize(segments, w, h) {
  for (const [x0, y0, x1, y1, r] of segments) {
    if (Math.min(x0, x1) - r < 0 || Math.max(x0, x1) + r > w ||
        Math.min(y0, y1) - r < 0 || Math.max(y0, y1) + r > h) {
      throw new Error(`ink outside the ${w}x${h} cell: capsule ${[x0, y0, x1, y1, r].join(',')}`);
    }
  }
  const out = new Uint8Array(w * h);
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      // Only capsules that can reach this pixel.
      const near = segments.filter(([x0, y0, x1, y1, r]) =>
        Math.min(x0, x1) - r < px + 1 && Math.max(x0, x1) + r > px &&
        Math.min(y0, y1) - r < py + 1 && Math.max(y0, y1) + r > py);
      if (near.length === 0) continue;
      let count = 0;
      for (let sy = 0; sy < SUB; sy++) {
        const y = py + (sy + 0.5) / SUB;
        for (let sx = 0; sx < SUB; sx++) {
          const x = px + (sx + 0.5) / SUB;
          for (const [x0, y0, x1, y1, r] of near) {
            if (dist2(x, y, x0, y0, x1, y1) <= r * r) {
              count++;
              break;
            }
          }
        }
      }
      // Integer scaling with rounding: 0 -> 0, SUB*SUB -> 255.
      out[py * w + px] = Math.floor((count * 255 * 2 + SUB * SUB) / (2 * SUB * SUB));
    }
  }
  return out;
}

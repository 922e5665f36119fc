// Renders docs/font_preview.png: both atlases at 1x, a 4x zoom, and sample text in dark-on-light
// and light-on-dark. Text is composited the way a simple kernel would: a straight blend in sRGB
// by coverage (no gamma correction), so the preview shows what the kernel will show.

import { CHARS } from './stroke_font.mjs';
import { encodePng } from './png.mjs';

export const SAMPLE = 'The quick brown fox jumps over the lazy dog 0123456789 !@#$%^&*()[]{}<>?/\\|~`\'";:,.-_+=';
const CONFUSABLES = 'Il1| O0o 5S 8B rn m cl d vv w \'`" ,. ;: ({[ ]}) g9q';
const UI_LINES = [
  'File  Edit  View  Window  Help      Settings > Display > Resolution: 1920x1080 @ 120Hz',
  'frame 000123  dt=8.33ms  widgets=64  events=3  [OK] [Cancel]  path: /usr/local/bin/gpuos',
];

const LIGHT = [244, 243, 238];
const DARK = [28, 30, 36];
const INK_DARK = [20, 20, 24];
const INK_LIGHT = [235, 236, 240];
const LABEL = [110, 110, 120];
const LABEL_ON_DARK = [150, 155, 165];

class Canvas {
  constructor(width, height, bg) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, bg);
  }

  fill(x, y, w, h, rgb) {
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++) {
      for (let i = Math.max(0, x); i < Math.min(this.width, x + w); i++) {
        this.pixels.set(rgb, (j * this.width + i) * 3);
      }
    }
  }

  /** Blends `rgb` over the pixel with coverage a (0..255), integer arithmetic. */
  blend(x, y, rgb, a) {
    if (a === 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) {
      const bg = this.pixels[o + c];
      this.pixels[o + c] = bg + Math.round(((rgb[c] - bg) * a) / 255);
    }
  }
}

/** Draws `text` with the atlas of `size`, top-left of the first cell at (x, y); `zoom` >= 1. */
function drawText(canvas, size, atlas, text, x, y, rgb, zoom = 1) {
  const cell = size.cellW * size.cellH;
  for (let n = 0; n < text.length; n++) {
    const g = CHARS.indexOf(text[n]);
    if (g < 0) throw new Error(`no glyph for ${JSON.stringify(text[n])}`);
    for (let j = 0; j < size.cellH; j++) {
      for (let i = 0; i < size.cellW; i++) {
        const a = atlas[g * cell + j * size.cellW + i];
        for (let zy = 0; zy < zoom; zy++) {
          for (let zx = 0; zx < zoom; zx++) {
            canvas.blend(x + (n * size.cellW + i) * zoom + zx, y + j * zoom + zy, rgb, a);
          }
        }
      }
    }
  }
}

/** Zoomed glyph cells on alternating tints, so cell bounds and side bearings are visible. */
function drawZoomGrid(canvas, size, atlas, text, x, y, zoom) {
  for (let n = 0; n < text.length; n++) {
    const tint = n % 2 === 0 ? [255, 255, 255] : [232, 234, 240];
    canvas.fill(x + n * size.cellW * zoom, y, size.cellW * zoom, size.cellH * zoom, tint);
  }
  drawText(canvas, size, atlas, text, x, y, INK_DARK, zoom);
}

function chunks(text, n) {
  const out = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out;
}

/** Builds the preview PNG (a Buffer) for SIZES[0] (body) and SIZES[1] (title). */
export function renderPreview(sizes, atlases) {
  const [body, title] = sizes;
  const [bodyAtlas, titleAtlas] = atlases;
  const all = CHARS.join('');
  const margin = 16;
  const width = 1080;
  const zoom = 4;
  const bodyZoomRows = chunks(all, 24);
  const titleZoomRows = ['AaBbGgOo0Il1|', 'S5B8rnm{}@&%?'];

  // Lay out top to bottom, recording draw calls; then size the canvas to fit.
  const ops = [];
  let y = margin;
  const label = (text, onDark = false) => {
    const yy = y;
    ops.push((c) => drawText(c, body, bodyAtlas, text, margin, yy, onDark ? LABEL_ON_DARK : LABEL));
    y += body.cellH + 4;
  };
  const line = (size, atlas, text, rgb, gap = 0) => {
    const yy = y;
    ops.push((c) => drawText(c, size, atlas, text, margin, yy, rgb));
    y += size.cellH + gap;
  };

  label(`body: ${body.cellW}x${body.cellH} cells, stroke ${body.strokeWidth} px, 1x`);
  for (const row of chunks(all, 48)) line(body, bodyAtlas, row, INK_DARK);
  y += 8;
  label(`title: ${title.cellW}x${title.cellH} cells, stroke ${title.strokeWidth} px, 1x`);
  for (const row of chunks(all, 48)) line(title, titleAtlas, row, INK_DARK);
  y += 8;
  label('body at 4x');
  for (const row of bodyZoomRows) {
    const yy = y;
    ops.push((c) => drawZoomGrid(c, body, bodyAtlas, row, margin, yy, zoom));
    y += body.cellH * zoom;
  }
  y += 8;
  label('title at 4x');
  {
    const yy = y;
    ops.push((c) => {
      drawZoomGrid(c, title, titleAtlas, titleZoomRows[0], margin, yy, zoom);
      drawZoomGrid(c, title, titleAtlas, titleZoomRows[1], margin, yy + title.cellH * zoom, zoom);
    });
    y += 2 * title.cellH * zoom;
  }
  y += 12;
  label('sample text, dark on light');
  line(body, bodyAtlas, SAMPLE, INK_DARK);
  line(body, bodyAtlas, CONFUSABLES, INK_DARK);
  for (const text of UI_LINES) line(body, bodyAtlas, text, INK_DARK);
  line(title, titleAtlas, SAMPLE, INK_DARK);
  line(title, titleAtlas, CONFUSABLES, INK_DARK);
  y += 12;
  const darkTop = y;
  y += 12;
  label('sample text, light on dark', true);
  line(body, bodyAtlas, SAMPLE, INK_LIGHT);
  line(body, bodyAtlas, CONFUSABLES, INK_LIGHT);
  for (const text of UI_LINES) line(body, bodyAtlas, text, INK_LIGHT);
  line(title, titleAtlas, SAMPLE, INK_LIGHT);
  line(title, titleAtlas, CONFUSABLES, INK_LIGHT);
  y += 12;
  const height = y;

  const canvas = new Canvas(width, height, LIGHT);
  canvas.fill(0, darkTop, width, height - darkTop, DARK);
  for (const op of ops) op(canvas);
  return encodePng(width, height, 3, canvas.pixels);
}

/**
 * The HTML report of a replay run: one static page that opens from disk (images inlined as data
 * URIs, no scripts, no network), listing every trace, and for each failure the frame's expected,
 * actual and diff images side by side, the divergence, and the events the host wrote before it.
 */
import { dirname, resolve } from 'node:path';

import { readBoundedFile, writeFileAtomic } from '../files.js';
import { shellQuote } from '../shell_quote.js';
import { pixelsDiffer, type GoldenResult } from '../golden/golden_store.js';
import { describeDifferingPixels } from '../golden/compare.js';
import { encodePng, MAX_PNG_FILE_BYTES, readPng, type RgbaImage } from '../golden/png.js';
import { describeOperation } from '../os/host_operations.js';
import type { ReplayReport } from '../replayer/replay_trace.js';
import type { HostOperation } from '../trace/trace_types.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The bounding box (inclusive) of the pixels whose bits differ between two same-sized images. */
function bitsDifferBox(expected: RgbaImage, actual: RgbaImage): [number, number, number, number] | undefined {
  const { width, height } = actual;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  const a = new Uint32Array(expected.data.buffer, expected.data.byteOffset, width * height);
  const b = new Uint32Array(actual.data.buffer, actual.data.byteOffset, width * height);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const x = i % width;
    const y = (i - x) / width;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return x1 < 0 ? undefined : [x0, y0, x1, y1];
}

/**
 * The part of two same-sized images that differs, with a margin, magnified: small differences
 * become visible. `box` (inclusive), when given, is the region to show (a golden's: the pixels
 * its comparison counted, past the threshold); otherwise every pixel whose bits differ.
 */
export function zoomedDifference(expected: RgbaImage, actual: RgbaImage, box?: readonly [number, number, number, number]): { expected: RgbaImage; actual: RgbaImage; box: [number, number, number, number]; scale: number } | undefined {
  if (expected.width !== actual.width || expected.height !== actual.height) return undefined;
  const { width, height } = actual;
  const region = box ?? bitsDifferBox(expected, actual);
  if (!region) return undefined;
  let [x0, y0, x1, y1] = region;
  const margin = 12;
  [x0, y0, x1, y1] = [Math.max(0, x0 - margin), Math.max(0, y0 - margin), Math.min(width, x1 + 1 + margin), Math.min(height, y1 + 1 + margin)];
  const scale = Math.max(1, Math.min(8, Math.floor(320 / Math.max(x1 - x0, y1 - y0))));
  const crop = (image: RgbaImage): RgbaImage => {
    const w = (x1 - x0) * scale;
    const h = (y1 - y0) * scale;
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const source = ((y0 + Math.floor(y / scale)) * width + x0 + Math.floor(x / scale)) * 4;
        data.set(image.data.subarray(source, source + 4), (y * w + x) * 4);
      }
    }
    return { width: w, height: h, data };
  };
  return { expected: crop(expected), actual: crop(actual), box: [x0, y0, x1, y1], scale };
}

function zoomSection(expectedPath: string | undefined, actualPath: string | undefined, box?: readonly [number, number, number, number]): string {
  if (!expectedPath || !actualPath) return '';
  let zoom;
  try {
    zoom = zoomedDifference(readPng(expectedPath), readPng(actualPath), box);
  } catch {
    return '';
  }
  if (!zoom) return '';
  const [x0, y0, x1, y1] = zoom.box;
  // A short caption that fits the crop; the region goes under it, like an image's path.
  const region = `x ${x0}-${x1 - 1}, y ${y0}-${y1 - 1}`;
  const inline = (img: RgbaImage, caption: string) =>
    `<figure class="zoom"><figcaption title="${escape(caption)}">${escape(caption)}</figcaption><img alt="${escape(`${caption}, ${region}`)}" src="data:image/png;base64,${encodePng(img).toString('base64')}"><code>${region}</code></figure>`;
  return `<div class="images zoom">${inline(zoom.expected, `expected, ${zoom.scale}x`)}${inline(zoom.actual, `actual, ${zoom.scale}x`)}</div>`;
}

function image(path: string | undefined, caption: string): string {
  if (!path) return `<figure class="missing"><figcaption>${escape(caption)}</figcaption><p>not available</p></figure>`;
  let data: string;
  try {
    data = readBoundedFile(path, MAX_PNG_FILE_BYTES, 'PNG').toString('base64');
  } catch (error) {
    return `<figure class="missing"><figcaption>${escape(caption)}</figcaption><p>${escape((error as Error).message)}</p></figure>`;
  }
  return `<figure><figcaption title="${escape(caption)}">${escape(caption)}</figcaption><img alt="${escape(caption)}" src="data:image/png;base64,${data}"><code>${escape(path)}</code></figure>`;
}

/** The input the host wrote before a frame, one line per event or operation. */
function eventList(frame: number, operations: readonly HostOperation[]): string {
  const events = operations.flatMap(describeOperation);
  return `<h4>input before frame ${frame}</h4>
${events.length ? `<ol class="events">${events.map((e) => `<li>${escape(e)}</li>`).join('')}</ol>` : '<p>none: the frame ran on time alone</p>'}`;
}

/**
 * The command that opens `gpuos view` where a failure is: a local server with a per-run token has
 * no address a static report could link to, so the report names the command that starts it.
 */
export function viewCommandLine(report: Pick<ReplayReport, 'trace' | 'kernel'>, frame: number, golden?: GoldenResult): string {
  const words = ['gpuos', 'view', report.trace, '--frame', String(frame)];
  if (golden) {
    words.push('--golden', golden.name);
    const root = dirname(dirname(resolve(golden.golden)));
    if (root !== resolve('golden')) words.push('--golden-dir', root);
  }
  if (report.kernel) words.push('--kernel', report.kernel);
  return words.map(shellQuote).join(' ');
}

function viewLink(command: string): string {
  return `<p class="view-command">Explore it frame by frame: <code>${escape(command)}</code></p>`;
}

function goldenSection(golden: GoldenResult, operations?: readonly HostOperation[], view?: string): string {
  const diffPixels = golden.comparison ? ` (${pixelsDiffer(golden.comparison.diffPixels)})` : '';
  const where = golden.comparison?.where ? `: ${describeDifferingPixels(golden.comparison.where)}` : '';
  const frame = golden.frame === undefined ? '' : ` at frame ${golden.frame}`;
  return `<section class="failure golden" data-trace="${escape(golden.trace)}" data-golden="${escape(golden.name)}"${golden.frame === undefined ? '' : ` data-frame="${golden.frame}"`}>
<h3>golden <code>${escape(golden.name)}</code>${escape(frame)}: ${escape(golden.status)}${escape(diffPixels)}${escape(where)}</h3>
<p>${escape(golden.message)}</p>
<div class="images">${image(golden.golden, 'expected (golden)')}${image(golden.actual, 'actual')}${image(golden.diff, 'diff')}</div>
${zoomSection(golden.golden, golden.actual, golden.comparison?.where?.box)}
${golden.frame !== undefined && operations ? eventList(golden.frame, operations) : ''}
${view ? viewLink(view) : ''}
</section>`;
}

function traceSection(report: ReplayReport): string {
  if (report.error !== undefined) {
    return `<article class="trace fail error" id="${escape(report.name)}">
<h2><span class="badge fail">ERROR</span> ${escape(report.name)}</h2>
<p class="meta"><code>${escape(report.trace)}</code> could not be replayed</p>
<section class="failure"><pre>${escape(report.error)}</pre></section>
</article>`;
  }
  const status = report.ok ? 'pass' : 'fail';
  const parts = [`<article class="trace ${status}" id="${escape(report.name)}">`];
  parts.push(`<h2><span class="badge ${status}">${status.toUpperCase()}</span> ${escape(report.name)}</h2>`);
  parts.push(`<p class="meta"><code>${escape(report.trace)}</code> · frames ${report.from}–${report.to - 1} of ${report.frames} replayed (${report.replayed}) in ${report.durationMs.toFixed(0)} ms · ${report.goldens.length} goldens</p>`);
  for (const warning of report.warnings) parts.push(`<p class="warning">${escape(warning)}</p>`);
  if (report.incomplete && !report.ok && !report.warnings.includes(report.incomplete.message)) {
    parts.push(`<section class="failure incomplete"><h3>incomplete trace</h3><p>${escape(report.incomplete.message)}</p></section>`);
  }
  const d = report.divergence;
  if (d) {
    parts.push(`<section class="failure divergence" data-frame="${d.frame}">
<h3>first divergence: frame ${d.frame}</h3>
<pre>${escape(d.description)}</pre>
<div class="images">${image(d.images.expected, d.images.exact ? 'expected (recording)' : `expected (recording; ${d.images.unknownBlocks} blocks known by digest only, hatched)`)}${image(d.images.actual, 'actual (replay)')}${image(d.images.diff, 'diff')}</div>
${zoomSection(d.images.expected, d.images.actual)}
${eventList(d.frame, d.operations)}
${viewLink(viewCommandLine(report, d.frame))}
</section>`);
  }
  for (const golden of report.goldens.filter((g) => g.failed)) parts.push(goldenSection(golden, report.goldenFrames?.find((f) => f.frame === golden.frame)?.operations, golden.frame === undefined ? undefined : viewCommandLine(report, golden.frame, golden)));
  const written = report.goldens.filter((g) => g.status === 'written' || g.status === 'updated');
  if (written.length) parts.push(`<p class="note">goldens written: ${written.map((g) => `<code>${escape(g.golden)}</code> (${g.status})`).join(', ')}</p>`);
  if (report.obsolete.length) parts.push(`<p class="note">obsolete goldens (no mark names them): ${report.obsolete.map((p) => `<code>${escape(p)}</code>`).join(', ')}</p>`);
  parts.push('</article>');
  return parts.join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1b1d23; background: #f6f7f9; }
h1 { font-size: 22px; margin: 0 0 4px; }
.summary { margin-bottom: 20px; }
article { background: #fff; border: 1px solid #d8dbe2; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
article.pass { border-left: 6px solid #2e9d5b; }
article.fail { border-left: 6px solid #d1334a; }
h2 { font-size: 17px; margin: 4px 0; }
.badge { font-size: 12px; padding: 2px 6px; border-radius: 4px; color: #fff; vertical-align: middle; }
.badge.pass { background: #2e9d5b; } .badge.fail { background: #d1334a; }
.meta, .note { color: #5b6170; }
.warning { color: #8a5a00; }
.images { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
figure { margin: 0; display: flex; flex-direction: column; align-items: flex-start; gap: 4px; }
figure img { image-rendering: pixelated; border: 1px solid #d8dbe2; max-width: min(640px, 30vw); }
.images.zoom { margin-top: 12px; }
figure.zoom img { max-width: min(640px, 45vw); }
/* Captions and paths wrap to the image's width instead of widening the figure. */
figure code, figcaption { width: 0; min-width: 100%; }
figure code { font-size: 11px; color: #5b6170; word-break: break-all; }
/* One line each (the full text is the title), so the images of a row start at the same height. */
figcaption { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
pre { background: #1b1d23; color: #e6e8ee; padding: 8px; border-radius: 6px; overflow-x: auto; }
ol.events { columns: 2; font-family: ui-monospace, monospace; font-size: 12px; }
`;

/** Writes the report page; returns its path. */
export function writeHtmlReport(path: string, reports: readonly ReplayReport[], title = 'gpuos replay'): string {
  const failed = reports.filter((r) => !r.ok);
  const summary = `${reports.length} trace${reports.length === 1 ? '' : 's'}, ${failed.length} failed`;
  const ordered = [...failed, ...reports.filter((r) => r.ok)];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}: ${escape(summary)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(title)}</h1>
<p class="summary" data-failed="${failed.length}" data-total="${reports.length}">${escape(summary)} · ${escape(new Date().toISOString())}</p>
${failed.length ? `<nav><p>failed: ${failed.map((r) => `<a href="#${escape(r.name)}">${escape(r.name)}</a>`).join(', ')}</p></nav>` : ''}
${ordered.map(traceSection).join('\n')}
</body></html>
`;
  writeFileAtomic(path, html);
  return path;
}

/**
 * The report of toMatchGolden failures in one test file (vitest runs write it beside the trace
 * reports): each failed golden with its images, zoom and where its pixels differ.
 */
export function writeGoldenReport(path: string, testFile: string, goldens: readonly GoldenResult[]): string {
  const failed = goldens.filter((g) => g.failed);
  const summary = `${failed.length} golden${failed.length === 1 ? '' : 's'} failed in ${testFile}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>toMatchGolden: ${escape(summary)}</title><style>${STYLE}</style></head>
<body>
<h1>toMatchGolden</h1>
<p class="summary" data-failed="${failed.length}" data-total="${goldens.length}">${escape(summary)} · ${escape(new Date().toISOString())}</p>
<article class="trace fail"><h2><span class="badge fail">FAIL</span> ${escape(testFile)}</h2>
${failed.map((g) => goldenSection(g)).join('\n')}
</article>
</body></html>
`;
  writeFileAtomic(path, html);
  return path;
}

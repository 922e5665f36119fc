#!/usr/bin/env node
// Plants one slip at a time in a copy of the project (the kernel, or the compiled reference model),
// runs the property meant to catch it with `gpuos check`, and reports whether it failed and how
// small fast-check shrank the counterexample. The evidence that every property can fail
// (docs/PROPERTIES.md, "Planted slips"); nothing in the working tree is touched.
//   npm run properties:slips                 every slip
//   npm run properties:slips -- hit-clip     only the slips named
// Needs the built package (npm install). About two minutes on 2 cores (each slip recompiles the kernel).
// Model slips are planted in the compiled JavaScript (dist/src/model), which tsc keeps readable.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Each slip: where, the exact text replaced, what it becomes, and the property that must catch it. */
const SLIPS = [
  { name: 'align-end-off-by-one', file: 'kernels/os/phase_4_layout.h', from: 'if (w.main_align == GPUOS_ALIGN_END) cursor = leftover;', to: 'if (w.main_align == GPUOS_ALIGN_END) cursor = leftover - 1;', property: 'layout-matches-model', what: 'L6: end alignment one pixel short' },
  { name: 'centre-unsafe', file: 'kernels/os/phase_4_layout.h', from: 'cross_offset = max(cross_size - cross, 0) / 2;', to: 'cross_offset = (cross_size - cross) / 2;', property: 'layout-matches-model', what: 'L7: cross-axis centring no longer safe' },
  { name: 'grow-remainder-lost', file: 'kernels/os/phase_4_layout.h', from: 'share = child == last ? remaining - handed_out : (remaining * long(c.grow)) / grow_total;', to: 'share = (remaining * long(c.grow)) / grow_total;', property: 'layout-matches-model', what: 'L5: the last grower no longer takes the rounding remainder' },
  { name: 'rows-clip', file: 'kernels/os/phase_4_layout.h', from: 'scratch.region[child][2] = short(region.z);', to: 'scratch.region[child][2] = short(min(region.z, int(cb.x) + int(cb.w)));', property: 'layout-matches-model', what: 'V2: a row or column clips what overflows its right edge again' },
  { name: 'model-no-padding-floor', file: 'dist/src/model/layout_model.js', from: 'return Math.max(clamped, paddingOn(node, axis));', to: 'return clamped;', property: 'model-matches-chromium', what: 'model L2: a box may be smaller than its padding' },
  { name: 'model-no-freeze', file: 'dist/src/model/layout_model.js', from: 'if (violation === 0 || (violation > 0 && value > offer) || (violation < 0 && value < offer))', to: 'if (true)', property: 'model-matches-chromium', what: "model L5: a clamped grower's excess is lost instead of shared" },
  { name: 'model-root-clamped', file: 'dist/src/model/layout_model.js', from: "const size = { w: saturateSize(Math.max(this.input.width, paddingOn(root, 'w'))), h: saturateSize(Math.max(this.input.height, paddingOn(root, 'h'))) };", to: "const size = { w: saturateSize(this.clamp(root, 'w', this.input.width)), h: saturateSize(this.clamp(root, 'h', this.input.height)) };", property: 'layout-matches-model', what: "model L3: the root's own min and max clamp it" },
  { name: 'model-hit-edge', file: 'dist/src/model/hit_model.js', from: 'if (px < x0 || px >= x1 || py < y0 || py >= y1)', to: 'if (px < x0 || px > x1 || py < y0 || py > y1)', property: 'model-matches-chromium', what: "model H2: a box's right and bottom edges hit" },
  { name: 'toggle-uncounted', file: 'kernels/os/phase_3_dispatch.h', from: 'if (w.kind == GPUOS_WIDGET_BUTTON || w.kind == GPUOS_WIDGET_TOGGLE) w.activations += 1;', to: 'if (w.kind == GPUOS_WIDGET_BUTTON) w.activations += 1;', property: 'input-matches-model', what: 'I10: toggles stop counting activations' },
  { name: 'backspace-keeps-caret', file: 'kernels/os/phase_3_dispatch.h', from: 'field.text_length = ushort(length - 1);\n    caret -= 1;', to: 'field.text_length = ushort(length - 1);', property: 'input-matches-model', what: 'I12: Backspace leaves the caret where it was' },
  { name: 'shift-tab-forwards', file: 'kernels/os/phase_3_dispatch.h', from: 'os_move_focus(os, (event.modifiers & GPUOS_MODIFIER_SHIFT) != 0);', to: 'os_move_focus(os, false);', property: 'input-matches-model', what: 'I11: Shift+Tab moves forwards' },
  { name: 'signature-without-colour', file: 'kernels/os/phase_7_render.h', from: 'hash = os_hash_mix(hash, p.color);', to: '', property: 'damage-matches-full-redraw', what: "damage: a tile's signature leaves out colour" },
  { name: 'racy-write', file: 'kernels/os/phase_6_geometry.h', from: '  const uint drawn = scratch.visible_count;', to: '  const uint drawn = scratch.visible_count;\n  os->frame[0].layout_depth = ushort(tid);', property: 'schedule-independent', what: 'every geometry thread writes one field' },
  { name: 'hit-clip-ignored', file: 'kernels/os/phase_2_hit_test.h', from: 'x >= box.clip_x0 &&\n         x < box.clip_x1 && y >= box.clip_y0 && y < box.clip_y1;', to: 'true;', property: 'phases-hold-at-barriers', what: 'H2: hit testing ignores clipping' },
  { name: 'compaction-loses-lane', file: 'kernels/os/phase_1_input.h', from: 'if (valid) scratch.events[slot] = event;', to: 'if (valid && lane != 3u) scratch.events[slot] = event;', property: 'phases-hold-at-barriers', what: "input: lane 3's event is not compacted" },
  { name: 'invisible-drawn', file: 'kernels/os/phase_5_visibility.h', from: 'const bool drawn = widget < count && os->layout[widget].visible != 0;', to: 'const bool drawn = widget < count;', property: 'phases-hold-at-barriers', what: 'visibility: invisible widgets get draw-order keys' },
];

const only = process.argv.slice(2);
const slips = only.length > 0 ? SLIPS.filter((s) => only.includes(s.name)) : SLIPS;
if (slips.length === 0) {
  console.error(`no such slip; the slips are: ${SLIPS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'src', 'cli', 'bin.js'))) {
  console.error('build the package first (npm install, or npm run build)');
  process.exit(2);
}

const copy = mkdtempSync(join(tmpdir(), 'gpuos-slips-'));
for (const entry of ['package.json', 'kernels', 'native', 'dist', 'scripts', 'CMakeLists.txt']) cpSync(join(root, entry), join(copy, entry), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
symlinkSync(join(root, 'build'), join(copy, 'build'));

const rows = [];
let missed = 0;
try {
  for (const slip of slips) {
    const path = join(copy, slip.file);
    const original = readFileSync(path, 'utf8');
    if (original.split(slip.from).length !== 2) throw new Error(`${slip.name}: '${slip.from}' is not exactly once in ${slip.file}; update the slip`);
    writeFileSync(path, original.replace(slip.from, slip.to));
    const out = join(copy, 'out', slip.name);
    const started = Date.now();
    const run = spawnSync(process.execPath, ['dist/src/cli/bin.js', 'check', slip.property, '--runs', '400', '--seed', '1', '--scale', 'test', '--out', out], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, GPUOS_KERNEL_CACHE: join(copy, 'kernel-cache'), CI: '' },
    });
    writeFileSync(path, original);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (run.status !== 1) {
      missed++;
      rows.push(`| ${slip.name} | ${slip.what} | ${slip.property} | NOT CAUGHT (exit ${run.status}) | | ${seconds} s |`);
      console.log(`MISSED ${slip.name}: exit ${run.status}\n${run.stdout}${run.stderr}`);
      continue;
    }
    const folder = join(out, slip.property);
    const scene = JSON.parse(readFileSync(join(folder, 'scene.json'), 'utf8'));
    const scenario = JSON.parse(readFileSync(join(folder, 'scenario.json'), 'utf8'));
    const count = (w) => 1 + (w.children ?? []).reduce((n, c) => n + count(c), 0);
    const frames = scenario.steps.filter((s) => 'frame' in s).length;
    const events = scenario.steps.reduce((n, s) => n + (s.push?.length ?? 0) + (s.frame?.raw?.length ?? 0), 0);
    const cases = /after (\d+) cases and (\d+) shrinks/.exec(run.stdout);
    const found = cases ? `case ${cases[1]}, ${cases[2]} shrinks` : 'failed';
    rows.push(`| ${slip.name} | ${slip.what} | ${slip.property} | ${found} | ${count(scene.root)} widgets, ${frames} frames, ${events} events | ${seconds} s |`);
    console.log(`caught ${slip.name} (${slip.property}): ${found}; counterexample ${count(scene.root)} widgets, ${frames} frames, ${events} events`);
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}
console.log('\n| slip | what | property | found at | shrunk counterexample | time |\n|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(missed > 0 ? 1 : 0);

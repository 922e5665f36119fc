#!/usr/bin/env node
// Writes the generated fixture scenes (the ones too repetitive to write by hand) into
// fixtures/scenes/. Deterministic: the same files every run, and test/scene/fixture_scenes.test.ts
// checks the committed files match. settings.json is written by hand.
//
//   node scripts/scenes/generate_scenes.mjs [output-dir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A small deterministic generator (mulberry32), so text and values never depend on Math.random.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'frame barrier thread group lane ballot prefix scan tile pixel glyph widget layout focus cursor ' +
  'queue event ring atomic memory device kernel shader metal render raster coverage signature damage ' +
  'scroll slider toggle button label column row padding gap align stretch grow clip visible order ' +
  'sort bitonic shuffle vote reduce hash replay trace golden digest seed schedule fiber emulator'
).split(' ');

function sentence(next, length) {
  let text = '';
  while (text.length < length) {
    const word = WORDS[Math.floor(next() * WORDS.length)];
    text += (text ? ' ' : '') + word;
  }
  return text.slice(0, length);
}

const pad = (n, width) => String(n).padStart(width, '0');

/** A 200-row list in a scroll view: wheel scrolling, clipping, smooth scroll animation. */
function scrollList() {
  const next = random(200);
  const rows = [];
  for (let i = 1; i <= 200; i++) {
    const from = ['ada', 'grace', 'linus', 'barbara', 'ken', 'dennis', 'margaret', 'edsger'][Math.floor(next() * 8)];
    rows.push({ kind: 'label', id: `row${pad(i, 3)}`, text: `${pad(i, 3)}  ${from.padEnd(9)} ${sentence(next, 60)}` });
  }
  return {
    name: 'scroll_list',
    description: 'A message list of 200 rows in a scroll view (203 widgets in all): scroll with the wheel over the list.',
    root: {
      kind: 'column',
      padding: 16,
      gap: 10,
      children: [
        {
          kind: 'row',
          align: 'space-between',
          crossAlign: 'center',
          children: [
            { kind: 'label', id: 'heading', text: 'Inbox - 200 messages', font: 'title' },
            { kind: 'button', id: 'refresh', text: 'Refresh' },
          ],
        },
        { kind: 'scroll', id: 'list', grow: 1, padding: 6, gap: 2, background: '#1b1d23', borderWidth: 1, cornerRadius: 6, children: rows },
      ],
    },
  };
}

/** Exactly 256 widgets, every kind, all on screen at 1280x720. */
function stress256() {
  const next = random(256);
  const kinds = ['button', 'toggle', 'slider', 'progress', 'label', 'textField'];
  const rows = [];
  for (let r = 0; r < 15; r++) {
    const cells = [];
    for (let c = 0; c < 16; c++) {
      const kind = kinds[(r * 16 + c) % kinds.length];
      const id = `w${pad(r, 2)}.${pad(c, 2)}`;
      const cell = { kind, id, width: 72 };
      if (kind === 'button') cell.text = `B${r}.${c}`;
      if (kind === 'toggle') Object.assign(cell, { text: `T${c}`, checked: next() < 0.5 });
      if (kind === 'slider' || kind === 'progress') cell.value = Math.floor(next() * 101);
      if (kind === 'label') cell.text = sentence(next, 8);
      if (kind === 'textField') Object.assign(cell, { text: sentence(next, 6), capacity: 8 });
      cells.push(cell);
    }
    rows.push({ kind: 'row', id: `row${pad(r, 2)}`, gap: 6, crossAlign: 'center', children: cells });
  }
  return {
    name: 'stress_256',
    description: 'The most widgets the OS holds: 256 (a root, 15 rows of 16 widgets of every kind).',
    root: { kind: 'column', padding: [8, 12], gap: 6, children: rows },
  };
}

/** Widgets 8 levels below the root (the deepest the OS lays out), a scroll view among their ancestors. */
function nestingDepth8() {
  const palette = ['#23262e', '#2a2e38', '#313644', '#383e4f', '#40475b', '#485066', '#505972'];
  // Levels 1-7 are containers, built inside out; level 7's children sit at depth 8.
  let inner = [
    { kind: 'label', id: 'label8', text: 'Level 8:' },
    { kind: 'button', id: 'deepest.button', text: 'Deepest button' },
    { kind: 'toggle', id: 'deepest.toggle', text: 'Deepest toggle' },
    { kind: 'slider', id: 'deepest.slider', value: 30, width: 140 },
  ];
  for (let level = 7; level >= 1; level--) {
    const container = {
      kind: level === 4 ? 'scroll' : level % 2 === 1 ? 'row' : 'column',
      id: `level${level}`,
      padding: 10,
      gap: 8,
      grow: 1,
      background: palette[level - 1],
      borderWidth: 1,
      borderColor: '#5a6275',
      cornerRadius: 8,
      crossAlign: level === 7 ? 'center' : 'stretch',
      children: level === 7 ? inner : [{ kind: 'label', id: `label${level}`, text: `Level ${level}${level === 4 ? ' (a scroll view)' : ''}` }, ...inner],
    };
    if (level === 4) container.height = 320;
    inner = [container];
  }
  return {
    name: 'nesting_depth8',
    description: 'Widgets at the deepest level the OS lays out (8 below the root), inside 7 nested containers with a scroll view at level 4.',
    root: { kind: 'column', padding: 16, gap: 8, children: [{ kind: 'label', id: 'heading', text: 'Nesting: 8 levels', font: 'title' }, ...inner] },
  };
}

/** At least 4000 glyphs on screen at 1280x720 (the PRD's maximum per frame). */
function textHeavy() {
  const next = random(4000);
  const lines = [];
  for (let i = 0; i < 40; i++) lines.push({ kind: 'label', id: `line${pad(i, 2)}`, padding: 0, text: sentence(next, 150) });
  return {
    name: 'text_heavy',
    description: '40 lines of 150 characters (6000 glyphs) and a title: the text renderer at and beyond the PRD maximum of 4000 glyphs a frame.',
    root: {
      kind: 'column',
      padding: [8, 16],
      gap: 1,
      children: [{ kind: 'label', id: 'heading', text: 'Text: 6000 glyphs', font: 'title' }, ...lines],
    },
  };
}

export const GENERATED_SCENES = {
  'scroll_list.json': scrollList,
  'stress_256.json': stress256,
  'nesting_depth8.json': nestingDepth8,
  'text_heavy.json': textHeavy,
};

export function sceneText(build) {
  return `${JSON.stringify(build(), null, 2)}\n`;
}

export function generate(outputDir) {
  mkdirSync(outputDir, { recursive: true });
  for (const [file, build] of Object.entries(GENERATED_SCENES)) writeFileSync(join(outputDir, file), sceneText(build));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
  const out = process.argv[2] ?? join(root, 'fixtures', 'scenes');
  generate(out);
  console.log(`wrote ${Object.keys(GENERATED_SCENES).join(', ')} to ${out}`);
}

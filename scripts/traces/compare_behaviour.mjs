#!/usr/bin/env node
// Compares two recordings of the same scenario frame by frame, to say which behaviour a kernel
// change altered before re-recorded fixtures are committed (the fixture digest alone changes with
// any kernel source edit). For each frame: the host's operations, the framebuffer blocks that
// changed, the primitives digest, and the tracked device-memory bytes that changed.
//   node scripts/traces/compare_behaviour.mjs old.gtrace new.gtrace
//   node scripts/traces/compare_behaviour.mjs --dir old-traces/ new-traces/
// Needs the built package (npm install or npm run build). Exit 0 when every frame behaves the same.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

import { Trace } from '../../dist/src/trace/trace_reader.js';

const same = (a, b) => {
  const plain = (_, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v);
  return JSON.stringify(a, plain) === JSON.stringify(b, plain);
};

function compare(oldPath, newPath) {
  const before = Trace.open(oldPath);
  const after = Trace.open(newPath);
  const lines = [];
  try {
    if (before.frameCount !== after.frameCount) lines.push(`frames: ${before.frameCount} before, ${after.frameCount} after`);
    for (let i = 0; i < Math.min(before.frameCount, after.frameCount); i++) {
      const a = before.frame(i);
      const b = after.frame(i);
      const parts = [];
      if (!same(a.operations, b.operations)) parts.push('host operations');
      if (!same(a.blocks, b.blocks)) parts.push('framebuffer');
      if (a.primitivesDigest !== b.primitivesDigest) parts.push('primitives');
      if (!same(a.stateRuns, b.stateRuns)) parts.push('state');
      if (parts.length > 0) lines.push(`frame ${i}: ${parts.join(', ')}`);
    }
  } finally {
    before.close();
    after.close();
  }
  return lines;
}

const args = process.argv.slice(2);
const pairs = args[0] === '--dir'
  ? readdirSync(args[1]).filter((f) => f.endsWith('.gtrace')).map((f) => [join(args[1], f), join(args[2], f)])
  : [[args[0], args[1]]];
if (pairs.some(([a, b]) => !a || !b)) {
  console.error('usage: compare_behaviour.mjs old.gtrace new.gtrace | --dir old/ new/');
  process.exit(2);
}
let changed = 0;
for (const [a, b] of pairs) {
  const lines = compare(a, b);
  if (lines.length > 0) changed++;
  console.log(`${basename(a)}: ${lines.length === 0 ? 'the same behaviour on every frame' : `${lines.length} frame(s) differ`}`);
  for (const line of lines.slice(0, 20)) console.log(`  ${line}`);
  if (lines.length > 20) console.log(`  ... ${lines.length - 20} more`);
}
process.exit(changed > 0 ? 1 : 0);

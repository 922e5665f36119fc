/**
 * npm run bench:replay — the record/replay machinery, as medians on this machine:
 *
 *   replay throughput    frames/s replaying fixture traces on the emulator (320x240, 1280x720),
 *                        and how much of each frame is the kernel vs the replay's own checks
 *   event codec          events/s through encodeEvents and decodeEvents
 *   frame records        frames/s through the full trace reader (open + decode every frame)
 *   trace size           bytes per event and per idle frame in the fixture traces
 *   golden comparison    megapixels/s comparing identical frames (the identical-bytes fast path) and differing
 *                        ones (pixelmatch), side by side, and their ratio
 *
 * Results print as a table and go to bench/results/replay.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { compareImages } from '../src/golden/compare.js';
import type { RawInputEvent } from '../src/os/input_events.js';
import { packageRoot } from '../src/kernel/package_root.js';
import { Replayer } from '../src/replayer/replayer.js';
import { decodeEvents, encodeEvents } from '../src/trace/event_codec.js';
import { Trace } from '../src/trace/trace_reader.js';
import { median } from './stats.js';

const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 5);
const root = packageRoot();
const traces = join(root, 'fixtures', 'traces');

interface Row {
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

async function replayThroughput(file: string): Promise<{ fps: number; kernelShare: number; frames: number; size: string }> {
  const rates: number[] = [];
  const shares: number[] = [];
  let frames = 0;
  let size = '';
  for (let run = 0; run < REPEATS; run++) {
    const replayer = await Replayer.open(join(traces, file));
    size = `${replayer.trace.header.config.width}x${replayer.trace.header.config.height}`;
    frames = replayer.frameCount;
    let kernelNs = 0;
    const start = process.hrtime.bigint();
    while (replayer.position < replayer.frameCount) {
      const check = await replayer.step();
      if (!check.ok) throw new Error(`${file} diverged at frame ${check.frame.index}: run the tests`);
      kernelNs += check.kernelNs;
    }
    const totalNs = Number(process.hrtime.bigint() - start);
    replayer.close();
    rates.push(frames / (totalNs / 1e9));
    shares.push(kernelNs / totalNs);
  }
  return { fps: median(rates), kernelShare: median(shares), frames, size };
}

function eventCorpus(count: number): RawInputEvent[] {
  // What recordings hold: mostly pointer moves, then keys and text, a few clicks and wheels.
  const events: RawInputEvent[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 10;
    if (kind < 6) events.push({ type: 1, modifiers: 0, code: 0, x: 100 + (i % 300) + 0.5, y: 50 + (i % 170) + 0.5 });
    else if (kind === 6) events.push({ type: 5, modifiers: i % 3 === 0 ? 1 : 0, code: 9, x: 0, y: 0 });
    else if (kind === 7) events.push({ type: 7, modifiers: 0, code: 97 + (i % 26), x: 0, y: 0 });
    else if (kind === 8) events.push({ type: 2, modifiers: 0, code: 1, x: 40.5, y: 90.5 });
    else events.push({ type: 4, modifiers: 0, code: 0, x: 0, y: 120 });
  }
  return events;
}

function eventCodec(): { encode: number; decode: number; bytesPerEvent: number } {
  const events = eventCorpus(32);
  const rounds = 20_000;
  const encodeRates: number[] = [];
  const decodeRates: number[] = [];
  let bytes = encodeEvents(events);
  for (let run = 0; run < REPEATS; run++) {
    let start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) bytes = encodeEvents(events);
    encodeRates.push((rounds * events.length) / (Number(process.hrtime.bigint() - start) / 1e9));
    start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) decodeEvents(bytes, 'bench');
    decodeRates.push((rounds * events.length) / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return { encode: median(encodeRates), decode: median(decodeRates), bytesPerEvent: bytes.byteLength / events.length };
}

function readerRate(file: string): number {
  const rates: number[] = [];
  for (let run = 0; run < REPEATS; run++) {
    const start = process.hrtime.bigint();
    const trace = Trace.open(join(traces, file));
    let frames = 0;
    for (const _ of trace.frames()) frames++;
    trace.close();
    rates.push(frames / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return median(rates);
}

function traceSizes(): { perEvent: number; idleFrame: number; events: number; idleFrames: number } {
  let eventBytes = 0;
  let events = 0;
  const idle: number[] = [];
  for (const file of readdirSync(traces).filter((f) => f.endsWith('.gtrace'))) {
    const trace = Trace.open(join(traces, file));
    for (const frame of trace.frames()) {
      const batches = frame.operations.filter((op) => op.kind === 'events');
      for (const op of batches) {
        events += op.events.length;
        eventBytes += encodeEvents(op.events).byteLength + 4; // the batch and its [0, bin] framing
      }
      if (frame.operations.length === 0 && frame.blocks.length === 0 && frame.stateRuns.length === 0) idle.push(trace.frameBytes(frame.index));
    }
    trace.close();
  }
  return { perEvent: eventBytes / events, idleFrame: median(idle), events, idleFrames: idle.length };
}

function goldenCost(width: number, height: number): { identical: number; differing: number } {
  const base = new Uint8Array(width * height * 4);
  for (let i = 0; i < base.length; i += 4) base.set([(i >> 4) & 255, (i >> 10) & 255, 90, 255], i);
  const same = { width, height, data: base.slice() };
  const expected = { width, height, data: base };
  const changed = { width, height, data: base.slice() };
  for (let y = 10; y < 40; y++) changed.data.set([255, 0, 0, 255], (y * width + 20) * 4);
  const megapixels = (width * height) / 1e6;
  const time = (actual: typeof same, rounds: number) => {
    const samples: number[] = [];
    for (let run = 0; run < REPEATS; run++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < rounds; i++) compareImages(expected, actual);
      samples.push((rounds * megapixels) / (Number(process.hrtime.bigint() - start) / 1e9));
    }
    return median(samples);
  };
  return { identical: time(same, 200), differing: time(changed, 5) };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const file of ['form-slider.gtrace', 'settings-tour.gtrace']) {
    const r = await replayThroughput(file);
    rows.push({ metric: `replay throughput, ${r.size} (${file}, ${r.frames} frames)`, value: r.fps, unit: 'frames/s', note: `${(r.kernelShare * 100).toFixed(0)}% of the time in the kernel's dispatch` });
  }
  const codec = eventCodec();
  rows.push({ metric: 'event encode', value: codec.encode / 1e6, unit: 'M events/s' });
  rows.push({ metric: 'event decode', value: codec.decode / 1e6, unit: 'M events/s' });
  rows.push({ metric: 'trace reading (open + decode every frame, settings-tour)', value: readerRate('settings-tour.gtrace'), unit: 'frames/s' });
  const sizes = traceSizes();
  rows.push({ metric: `bytes per event (fixture traces, ${sizes.events} events)`, value: sizes.perEvent, unit: 'B', note: 'target <= 16' });
  rows.push({ metric: `bytes per idle frame (fixture traces, ${sizes.idleFrames} idle frames)`, value: sizes.idleFrame, unit: 'B', note: 'target <= 64' });
  for (const [w, h] of [
    [320, 240],
    [1280, 720],
  ] as const) {
    const cost = goldenCost(w, h);
    rows.push({ metric: `golden compare ${w}x${h}, identical (fast path)`, value: cost.identical, unit: 'MP/s' });
    rows.push({ metric: `golden compare ${w}x${h}, differing (pixelmatch)`, value: cost.differing, unit: 'MP/s', note: `identical is ${(cost.identical / cost.differing).toFixed(0)}x cheaper (target >= 10x)` });
  }

  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
  console.log(`gpuos-replay record/replay benchmark — ${machine.cpu}, Node ${machine.node}, median of ${REPEATS} runs\n`);
  const width = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) console.log(`${r.metric.padEnd(width)}  ${r.value.toFixed(r.value < 100 ? 2 : 0).padStart(10)} ${r.unit.padEnd(10)} ${r.note ?? ''}`);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'replay.json'), JSON.stringify({ machine, repeats: REPEATS, rows }, null, 2) + '\n');
}

await main();

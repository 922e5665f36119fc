import { describeOperation } from '../../os/host_operations.js';
import { eventTypeName } from '../../os/input_events.js';
import { encodeEvents } from '../../trace/event_codec.js';
import { Trace } from '../../trace/trace_reader.js';
import { EXIT_OK, formatBytes, parse, printable, UsageError, type Command } from '../cli_support.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: "summarise a trace: what it recorded, its events, its frames' digests",
  usage: `usage: gpuos inspect <trace.gtrace> [--events] [--frames] [--json] [--salvage]

  Prints what the trace holds: who wrote it, the scene and size, frames and time, events by
  type, goldens, checkpoints, and where its bytes go. Reads the file only (no kernel runs).

      --events    every frame's host input, one line per event
      --frames    every frame's digest, changed framebuffer blocks and state bytes
      --json      all of it as JSON
      --salvage   read up to the first damaged record instead of failing
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { events: { type: 'boolean' }, frames: { type: 'boolean' }, json: { type: 'boolean' }, salvage: { type: 'boolean' } }, inspectCommand);
    if (parsed.flag('help')) return io.out(inspectCommand.usage), EXIT_OK;
    if (parsed.positionals.length !== 1) throw new UsageError(`name one trace file\n\n${inspectCommand.usage}`);
    const trace = Trace.open(parsed.positionals[0]!, { salvage: parsed.flag('salvage') });
    try {
      const h = trace.header;
      const eventCounts: Record<string, number> = {};
      let events = 0;
      let operations = 0;
      let eventBytes = 0;
      const frameBytes: number[] = [];
      const idleBytes: number[] = [];
      const frames: object[] = [];
      const eventLines: string[] = [];
      for (const frame of trace.frames()) {
        const size = trace.frameBytes(frame.index);
        frameBytes.push(size);
        if (frame.operations.length === 0 && frame.blocks.length === 0 && frame.stateRuns.length === 0) idleBytes.push(size);
        for (const op of frame.operations) {
          operations++;
          if (op.kind === 'events') {
            // The batch as stored, plus the operation's msgpack framing ([0, bin]: 3 bytes and the bin header).
            eventBytes += encodeEvents(op.events).byteLength + 4;
            for (const e of op.events) {
              events++;
              const name = eventTypeName(e.type) ?? 'unknown';
              eventCounts[name] = (eventCounts[name] ?? 0) + 1;
            }
          }
          if (parsed.flag('events')) for (const line of describeOperation(op)) eventLines.push(`frame ${frame.index} (${(frame.timeUs / 1000).toFixed(1)} ms): ${line}`);
        }
        if (parsed.flag('frames') || parsed.flag('json')) {
          frames.push({ frame: frame.index, timeUs: frame.timeUs, deltaUs: frame.deltaUs, digest: frame.digest.toString(16).padStart(16, '0'), blocksChanged: frame.blocks.length, stateBytesChanged: frame.stateRuns.filter((r) => r instanceof Uint8Array).reduce((n, r) => n + (r as Uint8Array).byteLength, 0), bytes: size });
        }
      }
      const total = frameBytes.reduce((a, b) => a + b, 0);
      const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[v.length >> 1]! : 0);
      const summary = {
        path: trace.path,
        name: h.name,
        description: h.description,
        writer: h.writer,
        format: h.format,
        abi: h.abi,
        kernelDigest: h.kernelDigest,
        backend: h.backend,
        width: h.config.width,
        height: h.config.height,
        seed: h.config.seed.toString(),
        frames: trace.frameCount,
        sessionTimeUs: trace.frameCount ? trace.frame(trace.frameCount - 1).timeUs : 0,
        complete: trace.complete,
        trailingBytes: trace.trailingBytes,
        damage: trace.damage ?? null,
        events,
        eventCounts,
        hostOperations: operations,
        goldens: trace.goldens,
        checkpoints: trace.checkpoints.map((c) => c.frame),
        bytes: { file: trace.fileBytes, frames: total, idleFrameMedian: idleBytes.length ? median(idleBytes) : null, events: eventBytes, perEvent: events ? Math.round((eventBytes / events) * 10) / 10 : 0 },
      };
      if (parsed.flag('json')) {
        io.out(JSON.stringify({ ...summary, frameCount: summary.frames, ...(parsed.flag('events') ? { eventLines } : {}), frames }, null, 2));
        return EXIT_OK;
      }
      io.out(trace.path);
      io.out(`  name         ${h.name}${h.description ? ` - ${printable(h.description)}` : ''}`);
      io.out(`  written by   ${h.writer}, trace format ${h.format}, OS ABI ${h.abi.version} (layout ${h.abi.layoutDigest}), kernel ${h.kernelDigest}`);
      io.out(`  recorded on  ${h.backend}, ${h.config.width}x${h.config.height}, seed ${h.config.seed}, a checkpoint every ${h.config.checkpointInterval} frames`);
      io.out(`  frames       ${trace.frameCount} (${(summary.sessionTimeUs / 1e6).toFixed(2)} s of session time), ${trace.complete ? 'complete' : `INCOMPLETE (cut off${trace.trailingBytes ? `, ${trace.trailingBytes} trailing bytes` : ''}${trace.damage ? `; ${trace.damage}` : ''})`}`);
      io.out(`  events       ${events}${events ? ` (${Object.entries(eventCounts).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}; ${operations} host operations`);
      io.out(`  goldens      ${trace.goldens.length ? trace.goldens.map((g) => `${g.name}@${g.frame}`).join(', ') : 'none'}`);
      io.out(`  checkpoints  ${trace.checkpoints.length ? `after frames ${summary.checkpoints.join(', ')}` : 'none'}`);
      io.out(`  size         ${formatBytes(trace.fileBytes)}: frames ${formatBytes(total)} (${idleBytes.length ? `${idleBytes.length} idle frames, ${summary.bytes.idleFrameMedian} B each` : 'no idle frames'}; ${events ? `events ${formatBytes(eventBytes)}, ${summary.bytes.perEvent} B each` : 'no events'}), checkpoints and header the rest`);
      for (const line of eventLines) io.out(line);
      if (parsed.flag('frames')) for (const f of frames as { frame: number; timeUs: number; digest: string; blocksChanged: number; stateBytesChanged: number; bytes: number }[]) {
        io.out(`frame ${String(f.frame).padStart(5)}  ${(f.timeUs / 1000).toFixed(1).padStart(9)} ms  digest ${f.digest}  blocks ${String(f.blocksChanged).padStart(4)}  state bytes ${String(f.stateBytesChanged).padStart(5)}  ${f.bytes} B`);
      }
      return EXIT_OK;
    } finally {
      trace.close();
    }
  },
};

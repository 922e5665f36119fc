import { basename, join } from 'node:path';

import { ensureDirectory } from '../../files.js';
import { loadScenario } from '../../recorder/scenario.js';
import { formatRerecordReviews, reviewRerecord, type RerecordReview } from '../../recorder/rerecord_review.js';
import { recordScenario } from '../../recorder/scenario_runner.js';
import { checkOutputPath, EXIT_FAILED, EXIT_OK, formatBytes, parse, UsageError, type Command } from '../cli_support.js';

export const recordCommand: Command = {
  name: 'record',
  summary: 'play scenario files through the kernel and write their traces',
  usage: `usage: gpuos record <scenario.json>... [-o <trace.gtrace> | --out-dir <dir>] [--accept-changes <names|all>]

  Plays each scenario (docs/TRACE_FORMAT.md, "Scenarios") through a new session on the CPU
  emulator and writes its trace: <out-dir>/<scenario name>.gtrace (default: the current directory).

  Re-recording over a trace made by other kernel sources first replays that trace on the kernel as
  it is now: traces whose kernel digest alone changed (every frame and golden as recorded) are
  re-recorded; if any trace's behaviour changed (a frame's memory, decoded fields, a golden's
  pixels), the differences are printed (images in test-output/rerecord/) and nothing is recorded
  (exit 1) until you accept them by name: a changed behaviour is reviewed before it becomes the
  fixture.

  -o, --output <file>              the trace file (one scenario only)
      --out-dir <dir>              where traces go, named after their scenarios
      --accept-changes <names|all> re-record these traces (comma-separated trace names) although
                                   their behaviour changed
      --golden-dir <dir>           goldens the review compares with (default golden)
      --json                       print the review and what was recorded as JSON
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { output: { type: 'string', short: 'o' }, 'out-dir': { type: 'string' }, 'accept-changes': { type: 'string' }, 'golden-dir': { type: 'string' }, json: { type: 'boolean' } }, recordCommand);
    const json = parsed.flag('json');
    if (parsed.flag('help')) return io.out(recordCommand.usage), EXIT_OK;
    if (parsed.positionals.length === 0) throw new UsageError(`name a scenario file\n\n${recordCommand.usage}`);
    if (parsed.string('output') && parsed.positionals.length > 1) throw new UsageError('-o names one trace: with several scenarios, use --out-dir');
    if (parsed.string('output') && parsed.string('out-dir')) throw new UsageError('give -o or --out-dir, not both');
    const outDir = parsed.string('out-dir') ?? '.';
    // Every scenario is checked, and every output decided, before anything is recorded.
    const jobs = parsed.positionals.map((file) => {
      const scenario = loadScenario(file);
      return { file, scenario, output: parsed.string('output') ?? join(outDir, `${scenario.name}.gtrace`) };
    });
    for (const [i, job] of jobs.entries()) {
      const other = jobs.slice(0, i).find((o) => o.output === job.output);
      if (other) throw new UsageError(`${other.file} and ${job.file} are both named '${job.scenario.name}': both would record ${job.output}; rename one`);
      checkOutputPath(job.output, parsed.positionals, parsed.string('output') ? '--output' : 'the trace');
    }
    const accepted = acceptedChanges(parsed.string('accept-changes'), jobs.map((job) => job.scenario.name));
    const reviews: RerecordReview[] = [];
    for (const job of jobs) reviews.push(await reviewRerecord(job.output, { goldenRoot: parsed.string('golden-dir') ?? 'golden' }));
    const reviewed = reviews.filter((r) => r.verdict !== 'new');
    if (reviewed.length > 0 && !json) {
      io.out(`reviewed ${reviewed.length} existing trace${reviewed.length === 1 ? '' : 's'} on the current kernel before recording over ${reviewed.length === 1 ? 'it' : 'them'}:`);
      for (const line of formatRerecordReviews(reviewed)) io.out(`  ${line}`);
    }
    const refused = reviews.filter((r) => r.verdict === 'behaviour-changed' && !accepted.has(r.name));
    if (refused.length > 0) {
      const names = refused.map((r) => r.name).join(',');
      if (json) io.out(JSON.stringify({ reviews, recorded: [] }, null, 2));
      io.err(`nothing recorded: ${refused.length} trace${refused.length === 1 ? '' : 's'} changed behaviour on this kernel (${names}). Look at the differences above and the images in test-output/rerecord/; if the change is right, record again with --accept-changes ${names} (npm run fixtures:record -- --accept-changes ${names}) and say in the commit which behaviour changed and why.`);
      return EXIT_FAILED;
    }
    ensureDirectory(outDir);
    const recorded: { scenario: string; trace: string; frames: number; events: number; goldens: number; bytes: number }[] = [];
    for (const { file, scenario, output } of jobs) {
      const summary = await recordScenario(scenario, output, { onFrame: (n) => n % 100 === 0 && io.interactive && process.stderr.write(`\rrecording ${basename(file)}: ${n} frames`) });
      if (io.interactive) process.stderr.write('\r\x1b[K');
      recorded.push({ scenario: file, trace: output, frames: summary.frames, events: summary.events, goldens: summary.goldens.length, bytes: summary.bytes });
      if (!json) io.out(`recorded ${scenario.name}: ${summary.frames} frames, ${summary.events} events, ${summary.goldens.length} goldens, ${formatBytes(summary.bytes)} -> ${output}`);
    }
    if (json) io.out(JSON.stringify({ reviews, recorded }, null, 2));
    return EXIT_OK;
  },
};

/** --accept-changes: trace names (each must be one being recorded), or all. */
function acceptedChanges(value: string | undefined, names: readonly string[]): Set<string> {
  if (value === undefined) return new Set();
  if (value === 'all') return new Set(names);
  const wanted = value.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  if (wanted.length === 0) throw new UsageError('--accept-changes needs trace names (comma-separated) or all');
  for (const name of wanted) if (!names.includes(name)) throw new UsageError(`--accept-changes names '${name}', which is not a trace being recorded (${names.join(', ')})`);
  return new Set(wanted);
}

import { GpuosError } from '../../errors.js';
import { ensureDirectory } from '../../files.js';
import { PROPERTIES } from '../../properties/index.js';
import { formatFailure, isCommandsPath, isPropertyPath, isPropertySeed, runProperty, type PropertyRunResult } from '../../properties/run_property.js';
import type { AnyOsProperty, PropertyScale } from '../../properties/property.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, integerOption, parse, UsageError, type Command } from '../cli_support.js';
import { Progress } from '../progress.js';

const DEFAULT_CAMPAIGN_RUNS = 1000;

/** "90", "90s", "15m", "2h" as milliseconds. */
export function parseDuration(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = match ? Number(match[1]) * scale[(match[2] ?? 's') as keyof typeof scale] : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > 7 * 24 * 3_600_000) throw new UsageError(`--time must be a duration like 90s, 15m or 2h (at most a week), got '${value}'`);
  return ms;
}

/** --out: a folder that exists or can be made, checked before hours of checking find a case. */
function prepareOutputDir(dir: string): void {
  try {
    ensureDirectory(dir);
  } catch (error) {
    throw new UsageError(`--out must name a folder for the counterexamples: ${(error as Error).message}`);
  }
}

function selected(names: readonly string[]): AnyOsProperty[] {
  if (names.length === 0) return [...PROPERTIES];
  return names.map((name) => {
    const property = PROPERTIES.find((p) => p.name === name);
    if (!property) throw new UsageError(`no property '${name}'; run 'gpuos check --list' to see them`);
    return property;
  });
}

function passLine(result: PropertyRunResult): string {
  const rate = result.durationMs > 0 ? ` ${((result.runs * 1000) / result.durationMs).toFixed(1)} cases/s,` : '';
  const skipped = result.skipped > 0 ? `, ${result.skipped} generated cases its oracle could not judge left out` : '';
  const stopped = result.timedOut ? ' (stopped by --time)' : '';
  return `PASS ${result.property}: ${result.runs} case${result.runs === 1 ? '' : 's'}${stopped} (seed ${result.seed},${rate} ${(result.durationMs / 1000).toFixed(1)} s${skipped})`;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'run the property tests for longer: generated scenes and input against the reference models',
  usage: `usage: gpuos check [property...] [--runs <n>] [--time <duration>] [--seed <s>] [--path <p>] [--commands <r>] [--scale test|campaign] [--out <dir>] [--list]

  Runs each property (all of them, or those named) on generated cases, and stops at the first
  case that breaks it: that case is shrunk, printed, and written as a scene, a scenario and a
  recorded trace under test-output/properties/<property>/. Exit 1 on a counterexample, 2 when a
  property could not run (for example without Chromium).

      --runs <n>       cases per property (default ${DEFAULT_CAMPAIGN_RUNS})
      --time <d>       stop starting new cases after this long in all (90s, 15m, 2h); the time is
                       shared between the properties still to run
      --seed <s>       the first seed (a 32-bit integer; default: from the clock, printed)
      --path <p>       with --seed and one property: rerun exactly the case a failure printed
      --commands <r>   with --path, for input-matches-model: the commands' replayPath it printed
      --scale <s>      'campaign' (default: larger trees, longer input) or 'test' (as npm test);
                       a rerun needs the scale the failure printed
      --out <dir>      where counterexamples go (default test-output/properties)
      --list           list the properties and what each checks
      --json           print the results (or with --list, the properties) as JSON
  -h, --help

  docs/PROPERTIES.md describes every property, its oracle and what it cannot see.`,
  async run(args, io) {
    const parsed = parse(
      args,
      { runs: { type: 'string' }, time: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' }, commands: { type: 'string' }, scale: { type: 'string' }, out: { type: 'string' }, list: { type: 'boolean' }, json: { type: 'boolean' } },
      checkCommand,
    );
    if (parsed.flag('help')) return io.out(checkCommand.usage), EXIT_OK;
    const json = parsed.flag('json');
    if (parsed.flag('list')) {
      if (json) io.out(JSON.stringify(PROPERTIES.map((p) => ({ name: p.name, claim: p.claim, oracle: p.oracle })), null, 2));
      else for (const p of PROPERTIES) io.out(`${p.name}\n  ${p.claim}\n  oracle: ${p.oracle}`);
      return EXIT_OK;
    }
    const properties = selected(parsed.positionals);
    const runs = integerOption(parsed.string('runs'), 'runs', 1, 100_000_000) ?? DEFAULT_CAMPAIGN_RUNS;
    const timeMs = parseDuration(parsed.string('time'));
    const seedText = parsed.string('seed');
    if (seedText !== undefined && !isPropertySeed(seedText)) throw new UsageError(`--seed must be a 32-bit integer (from -2147483648 to 2147483647), got '${seedText}'`);
    const seed = seedText === undefined ? undefined : Number(seedText);
    const path = parsed.string('path');
    if (path !== undefined && (seed === undefined || properties.length !== 1 || !isPropertyPath(path))) {
      throw new UsageError('--path replays one case: give it with --seed, --scale and exactly one property, as a failure prints them (e.g. --seed=42 --path "3:0:1")');
    }
    const commandsPath = parsed.string('commands');
    if (commandsPath !== undefined && (path === undefined || !isCommandsPath(commandsPath) || properties[0]!.commandsPathOf === undefined)) {
      throw new UsageError(`--commands replays the commands of one case of a property of fc.commands (${PROPERTIES.filter((p) => p.commandsPathOf).map((p) => p.name).join(', ')}): give it with --seed and --path, as a failure prints them (e.g. --commands "CAB:Bd")`);
    }
    const scale = (parsed.string('scale') ?? 'campaign') as PropertyScale;
    if (scale !== 'campaign' && scale !== 'test') throw new UsageError(`--scale must be 'campaign' or 'test', got '${scale}'`);
    const outputDir = parsed.string('out');
    if (outputDir !== undefined) prepareOutputDir(outputDir);

    const started = Date.now();
    let failed = 0;
    let notRun = 0;
    // With --json the lines below go to stderr and one JSON document to stdout at the end.
    const say = json ? (line: string) => io.err(line) : (line: string) => io.out(line);
    const results: object[] = [];
    for (const [i, property] of properties.entries()) {
      const share = timeMs === undefined ? undefined : Math.max(1, (timeMs - (Date.now() - started)) / (properties.length - i));
      const progress = new Progress(io, `checking ${property.name}`, path !== undefined ? 1 : runs, 'cases');
      let result: PropertyRunResult;
      try {
        result = await runProperty(property, {
          runs,
          scale,
          ...(seed === undefined ? {} : { seed }),
          ...(path === undefined ? {} : { path }),
          ...(commandsPath === undefined ? {} : { commandsPath }),
          ...(share === undefined ? {} : { timeMs: share }),
          ...(outputDir === undefined ? {} : { outputDir }),
          onProgress: (done) => progress.update(done),
        });
      } catch (error) {
        progress.interrupt();
        if (!(error instanceof GpuosError)) throw error;
        notRun++;
        say(`ERROR ${property.name}: not run: ${error.code}: ${error.message}`);
        results.push({ property: property.name, ok: false, error: { code: error.code, message: error.message } });
        continue;
      }
      results.push(result.ok ? result : { ...result, report: formatFailure(result) });
      if (result.ok) {
        say(passLine(result));
      } else {
        progress.interrupt();
        failed++;
        say(`FAIL ${property.name}\n${formatFailure(result)}`);
      }
    }
    say(`${properties.length} propert${properties.length === 1 ? 'y' : 'ies'} checked, ${failed} failed${notRun > 0 ? `, ${notRun} could not run` : ''}.`);
    if (json) io.out(JSON.stringify({ properties: results, failed, notRun }, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    if (failed > 0) return EXIT_FAILED;
    return notRun > 0 ? EXIT_USAGE : EXIT_OK;
  },
};

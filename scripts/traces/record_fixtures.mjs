#!/usr/bin/env node
// `npm run fixtures:record [-- --accept-changes <names|all>]`: records every fixture scenario into
// fixtures/traces and then brings the goldens in line. `gpuos record` first replays the existing
// traces on the kernel as it is now and refuses (exit 1, nothing written) if any changed behaviour
// that --accept-changes does not name; extra arguments go to `gpuos record`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { main } from '../../dist/src/cli/main.js';

const io = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), interactive: process.stderr.isTTY === true };
const scenarios = readdirSync('fixtures/scenarios').filter((f) => f.endsWith('.json')).sort().map((f) => join('fixtures/scenarios', f));
const recorded = await main(['record', ...scenarios, '--out-dir', 'fixtures/traces', ...process.argv.slice(2)], io);
if (recorded !== 0) process.exit(recorded);
process.exit(await main(['goldens', 'update', 'fixtures/traces', '--prune'], io));

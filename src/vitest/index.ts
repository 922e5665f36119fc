/**
 * gpuos-replay's vitest integration. Importing this module (e.g. from a vitest setup file)
 * registers expect(...).toMatchGolden(name) and expect(dispatch).toBeDeterministic(options).
 */
import { installDeterminismMatchers } from './to_be_deterministic.js';
import { installGoldenMatchers } from './to_match_golden.js';

installGoldenMatchers();
installDeterminismMatchers();

export { goldenMode, type GoldenMode } from './golden_mode.js';
export { formatReplayFailure, replayTraces, type ReplayTracesOptions } from './replay_traces.js';
export { installGoldenMatchers, toMatchGolden, type ToMatchGoldenOptions } from './to_match_golden.js';
export { installDeterminismMatchers, toBeDeterministic } from './to_be_deterministic.js';

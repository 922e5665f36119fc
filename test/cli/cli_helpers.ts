/** Runs the gpuos CLI in this process, capturing what it prints. */
import type { Io } from '../../src/cli/cli_support.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  out: string[];
  err: string[];
  /** out and err, one line after another. */
  text: string;
}

export async function gpuos(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => void out.push(line), err: (line) => void err.push(line), interactive: false };
  const code = await main(argv, io);
  return { code, out, err, text: [...out, ...err].join('\n') };
}

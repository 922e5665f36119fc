import type { SourceDiagnostic } from '../errors.js';

const ERROR_LINE = /^(.+?):(\d+):(?:(\d+):)? (?:fatal )?error: (.*)$/;
/** nvcc's (EDG's) spelling: `file(line): error: message`. */
const NVCC_ERROR_LINE = /^(.+?)\((\d+)\): (?:catastrophic )?error: (.*)$/;

/**
 * The error lines of GCC or Clang output. Thanks to the translator's #line directives they point
 * into the .metal source, not into the translated C++.
 */
export function parseCompilerErrors(output: string): SourceDiagnostic[] {
  const diagnostics: SourceDiagnostic[] = [];
  for (const line of output.split('\n')) {
    const nvcc = NVCC_ERROR_LINE.exec(line);
    if (nvcc) {
      diagnostics.push({ file: nvcc[1] ?? '', line: Number(nvcc[2]), column: 0, message: nvcc[3] ?? '' });
      continue;
    }
    const match = ERROR_LINE.exec(line);
    if (!match) continue;
    diagnostics.push({
      file: match[1] ?? '',
      line: Number(match[2]),
      column: match[3] ? Number(match[3]) : 0,
      message: match[4] ?? '',
    });
  }
  return diagnostics;
}

import type { SourceDiagnostic } from '../errors.js';

const ERROR_LINE = /^(.+?):(\d+):(?:(\d+):)? (?:fatal )?error: (.*)$/;

/**
 * The error lines of GCC or Clang output. Thanks to the translator's #line directives they point
 * into the .metal source, not into the translated C++.
 */
export function parseCompilerErrors(output: string): SourceDiagnostic[] {
  const diagnostics: SourceDiagnostic[] = [];
  for (const line of output.split('\n')) {
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

/**
 * Every error a user can cause is a GpuosError with a stable `code` and a message that says what
 * is wrong and what to do. Codes never change meaning; messages may improve.
 */
export class GpuosError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A function was called with a value it cannot use. */
export class InvalidArgumentError extends GpuosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_INVALID_ARGUMENT', message, options);
  }
}

/** No usable C++ compiler for building kernels on the CPU emulator. */
export class ToolchainError extends GpuosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_TOOLCHAIN', message, options);
  }
}

/** A position in a kernel source file. */
export interface SourceDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

function listDiagnostics(diagnostics: readonly SourceDiagnostic[]): string {
  return diagnostics.map((d) => `  ${d.file}:${d.line}${d.column ? `:${d.column}` : ''}: ${d.message}`).join('\n');
}

/** The kernel uses Metal features the emulator does not run (docs/KERNEL_SUBSET.md). */
export class KernelSubsetError extends GpuosError {
  readonly diagnostics: readonly SourceDiagnostic[];

  constructor(source: string, diagnostics: readonly SourceDiagnostic[]) {
    super(
      'E_KERNEL_UNSUPPORTED',
      `${source} cannot run on the CPU emulator:\n${listDiagnostics(diagnostics)}\nSee docs/KERNEL_SUBSET.md for what the emulator supports.`,
    );
    this.diagnostics = diagnostics;
  }
}

/** The kernel did not preprocess or compile; diagnostics point into the .metal source. */
export class KernelCompileError extends GpuosError {
  readonly diagnostics: readonly SourceDiagnostic[];
  readonly compilerOutput: string;

  constructor(source: string, stage: 'preprocess' | 'compile', diagnostics: readonly SourceDiagnostic[], compilerOutput: string) {
    const summary = diagnostics.length > 0 ? listDiagnostics(diagnostics) : compilerOutput.trim().split('\n').slice(0, 20).join('\n');
    super('E_KERNEL_COMPILE', `${source} failed to ${stage}:\n${summary}`);
    this.diagnostics = diagnostics;
    this.compilerOutput = compilerOutput;
  }
}

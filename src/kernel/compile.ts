/**
 * From a .metal file to a loaded kernel library for the CPU emulator:
 *
 *   preprocess (the host compiler's -E, with stand-ins for <metal_stdlib>)
 *   → translate (native/translate: kernel entry points, threadgroup variables, literals)
 *   → compile (the host compiler, Metal-like flags; cached by content)
 *   → load (dlopen, ABI check).
 *
 * Every stage reports problems as typed errors that point at the .metal source.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { InvalidArgumentError, KernelCompileError, KernelSubsetError, ToolchainError } from '../errors.js';
import { parseCompilerErrors } from './compiler_diagnostics.js';
import { backendName, requireBackend, type BackendName } from './backends.js';
import { compileCudaKernel, type CudaKernelLibrary } from './cuda/cuda_library.js';
import { KernelLibrary } from './kernel_library.js';
import { cacheKey, headersDigest, kernelCacheDir } from './kernel_cache.js';
import { callNative, nativeAddon } from './native.js';
import { PROCESS_TIMEOUT_MS, runProcess } from './process_runner.js';
import { findToolchain, type Toolchain } from './toolchain.js';

/** Kernel sources above this are refused: a kernel is code, not data. */
export const MAX_KERNEL_SOURCE_BYTES = 4 * 1024 * 1024;

export interface CompileKernelOptions {
  /** A .metal file. */
  path?: string;
  /** Or the source text itself, named by fileName in diagnostics. */
  source?: string;
  fileName?: string;
  /** Extra directories for #include "…". The source file's own directory is always searched. */
  includeDirs?: readonly string[];
  /**
   * Build the library for race checking as well: every load and store of kernel code is then
   * checked when a dispatch asks for it (race: true). Without it, the first dispatch with
   * race: true builds that variant (dispatch) or asks for it here (dispatchSync).
   */
  races?: boolean;
  /** Where the kernel runs: 'emulator' (the default) or 'cuda' (src/kernel/backends.ts). */
  backend?: BackendName;
}

export interface TranslatedKernel {
  /** The C++ the translator produced, ready for the host compiler. */
  cpp: string;
  /** The name diagnostics use for the source. */
  sourceName: string;
  /** Each kernel's CUDA wrapper (extern "C"), by kernel name. */
  entries: ReadonlyMap<string, string>;
}

const loaded = new Map<string, KernelLibrary>();

/** Compiles (or fetches from the cache) and loads a kernel library, for the emulator or for CUDA. */
export async function compileKernel(input: CompileKernelOptions & { backend: 'cuda' }): Promise<CudaKernelLibrary>;
export async function compileKernel(input: string | (CompileKernelOptions & { backend?: 'emulator' })): Promise<KernelLibrary>;
export async function compileKernel(input: string | CompileKernelOptions): Promise<KernelLibrary | CudaKernelLibrary>;
export async function compileKernel(input: string | CompileKernelOptions): Promise<KernelLibrary | CudaKernelLibrary> {
  const backend = typeof input === 'object' && input !== null && input.backend !== undefined ? backendName(input.backend) : 'emulator';
  if (backend !== 'emulator') {
    requireBackend(backend);
    if ((input as CompileKernelOptions).races) throw new InvalidArgumentError('races: true is the emulator\'s race checker; compile for the emulator to use it');
    const { backend: _backend, ...rest } = input as CompileKernelOptions;
    return compileCudaKernel(rest);
  }
  const races = typeof input === 'object' && input !== null && input.races !== undefined ? input.races : false;
  if (typeof races !== 'boolean') throw new InvalidArgumentError('compileKernel: races must be true or false');
  const translated = await translateKernel(input);
  const library = await buildAndLoad(translated, 'plain');
  if (races) await library.raceChecked();
  return library;
}

/** One variant of a translated kernel, built (or found in the cache) and loaded. */
async function buildAndLoad(translated: TranslatedKernel, variant: 'plain' | 'races'): Promise<KernelLibrary> {
  const toolchain = findToolchain();
  const flags = variant === 'plain' ? toolchain.compileFlags : [...toolchain.raceCompileFlags, '|', ...toolchain.linkFlags];
  const key = cacheKey([nativeAddon().emulatorAbiVersion, toolchain.cxx, toolchain.version, flags.join(' '), headersDigest(), translated.cpp]);
  const already = loaded.get(key);
  if (already) return already;

  const dir = kernelCacheDir();
  const libraryPath = join(dir, `${key}.so`);
  if (!existsSync(libraryPath)) await buildLibrary(toolchain, translated, dir, key, libraryPath, variant);
  const raceVariant = variant === 'races' ? undefined : () => buildAndLoad(translated, 'races');
  const library = new KernelLibrary(callNative(() => new (nativeAddon().KernelLibrary)(libraryPath)), libraryPath, translated.sourceName, raceVariant);
  loaded.set(key, library);
  return library;
}

/**
 * Preprocesses and translates without compiling: what the emulator's C++ build sees, or with
 * target 'cuda' what nvcc compiles for the CUDA backend.
 */
export async function translateKernel(input: string | CompileKernelOptions, target: 'cpu' | 'cuda' = 'cpu'): Promise<TranslatedKernel> {
  const options = typeof input === 'string' ? { path: input } : input;
  const { text, sourceName, includeDirs } = readSource(options);
  const toolchain = findToolchain();
  const args = [...toolchain.preprocessFlags];
  for (const dir of includeDirs) args.push('-I', dir);
  args.push('-');
  // A line marker names the stdin source, so diagnostics and #line say the file's name.
  const preprocessed = await runProcess(toolchain.cxx, args, { input: `# 1 "${sourceName.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"\n${text}` });
  if (preprocessed.spawnError) throw new ToolchainError(`cannot run ${toolchain.cxx}: ${preprocessed.spawnError.message}`, { cause: preprocessed.spawnError });
  if (preprocessed.truncated) throw new KernelCompileError(sourceName, 'preprocess', [], 'the preprocessed source is larger than 32 MiB');
  if (preprocessed.timedOut) throw new KernelCompileError(sourceName, 'preprocess', [], `preprocessing ran past ${PROCESS_TIMEOUT_MS / 1000} s and was stopped (an #include of a device, or a macro that expands without end?)`);
  if (preprocessed.status !== 0) {
    throw new KernelCompileError(sourceName, 'preprocess', parseCompilerErrors(preprocessed.stderr), preprocessed.stderr);
  }
  const translation = callNative(() => nativeAddon().translate(preprocessed.stdout, sourceName, target));
  if (!translation.ok) throw new KernelSubsetError(sourceName, translation.diagnostics);
  return { cpp: translation.cpp, sourceName, entries: new Map(translation.kernels.map((k) => [k.name, k.cudaEntry])) };
}

/** Apple's compiler accepts a UTF-8 byte order mark; the preprocessor would see a stray character. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readSource(options: CompileKernelOptions): { text: string; sourceName: string; includeDirs: string[] } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('compileKernel: pass a .metal path or { path | source, fileName?, includeDirs? }');
  if (options.path !== undefined && options.source !== undefined) {
    throw new InvalidArgumentError('compileKernel: pass either path or source, not both');
  }
  if (options.includeDirs !== undefined && (!Array.isArray(options.includeDirs) || options.includeDirs.some((dir) => typeof dir !== 'string' || dir === ''))) {
    throw new InvalidArgumentError('compileKernel: includeDirs must be an array of directory paths');
  }
  if (options.fileName !== undefined && (typeof options.fileName !== 'string' || options.fileName === '' || /[\0-\x1f"]/.test(options.fileName))) {
    throw new InvalidArgumentError('compileKernel: fileName must be a file name without quotes or control characters');
  }
  const includeDirs = (options.includeDirs ?? []).map((dir) => resolve(dir));
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path.length === 0) throw new InvalidArgumentError('compileKernel: path must be a non-empty string');
    const path = resolve(options.path);
    if (!existsSync(path)) throw new InvalidArgumentError(`compileKernel: ${path} does not exist`);
    const stat = statSync(path);
    if (!stat.isFile()) throw new InvalidArgumentError(`compileKernel: ${path} is not a file`);
    if (stat.size > MAX_KERNEL_SOURCE_BYTES) {
      throw new InvalidArgumentError(`compileKernel: ${path} is ${stat.size} bytes; kernel sources are limited to ${MAX_KERNEL_SOURCE_BYTES}`);
    }
    return { text: withoutBom(readFileSync(path, 'utf8')), sourceName: path, includeDirs: [dirname(path), ...includeDirs] };
  }
  if (typeof options.source !== 'string') throw new InvalidArgumentError('compileKernel: pass a path or a source string');
  if (Buffer.byteLength(options.source) > MAX_KERNEL_SOURCE_BYTES) {
    throw new InvalidArgumentError(`compileKernel: the source is larger than ${MAX_KERNEL_SOURCE_BYTES} bytes`);
  }
  const sourceName = options.fileName ?? 'kernel.metal';
  return { text: withoutBom(options.source), sourceName, includeDirs: [process.cwd(), ...includeDirs] };
}

async function buildLibrary(toolchain: Toolchain, translated: TranslatedKernel, dir: string, key: string, libraryPath: string, variant: 'plain' | 'races'): Promise<void> {
  // Everything is written under names private to this process, then renamed into place: other
  // processes compiling the same kernel at the same moment never see a half-written file (an
  // empty .cpp compiles fine into a library with no kernels in it).
  const unique = `${key}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const temporarySource = join(dir, `${unique}.cpp`);
  const temporaryLibrary = join(dir, `${unique}.so.tmp`);
  writeFileSync(temporarySource, translated.cpp);
  const compiled = variant === 'plain' ? await compileOnce(toolchain, temporarySource, temporaryLibrary) : await compileForRaces(toolchain, temporarySource, temporaryLibrary);
  // The translated C++ stays beside the library: it is what to read when a kernel misbehaves.
  const cppPath = join(dir, `${key}.cpp`);
  renameSync(temporarySource, cppPath);
  if (compiled.spawnError) throw new ToolchainError(`cannot run ${toolchain.cxx}: ${compiled.spawnError.message}`, { cause: compiled.spawnError });
  if (compiled.timedOut) {
    rmSync(temporaryLibrary, { force: true });
    throw new KernelCompileError(translated.sourceName, 'compile', [], `compiling ran past ${PROCESS_TIMEOUT_MS / 1000} s and was stopped (translated source: ${cppPath})`);
  }
  if (compiled.status !== 0) {
    rmSync(temporaryLibrary, { force: true });
    const stderr = compiled.stderr.replaceAll(temporarySource, cppPath);
    throw new KernelCompileError(translated.sourceName, 'compile', parseCompilerErrors(stderr), `${stderr}\n(translated source: ${cppPath})`);
  }
  renameSync(temporaryLibrary, libraryPath);
}

const COMPILER_OUTPUT_BYTES = 4 * 1024 * 1024;

function compileOnce(toolchain: Toolchain, source: string, library: string): ReturnType<typeof runProcess> {
  return runProcess(toolchain.cxx, [...toolchain.compileFlags, '-o', library, source], { maxOutputBytes: COMPILER_OUTPUT_BYTES });
}

/**
 * Compiles with the sanitizer's instrumentation, then links without it: linking with
 * -fsanitize=thread would pull in the ThreadSanitizer runtime, and the library brings its own
 * hooks (native/msl/cpu/cpu_race_hooks.h).
 */
async function compileForRaces(toolchain: Toolchain, source: string, library: string): ReturnType<typeof runProcess> {
  const object = `${library}.o`;
  try {
    const compiled = await runProcess(toolchain.cxx, [...toolchain.raceCompileFlags, '-o', object, source], { maxOutputBytes: COMPILER_OUTPUT_BYTES });
    if (compiled.spawnError || compiled.timedOut || compiled.status !== 0) return compiled;
    return await runProcess(toolchain.cxx, [...toolchain.linkFlags, '-o', library, object], { maxOutputBytes: COMPILER_OUTPUT_BYTES });
  } finally {
    rmSync(object, { force: true });
  }
}

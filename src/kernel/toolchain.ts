/**
 * The host C++ compiler that builds translated kernels for the CPU emulator, and the flags that
 * make them behave like Metal: no fast math and no FP contraction (DESIGN principle 3), wrapping
 * signed arithmetic and signed char (what GPUs do), a pattern in uninitialised locals (so reading
 * one is deterministic), stack probes (so a big local array hits the guard page), and line tables
 * (so a fault can be mapped back to its .metal line).
 */
import { spawnSync } from 'node:child_process';
import { arch, platform } from 'node:os';
import { join } from 'node:path';

import { ToolchainError } from '../errors.js';
import { packageRoot } from './package_root.js';

export interface Toolchain {
  /** The compiler command: $GPUOS_CXX, else $CXX, else `c++`. */
  readonly cxx: string;
  /** First line of `cxx --version`; part of the kernel cache key. */
  readonly version: string;
  readonly family: 'gcc' | 'clang';
  /** Flags for preprocessing a .metal file (before translation). */
  readonly preprocessFlags: readonly string[];
  /** Flags for compiling translated C++ into a kernel library. */
  readonly compileFlags: readonly string[];
  /**
   * For a race-checking build (compileKernel's races: true): code generation flags with the
   * compiler's ThreadSanitizer instrumentation, used with -c, and the flags that link the object
   * into a kernel library without any sanitizer runtime (native/msl/cpu/cpu_race_hooks.h).
   */
  readonly raceCompileFlags: readonly string[];
  readonly linkFlags: readonly string[];
}

let cached: Toolchain | undefined;

export function mslIncludeDir(): string {
  return join(packageRoot(), 'native', 'msl');
}

/** The preprocessor macros every non-Metal build of a kernel sees. */
export const KERNEL_DEFINES: readonly string[] = ['-D__METAL_VERSION__=310', '-D__GPUOS_EMULATOR__=1'];

/**
 * Flags that decide how translated kernel code behaves, for any target: the shared-library build
 * here and the static cross build of the arm64 self-test use the same ones.
 */
export function kernelCodegenFlags(family: Toolchain['family'], targetPlatform: string, targetArch: string): string[] {
  const flags = [
    '-x', 'c++', '-std=c++17', '-O2', '-fPIC', '-fvisibility=hidden',
    '-nostdinc', '-nostdinc++', '-fno-exceptions', '-fno-rtti',
    '-ffp-contract=off', '-fno-fast-math', '-fwrapv', '-fno-strict-aliasing', '-fsigned-char',
    // DWARF 4: with GCC 12's default DWARF 5, binutils 2.40's addr2line names the temporary .cpp
    // (the compile unit) instead of the .metal line a fault is on.
    '-ftrivial-auto-var-init=pattern', '-fno-omit-frame-pointer', '-gdwarf-4', '-g1',
    '-I', mslIncludeDir(),
  ];
  if (!(family === 'clang' && targetPlatform === 'darwin')) flags.push('-fstack-clash-protection');
  if (family === 'clang') flags.push('-Wno-unknown-warning-option', '-Wno-ignored-attributes');
  if (targetArch === 'x64') flags.push('-march=x86-64-v2');
  return flags;
}

export function findToolchain(): Toolchain {
  if (cached) return cached;
  const cxx = process.env.GPUOS_CXX ?? process.env.CXX ?? 'c++';
  const probe = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new ToolchainError(
      `no C++ compiler to build kernels for the CPU emulator: \`${cxx} --version\` failed` +
        (probe.error ? ` (${probe.error.message})` : '') +
        '. Install one (Debian/Ubuntu: apt-get install g++; macOS: xcode-select --install) or point $CXX at it.',
      { cause: probe.error },
    );
  }
  const version = (probe.stdout.split('\n')[0] ?? '').trim();
  const family: Toolchain['family'] = /clang/i.test(probe.stdout) ? 'clang' : 'gcc';

  const preprocessFlags = ['-E', '-x', 'c++', '-std=c++17', '-nostdinc', '-nostdinc++', ...KERNEL_DEFINES, '-I', join(mslIncludeDir(), 'preprocess')];
  const codegen = kernelCodegenFlags(family, platform(), arch());
  const linkFlags = ['-shared'];
  if (platform() === 'linux') linkFlags.push('-Wl,-z,defs', '-lm');
  if (platform() === 'darwin') linkFlags.push('-undefined', 'error');
  const compileFlags = [...codegen, ...linkFlags];
  // No __tsan_func_entry/exit calls: the checker needs loads and stores only.
  const noFunctionHooks = family === 'gcc' ? ['--param=tsan-instrument-func-entry-exit=0'] : ['-mllvm', '-tsan-instrument-func-entry-exit=0'];
  const raceCompileFlags = [...codegen, '-fsanitize=thread', ...noFunctionHooks, '-DGPUOS_RACE_CHECK=1', '-c'];

  cached = { cxx, version, family, preprocessFlags, compileFlags, raceCompileFlags, linkFlags };
  return cached;
}

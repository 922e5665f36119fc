// The source step that turns a single-threadgroup Metal compute kernel into C++ the CPU
// emulator's build compiles. Tokenizer level, not a compiler: it rewrites exactly what C++ cannot
// express the Metal way and leaves everything else to the C++ compiler.
//
//  - kernel entry points: `kernel void f(device T* p [[buffer(0)]], uint i [[thread_index_in_threadgroup]])`
//    become plain functions plus a generated wrapper that binds each parameter from the launch;
//  - `threadgroup T name[N];` at kernel scope becomes a reference to storage shared by all
//    threads of the threadgroup;
//  - address-space qualifiers (device, constant, thread, threadgroup) become nothing, or const;
//  - floating literals get MSL's types: `0.5` is a float (MSL has no double), `0.5h` a half.
//
// Everything MSL has that this path cannot run faithfully (textures, samplers, vertex and
// fragment functions, double, …) is rejected with a diagnostic naming the file and line: never a
// silent miscompile. docs/KERNEL_SUBSET.md lists the rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpuos::translate {

struct Diagnostic {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
};

enum class ParamBinding : std::uint8_t { kBuffer, kThreadgroup, kBuiltin };

struct KernelParam {
  std::string name;
  std::string type;  // as written in the source
  ParamBinding binding = ParamBinding::kBuffer;
  std::string index;    // binding index expression, for buffers and threadgroup memory
  std::string builtin;  // attribute name, for built-ins
};

struct KernelInfo {
  std::string name;  // the host name: [[host_name("…")]] or the function name
  std::string cuda_entry;  // the CUDA build's __global__ wrapper (extern "C") that runs it
  std::string file;
  std::uint32_t line = 0;
  std::vector<KernelParam> params;
};

// What the translated source is compiled as: C++ for the CPU emulator's kernel libraries, or
// CUDA C++ for nvcc (every function a __device__ function, threadgroup variables __shared__, one
// extern "C" __global__ wrapper per kernel).
enum class Target : std::uint8_t { kCpu, kCuda };

struct TranslateOptions {
  std::string source_name;  // names the source when the text carries no line markers
  Target target = Target::kCpu;
  // The header the output includes first; empty: the target's own (cpu/ or cuda/gpuos_kernel_prelude.h).
  std::string prelude;
};

struct TranslationResult {
  bool ok = false;
  std::string cpp;
  std::vector<KernelInfo> kernels;
  std::vector<Diagnostic> diagnostics;
};

// Translates preprocessed MSL (the output of `c++ -E`). On failure `ok` is false and
// `diagnostics` says why; it never throws on bad input.
TranslationResult translate_msl(const std::string& preprocessed, const TranslateOptions& options);

}  // namespace gpuos::translate

// Finds the structure the translation needs in a token stream: kernel functions and their
// signatures, kernel-scope threadgroup variables, attribute groups, and everything the subset
// rejects. Scope is tracked by braces and statements, which is all a tokenizer-level step needs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "msl_tokens.h"
#include "translator.h"

namespace gpuos::translate {

inline constexpr std::size_t kNoToken = static_cast<std::size_t>(-1);

struct TokenRange {
  std::size_t begin = kNoToken;  // first token
  std::size_t end = kNoToken;    // one past the last
  bool empty() const { return begin == kNoToken || begin >= end; }
};

struct AttributeItem {
  std::string name;
  std::size_t token = kNoToken;
  TokenRange arguments;  // inside the parentheses, if any
};

struct AttributeGroup {
  TokenRange tokens;  // from the first '[' through the last ']'
  std::vector<AttributeItem> items;
};

struct ParamSite {
  std::string name;
  TokenRange type;
  ParamBinding binding = ParamBinding::kBuffer;
  TokenRange index;
  std::string implicit_index;  // set when the source gave no [[buffer(n)]]: the index Metal assigns
  std::string builtin_attribute;
  std::string builtin_constant;
};

struct KernelSite {
  std::string function_name;
  std::string host_name;
  std::size_t statement_begin = kNoToken;
  std::size_t name_token = kNoToken;
  std::size_t body_open = kNoToken;
  std::size_t body_close = kNoToken;
  std::vector<std::size_t> removed_tokens;       // the `kernel` keyword
  std::vector<TokenRange> removed_ranges;        // attribute groups the translation consumes
  std::vector<ParamSite> params;
  TokenRange max_total_threads;
  std::vector<std::string> namespace_path;       // named enclosing namespaces, outermost first
  // A template kernel is compiled as a C++ template and gets no entry of its own; each explicit
  // instantiation `template [[host_name("n")]] kernel void f<T>(...);` is a kernel of the library,
  // with the template's parameters (names, attributes) and the instantiation's types.
  bool is_template = false;
  std::string call_name;                          // what the entry calls: `f<float>` (instantiations)
  std::size_t instantiation_begin = kNoToken;     // the instantiation statement, removed from the C++
  std::size_t instantiation_end = kNoToken;       // its `;`
};

// A program-scope built-in variable (MSL 3.1): `uint tid [[thread_position_in_grid]];` at file
// scope. Each thread sees its own value: the declaration is removed and every use reads the
// running thread's value through the emulator.
struct ProgramBuiltinSite {
  std::size_t statement_begin = kNoToken;
  std::size_t semicolon = kNoToken;
  std::string name;
  TokenRange type;
  std::string builtin_constant;
  std::vector<std::size_t> uses;  // identifier tokens after it that name it
};

struct Declarator {
  std::string name;
  TokenRange dimensions;  // the [..][..] after the name
};

struct ThreadgroupVariableSite {
  std::size_t statement_begin = kNoToken;  // the declaration's first token (attributes, volatile, …)
  std::string qualifiers;                  // cv-qualifiers written before `threadgroup`
  std::size_t threadgroup_token = kNoToken;
  std::size_t semicolon = kNoToken;
  TokenRange type;
  std::vector<Declarator> declarators;
  std::size_t kernel = 0;  // index into ScanResult::kernels
};

// A call of a user function that contains barriers or SIMD-group calls (directly or through
// other calls): the translation brackets it so the emulator knows which call a barrier belongs to.
struct SynchronisingCall {
  std::size_t begin = kNoToken;        // first token of the callee's (qualified) name
  std::size_t close_paren = kNoToken;  // the call's closing parenthesis
};

struct ScanResult {
  std::vector<KernelSite> kernels;
  // Where a declaration of a function (at namespace or class scope) or of a program-scope variable
  // begins, after any template header: the CUDA target puts `__device__` there, since MSL has no
  // host code and every function and constant is the device's.
  std::vector<std::size_t> device_declarations;
  std::vector<ThreadgroupVariableSite> threadgroup_variables;
  std::vector<SynchronisingCall> synchronising_calls;
  std::vector<ProgramBuiltinSite> program_builtins;
};

// Scans the stream; problems are appended to `diagnostics`.
ScanResult scan_source(const TokenStream& stream, std::vector<Diagnostic>& diagnostics);

}  // namespace gpuos::translate

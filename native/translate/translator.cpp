#include "translator.h"

#include <algorithm>

#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "cpp_emitter.h"
#include "msl_tokens.h"
#include "source_scan.h"

namespace gpuos::translate {

namespace {

struct Replacement {
  std::size_t end;  // one past the last replaced token
  std::string text;
};

class Translation {
 public:
  Translation(const TokenStream& stream, const ScanResult& scan, const TranslateOptions& options)
      : stream_(stream), tokens_(stream.tokens), scan_(scan), options_(options) {}

  TranslationResult run() {
    plan_kernels();
    plan_program_builtins();
    plan_threadgroup_variables();
    if (cuda()) {
      plan_device_declarations();
    } else {
      plan_synchronising_calls();  // the emulator's call scopes; a GPU needs none
    }
    TranslationResult result;
    result.ok = true;
    result.cpp = emit();
    result.kernels = kernel_infos();
    return result;
  }

 private:
  // ---- token translation ----

  bool is(std::size_t i, const char* text) const { return i < tokens_.size() && tokens_[i].is(text); }
  bool cuda() const { return options_.target == Target::kCuda; }

  static std::string floating_literal(const std::string& text) {
    const bool hex = text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const bool floating = hex ? text.find_first_of(".pP") != std::string::npos : text.find_first_of(".eE") != std::string::npos;
    if (!floating) return text;
    const char last = text.back();
    // (A hexadecimal floating literal always ends in its decimal exponent, so a trailing f is
    // the suffix there too.)
    if (last == 'f' || last == 'F') return text;
    // A half literal goes through double, not float, so it is rounded to half exactly once.
    if (last == 'h' || last == 'H') return "::half::from_literal(" + text.substr(0, text.size() - 1) + ")";
    if (last == 'l' || last == 'L') return text;  // rejected by the scan
    // MSL has no double: an unsuffixed floating literal is a float.
    return text + "f";
  }

  // Names the CUDA headers (always included by nvcc) also declare at global scope: MSL's vector
  // types (CUDA's are plain structs) and math functions (CUDA's and <cmath>'s overloads). Under
  // `using namespace metal;` an unqualified use would be ambiguous, or pick CUDA's: the CUDA
  // target qualifies them.
  static bool collides_with_cuda_type(const std::string& name) {
    static const char* const kElements[] = {"char", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "float"};
    if (name.size() < 2) return false;
    const char width = name.back();
    if (width != '2' && width != '3' && width != '4') return false;
    const std::string element = name.substr(0, name.size() - 1);
    for (const char* candidate : kElements) {
      if (element == candidate) return true;
    }
    return false;
  }
  static bool collides_with_cuda_function(const std::string& name) {
    static const std::set<std::string> kNames = {
        "abs", "min", "max", "floor", "ceil", "round", "trunc", "rint", "sqrt", "rsqrt", "cbrt", "sin", "cos", "tan",
        "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "exp2", "exp10",
        "expm1", "log", "log2", "log10", "log1p", "pow", "fmod", "fmin", "fmax", "fabs", "fma", "fdim", "copysign",
        "ldexp", "frexp", "modf", "nextafter", "isnan", "isinf", "isfinite", "isnormal", "signbit", "hypot",
        "remainder", "ilogb", "logb", "scalbn", "erf", "erfc", "lgamma", "tgamma", "sincos", "sinpi", "cospi", "tanpi"};
    return kNames.count(name) != 0;
  }
  bool qualified_or_member(std::size_t i) const {
    return i > 0 && (tokens_[i - 1].is(".") || tokens_[i - 1].is("->") || tokens_[i - 1].is("::"));
  }

  std::string translate_token(std::size_t i) const {
    const Token& token = tokens_[i];
    if (token.kind == TokenKind::kNumber) return floating_literal(token.text);
    if (token.kind != TokenKind::kIdentifier) return token.text;
    if (cuda() && !qualified_or_member(i) &&
        (collides_with_cuda_type(token.text) || (collides_with_cuda_function(token.text) && is(i + 1, "(")))) {
      return "::metal::" + token.text;
    }
    if (token.is("device") || token.is("thread") || token.is("threadgroup")) return "";
    if (token.is("constant")) {
      const bool beside_const = (i > 0 && (tokens_[i - 1].is("const") || tokens_[i - 1].is("constexpr"))) ||
                                is(i + 1, "const") || is(i + 1, "constexpr");
      return beside_const ? "" : "const";
    }
    return token.text;
  }

  // Tokens joined the way people write them: a space only between words and after commas, so
  // types read `const float*` and `float[32]` in generated code and in messages; and between two
  // operator characters, which joined could make another token (`N - -1` is not `N--1`, and
  // `a / *p` must not open a comment).
  static void append_token(std::string& out, const std::string& text) {
    if (text.empty()) return;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    auto fusing = [](char c) { return std::strchr("+-*/&|<>=:!%^.", c) != nullptr; };
    if (!out.empty() && ((word(out.back()) && word(text.front())) || out.back() == ',' || (fusing(out.back()) && fusing(text.front())))) {
      out += ' ';
    }
    out += text;
  }

  std::string translate_range(TokenRange range) const {
    std::string out;
    for (std::size_t i = range.begin; i < range.end && i < tokens_.size(); ++i) append_token(out, translate_token(i));
    return out;
  }

  std::string spell_range(TokenRange range) const {
    std::string out;
    for (std::size_t i = range.begin; i < range.end && i < tokens_.size(); ++i) append_token(out, tokens_[i].text);
    return out;
  }

  // ---- program-scope built-ins ----

  void plan_program_builtins() {
    for (const ProgramBuiltinSite& site : scan_.program_builtins) {
      replacements_[site.statement_begin] = {site.semicolon + 1, ""};
      const std::string read = "(::gpuos_glue::program_builtin<" + translate_range(site.type) + ">(" + site.builtin_constant + "))";
      for (std::size_t use : site.uses) {
        // `ns::tid` names the same variable: the qualifier goes with it.
        std::size_t first = use;
        while (first >= 2 && tokens_[first - 1].is("::") && tokens_[first - 2].is_identifier()) first -= 2;
        if (first >= 1 && tokens_[first - 1].is("::")) --first;
        replacements_[first] = {use + 1, read};
      }
    }
  }

  // ---- kernels ----

  std::string index_text(const ParamSite& param) const {
    return param.implicit_index.empty() ? translate_range(param.index) : param.implicit_index;
  }

  static std::string qualified(const KernelSite& kernel, const std::string& name) {
    std::string out = "::";
    for (const std::string& part : kernel.namespace_path) out += part + "::";
    return out + name;
  }

  void plan_kernels() {
    for (std::size_t k = 0; k < scan_.kernels.size(); ++k) {
      const KernelSite& kernel = scan_.kernels[k];
      if (kernel.instantiation_begin != kNoToken) {
        // The instantiation is not C++ (its attributes, `kernel`): its entry instantiates the template.
        replacements_[kernel.instantiation_begin] = {kernel.instantiation_end + 1, ""};
        after_[kernel.instantiation_end] += " " + kernel_wrapper(kernel, k);
        continue;
      }
      for (std::size_t token : kernel.removed_tokens) replacements_[token] = {token + 1, ""};
      for (const TokenRange& range : kernel.removed_ranges) replacements_[range.begin] = {range.end, ""};
      if (!kernel.is_template) after_[kernel.body_close] += " " + kernel_wrapper(kernel, k);
    }
  }

  std::string kernel_wrapper(const KernelSite& kernel, std::size_t index) const {
    const std::string suffix = std::to_string(index);
    std::string arguments;
    std::string params;
    for (const ParamSite& param : kernel.params) {
      const std::string type = translate_range(param.type);
      if (!arguments.empty()) arguments += ", ";
      switch (param.binding) {
        case ParamBinding::kBuffer:
          arguments += "::gpuos_glue::bind_buffer<" + type + ">(__gpuos_launch, (" + index_text(param) + "))";
          break;
        case ParamBinding::kThreadgroup:
          arguments += "::gpuos_glue::bind_threadgroup<" + type + ">(__gpuos_launch, (" + index_text(param) + "))";
          break;
        case ParamBinding::kBuiltin:
          arguments += "::gpuos_glue::bind_builtin<" + type + ">(__gpuos_launch, __gpuos_thread, " + param.builtin_constant + ")";
          break;
      }
      const std::string info = "::gpuos_glue::param_info<" + type + ">";
      const char* kind = param.binding == ParamBinding::kBuffer        ? "GPUOS_PARAM_BUFFER"
                         : param.binding == ParamBinding::kThreadgroup ? "GPUOS_PARAM_THREADGROUP"
                                                                        : "GPUOS_PARAM_BUILTIN";
      const std::string binding_index = param.binding == ParamBinding::kBuiltin
                                            ? param.builtin_constant
                                            : "static_cast<unsigned>(" + index_text(param) + ")";
      params += "{" + CppEmitter::c_string(param.name) + ", " + CppEmitter::c_string(spell_range(param.type)) + ", " + kind +
                ", " + binding_index + ", " + info + "::is_reference, " + info + "::is_const, " + info +
                "::pointee_size, " + info + "::pointee_align}, ";
    }
    const std::string call = (kernel.call_name.empty() ? kernel.function_name : kernel.call_name) + "(" + arguments + ");";
    if (cuda()) return cuda_kernel_wrapper(kernel, index, call);
    std::string out = "static void __gpuos_entry_" + suffix +
                      "(const ::gpuos_launch* __gpuos_launch, const ::gpuos_thread_ids* __gpuos_thread) { "
                      "(void)__gpuos_launch; (void)__gpuos_thread; " + call + " }";
    if (kernel.params.empty()) {
      out += " static const ::gpuos_param_desc* const __gpuos_params_" + suffix + " = nullptr;";
    } else {
      out += " static const ::gpuos_param_desc __gpuos_params_" + suffix + "[] = {" + params + "};";
    }
    out += index_checks(kernel);
    const std::string max_threads =
        kernel.max_total_threads.empty() ? "0u" : "static_cast<unsigned>(" + translate_range(kernel.max_total_threads) + ")";
    out += " static const unsigned __gpuos_max_threads_" + suffix + " = " + max_threads + ";";
    return out;
  }

  static std::string cuda_entry_name(std::size_t index) { return "gpuos_cuda_entry_" + std::to_string(index); }

  // One block of the kernel's threads: the launch record is passed by value (a kernel parameter),
  // each thread's ids come from the hardware's.
  std::string cuda_kernel_wrapper(const KernelSite& kernel, std::size_t index, const std::string& call) const {
    const std::string bound = kernel.max_total_threads.empty()
                                  ? "GPUOS_CUDA_MAX_THREADS"
                                  : "static_cast<unsigned>(" + translate_range(kernel.max_total_threads) + ")";
    return "extern \"C\" __global__ void __launch_bounds__(" + bound + ") " + cuda_entry_name(index) +
           "(const ::gpuos_cuda_launch __gpuos_launch_record) { const ::gpuos_cuda_launch* __gpuos_launch = &__gpuos_launch_record; ::gpuos_glue::kernel_started(__gpuos_launch); "
           "const ::gpuos_thread_ids __gpuos_ids = ::gpuos_glue::thread_ids(); const ::gpuos_thread_ids* __gpuos_thread = "
           "&__gpuos_ids; (void)__gpuos_launch; (void)__gpuos_thread; " + call + " }" + index_checks(kernel);
  }

  // Index expressions are only known to the C++ compiler: have it check them.
  std::string index_checks(const KernelSite& kernel) const {
    std::string out;
    for (std::size_t a = 0; a < kernel.params.size(); ++a) {
      const ParamSite& first = kernel.params[a];
      if (first.binding == ParamBinding::kBuiltin) continue;
      const char* space = first.binding == ParamBinding::kBuffer ? "buffer" : "threadgroup";
      out += " static_assert(static_cast<unsigned long long>(" + index_text(first) + ") <= 30u, " +
             CppEmitter::c_string("kernel '" + kernel.function_name + "': " + space + " index of '" + first.name +
                                  "' must be from 0 to 30") + ");";
      for (std::size_t b = a + 1; b < kernel.params.size(); ++b) {
        const ParamSite& second = kernel.params[b];
        if (second.binding != first.binding) continue;
        out += " static_assert((" + index_text(first) + ") != (" + index_text(second) + "), " +
               CppEmitter::c_string("kernel '" + kernel.function_name + "': " + space + " arguments '" + first.name +
                                    "' and '" + second.name + "' use the same index") + ");";
      }
    }
    return out;
  }

  std::string library_descriptor() const {
    if (cuda()) {
      // The host finds each kernel by its wrapper's name (KernelInfo::cuda_entry): no table.
      return "#line 1 " + CppEmitter::c_string("<gpuos: end of kernel source>") + "\n";
    }
    const std::string source = stream_.files.empty() ? options_.source_name : primary_file();
    std::string kernels;
    std::size_t count = 0;
    for (std::size_t k = 0; k < scan_.kernels.size(); ++k) {
      const KernelSite& kernel = scan_.kernels[k];
      if (kernel.is_template) continue;
      ++count;
      const Token& name = tokens_[kernel.name_token];
      const std::string suffix = std::to_string(k);
      kernels += "  {" + CppEmitter::c_string(kernel.host_name) + ", " + CppEmitter::c_string(stream_.files[name.file]) +
                 ", " + std::to_string(name.line) + "u, &" + qualified(kernel, "__gpuos_entry_" + suffix) + ", " +
                 qualified(kernel, "__gpuos_params_" + suffix) + ", " + std::to_string(kernel.params.size()) + "u, " +
                 qualified(kernel, "__gpuos_max_threads_" + suffix) + "},\n";
    }
    return "#line 1 " + CppEmitter::c_string("<gpuos: kernel library descriptor>") +
           "\n"
           "static const ::gpuos_kernel_desc __gpuos_kernels[] = {\n" +
           kernels +
           "};\n"
           "static const ::gpuos_kernel_library __gpuos_library = {\n"
           "  GPUOS_EMU_ABI_VERSION, " +
           CppEmitter::c_string(source) + ", __gpuos_kernels, " + std::to_string(count) +
           "u, &::gpuos_glue::runtime, GPUOS_RACE_INSTRUMENTED};\n"
           "extern \"C\" __attribute__((visibility(\"default\"))) const ::gpuos_kernel_library* "
           "gpuos_kernel_library_v1(void) { return &__gpuos_library; }\n";
  }

  std::string primary_file() const {
    // The first line marker names the file the preprocessor was given; skip its built-in names.
    for (const Token& token : tokens_) {
      const std::string& file = stream_.files[token.file];
      if (!file.empty() && file.front() != '<') return file;
    }
    return options_.source_name;
  }

  // ---- threadgroup variables ----

  void plan_threadgroup_variables() {
    std::map<std::size_t, unsigned> next_slot;
    for (const ThreadgroupVariableSite& site : scan_.threadgroup_variables) {
      const std::string type = site.qualifiers + translate_range(site.type);
      std::string text;
      for (const Declarator& declarator : site.declarators) {
        if (cuda()) {
          text += "__shared__ " + type + " " + declarator.name + translate_range(declarator.dimensions) + "; ";
          continue;
        }
        const unsigned slot = next_slot[site.kernel]++;
        text += "auto& " + declarator.name + " = ::gpuos_glue::threadgroup_variable<" + type +
                translate_range(declarator.dimensions) + ">(" + std::to_string(slot) + "u, " +
                CppEmitter::c_string(declarator.name) + "); ";
      }
      replacements_[site.statement_begin] = {site.semicolon + 1, text};
    }
  }

  // Every function and program-scope constant is the device's: MSL has no host code.
  void plan_device_declarations() {
    for (std::size_t at : scan_.device_declarations) {
      // Past removed tokens (`kernel`, attributes); a declaration removed whole (a program-scope
      // built-in, an instantiation) gets nothing.
      for (std::size_t end = removed_until(at); end != kNoToken; end = removed_until(at)) {
        if (tokens_[end - 1].is(";")) {
          at = kNoToken;
          break;
        }
        at = end;
      }
      if (at != kNoToken) before_[at] += "__device__ ";
    }
  }

  // Where a planned replacement with no text that covers token `at` ends, or kNoToken.
  std::size_t removed_until(std::size_t at) const {
    auto it = replacements_.upper_bound(at);
    if (it == replacements_.begin()) return kNoToken;
    --it;
    return at < it->second.end && it->second.text.empty() ? it->second.end : kNoToken;
  }

  // `helper(args)` becomes
  // `::gpuos_glue::scoped_call(__builtin_source_location(), [&]() GPUOS_LAMBDA -> decltype(auto) { return helper(args); })`:
  // the call's scope ends when it returns (kernel_glue.h says why), with its value and type kept.
  void plan_synchronising_calls() {
    for (const SynchronisingCall& call : scan_.synchronising_calls) {
      before_[call.begin] += "::gpuos_glue::scoped_call(__builtin_source_location(), [&]() GPUOS_LAMBDA -> decltype(auto) { return ";
      after_[call.close_paren] += "; })";
    }
  }

  // ---- output ----

  std::string emit() const {
    CppEmitter emitter(stream_.files);
    const std::string prelude = !options_.prelude.empty() ? options_.prelude
                                : cuda()                   ? "cuda/gpuos_kernel_prelude.h"
                                                           : "cpu/gpuos_kernel_prelude.h";
    std::string out = "#include \"" + prelude + "\"\n";
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      const auto before = before_.find(i);
      const std::string prefix = before == before_.end() ? std::string() : before->second;
      const auto replacement = replacements_.find(i);
      if (replacement != replacements_.end()) {
        emitter.token(tokens_[i], prefix + replacement->second.text);
        const std::size_t last = replacement->second.end - 1;
        const auto after = after_.find(last);
        if (after != after_.end()) emitter.append(after->second);
        i = last;
        continue;
      }
      if (tokens_[i].kind == TokenKind::kDirective) {
        emitter.directive(tokens_[i]);
        continue;
      }
      emitter.token(tokens_[i], prefix + translate_token(i));
      const auto after = after_.find(i);
      if (after != after_.end()) emitter.append(after->second);
    }
    emitter.trailer(library_descriptor());
    return out + emitter.take();
  }

  std::vector<KernelInfo> kernel_infos() const {
    std::vector<KernelInfo> infos;
    for (const KernelSite& kernel : scan_.kernels) {
      if (kernel.is_template) continue;
      KernelInfo info;
      info.name = kernel.host_name;
      info.cuda_entry = cuda_entry_name(static_cast<std::size_t>(&kernel - scan_.kernels.data()));
      const Token& name = tokens_[kernel.name_token];
      info.file = stream_.files[name.file];
      info.line = name.line;
      for (const ParamSite& site : kernel.params) {
        KernelParam param;
        param.name = site.name;
        param.type = spell_range(site.type);
        param.binding = site.binding;
        param.index = site.implicit_index.empty() ? spell_range(site.index) : site.implicit_index;
        param.builtin = site.builtin_attribute;
        info.params.push_back(std::move(param));
      }
      infos.push_back(std::move(info));
    }
    return infos;
  }

  const TokenStream& stream_;
  const std::vector<Token>& tokens_;
  const ScanResult& scan_;
  const TranslateOptions& options_;
  std::map<std::size_t, Replacement> replacements_;
  std::map<std::size_t, std::string> before_;
  std::map<std::size_t, std::string> after_;
};

}  // namespace

TranslationResult translate_msl(const std::string& preprocessed, const TranslateOptions& options) {
  TranslationResult result;
  const TokenStream stream = tokenize(preprocessed, options.source_name);
  if (!stream.error.empty()) {
    Diagnostic diagnostic;
    diagnostic.file = stream.files[stream.error_position.file];
    diagnostic.line = stream.error_position.line;
    diagnostic.column = stream.error_position.column;
    diagnostic.message = stream.error;
    result.diagnostics.push_back(std::move(diagnostic));
    return result;
  }
  const ScanResult scan = scan_source(stream, result.diagnostics);
  const bool any_entry = std::any_of(scan.kernels.begin(), scan.kernels.end(), [](const KernelSite& k) { return !k.is_template; });
  if (!any_entry && result.diagnostics.empty()) {
    Diagnostic diagnostic;
    diagnostic.file = options.source_name;
    const auto first_template = std::find_if(scan.kernels.begin(), scan.kernels.end(), [](const KernelSite& k) { return k.is_template; });
    diagnostic.message =
        first_template == scan.kernels.end()
            ? "no kernel function found; mark the entry point `kernel void name(...)`"
            : "template kernel '" + first_template->function_name + "' is never instantiated; add `template [[host_name(\"" +
                  first_template->function_name + "_float\")]] kernel void " + first_template->function_name +
                  "<float>(parameter types);` for each type";
    if (first_template != scan.kernels.end()) {
      const Token& name = stream.tokens[first_template->name_token];
      diagnostic.file = stream.files[name.file];
      diagnostic.line = name.line;
      diagnostic.column = name.column;
    }
    result.diagnostics.push_back(std::move(diagnostic));
  }
  if (!result.diagnostics.empty()) return result;
  TranslationResult translated = Translation(stream, scan, options).run();
  return translated;
}

}  // namespace gpuos::translate

#include "source_scan.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "msl_subset.h"

namespace gpuos::translate {

namespace {

enum class ScopeKind { kNamespace, kClass, kFunction, kKernel, kBlock, kInitializer };

struct Scope {
  ScopeKind kind;
  std::string name;  // namespaces only; empty when anonymous or a linkage block
  bool named_namespace = false;
  std::size_t statement_start = 0;
  int nesting = 0;  // open ( and [ within the current statement
  std::size_t kernel = 0;
  std::size_t function = kNoToken;  // index into Scanner::functions_, for namespace-scope functions
};

struct FunctionSite {
  std::string name;
  std::size_t body_open;
  std::size_t body_close;
};

// Diagnostics stop being useful after a screenful.
constexpr std::size_t kMaxDiagnostics = 25;

class Scanner {
 public:
  Scanner(const TokenStream& stream, std::vector<Diagnostic>& diagnostics)
      : stream_(stream), tokens_(stream.tokens), diagnostics_(diagnostics) {
    matches_.assign(tokens_.size(), kNoToken);
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      const Token& token = tokens_[i];
      if (token.kind != TokenKind::kPunctuator) continue;
      if (token.is("(") || token.is("[") || token.is("{")) {
        open.push_back(i);
      } else if (token.is(")") || token.is("]") || token.is("}")) {
        if (open.empty() || !closes(tokens_[open.back()].text, token.text)) {
          report(i, "unbalanced '" + token.text + "'");
          balanced_ = false;
          return;
        }
        matches_[open.back()] = i;
        matches_[i] = open.back();
        open.pop_back();
      }
    }
    if (!open.empty()) {
      report(open.back(), "'" + tokens_[open.back()].text + "' is never closed");
      balanced_ = false;
    }
  }

  ScanResult run() {
    if (!balanced_) return {};
    scopes_.push_back({ScopeKind::kNamespace, "", false, 0, 0, 0});
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      const Token& token = tokens_[i];
      if (token.kind == TokenKind::kDirective) continue;
      Scope& scope = scopes_.back();
      if (i == scope.statement_start && scope.nesting == 0) statement_start(i);
      if (is_attribute_start(i)) {
        attribute_groups_.push_back(parse_attribute_group(i));
        i = matches_[i];
        continue;
      }
      if (token.kind == TokenKind::kIdentifier) {
        check_identifier(i);
        if (token.is("threadgroup")) threadgroup_tokens_.push_back(i);
        continue;
      }
      if (token.kind == TokenKind::kNumber) {
        check_number(i);
        continue;
      }
      if (token.kind != TokenKind::kPunctuator) continue;
      if (token.is("(") || token.is("[")) {
        ++scope.nesting;
      } else if (token.is(")") || token.is("]")) {
        --scope.nesting;
      } else if (token.is("{")) {
        open_brace(i);
      } else if (token.is("}")) {
        close_brace(i);
      } else if (token.is(";") && scope.nesting == 0) {
        if (scope.kind == ScopeKind::kNamespace && !parse_instantiation(scope.statement_start, i)) {
          check_program_scope_declaration(scope.statement_start, i);
          note_device_declaration(scope.statement_start, i, /*functions_only=*/false);
        } else if (scope.kind == ScopeKind::kClass) {
          note_device_declaration(scope.statement_start, i, /*functions_only=*/true);
        }
        scope.statement_start = i + 1;
      }
    }
    check_leftover_attributes();
    check_threadgroup_qualifiers();
    find_synchronising_calls();
    find_program_builtin_uses();
    return std::move(result_);
  }

 private:
  static bool closes(const std::string& open, const std::string& close) {
    return (open == "(" && close == ")") || (open == "[" && close == "]") || (open == "{" && close == "}");
  }

  void report(std::size_t token, const std::string& message) {
    if (diagnostics_.size() >= kMaxDiagnostics) return;
    Diagnostic diagnostic;
    if (token < tokens_.size()) {
      diagnostic.file = stream_.files[tokens_[token].file];
      diagnostic.line = tokens_[token].line;
      diagnostic.column = tokens_[token].column;
    } else if (!stream_.files.empty()) {
      diagnostic.file = stream_.files.front();
    }
    diagnostic.message = message;
    diagnostics_.push_back(std::move(diagnostic));
  }

  bool is(std::size_t i, const char* text) const { return i < tokens_.size() && tokens_[i].is(text); }

  bool is_attribute_start(std::size_t i) const { return is(i, "[") && is(i + 1, "[") && matches_[i + 1] + 1 == matches_[i]; }

  // [[ item, item(args), ns::item ]]
  AttributeGroup parse_attribute_group(std::size_t open) {
    AttributeGroup group;
    group.tokens = {open, matches_[open] + 1};
    std::size_t i = open + 2;
    const std::size_t inner_end = matches_[open + 1];
    while (i < inner_end) {
      AttributeItem item;
      item.token = i;
      while (i < inner_end && !is(i, ",") && !is(i, "(")) item.name += tokens_[i++].text;
      if (is(i, "(")) {
        item.arguments = {i + 1, matches_[i]};
        i = matches_[i] + 1;
      }
      if (!item.name.empty()) group.items.push_back(std::move(item));
      while (i < inner_end && !is(i, ",")) ++i;
      ++i;
    }
    return group;
  }

  void check_identifier(std::size_t i) {
    const std::string& name = tokens_[i].text;
    if (name == "delete" && i > 0 && is(i - 1, "=")) return;  // a deleted function (= delete) is fine
    if (const char* reason = unsupported_identifier_reason(name)) {
      if (reported_identifiers_.insert(name).second) report(i, "'" + name + "': " + reason);
    }
    // GNU attributes a Metal kernel may carry (METAL_FUNC is always_inline) are about inlining;
    // ones that run code when the library loads, or place or alias symbols, reach the host.
    if (name == "__attribute__" && is(i + 1, "(")) {
      static const char* const kHostAttributes[] = {"constructor", "destructor", "init_priority", "section",
                                                    "alias",       "ifunc",      "weakref",       "cleanup"};
      for (std::size_t j = i + 2; j < matches_[i + 1]; ++j) {
        for (const char* host : kHostAttributes) {
          if (tokens_[j].is(host) || tokens_[j].text == std::string("__") + host + "__") {
            report(j, std::string("'__attribute__((") + host + "))' is host C++, not MSL: a kernel cannot run code in the host process");
          }
        }
      }
    }
  }

  void check_number(std::size_t i) {
    const std::string& text = tokens_[i].text;
    const bool hex = text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const bool floating = hex ? text.find_first_of(".pP") != std::string::npos
                              : text.find_first_of(".eE") != std::string::npos;
    if (floating && (text.back() == 'l' || text.back() == 'L')) {
      report(i, "'" + text + "': MSL has no long double; use a float literal");
    }
  }

  // ---- scopes ----

  std::size_t first_meaningful(std::size_t begin, std::size_t end) const {
    std::size_t i = begin;
    while (i < end && (is_attribute_start(i) || tokens_[i].kind == TokenKind::kDirective)) {
      i = is_attribute_start(i) ? matches_[i] + 1 : i + 1;
    }
    return i;
  }

  // A function definition: a top-level ( … ) followed only by what may sit between a function's
  // parameter list and its body. The first group that qualifies is the parameter list, which
  // skips groups before the name such as __attribute__((always_inline)) (MSL's METAL_FUNC).
  std::size_t function_parameters(std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      if (is_attribute_start(i) || is(i, "[") || is(i, "{")) {
        i = matches_[i];
        continue;
      }
      if (is(i, "=")) return kNoToken;
      if (is(i, "(")) {
        if (i > begin && names_function(i) && only_function_tail(matches_[i] + 1, end)) return i;
        i = matches_[i];
      }
    }
    return kNoToken;
  }

  // What may stand right before a parameter list: a name, a template-id `f<T>`, or an operator.
  bool names_function(std::size_t open) const {
    const Token& before = tokens_[open - 1];
    if (before.is_identifier() || before.is(">")) return true;
    if (open >= 2 && tokens_[open - 2].is("operator")) return true;  // operator+ (
    return open >= 3 && before.is(")") && tokens_[open - 2].is("(") && tokens_[open - 3].is("operator");  // operator() (
  }

  bool only_function_tail(std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      if (is_attribute_start(i)) {
        i = matches_[i];
        continue;
      }
      const Token& token = tokens_[i];
      if (token.is("->") || token.is(":")) return true;  // trailing return type, constructor initializers
      if (token.is("const") || token.is("volatile") || token.is("noexcept") || token.is("override") ||
          token.is("final") || token.is("&") || token.is("&&")) {
        continue;
      }
      if ((token.is("throw") || token.is("noexcept") || token.is("__attribute__")) && is(i + 1, "(")) {
        i = matches_[i + 1];
        continue;
      }
      return false;
    }
    return true;
  }

  bool has_kernel_marker(std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      if (is_attribute_start(i)) {
        for (std::size_t j = i + 2; j < matches_[i + 1]; ++j) {
          if (is(j, "kernel")) return true;
        }
        i = matches_[i];
        continue;
      }
      if (is(i, "(")) return false;
      if (is(i, "kernel")) return true;
    }
    return false;
  }

  bool contains_top_level(std::size_t begin, std::size_t end, std::initializer_list<const char*> words) const {
    for (std::size_t i = begin; i < end; ++i) {
      if (is(i, "(") || is(i, "[") || is(i, "{")) {
        i = matches_[i];
        continue;
      }
      for (const char* word : words) {
        if (tokens_[i].is(word)) return true;
      }
    }
    return false;
  }

  void open_brace(std::size_t i) {
    Scope& parent = scopes_.back();
    Scope scope{ScopeKind::kBlock, "", false, i + 1, 0, parent.kernel};
    const bool in_code = parent.kind == ScopeKind::kFunction || parent.kind == ScopeKind::kKernel ||
                         parent.kind == ScopeKind::kBlock || parent.kind == ScopeKind::kInitializer;
    if (in_code) {
      scope.kind = parent.kind == ScopeKind::kInitializer ? ScopeKind::kInitializer : ScopeKind::kBlock;
      if (is_lambda_body(i)) untracked_bodies_.push_back({i, "a lambda"});
    } else if (parent.nesting > 0) {
      scope.kind = ScopeKind::kInitializer;  // a brace inside parentheses at namespace or class scope
    } else {
      const std::size_t begin = parent.statement_start;
      const std::size_t first = first_meaningful(begin, i);
      if (is(first, "namespace") || (is(first, "inline") && is(first + 1, "namespace"))) {
        scope.kind = ScopeKind::kNamespace;
        for (std::size_t j = first + (is(first, "inline") ? 2 : 1); j < i; ++j) scope.name += tokens_[j].text;
        scope.named_namespace = !scope.name.empty();
      } else if (is(first, "extern") && first + 1 < i && tokens_[first + 1].kind == TokenKind::kString) {
        scope.kind = ScopeKind::kNamespace;  // a linkage block: transparent
      } else if (const std::size_t parameters = function_parameters(begin, i); parameters != kNoToken) {
        scope.kind = ScopeKind::kFunction;
        result_.device_declarations.push_back(declaration_start(begin, parameters));
        if (parent.kind == ScopeKind::kClass) untracked_bodies_.push_back({i, "a member function"});
        if (parent.kind == ScopeKind::kNamespace && !has_kernel_marker(begin, i) && tokens_[parameters - 1].is_identifier()) {
          scope.function = functions_.size();
          functions_.push_back({tokens_[parameters - 1].text, i, kNoToken});
        }
        if (parent.kind == ScopeKind::kNamespace && has_kernel_marker(begin, i)) {
          scope.kind = ScopeKind::kKernel;
          scope.kernel = result_.kernels.size();
          parse_kernel(begin, i);
        } else if (has_kernel_marker(begin, i)) {
          report(i, "kernel functions must be declared at namespace scope");
        }
      } else if (contains_top_level(begin, i, {"struct", "class", "union", "enum"})) {
        scope.kind = ScopeKind::kClass;
      } else {
        scope.kind = ScopeKind::kInitializer;
      }
    }
    scopes_.push_back(std::move(scope));
  }

  void close_brace(std::size_t i) {
    const Scope closed = scopes_.back();
    scopes_.pop_back();
    if (scopes_.empty()) {
      scopes_.push_back({ScopeKind::kNamespace, "", false, i + 1, 0, 0});
      return;
    }
    if (closed.kind == ScopeKind::kKernel) result_.kernels[closed.kernel].body_close = i;
    if (closed.kind == ScopeKind::kFunction && closed.function != kNoToken) functions_[closed.function].body_close = i;
    Scope& parent = scopes_.back();
    const bool ends_statement = closed.kind == ScopeKind::kNamespace || closed.kind == ScopeKind::kFunction ||
                                closed.kind == ScopeKind::kKernel || closed.kind == ScopeKind::kBlock;
    if (ends_statement && parent.nesting == 0) parent.statement_start = i + 1;
  }

  std::vector<std::string> namespace_path() const {
    std::vector<std::string> path;
    for (const Scope& scope : scopes_) {
      if (scope.kind == ScopeKind::kNamespace && scope.named_namespace) path.push_back(scope.name);
    }
    return path;
  }

  // ---- kernels ----

  void parse_kernel(std::size_t begin, std::size_t body_open) {
    KernelSite kernel;
    kernel.statement_begin = begin;
    kernel.body_open = body_open;
    kernel.namespace_path = namespace_path();
    const std::size_t open = function_parameters(begin, body_open);
    kernel.name_token = open - 1;
    if (open == begin || !tokens_[open - 1].is_identifier()) {
      report(open, "cannot find the kernel function's name");
      return;
    }
    kernel.function_name = tokens_[open - 1].text;
    kernel.host_name = kernel.function_name;

    bool returns_void = false;
    for (std::size_t i = begin; i < open - 1; ++i) {
      if (is_attribute_start(i)) {
        kernel_prefix_attributes(i, kernel);
        kernel.removed_ranges.push_back({i, matches_[i] + 1});
        i = matches_[i];
        continue;
      }
      const Token& token = tokens_[i];
      if (token.is("kernel")) {
        kernel.removed_tokens.push_back(i);
      } else if (token.is("template") && is(i + 1, "<")) {
        kernel.is_template = true;
        i = angle_close(i + 1);
      } else if (token.is("void")) {
        returns_void = true;
      } else if (!token.is("static") && !token.is("inline") && !token.is("extern")) {
        report(i, "kernel '" + kernel.function_name + "': unexpected '" + token.text + "' before the kernel's name");
      }
    }
    if (!returns_void) report(kernel.name_token, "kernel '" + kernel.function_name + "' must return void");

    for (std::size_t i = matches_[open] + 1; i < body_open; ++i) {
      if (is_attribute_start(i)) {
        report(i, "kernel '" + kernel.function_name + "': attributes after the parameter list are not supported");
        i = matches_[i];
      }
    }
    parse_kernel_params(open, kernel);
    if (!kernel.is_template) check_unique_name(kernel);
    result_.kernels.push_back(std::move(kernel));
  }

  void check_unique_name(const KernelSite& kernel) {
    for (const KernelSite& other : result_.kernels) {
      if (!other.is_template && other.host_name == kernel.host_name) {
        report(kernel.name_token, "two kernels are named '" + kernel.host_name + "'" +
                                      (kernel.call_name.empty() ? "" : ": give each instantiation its own [[host_name(\"...\")]]"));
      }
    }
  }

  // The `>` that closes the `<` at `open` (template parameter or argument lists), or the last token.
  std::size_t angle_close(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < tokens_.size(); ++i) {
      if (is(i, "(") || is(i, "[") || is(i, "{")) {
        i = matches_[i];
        continue;
      }
      if (is(i, "<")) ++depth;
      if (is(i, ">")) --depth;
      if (is(i, ">>")) depth -= 2;
      if (depth <= 0) return i;
    }
    return tokens_.size() - 1;
  }

  // `template [[host_name("add_float")]] kernel void add<float>(device const float*, ...);`: an
  // explicit instantiation of a template kernel, which Metal makes an entry point of its own.
  // Returns false when the statement is not one.
  bool parse_instantiation(std::size_t begin, std::size_t end) {
    const std::size_t first = first_meaningful(begin, end);
    if (first >= end || !is(first, "template") || is(first + 1, "<")) return false;
    KernelSite instance;
    instance.instantiation_begin = first;
    instance.instantiation_end = end;
    instance.namespace_path = namespace_path();
    std::string host_name;
    bool marked_kernel = false;
    std::size_t i = first + 1;
    while (i < end) {
      if (is_attribute_start(i)) {
        const AttributeGroup group = parse_attribute_group(i);
        consumed_attributes_.insert(i);
        for (const AttributeItem& item : group.items) {
          if (item.name == "kernel") {
            marked_kernel = true;
          } else if (item.name == "host_name" && !item.arguments.empty() && tokens_[item.arguments.begin].kind == TokenKind::kString) {
            const std::string& literal = tokens_[item.arguments.begin].text;
            host_name = literal.substr(1, literal.size() - 2);
          } else {
            report(item.token, "explicit instantiation: attribute [[" + item.name + "]] is not supported here");
          }
        }
        i = matches_[i] + 1;
        continue;
      }
      if (is(i, "kernel")) {
        marked_kernel = true;
      } else if (!is(i, "void") && !is(i, "static") && !is(i, "inline")) {
        break;
      }
      ++i;
    }
    if (!marked_kernel) return false;  // a template instantiation that is not a kernel: plain C++
    if (i >= end || !tokens_[i].is_identifier()) {
      report(first, "explicit instantiation of a kernel: cannot find the kernel's name");
      return true;
    }
    instance.name_token = i;
    instance.function_name = tokens_[i].text;
    std::size_t open = i + 1;
    instance.call_name = instance.function_name;
    if (is(open, "<")) {
      const std::size_t close = angle_close(open);
      for (std::size_t t = i + 1; t <= close; ++t) instance.call_name += tokens_[t].text + (tokens_[t].is(",") ? " " : "");
      open = close + 1;
    }
    if (!is(open, "(") || matches_[open] + 1 != end) {
      report(i, "explicit instantiation of kernel '" + instance.function_name + "': write it as `template [[host_name(\"name\")]] kernel void " +
                    instance.function_name + "<types>(parameter types);`");
      return true;
    }
    const KernelSite* definition = nullptr;
    for (const KernelSite& kernel : result_.kernels) {
      if (kernel.is_template && kernel.function_name == instance.function_name && kernel.namespace_path == instance.namespace_path) definition = &kernel;
    }
    if (!definition) {
      report(i, "explicit instantiation of '" + instance.function_name + "': no template kernel of that name is defined before it");
      return true;
    }
    instance.host_name = host_name.empty() ? instance.function_name : host_name;
    instance.params = definition->params;
    instance.max_total_threads = definition->max_total_threads;
    const std::vector<TokenRange> types = instantiation_types(open);
    if (types.size() != definition->params.size()) {
      report(i, "explicit instantiation of '" + instance.function_name + "' lists " + std::to_string(types.size()) +
                    " parameters; the template kernel has " + std::to_string(definition->params.size()));
      return true;
    }
    for (std::size_t p = 0; p < types.size(); ++p) instance.params[p].type = types[p];
    check_unique_name(instance);
    result_.kernels.push_back(std::move(instance));
    return true;
  }

  // Each parameter's type in an instantiation's list: its tokens without attributes or a name.
  std::vector<TokenRange> instantiation_types(std::size_t open) const {
    std::vector<TokenRange> types;
    const std::size_t close = matches_[open];
    std::size_t start = open + 1;
    int angle = 0;
    for (std::size_t i = open + 1; i <= close; ++i) {
      if (i < close && is_attribute_start(i)) {
        i = matches_[i];
        continue;
      }
      if (i < close && (is(i, "(") || is(i, "[") || is(i, "{"))) {
        i = matches_[i];
        continue;
      }
      if (is(i, "<")) ++angle;
      if (is(i, ">") && angle > 0) --angle;
      if (i == close || (is(i, ",") && angle == 0)) {
        std::size_t type_end = start;
        while (type_end < i && !is_attribute_start(type_end)) ++type_end;
        // A trailing identifier is the parameter's name (`device float* out`, `uint tid`) when
        // what comes before it is already a type: it ends in `*`, `&` or `>`, or holds a word
        // other than a qualifier. Not in `const uint3` (a qualifier, then the type) or
        // `unsigned int` (a type of two words).
        if (type_end > start + 1 && tokens_[type_end - 1].is_identifier() && !is_type_word(tokens_[type_end - 1].text) &&
            !is(type_end - 2, "::")) {
          bool type_before = is(type_end - 2, "*") || is(type_end - 2, "&") || is(type_end - 2, ">");
          for (std::size_t t = start; t + 1 < type_end && !type_before; ++t) {
            type_before = tokens_[t].is_identifier() && !is_qualifier_word(tokens_[t].text);
          }
          if (type_before) --type_end;
        }
        if (type_end > start && !(type_end == start + 1 && is(start, "void"))) types.push_back({start, type_end});
        start = i + 1;
      }
    }
    return types;
  }

  static bool is_qualifier_word(const std::string& word) {
    static const char* const kWords[] = {"const", "volatile", "device", "constant", "threadgroup", "thread", "constexpr", "static"};
    for (const char* candidate : kWords) {
      if (word == candidate) return true;
    }
    return false;
  }

  static bool is_type_word(const std::string& word) {
    static const char* const kWords[] = {"int", "char", "short", "long", "float", "double", "unsigned", "signed", "bool",
                                         "half", "uint", "ushort", "uchar", "ulong", "const", "volatile"};
    for (const char* candidate : kWords) {
      if (word == candidate) return true;
    }
    return false;
  }

  void kernel_prefix_attributes(std::size_t open, KernelSite& kernel) {
    const AttributeGroup group = parse_attribute_group(open);
    consumed_attributes_.insert(open);
    for (const AttributeItem& item : group.items) {
      if (item.name == "kernel") continue;
      if (item.name == "max_total_threads_per_threadgroup" && !item.arguments.empty()) {
        kernel.max_total_threads = item.arguments;
      } else if (item.name == "host_name" && !item.arguments.empty() &&
                 tokens_[item.arguments.begin].kind == TokenKind::kString) {
        const std::string& literal = tokens_[item.arguments.begin].text;
        kernel.host_name = literal.substr(1, literal.size() - 2);
      } else {
        report(item.token, "kernel '" + kernel.function_name + "': attribute [[" + item.name + "]] is not supported");
      }
    }
  }

  void parse_kernel_params(std::size_t open, KernelSite& kernel) {
    const std::size_t close = matches_[open];
    std::size_t start = open + 1;
    int angle = 0;
    for (std::size_t i = open + 1; i <= close; ++i) {
      if (i < close && (is(i, "(") || is(i, "[") || is(i, "{"))) {
        i = matches_[i];
        continue;
      }
      if (is(i, "<")) ++angle;
      if (is(i, ">") && angle > 0) --angle;
      if (is(i, ">>") && angle > 0) angle = angle > 1 ? angle - 2 : 0;
      if (i == close || (is(i, ",") && angle == 0)) {
        if (i > start && !(i == start + 1 && is(start, "void"))) parse_kernel_param(start, i, kernel);
        start = i + 1;
      }
    }
    assign_implicit_indices(kernel);
  }

  // Metal gives buffer and threadgroup arguments without an index attribute the lowest index not
  // taken, in the order they are declared (Apple's own add_arrays sample relies on it). That needs
  // every explicit index to be a number; an expression could name any slot.
  void assign_implicit_indices(KernelSite& kernel) {
    for (ParamBinding binding : {ParamBinding::kBuffer, ParamBinding::kThreadgroup}) {
      const char* space = binding == ParamBinding::kBuffer ? "buffer" : "threadgroup";
      const std::string where = "kernel '" + kernel.function_name + "': ";
      std::map<unsigned long long, std::string> taken;
      const ParamSite* expression = nullptr;
      const ParamSite* implicit = nullptr;
      for (const ParamSite& param : kernel.params) {
        if (param.binding != binding) continue;
        if (param.index.empty()) {
          if (!implicit) implicit = &param;
          continue;
        }
        const Token& first = tokens_[param.index.begin];
        if (param.index.end != param.index.begin + 1 || first.kind != TokenKind::kNumber) {
          if (!expression) expression = &param;
          continue;
        }
        char* stop = nullptr;
        errno = 0;
        const unsigned long long value = std::strtoull(first.text.c_str(), &stop, 0);
        const bool unsigned_suffix = stop && (*stop == 'u' || *stop == 'U') && stop[1] == '\0';
        if (errno != 0 || !stop || (*stop != '\0' && !unsigned_suffix) || value > 30) {
          report(param.index.begin, where + space + " index " + first.text + " of '" + param.name + "' is not an index from 0 to 30");
          continue;
        }
        const auto [slot, inserted] = taken.emplace(value, param.name);
        if (!inserted) {
          report(param.index.begin, where + space + " arguments '" + slot->second + "' and '" + param.name +
                                        "' both use index " + std::to_string(value));
        }
      }
      if (implicit && expression) {
        report(tokens_.size() > kernel.name_token ? kernel.name_token : 0,
               where + "'" + implicit->name + "' has no [[" + space + "(n)]] while '" + expression->name +
                   "' uses an index expression; Metal's implicit numbering cannot be checked against an "
                   "expression, so give every " + space + " argument an explicit index");
        continue;
      }
      unsigned long long next = 0;
      for (ParamSite& param : kernel.params) {
        if (param.binding != binding || !param.index.empty()) continue;
        while (taken.count(next)) ++next;
        if (next > 30) {
          report(kernel.name_token, where + "more than 31 " + space + " arguments");
          break;
        }
        param.implicit_index = std::to_string(next);
        taken.emplace(next, param.name);
      }
    }
  }

  void parse_kernel_param(std::size_t begin, std::size_t end, KernelSite& kernel) {
    std::vector<std::size_t> declaration;
    std::vector<AttributeGroup> attributes;
    for (std::size_t i = begin; i < end; ++i) {
      if (is_attribute_start(i)) {
        attributes.push_back(parse_attribute_group(i));
        consumed_attributes_.insert(i);
        kernel.removed_ranges.push_back({i, matches_[i] + 1});
        i = matches_[i];
        continue;
      }
      declaration.push_back(i);
    }
    const std::string where = "kernel '" + kernel.function_name + "': ";
    if (declaration.size() < 2 || !tokens_[declaration.back()].is_identifier()) {
      report(begin, where + "cannot read this parameter; write it as `type name [[attribute]]`");
      return;
    }
    ParamSite param;
    param.name = tokens_[declaration.back()].text;
    param.type = {declaration.front(), declaration.back()};
    bool bound = false;
    for (const AttributeGroup& group : attributes) {
      for (const AttributeItem& item : group.items) {
        const std::string label = where + "parameter '" + param.name + "': ";
        if (bound) {
          report(item.token, label + "has more than one binding attribute");
          continue;
        }
        if ((item.name == "buffer" || item.name == "threadgroup") && !item.arguments.empty()) {
          param.binding = item.name == "buffer" ? ParamBinding::kBuffer : ParamBinding::kThreadgroup;
          param.index = item.arguments;
          bound = true;
        } else if (const char* constant = builtin_attribute_constant(item.name)) {
          param.binding = ParamBinding::kBuiltin;
          param.builtin_attribute = item.name;
          param.builtin_constant = constant;
          bound = true;
        } else {
          report(item.token, label + "attribute [[" + item.name + "]] is not supported by the CPU emulator");
          bound = true;
        }
      }
    }
    bool indirect = false;
    bool device_or_constant = false;
    bool threadgroup_space = false;
    for (std::size_t i = param.type.begin; i < param.type.end; ++i) {
      if (is(i, "*") || is(i, "&")) indirect = true;
      if (is(i, "device") || is(i, "constant")) device_or_constant = true;
      if (is(i, "threadgroup")) threadgroup_space = true;
    }
    if (!bound && indirect && (device_or_constant || threadgroup_space)) {
      param.binding = threadgroup_space ? ParamBinding::kThreadgroup : ParamBinding::kBuffer;
      bound = true;  // index assigned once all parameters are known
    }
    if (!bound) {
      report(declaration.back(), where + "parameter '" + param.name +
                                     "' needs [[buffer(n)]], [[threadgroup(n)]] or a built-in attribute such as "
                                     "[[thread_index_in_threadgroup]]");
      return;
    }
    if (param.binding != ParamBinding::kBuiltin && !indirect) {
      report(declaration.back(), where + "parameter '" + param.name +
                                     "' binds memory, so it must be a pointer or a reference (for example "
                                     "`device float* " + param.name + "`)");
    }
    if (param.binding == ParamBinding::kBuiltin && indirect) {
      report(declaration.back(), where + "built-in parameter '" + param.name + "' must be a scalar or a vector");
    }
    kernel.params.push_back(std::move(param));
  }

  // ---- statements ----

  bool in_function_body() const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->kind == ScopeKind::kFunction || it->kind == ScopeKind::kKernel) return true;
      if (it->kind == ScopeKind::kNamespace || it->kind == ScopeKind::kClass) return false;
    }
    return false;
  }

  // The first token of a statement: a threadgroup declaration (possibly behind attributes and
  // cv-qualifiers), or a writable static variable, which MSL forbids and which would be one
  // variable shared by every thread of every dispatch here.
  void statement_start(std::size_t begin) {
    std::size_t i = begin;
    bool is_static = false;
    bool is_constant = false;
    std::string qualifiers;
    while (i < tokens_.size()) {
      if (is_attribute_start(i)) {
        i = matches_[i] + 1;
        continue;
      }
      const Token& token = tokens_[i];
      if (token.is("volatile") || token.is("const")) {
        qualifiers += token.text + " ";
        is_constant = is_constant || token.is("const");
      } else if (token.is("static") || token.is("thread_local")) {
        is_static = true;
      } else if (token.is("constexpr") || token.is("constant")) {
        is_constant = true;
      } else {
        break;
      }
      ++i;
    }
    if (is(i, "threadgroup")) {
      threadgroup_statement(begin, i, qualifiers);
    } else if (is_static && !is_constant && in_function_body()) {
      check_static_variable(i);
    }
  }

  void check_static_variable(std::size_t begin) {
    std::size_t name = kNoToken;
    for (std::size_t i = begin; i < tokens_.size() && !is(i, ";"); ++i) {
      if (is(i, "(")) return;  // a function declaration
      if (is(i, "=") || is(i, "[") || is(i, "{")) break;
      if (tokens_[i].is_identifier()) name = i;
    }
    if (name == kNoToken) return;
    report(name, "static variable '" + tokens_[name].text +
                     "' is one variable shared by every thread and every dispatch; MSL does not allow it. Use "
                     "threadgroup memory, or make it constant");
  }

  // ---- threadgroup declarations ----

  void threadgroup_statement(std::size_t statement_begin, std::size_t at, const std::string& qualifiers) {
    std::size_t semicolon = at + 1;
    while (semicolon < tokens_.size() && !is(semicolon, ";")) {
      if (is(semicolon, "(") || is(semicolon, "[") || is(semicolon, "{")) semicolon = matches_[semicolon];
      if (is(semicolon, "{") || is(semicolon, "}")) return;
      ++semicolon;
    }
    if (semicolon >= tokens_.size()) return;

    // Split into declarators at top-level commas.
    std::vector<TokenRange> segments;
    std::size_t start = at + 1;
    int angle = 0;
    for (std::size_t i = at + 1; i <= semicolon; ++i) {
      if (i < semicolon && (is(i, "(") || is(i, "["))) {
        i = matches_[i];
        continue;
      }
      if (is(i, "<")) ++angle;
      if (is(i, ">") && angle > 0) --angle;
      if (i == semicolon || (is(i, ",") && angle == 0)) {
        segments.push_back({start, i});
        start = i + 1;
      }
    }

    ThreadgroupVariableSite site;
    site.statement_begin = statement_begin;
    site.qualifiers = qualifiers;
    site.threadgroup_token = at;
    site.semicolon = semicolon;
    std::size_t pointers = 0;
    for (std::size_t s = 0; s < segments.size(); ++s) {
      const TokenRange segment = segments[s];
      std::size_t name = kNoToken;
      bool indirect = false;
      int depth = 0;
      for (std::size_t i = segment.begin; i < segment.end; ++i) {
        if (is(i, "<")) ++depth;
        if (is(i, ">") && depth > 0) --depth;
        if (is(i, "[") || is(i, "(")) break;
        if (depth == 0 && (is(i, "*") || is(i, "&"))) indirect = true;
        if (is(i, "=")) {
          if (indirect) break;  // `threadgroup T* p = …`: an initialised pointer is fine
          report(i, "threadgroup variables cannot have initializers; assign them in the kernel, then barrier");
          handled_threadgroup_tokens_.insert(at);
          return;
        }
        if (depth == 0 && tokens_[i].is_identifier()) name = i;
      }
      if (indirect) {
        ++pointers;
        continue;
      }
      if (name == kNoToken || (s == 0 && name == segment.begin)) {
        report(segment.begin, "cannot read this threadgroup declaration; write it as `threadgroup T name[N];`");
        handled_threadgroup_tokens_.insert(at);
        return;
      }
      if (s == 0) site.type = {segment.begin, name};
      Declarator declarator;
      declarator.name = tokens_[name].text;
      declarator.dimensions = {name + 1, segment.end};
      site.declarators.push_back(std::move(declarator));
    }
    if (pointers == segments.size()) return;  // `threadgroup T* p = …`: just an address space
    handled_threadgroup_tokens_.insert(at);
    if (pointers != 0) {
      report(at, "declare threadgroup variables and pointers to threadgroup memory in separate statements");
      return;
    }

    const Scope* function = nullptr;
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->kind == ScopeKind::kFunction || it->kind == ScopeKind::kKernel) {
        function = &*it;
        break;
      }
    }
    if (!function || function->kind != ScopeKind::kKernel) {
      report(at, "threadgroup variable '" + site.declarators.front().name +
                     "' must be declared inside a kernel function (MSL allows them only at kernel scope)");
      return;
    }
    site.kernel = function->kernel;
    result_.threadgroup_variables.push_back(std::move(site));
  }

  // Every `threadgroup` the translation drops must qualify a pointer or a reference; anywhere
  // else, dropping it would silently make thread-private memory of what the author meant to share.
  void check_threadgroup_qualifiers() {
    for (std::size_t at : threadgroup_tokens_) {
      if (handled_threadgroup_tokens_.count(at) || qualifies_indirection(at)) continue;
      report(at, "this `threadgroup` is neither a kernel-scope variable declaration nor a pointer or reference to "
                 "threadgroup memory; declare shared arrays as a statement of their own in the kernel "
                 "(`threadgroup T name[N];`)");
    }
  }

  bool qualifies_indirection(std::size_t at) const {
    int angle = 0;
    for (std::size_t i = at + 1; i < tokens_.size(); ++i) {
      if (is(i, "*") || is(i, "&") || is(i, "&&")) return true;
      if (is(i, "<")) ++angle;
      if (is(i, ">")) {
        if (angle == 0) return false;
        --angle;
      }
      // A parenthesised declarator holds the indirection itself: (&tile)[32], (*rows)[8].
      if (is(i, "(") && (is(i + 1, "*") || is(i + 1, "&") || is(i + 1, "&&"))) return true;
      if (is(i, "(") || is(i, "[")) {
        i = matches_[i];
        continue;
      }
      if (is(i, ";") || is(i, ")") || is(i, ",") || is(i, "=") || is(i, "{") || is(i, "}")) return false;
    }
    return false;
  }

  // ---- declarations the CUDA target marks __device__ ----

  // Where a declaration's specifiers begin: after attributes, template headers and access labels.
  std::size_t declaration_start(std::size_t begin, std::size_t limit) const {
    std::size_t i = first_meaningful(begin, limit);
    while (i < limit) {
      if (is(i, "template") && is(i + 1, "<")) {
        i = first_meaningful(angle_close(i + 1) + 1, limit);
      } else if ((is(i, "public") || is(i, "private") || is(i, "protected")) && is(i + 1, ":")) {
        i = first_meaningful(i + 2, limit);
      } else {
        break;
      }
    }
    return i;
  }

  // A declaration ended by `;` at namespace scope (a function's or a variable's; not a type's
  // alone) or at class scope (a member function's only: data members have no execution space).
  void note_device_declaration(std::size_t begin, std::size_t end, bool functions_only) {
    const std::size_t first = declaration_start(begin, end);
    if (first >= end) return;
    static const char* const kNotDeclarations[] = {"typedef", "using", "static_assert", "namespace", "friend", "template"};
    for (const char* word : kNotDeclarations) {
      if (tokens_[first].is(word)) return;
    }
    if (is(first, "extern") && first + 1 < end && tokens_[first + 1].kind == TokenKind::kString) return;
    if (function_parameters(first, end) != kNoToken) {
      result_.device_declarations.push_back(first);
      return;
    }
    if (functions_only) return;
    // A type's definition or declaration with no declarator after it declares no variable.
    std::size_t declarators = first;
    for (std::size_t i = first; i < end; ++i) {
      if (is(i, "(") || is(i, "[") || is(i, "=")) break;
      if (!(is(i, "struct") || is(i, "class") || is(i, "union") || is(i, "enum"))) continue;
      std::size_t body = i + 1;
      while (body < end && !is(body, "{") && !is(body, "=")) ++body;
      declarators = body < end && is(body, "{") ? matches_[body] + 1 : i + 2;
      break;
    }
    if (declarators >= end) return;
    result_.device_declarations.push_back(first);
  }

  // ---- program scope ----

  void check_program_scope_declaration(std::size_t begin, std::size_t end) {
    const std::size_t first = first_meaningful(begin, end);
    if (first >= end) return;
    static const char* const kNotVariables[] = {"typedef", "using", "static_assert", "template", "namespace", "friend", "extern"};
    for (const char* word : kNotVariables) {
      if (tokens_[first].is(word)) return;
    }
    // After a struct/class/union/enum definition, the declarators (if any) follow its body.
    std::size_t declarators = first;
    for (std::size_t i = first; i < end; ++i) {
      if (!(is(i, "struct") || is(i, "class") || is(i, "union") || is(i, "enum"))) continue;
      // The body, if any, comes before any `=` (after it, a brace is the initialiser:
      // `struct S s = {0};`).
      std::size_t body = i + 1;
      while (body < end && !is(body, "{") && !is(body, ";") && !is(body, "=")) ++body;
      if (body < end && is(body, "{")) {
        declarators = matches_[body] + 1;
      } else {
        declarators = i + 2;  // `struct Tag name;`
      }
      break;
    }
    if (program_builtin(first, end)) return;
    std::size_t name = kNoToken;
    bool constant = false;
    for (std::size_t i = first; i < end; ++i) {
      if (is(i, "constant") || is(i, "constexpr") || is(i, "const")) constant = true;
      if (i < declarators) {
        if (is(i, "{")) i = matches_[i];
        continue;
      }
      if (is(i, "(")) return;  // a function declaration
      if (is(i, "=") || is(i, "[") || is(i, "{")) break;
      if (is(i, "threadgroup")) {
        report(i, "threadgroup variables must be declared inside a kernel function");
        return;
      }
      if (tokens_[i].is_identifier()) name = i;
    }
    if (name == kNoToken || constant) return;
    report(name, "program-scope variable '" + tokens_[name].text +
                     "' must be declared in the constant address space (`constant`); MSL requires it, and a "
                     "writable global would be shared by every dispatch");
  }

  // `type name [[built_in]];` at program scope (MSL 3.1). Returns false when it is not one.
  bool program_builtin(std::size_t first, std::size_t end) {
    std::size_t attribute = kNoToken;
    for (std::size_t i = first; i < end; ++i) {
      if (is_attribute_start(i)) {
        attribute = i;
        break;
      }
    }
    if (attribute == kNoToken || matches_[attribute] + 1 != end || attribute < first + 2 || !tokens_[attribute - 1].is_identifier()) return false;
    const AttributeGroup group = parse_attribute_group(attribute);
    if (group.items.size() != 1) return false;
    const char* constant = builtin_attribute_constant(group.items[0].name);
    if (!constant) return false;
    consumed_attributes_.insert(attribute);
    ProgramBuiltinSite site;
    site.statement_begin = first;
    site.semicolon = end;
    site.name = tokens_[attribute - 1].text;
    site.type = {first, attribute - 1};
    site.builtin_constant = constant;
    for (std::size_t i = site.type.begin; i < site.type.end; ++i) {
      if (is(i, "*") || is(i, "&") || is(i, "device") || is(i, "threadgroup")) {
        report(i, "program-scope built-in '" + site.name + "' must be a scalar or a vector, as a built-in kernel parameter is");
        return true;
      }
    }
    result_.program_builtins.push_back(std::move(site));
    return true;
  }

  // Every later identifier token naming a program-scope built-in, except members (`a.tid`) and
  // qualified names (`ns::tid`).
  void find_program_builtin_uses() {
    for (ProgramBuiltinSite& site : result_.program_builtins) {
      for (std::size_t i = site.semicolon + 1; i < tokens_.size(); ++i) {
        if (!tokens_[i].is_identifier() || tokens_[i].text != site.name) continue;
        if (is(i - 1, ".") || is(i - 1, "->")) continue;  // a member of that name
        // Declared again (a parameter, a local, a member): every use would read the built-in.
        const bool declared = (tokens_[i - 1].is_identifier() && !tokens_[i - 1].is("return") && !tokens_[i - 1].is("case")) ||
                              ((is(i - 1, "*") || is(i - 1, "&")) && (is(i + 1, ",") || is(i + 1, ")") || is(i + 1, "=") || is(i + 1, ";")));
        if (declared) {
          report(i, "'" + site.name + "' is a program-scope built-in (line " + std::to_string(tokens_[site.statement_begin].line) +
                        ") and cannot be declared again: rename one of them");
          continue;
        }
        site.uses.push_back(i);
      }
    }
  }

  // ---- calls of helpers that synchronise ----

  static bool is_synchronising_builtin(const std::string& name) {
    static const char* const kBuiltins[] = {
        "threadgroup_barrier", "simdgroup_barrier", "simd_sum", "simd_product", "simd_min", "simd_max", "simd_and",
        "simd_or", "simd_xor", "simd_prefix_exclusive_sum", "simd_prefix_inclusive_sum",
        "simd_prefix_exclusive_product", "simd_prefix_inclusive_product", "simd_ballot", "simd_all", "simd_any",
        "simd_broadcast", "simd_broadcast_first", "simd_shuffle", "simd_shuffle_up", "simd_shuffle_down",
        "simd_shuffle_xor", "simd_shuffle_rotate_up", "simd_shuffle_rotate_down", "simd_is_first",
        "simd_active_threads_mask"};
    for (const char* builtin : kBuiltins) {
      if (name == builtin) return true;
    }
    return false;
  }

  // The '(' of a call `name(…)` or `name<…>(…)` starting at `name`, or kNoToken.
  std::size_t call_parenthesis(std::size_t name) const {
    std::size_t i = name + 1;
    if (is(i, "<")) {
      int depth = 0;
      for (; i < tokens_.size(); ++i) {
        if (is(i, "<")) ++depth;
        if (is(i, ">") && --depth == 0) break;
        if (is(i, ">>") && (depth -= 2) <= 0) break;
        if (is(i, ";") || is(i, "{") || is(i, "}")) return kNoToken;
        if (is(i, "(") || is(i, "[")) i = matches_[i];
      }
      ++i;
    }
    return is(i, "(") ? i : kNoToken;
  }

  // The `{` at i opens a lambda's body: [captures] {, or [captures](parameters) specifiers {.
  bool is_lambda_body(std::size_t i) const {
    std::size_t j = i;
    // Back over a trailing return type and specifiers (-> T, mutable, constexpr, noexcept).
    while (j > 0 && (tokens_[j - 1].is_identifier() || is(j - 1, "::") || is(j - 1, "<") || is(j - 1, ">") ||
                     is(j - 1, "->") || is(j - 1, "*") || is(j - 1, "&"))) {
      --j;
    }
    if (j == 0) return false;
    std::size_t close = j - 1;
    if (is(close, ")")) {
      const std::size_t open = matches_[close];
      if (open == 0) return false;
      close = open - 1;
    }
    // A capture list's ], not an attribute's ]] ([[likely]] {), and not a subscript's or an array
    // declarator's (a[2] {..}, out[i] * float2{..}): a capture list begins an expression, so what
    // comes before its [ is an operator or punctuation, never a name, ) or ].
    if (!is(close, "]") || (close > 0 && is(close - 1, "]"))) return false;
    const std::size_t open = matches_[close];
    if (open == 0) return true;
    const Token& before = tokens_[open - 1];
    return !(before.is_identifier() && !before.is("return")) && !before.is(")") && !before.is("]");
  }

  // Barriers and SIMD-group functions are identified by call site and the free-function calls
  // that led there; a lambda or member function called from two places would merge them, and a
  // kernel would compute a wrong answer without an error. Such calls are refused instead.
  void reject_untracked_synchronising_calls(const std::set<std::string>& synchronising) {
    for (const UntrackedBody& body : untracked_bodies_) {
      const std::size_t close = matches_[body.open];
      for (std::size_t i = body.open + 1; i < close; ++i) {
        const Token& token = tokens_[i];
        if (!token.is_identifier() || call_parenthesis(i) == kNoToken) continue;
        if (!is_synchronising_builtin(token.text) && !synchronising.count(token.text)) continue;
        report(i, "'" + token.text + "' is called inside " + body.what +
                      ": the emulator tells synchronising calls apart by call site only through free functions, so "
                      "call it from a free function or the kernel");
      }
    }
  }

  void find_synchronising_calls() {
    // Which functions synchronise: those that call a barrier or SIMD-group function, or another
    // function that does (by name, to a fixed point; overloads count together).
    std::set<std::string> synchronising;
    for (bool grew = true; grew;) {
      grew = false;
      for (const FunctionSite& function : functions_) {
        if (synchronising.count(function.name) || function.body_close == kNoToken) continue;
        for (std::size_t i = function.body_open + 1; i < function.body_close; ++i) {
          const Token& token = tokens_[i];
          if (!token.is_identifier() || call_parenthesis(i) == kNoToken) continue;
          if (is_synchronising_builtin(token.text) || synchronising.count(token.text)) {
            synchronising.insert(function.name);
            grew = true;
            break;
          }
        }
      }
    }
    reject_untracked_synchronising_calls(synchronising);
    if (synchronising.empty()) return;
    auto bracket_calls_in = [&](std::size_t open, std::size_t close) {
      for (std::size_t i = open + 1; i < close; ++i) {
        const Token& token = tokens_[i];
        if (!token.is_identifier() || !synchronising.count(token.text)) continue;
        if (i > 0 && (tokens_[i - 1].is(".") || tokens_[i - 1].is("->"))) continue;  // member calls: not tracked
        const std::size_t paren = call_parenthesis(i);
        if (paren == kNoToken) continue;
        std::size_t begin = i;  // include a qualification: a::b::name, ::name
        while (begin >= 2 && tokens_[begin - 1].is("::") && tokens_[begin - 2].is_identifier()) begin -= 2;
        if (begin >= 1 && tokens_[begin - 1].is("::")) --begin;
        result_.synchronising_calls.push_back({begin, matches_[paren]});
      }
    };
    for (const FunctionSite& function : functions_) {
      if (function.body_close != kNoToken) bracket_calls_in(function.body_open, function.body_close);
    }
    for (const KernelSite& kernel : result_.kernels) {
      if (kernel.body_close != kNoToken) bracket_calls_in(kernel.body_open, kernel.body_close);
    }
  }

  void check_leftover_attributes() {
    for (const AttributeGroup& group : attribute_groups_) {
      if (consumed_attributes_.count(group.tokens.begin)) continue;
      for (const AttributeItem& item : group.items) {
        if (item.name == "kernel" || is_passive_attribute(item.name)) continue;
        report(item.token, "attribute [[" + item.name + "]] is not supported here by the CPU emulator");
      }
    }
  }

  const TokenStream& stream_;
  const std::vector<Token>& tokens_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<std::size_t> matches_;
  bool balanced_ = true;
  std::vector<Scope> scopes_;
  std::vector<AttributeGroup> attribute_groups_;
  std::set<std::size_t> consumed_attributes_;
  std::set<std::string> reported_identifiers_;
  std::vector<std::size_t> threadgroup_tokens_;
  std::set<std::size_t> handled_threadgroup_tokens_;
  std::vector<FunctionSite> functions_;
  struct UntrackedBody {
    std::size_t open;
    const char* what;
  };
  std::vector<UntrackedBody> untracked_bodies_;
  ScanResult result_;
};

}  // namespace

ScanResult scan_source(const TokenStream& stream, std::vector<Diagnostic>& diagnostics) {
  return Scanner(stream, diagnostics).run();
}

}  // namespace gpuos::translate

// Writes translated tokens back out as C++ with #line directives, so that every line of the
// output that came from the .metal source is reported by the C++ compiler (and by
// __builtin_source_location) under that source's file and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msl_tokens.h"

namespace gpuos::translate {

class CppEmitter {
 public:
  explicit CppEmitter(const std::vector<std::string>& files) : files_(files) {}

  // Text standing for the token `at`, on at's line.
  void token(const Token& at, const std::string& text);
  // A preprocessor directive that must stay on a line of its own.
  void directive(const Token& at);
  // Text on the current line (generated code must not contain newlines, or line numbers drift).
  void append(const std::string& text);
  // Free-form text after everything else, such as the library descriptor.
  void trailer(const std::string& text);

  std::string take() { return std::move(out_); }

  static std::string c_string(const std::string& text);

 private:
  void move_to(std::uint32_t file, std::uint32_t line);
  void separate_if_needed(const std::string& next);

  const std::vector<std::string>& files_;
  std::string out_;
  std::uint32_t file_ = static_cast<std::uint32_t>(-1);
  std::uint32_t line_ = 0;
};

}  // namespace gpuos::translate

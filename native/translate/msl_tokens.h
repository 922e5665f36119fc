// Tokens of preprocessed Metal Shading Language source.
//
// The input is the output of the C preprocessor (`c++ -E`): comments are gone, macros expanded,
// and line markers (`# 12 "kernel.metal"`) say where each line came from. Tokens keep that
// origin so the translation can point every diagnostic, and the C++ compiler's, back at the
// .metal file and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpuos::translate {

enum class TokenKind : std::uint8_t {
  kIdentifier,
  kNumber,
  kString,
  kCharacter,
  kPunctuator,
  kDirective,  // a whole preprocessor line that survived -E, such as #pragma
};

struct Token {
  TokenKind kind;
  std::string text;
  std::uint32_t file;    // index into TokenStream::files
  std::uint32_t line;    // 1-based line in that file
  std::uint32_t column;  // 1-based column in the preprocessed line
  bool space_before;     // whitespace separated it from the previous token on its line

  bool is(const char* spelling) const { return text == spelling; }
  bool is_identifier() const { return kind == TokenKind::kIdentifier; }
};

struct SourcePosition {
  std::uint32_t file = 0;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct TokenStream {
  std::vector<std::string> files;
  std::vector<Token> tokens;
  std::string error;  // set when the text cannot be tokenized (an unterminated literal)
  SourcePosition error_position;
};

// Splits preprocessed source into tokens. Never throws; problems go to TokenStream::error.
TokenStream tokenize(const std::string& preprocessed, const std::string& fallback_file);

}  // namespace gpuos::translate

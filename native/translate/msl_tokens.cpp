#include "msl_tokens.h"

#include <cctype>
#include <cstdio>
#include <cstring>

namespace gpuos::translate {

namespace {

// Longest first, so that ">>=" wins over ">>" and ">".
const char* const kPunctuators[] = {
    "...", "<<=", ">>=", "->*", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "+=",  "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=", ".*", "##", "{",  "}",  "[",  "]",  "(",  ")",
    ";",   ":",   "?",   ".",   "+",  "-",  "*",  "/",  "%",  "^",  "&",  "|",  "~",  "!",  "=",  "<",
    ">",   ",",   "#",
};

bool is_identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  Lexer(const std::string& text, const std::string& fallback_file) : text_(text) {
    stream_.files.push_back(fallback_file);
  }

  TokenStream run() {
    while (position_ < text_.size() && stream_.error.empty()) {
      if (at_line_start_) {
        skip_horizontal_space();
        if (position_ < text_.size() && text_[position_] == '#') {
          directive();
          continue;
        }
        at_line_start_ = false;
      }
      next_token();
    }
    return std::move(stream_);
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return position_ + ahead < text_.size() ? text_[position_ + ahead] : '\0';
  }

  void newline() {
    ++line_;
    line_start_ = position_ + 1;
    at_line_start_ = true;
    space_ = false;
  }

  void skip_horizontal_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\r' || text_[position_] == '\f' ||
                                        text_[position_] == '\v')) {
      ++position_;
      space_ = true;
    }
  }

  std::string rest_of_line() {
    const std::size_t end = text_.find('\n', position_);
    const std::size_t stop = end == std::string::npos ? text_.size() : end;
    std::string line = text_.substr(position_, stop - position_);
    position_ = stop;
    return line;
  }

  // `# 12 "file" 1 3` (a GCC line marker), `#line 12 "file"`, or a directive to keep (#pragma).
  void directive() {
    const std::size_t directive_start = position_;
    ++position_;
    skip_horizontal_space();
    std::string word;
    if (std::isdigit(static_cast<unsigned char>(peek()))) {
      word = "line";
    } else {
      while (is_identifier_char(peek())) word += text_[position_++];
      skip_horizontal_space();
    }
    if (word == "line") {
      std::uint32_t number = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) number = number * 10 + static_cast<std::uint32_t>(text_[position_++] - '0');
      skip_horizontal_space();
      if (peek() == '"') {
        ++position_;
        std::string name;
        while (position_ < text_.size() && text_[position_] != '"' && text_[position_] != '\n') {
          if (text_[position_] == '\\' && position_ + 1 < text_.size()) ++position_;
          name += text_[position_++];
        }
        file_ = intern(name);
      }
      rest_of_line();
      // The marker names the line that follows it.
      line_ = number == 0 ? 0 : number - 1;
      if (position_ < text_.size()) {
        newline();
        ++position_;
      }
      return;
    }
    position_ = directive_start;
    Token token{TokenKind::kDirective, rest_of_line(), file_, line_, column(directive_start), true};
    stream_.tokens.push_back(std::move(token));
  }

  std::uint32_t intern(const std::string& name) {
    for (std::size_t i = 0; i < stream_.files.size(); ++i) {
      if (stream_.files[i] == name) return static_cast<std::uint32_t>(i);
    }
    stream_.files.push_back(name);
    return static_cast<std::uint32_t>(stream_.files.size() - 1);
  }

  std::uint32_t column(std::size_t at) const { return static_cast<std::uint32_t>(at - line_start_ + 1); }

  void fail(const std::string& message, std::size_t at) {
    stream_.error = message;
    stream_.error_position = {file_, line_, column(at)};
  }

  void push(TokenKind kind, std::size_t start) {
    Token token{kind, text_.substr(start, position_ - start), file_, line_, column(start), space_};
    stream_.tokens.push_back(std::move(token));
    space_ = false;
  }

  void quoted(char quote, TokenKind kind, std::size_t start) {
    ++position_;
    while (position_ < text_.size() && text_[position_] != quote) {
      if (text_[position_] == '\n') return fail("unterminated literal", start);
      if (text_[position_] == '\\') ++position_;
      ++position_;
    }
    if (position_ >= text_.size()) return fail("unterminated literal", start);
    ++position_;
    while (is_identifier_char(peek())) ++position_;  // user-defined literal suffix
    push(kind, start);
  }

  void next_token() {
    const char c = peek();
    const std::size_t start = position_;
    if (c == '\n') {
      ++position_;
      newline();
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      skip_horizontal_space();
      return;
    }
    if (c == '/' && peek(1) == '/') {
      while (position_ < text_.size() && text_[position_] != '\n') ++position_;
      space_ = true;
      return;
    }
    if (c == '/' && peek(1) == '*') {
      position_ += 2;
      while (position_ < text_.size() && !(text_[position_] == '*' && peek(1) == '/')) {
        if (text_[position_] == '\n') {
          newline();
          at_line_start_ = false;
        }
        ++position_;
      }
      if (position_ >= text_.size()) return fail("unterminated comment", start);
      position_ += 2;
      space_ = true;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
      // A preprocessing number: digits, letters, '.', and a sign right after an exponent letter.
      ++position_;
      while (position_ < text_.size()) {
        const char d = text_[position_];
        if ((d == '+' || d == '-') && (text_[position_ - 1] == 'e' || text_[position_ - 1] == 'E' ||
                                       text_[position_ - 1] == 'p' || text_[position_ - 1] == 'P')) {
          ++position_;
        } else if (is_identifier_char(d) || d == '.' || d == '\'') {
          ++position_;
        } else {
          break;
        }
      }
      push(TokenKind::kNumber, start);
      return;
    }
    if (is_identifier_start(c)) {
      while (is_identifier_char(peek())) ++position_;
      // String and character prefixes: u8"…", L'…'.
      if (peek() == '"' || peek() == '\'') {
        const std::string prefix = text_.substr(start, position_ - start);
        if (prefix == "u8" || prefix == "u" || prefix == "U" || prefix == "L") {
          return quoted(peek(), peek() == '"' ? TokenKind::kString : TokenKind::kCharacter, start);
        }
      }
      push(TokenKind::kIdentifier, start);
      return;
    }
    if (c == '"') return quoted('"', TokenKind::kString, start);
    if (c == '\'') return quoted('\'', TokenKind::kCharacter, start);
    for (const char* p : kPunctuators) {
      const std::size_t length = std::strlen(p);
      if (text_.compare(position_, length, p) == 0) {
        position_ += length;
        push(TokenKind::kPunctuator, start);
        return;
      }
    }
    std::string shown(1, c);
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      shown = hex;
    }
    fail("unexpected character " + shown, start);
  }

  const std::string& text_;
  TokenStream stream_;
  std::size_t position_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t file_ = 0;
  std::uint32_t line_ = 1;
  bool at_line_start_ = true;
  bool space_ = false;
};

}  // namespace

TokenStream tokenize(const std::string& preprocessed, const std::string& fallback_file) {
  return Lexer(preprocessed, fallback_file).run();
}

}  // namespace gpuos::translate

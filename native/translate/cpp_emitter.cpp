#include "cpp_emitter.h"

#include <cctype>

namespace gpuos::translate {

namespace {
// Gaps of more than this many lines are bridged with a #line directive rather than blank lines.
constexpr std::uint32_t kMaxBlankLines = 16;

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
}  // namespace

std::string CppEmitter::c_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void CppEmitter::move_to(std::uint32_t file, std::uint32_t line) {
  if (file != file_ || line < line_ || line > line_ + kMaxBlankLines) {
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    out_ += "#line " + std::to_string(line) + " " + c_string(files_[file]) + "\n";
    file_ = file;
    line_ = line;
    return;
  }
  while (line_ < line) {
    out_ += '\n';
    ++line_;
  }
}

void CppEmitter::separate_if_needed(const std::string& next) {
  if (out_.empty() || next.empty()) return;
  const char last = out_.back();
  if (last == '\n' || last == ' ') return;
  // Keep tokens that would fuse apart: identifiers, numbers, and punctuators like + +.
  if ((is_word_char(last) && is_word_char(next.front())) || (last == next.front() && std::ispunct(static_cast<unsigned char>(last)))) {
    out_ += ' ';
  }
}

void CppEmitter::token(const Token& at, const std::string& text) {
  move_to(at.file, at.line);
  // Keep the source's indentation, so the C++ compiler's columns match the .metal file's.
  if (out_.empty() || out_.back() == '\n') out_.append(at.column > 1 ? at.column - 1 : 0, ' ');
  if (at.space_before && !out_.empty() && out_.back() != '\n' && out_.back() != ' ') out_ += ' ';
  separate_if_needed(text);
  out_ += text;
}

void CppEmitter::directive(const Token& at) {
  move_to(at.file, at.line);
  if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  out_ += at.text + "\n";
  ++line_;
}

void CppEmitter::append(const std::string& text) {
  separate_if_needed(text);
  out_ += text;
}

void CppEmitter::trailer(const std::string& text) {
  if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  out_ += text;
  file_ = static_cast<std::uint32_t>(-1);
}

}  // namespace gpuos::translate

#include "dsl/source.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace decree {

std::string to_string(const SourceLoc& loc) {
  if (!loc.known()) return loc.file;
  return fmt::format("{}:{}:{}", loc.file, loc.line, loc.column);
}

std::size_t utf8_length(std::string_view s) {
  // Eight bytes at a time: a continuation byte is 10xxxxxx, its top bit set and the next clear.
  const char* p = s.data();
  std::size_t n = s.size();
  std::size_t continuations = 0;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    continuations += static_cast<std::size_t>(std::popcount(w & ~(w << 1) & 0x8080808080808080ull));
    p += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++p) continuations += (static_cast<unsigned char>(*p) & 0xC0) == 0x80;
  return s.size() - continuations;
}

std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // ASCII eight bytes at a time.
    std::uint64_t w;
    while (i + 8 <= s.size() && (std::memcpy(&w, s.data() + i, 8), (w & 0x8080808080808080ull) == 0)) i += 8;
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

namespace {
bool starts_with_bom(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF"; }
}  // namespace

SourceFile::SourceFile(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) { index(); }

void SourceFile::assign_piece(std::string_view text, std::uint32_t first_line) {
  text_.assign(text);
  line_starts_.clear();
  index();
  first_line_ = first_line == 0 ? 1 : first_line;
}

void SourceFile::take_piece(std::string& text, std::uint32_t first_line) {
  text_.swap(text);
  line_starts_.clear();
  index();
  first_line_ = first_line == 0 ? 1 : first_line;
}

void SourceFile::index() {
  line_starts_.push_back(0);
  const char* const data = text_.data();
  const std::size_t size = text_.size();
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\n', size - (p - data)))) != nullptr; ++p)
    line_starts_.push_back(static_cast<std::size_t>(p - data) + 1);
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    high |= w;
  }
  for (; i < size; ++i) high |= static_cast<unsigned char>(data[i]);
  ascii_ = (high & 0x8080808080808080ull) == 0;
}

SourceFile::SourceFile(std::string name, std::string text, std::uint32_t first_line)
    : SourceFile(std::move(name), std::move(text)) {
  first_line_ = first_line == 0 ? 1 : first_line;
}

SourceLoc SourceFile::locate(std::size_t offset, std::size_t length_bytes) const {
  SourceLoc loc;
  locate(loc, offset, length_bytes);
  return loc;
}

void SourceFile::locate(SourceLoc& loc, std::size_t offset, std::size_t length_bytes) const {
  offset = std::min(offset, text_.size());
  std::size_t line_index = 0;  // a piece of one line (a JSON Lines record, a CSV row) needs no search
  if (line_starts_.size() > 1)
    line_index = static_cast<std::size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) -
                                          line_starts_.begin()) - 1;
  std::size_t start = line_starts_[line_index];
  if (line_index == 0 && first_line_ == 1 && offset >= 3 && starts_with_bom(text_)) start = 3;  // an editor shows no byte-order mark
  loc.file.assign(name_);
  loc.offset = static_cast<std::uint32_t>(offset);
  loc.line = static_cast<std::uint32_t>(line_index + first_line_);
  auto end = std::min(text_.size(), offset + length_bytes);
  if (ascii_) {
    loc.column = static_cast<std::uint32_t>(offset - start + 1);
    loc.length = static_cast<std::uint32_t>(std::max<std::size_t>(1, end - offset));
    return;
  }
  loc.column = static_cast<std::uint32_t>(utf8_length(std::string_view(text_).substr(start, offset - start)) + 1);
  loc.length = static_cast<std::uint32_t>(std::max<std::size_t>(1, utf8_length(std::string_view(text_).substr(offset, end - offset))));
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
  if (line < first_line_) return {};
  line -= first_line_ - 1;
  if (line == 0 || line > line_starts_.size()) return {};
  std::size_t start = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  std::string_view v(text_);
  v = v.substr(start, end - start);
  if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
  if (line == 1 && first_line_ == 1 && starts_with_bom(text_)) v.remove_prefix(3);
  return v;
}

}  // namespace decree

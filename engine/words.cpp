#include "engine/words.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/source.hpp"

namespace decree::engine {

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  return fmt::format("{}", fmt::join(words, sep));
}

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string words(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string upper_words(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    else if (c == '_') c = ' ';
  return s;
}

std::string pad(std::string s, std::size_t width) {
  const std::size_t n = utf8_length(s);
  if (n < width) s.append(width - n, ' ');
  return s;
}

std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string s(text.substr(0, kMax));
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > kMax) s += "...";
  return s;
}

}  // namespace decree::engine

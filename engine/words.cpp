#include "engine/words.hpp"

#include <fmt/format.h>

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

}  // namespace decree::engine

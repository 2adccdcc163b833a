// Small helpers the engine's messages and renderers share for writing lists and numbers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decree::engine {

// "a, b, c" (with `sep` between the words).
std::string join(const std::vector<std::string>& words, std::string_view sep = ", ");

// 1000000 as "1,000,000".
std::string with_commas(std::uint64_t n);

}  // namespace decree::engine

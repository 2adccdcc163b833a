// Small helpers the engine's messages and renderers share for writing words, lists and numbers.
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

// "not applicable" for not_applicable; "NOT APPLICABLE" from upper_words.
std::string words(std::string s);
std::string upper_words(std::string s);

// `s` followed by spaces up to `width` characters as a terminal shows them (UTF-8 aware).
std::string pad(std::string s, std::size_t width);

// A value as the reader wrote it, for "found ..." in messages: on one line, long text cut.
std::string shown(std::string_view text);

}  // namespace decree::engine

// The Decree language's reserved words, shared by the grammar, the parser's messages and the
// formatter.
#pragma once

#include <array>
#include <string_view>

namespace decree::dsl {

inline constexpr std::array<std::string_view, 41> kKeywords = {
    "policy", "extends", "in",   "status", "scope", "force", "from",   "until",     "source",     "type",
    "fact",   "define",  "decision", "default", "applies", "authority", "obligation", "flag", "indicating", "rule",
    "exception", "to",   "when", "then",   "by",    "owe",    "cites",     "drop",       "replace",
    "and",    "or",      "not",  "is",     "has",   "empty", "set", "of",     "known", "unknown", "true",     "false"};

// Words that begin a top-level item; the parser resumes at them after an error.
inline constexpr std::array<std::string_view, 10> kItemKeywords = {
    "fact", "define", "decision", "rule", "type", "authority", "obligation", "flag", "replace", "drop"};

inline bool is_keyword(std::string_view word) {
  for (auto k : kKeywords)
    if (k == word) return true;
  return false;
}

}  // namespace decree::dsl

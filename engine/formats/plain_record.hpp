// A record of the commonest shape, read without building a tree: an id and facts, each fact's
// value a single word or text with nothing to unescape. JSON Lines `{"id": "pt-kim", "facts":
// {"misdemeanor": true, "request": "return_to_ussr"}}` and a CSV row of an id and fact columns
// are read this way; any other record (provenance, a title, an escape, a list, a problem of any
// kind) is not, and goes through the tree the case loader checks, for its messages. The case
// loader builds the same case from either (tests/unit/case_stream_test.cpp compares the two).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace decree::engine::formats {

// One fact as written: its name, its value's text and where the value is written.
struct PlainFact {
  std::string_view name;
  std::string_view text;   // the value's text: a word as written, or a string's text (no escapes)
  std::size_t at = 0;      // where the value is written in the file's text (at a string's opening quote)
  std::size_t length = 0;  // how many bytes it takes there (a string's quotes included)
  enum class Kind { Word, Quoted, Null } kind = Kind::Word;  // Word: true, false, a plain CSV cell
  // The fact's rank among the policy's facts in the order of their names, when the reader knows
  // it without looking the name up (a CSV column, placed once per file); else kNoRank.
  static constexpr std::uint32_t kNoRank = 0xFFFFFFFF;
  std::uint32_t rank = kNoRank;
};

struct PlainRecord {
  std::size_t at = 0;       // where the case begins (its `{`, or its row)
  std::string_view id;      // never empty, on one line, nothing unescaped
  std::size_t id_at = 0;
  std::size_t id_length = 0;
  std::vector<PlainFact> facts;  // in the order written

  void clear() {
    id = {};
    facts.clear();
  }
};

}  // namespace decree::engine::formats

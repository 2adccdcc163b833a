// The items of a YAML `cases:` list written in the one shape a generated or exported case file
// has, read line by line without a YAML parser:
//
//     cases:
//       - id: case-0000001
//         facts:
//           misdemeanor: true
//           request: return_to_ussr
//
// every value a plain word (letters, digits, `_`, `-`, `.`; not a null word), every line
// indented as the first item's are, nothing else on a line (no comment, no blank line, no
// quote, no tab, no CR). These lines mean the same to every YAML reader, so they are read as the
// plain record (plain_record.hpp) libyaml's tree gives for them. The first line of any other
// shape ends this reading: the file is then read with libyaml from its start, the items read
// here passed over (engine/case_load.cpp, stream_yaml_list), so libyaml reads, checks and
// places everything from that item on, as it does a file that never had the shape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "engine/formats/plain_record.hpp"

namespace decree::engine::formats {

class PlainYamlList {
 public:
  explicit PlainYamlList(std::FILE* f) : f_(f) {}

  // Reads the file's first line: true when it is `cases:` alone.
  bool start();

  // The next item, when it is of the shape and whole: its lines (`text`, without the last line
  // break; valid until the next call), the line of the file it starts on, and its record, whose
  // offsets are from the start of `text` and whose views are of it. At most `max_bytes` long.
  // False at the end of the file (finished()), or at an item, or a line, not of the shape.
  bool next(std::string_view& text, std::uint32_t& first_line, PlainRecord& record, std::size_t max_bytes);
  // Whether the file ends where the next item would start (nothing after the items read).
  bool finished();

 private:
  // The line starting at `at`, without its line break, read on as needed; false past the end.
  bool line(std::size_t at, std::string_view& out);
  bool more();

  struct Written {  // a fact's name and value, where they are in buf_
    std::size_t name_at, name_length, value_at, value_length;
  };

  std::FILE* f_;
  std::string buf_;
  std::size_t pos_ = 0;          // the next item starts here
  std::uint32_t line_no_ = 1;    // the line of the file `pos_` is on
  std::size_t dash_ = 0;         // the items' `-` are this far in (set by the first item)
  bool dash_known_ = false;
  bool eof_ = false;
  bool ended_ = false;
  std::vector<Written> written_;  // the item's facts, while it is read
};

}  // namespace decree::engine::formats

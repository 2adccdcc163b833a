// Source text and places in it: what every AST node, diagnostic and case fact points back to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace decree {

// A place in a source file. `line` and `column` are 1-based; `column` counts characters
// (UTF-8 code points), as an editor shows them. `line == 0` means "no place" (e.g. a
// command-line argument). `length` is how many characters to underline (at least 1).
struct SourceLoc {
  std::string file;
  std::uint32_t offset = 0;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t length = 1;

  bool known() const { return line != 0; }
  friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
};

// "file:line:col" (or just "file" when the place is unknown).
std::string to_string(const SourceLoc& loc);

// A file's text with a line index, so offsets turn into lines and columns.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);
  // A piece of a larger file whose first line is line `first_line` of that file (a record read
  // on its own from a file too large to hold): places and line numbers are the file's; offsets
  // are counted from the piece's start.
  SourceFile(std::string name, std::string text, std::uint32_t first_line);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // Makes this the piece `text` whose first line is line `first_line` of the file, keeping the
  // name and the storage (for pieces read one after another into the same SourceFile).
  void assign_piece(std::string_view text, std::uint32_t first_line);
  // The same, taking `text`'s characters and leaving it this piece's old storage to read into.
  void take_piece(std::string& text, std::uint32_t first_line);

  SourceLoc locate(std::size_t offset, std::size_t length_bytes = 1) const;
  // The same place written into `into`, whose storage is kept (no allocation once it held a name).
  void locate(SourceLoc& into, std::size_t offset, std::size_t length_bytes = 1) const;
  // The text of line `line` (1-based), without its line break.
  std::string_view line_text(std::uint32_t line) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  // Whether line `line` of the file is in this text (a piece holds only some lines).
  // Whether every byte is below 0x80 (so the text is UTF-8, and a column is a count of bytes).
  bool ascii() const { return ascii_; }
  bool has_line(std::uint32_t line) const {
    return line >= first_line_ && line - first_line_ < line_starts_.size();
  }

 private:
  std::string name_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
  std::uint32_t first_line_ = 1;
  bool ascii_ = true;  // no byte past 0x7F: a column is a count of bytes

  void index();  // line_starts_ and ascii_, from text_
};

// The offset of the first byte that does not belong to valid UTF-8, or npos when `s` is valid.
std::size_t first_invalid_utf8(std::string_view s);

// Number of UTF-8 code points in `s` (continuation bytes are not counted).
std::size_t utf8_length(std::string_view s);

}  // namespace decree

// Reading a user's file with a bound: every policy, case file and population is read here, in
// pieces, never more than a small buffer past the limit (a 2 GiB file without a newline, or
// /dev/zero, is refused having read the limit and one piece). `-` is standard input; standard
// input and pipes are read once and kept, so a second look at them sees the same text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace decree::dsl {

// True for `-`, the name of standard input on the command line.
bool is_standard_input(const std::string& path);

// The name a path is shown by in messages: `<stdin>` for `-`, else the path as given.
std::string shown_name(const std::string& path);

struct InputFile {
  enum class Problem { None, Missing, Directory, Unreadable, TooLarge };
  Problem problem = Problem::None;
  std::optional<std::string> text;  // the whole file when problem is None (at most the limit)
  std::optional<std::uint64_t> size;        // TooLarge: the file's size when it is a regular file
  std::string reason;                       // Unreadable: why (strerror)
};

// Reads the whole of `path` (`-` for standard input) when it holds at most `max_bytes` bytes.
// A larger file is TooLarge, found by its size when it has one, else having read at most
// `max_bytes` plus one piece (64 KiB).
InputFile read_input(const std::string& path, std::size_t max_bytes);

// The first `max_bytes` bytes of `path` at most (fewer when the file is shorter), to tell what
// kind of file it is; nullopt when it cannot be read. Standard input and pipes keep what was
// read for the read_input that follows.
std::optional<std::string> peek_input(const std::string& path, std::size_t max_bytes);

// Reads up to `most` more bytes of `f` onto the end of `buffer`: false, having read nothing, at
// the end of the file or on an error (std::ferror tells which).
bool read_more(std::FILE* f, std::string& buffer, std::size_t most);

}  // namespace decree::dsl

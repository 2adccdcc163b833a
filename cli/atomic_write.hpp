// Rewriting a user's file whole or not at all (`fmt -i`, `convert -o`, `interview --write`): a
// temporary file beside it, named `.NAME.TAG-XXXXXX` (hidden, with mkstemp's six characters) and
// locked (flock) while it is written, flushed to disk, then renamed over the file. A file of that
// pattern that nobody holds was left by a run that was killed: the next write removes it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace decree::cli {

// Writes `text` to `path`, which is then either untouched or wholly replaced (with its
// permissions kept; 0644 for a new file). `tag` names the command in the temporary file's name.
// Returns "" or why not.
std::string write_atomically(const std::string& path, std::string_view text, std::string_view tag);

// Removes the temporary files of `tag` that a killed run left beside `path`: ours by name, owned
// by this user, regular files, and not locked by a run still writing them. Returns how many.
std::size_t remove_stale_temps(const std::string& path, std::string_view tag);

}  // namespace decree::cli

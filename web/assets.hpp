// The page's files, embedded in the program at build time (web/embed.cmake): the playground's
// HTML, CSS and ES modules from web/assets/, and CodeMirror 5 from Debian's libjs-codemirror.
#pragma once

#include <span>
#include <string_view>

namespace decree::web {

struct Asset {
  std::string_view name;  // "index.html", "trace.js", "codemirror/codemirror.js"
  std::string_view mime;
  std::string_view data;
};

std::span<const Asset> assets();
const Asset* find_asset(std::string_view name);  // null when there is none

}  // namespace decree::web

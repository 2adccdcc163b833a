// Saving a policy edited in the playground back to the file it was served from: only a file the
// server serves, only when it has not changed on disk since the page loaded it, written whole or
// not at all by the writer the program gives (the command line's atomic write).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "web/api.hpp"
#include "web/workspace.hpp"

namespace decree::web {

// Writes `text` to `path` whole or not at all; returns "" or why not.
using WriteFile = std::function<std::string(const std::string& path, std::string_view text)>;

// What the page compares to know that a file is still the one it loaded: the text's FNV-1a hash,
// in hex. The same for the same bytes, whatever the file's times say.
std::string text_version(std::string_view text);

// Whether the served files may be written, and why not: `read_only` is "" when they may, else the
// reason the whole server is read-only. Each served policy also says whether this user may
// replace it ("" or why not). As /api/policies carries it: {"enabled", "why", "files": {path: why}}.
nlohmann::ordered_json save_status(const Workspace& ws, const std::string& read_only);

// POST /api/save {"path", "text", "version"}: writes `text`, exactly as sent, over the served
// policy `path` when the file on disk is still the one whose text had `version`. Refused with a
// message: a read-only server (403), a path that is not a served policy or leaves the served
// folders (403), a symbolic link (403), a text over the limit (413), a file changed or removed on
// disk since it was loaded (409, with "stale": true and the disk's version). A text with errors
// is saved (it is the user's work) and the answer counts its errors and warnings.
ApiResponse save_to_served(const Workspace& ws, const nlohmann::json& request, const std::string& read_only,
                           const WriteFile& write);

}  // namespace decree::web

#include "web/save.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "dsl/diagnostic.hpp"
#include "engine/random.hpp"

namespace decree::web {

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

bool has_parent_step(const std::string& path) {
  for (const auto& part : fs::path(path))
    if (part == "..") return true;
  return false;
}

// Why this user may not replace `path` ("" when they may): the file itself, or its folder, where
// the new text is written beside it and renamed over it.
std::string why_not_writable(const std::string& path) {
  std::error_code ec;
  if (fs::is_symlink(path, ec))
    return fmt::format("{} is a symbolic link; saving would replace the link, not the file it points to", path);
  if (::access(path.c_str(), W_OK) != 0) return fmt::format("you may not write {} (its permissions)", path);
  const fs::path dir = fs::path(path).parent_path();
  const std::string folder = dir.empty() ? "." : dir.string();
  if (::access(folder.c_str(), W_OK) != 0)
    return fmt::format("you may not write in {}, where the file is replaced whole (its permissions)", folder);
  return {};
}

}  // namespace

std::string text_version(std::string_view text) { return fmt::format("{:016x}", engine::random::fnv1a64(text)); }

nlohmann::ordered_json save_status(const Workspace& ws, const std::string& read_only) {
  ojson files = ojson::object();
  if (read_only.empty())
    for (const auto& path : ws.policy_paths())
      if (auto why = why_not_writable(path); !why.empty()) files[path] = why;
  return {{"enabled", read_only.empty()}, {"why", read_only.empty() ? ojson(nullptr) : ojson(read_only)}, {"files", files}};
}

ApiResponse save_to_served(const Workspace& ws, const nlohmann::json& request, const std::string& read_only,
                           const WriteFile& write) {
  const auto field = [&](const char* key) -> const nlohmann::json* {
    auto it = request.find(key);
    return it != request.end() && it->is_string() ? &*it : nullptr;
  };
  if (!read_only.empty()) return api_error(403, fmt::format("this server does not save: {}", read_only), "download your text instead");
  const auto* path_field = field("path");
  const auto* text_field = field("text");
  const auto* version_field = field("version");
  if (path_field == nullptr || text_field == nullptr || version_field == nullptr)
    return api_error(400, "a save names the served file (`path`), the text to write (`text`) and the version it was loaded as (`version`)",
                  "POST /api/policy gives a served policy's text and version");
  const std::string path = path_field->get<std::string>();
  const std::string& text = text_field->get_ref<const std::string&>();
  const std::string version = version_field->get<std::string>();

  const auto& served = ws.policy_paths();
  if (std::find(served.begin(), served.end(), path) == served.end()) {
    if (has_parent_step(path))
      return api_error(403, fmt::format("\"{}\" leaves the folders this server serves; the page saves only the policies it serves", path),
                    "GET /api/policies lists them");
    return api_error(403, fmt::format("\"{}\" is not one of the policies this server serves; the page saves only those, over the file each came from", path),
                  "download the text, or save it as a file in a served folder and restart `decree serve`");
  }
  if (text.size() > ws.limits().max_policy_bytes)
    return api_error(413, fmt::format("the text is {} bytes; the server saves policies of at most {} bytes", text.size(),
                                   ws.limits().max_policy_bytes));

  const auto on_disk = read_file(path);
  if (!on_disk) {
    ApiResponse r = api_error(409, fmt::format("{} is no longer on disk (removed or unreadable since you opened it); it was not written", path),
                           "keep editing and download your text");
    r.body["stale"] = true;
    r.body["disk_version"] = nullptr;
    return r;
  }
  const std::string disk_version = text_version(*on_disk);
  if (disk_version != version) {
    ApiResponse r = api_error(409,
                           fmt::format("{} changed on disk since you opened it; saving would overwrite those changes, so it "
                                       "was not written",
                                       path),
                           "reload it from disk (your edits here are dropped), or keep editing and download your text");
    r.body["stale"] = true;
    r.body["disk_version"] = disk_version;
    return r;
  }
  if (auto why = why_not_writable(path); !why.empty()) return api_error(403, why, "download your text instead");
  if (auto why = write(path, text); !why.empty()) return api_error(500, fmt::format("{} was not written: {}", path, why));

  // Saved as it was sent; what the checker says about it is for the page to show.
  const Loaded loaded = ws.load_text(path, text);
  const auto count = [&](Severity s) {
    return std::count_if(loaded.diagnostics.begin(), loaded.diagnostics.end(), [s](const Diagnostic& d) { return d.severity == s; });
  };
  ojson body;
  body["saved"] = path;
  body["version"] = text_version(text);
  body["bytes"] = text.size();
  body["ok"] = loaded.ok();
  body["errors"] = count(Severity::Error);
  body["warnings"] = count(Severity::Warning);
  return {200, std::move(body)};
}

}  // namespace decree::web

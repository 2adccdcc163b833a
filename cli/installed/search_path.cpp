#include "cli/installed/search_path.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#ifndef DECREE_SHARE_FROM_BIN
#error "DECREE_SHARE_FROM_BIN (the share folder relative to the program's folder) is set by cli/installed/CMakeLists.txt"
#endif

namespace decree::cli {

namespace fs = std::filesystem;

namespace {

// The folders under a root where policies are looked for by name.
constexpr std::string_view kPolicyFolders[] = {"policies", "scenarios/counterfactual"};
// The folder under a root searched, with its subfolders, for case files and folders of them.
constexpr std::string_view kCaseFolder = "scenarios";

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// What one name asks for: file names to match, and whether a folder of that name will do.
struct Wanted {
  std::vector<std::string> policy_files;  // e.g. telegram-1956.decree
  std::vector<std::string> case_files;    // e.g. ly-kim.yaml, ly-kim.yml
  std::string folder;                     // e.g. historical; empty when no folder will do
};

Wanted wanted(const std::string& name, NameKind kind) {
  Wanted w;
  const bool policies = kind != NameKind::cases, cases = kind != NameKind::policy;
  if (ends_with(name, ".decree")) {
    if (policies) w.policy_files = {name};
  } else if (ends_with(name, ".yaml") || ends_with(name, ".yml")) {
    if (cases) w.case_files = {name};
  } else {
    if (policies) w.policy_files = {name + ".decree"};
    if (cases) {
      w.case_files = {name + ".yaml", name + ".yml"};
      w.folder = name;
    }
  }
  return w;
}

// Every file and folder below `dir` (not `dir` itself), sorted; unreadable folders are skipped.
std::vector<fs::path> below(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!is_dir(dir)) return out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec))
    out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> matches_in(const fs::path& root, const Wanted& w) {
  std::vector<fs::path> found;
  for (auto folder : kPolicyFolders)
    for (const auto& file : w.policy_files)
      if (is_file(root / folder / file)) found.push_back(root / folder / file);
  if (!w.case_files.empty() || !w.folder.empty()) {
    const fs::path cases = root / kCaseFolder;
    if (!w.folder.empty() && w.folder == kCaseFolder && is_dir(cases)) found.push_back(cases);
    for (const auto& p : below(cases)) {
      const std::string file = p.filename().string();
      if (is_dir(p) ? file == w.folder
                    : std::find(w.case_files.begin(), w.case_files.end(), file) != w.case_files.end())
        found.push_back(p);
    }
  }
  return found;
}

std::string what_was_looked_for(const Wanted& w) {
  std::vector<std::string> parts;
  if (!w.policy_files.empty())
    parts.push_back(fmt::format("{} in policies/ and scenarios/counterfactual/", w.policy_files.front()));
  if (!w.case_files.empty()) {
    std::string files = w.case_files.size() == 1 ? w.case_files.front()
                                                 : fmt::format("{} or {}", w.case_files[0], w.case_files[1]);
    parts.push_back(fmt::format("{}{} anywhere under scenarios/", files,
                                w.folder.empty() ? "" : fmt::format(" or a folder {}", w.folder)));
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : ", and ") + parts[i];
  return out;
}

}  // namespace

std::vector<SearchRoot> search_roots() {
  std::vector<SearchRoot> roots;
  if (const char* env = std::getenv("DECREE_PATH")) {
    std::string_view rest = env;
    while (true) {
      const auto colon = rest.find(':');
      const std::string_view entry = rest.substr(0, colon);
      if (!entry.empty()) roots.push_back({fs::path(entry), "DECREE_PATH"});
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.push_back({(exe.parent_path() / DECREE_SHARE_FROM_BIN).lexically_normal(), "installed with decree"});
  return roots;
}

Resolved resolve(const std::string& argument, NameKind kind, const std::vector<SearchRoot>& roots) {
  std::error_code ec;
  if (argument.empty() || argument == "-" || argument.find('/') != std::string::npos || fs::exists(argument, ec))
    return {argument, {}};
  const Wanted w = wanted(argument, kind);
  if (w.policy_files.empty() && w.case_files.empty()) return {argument, {}};  // loading says what is wrong
  for (const auto& root : roots) {
    const auto found = matches_in(root.dir, w);
    if (found.size() == 1) return {found.front().string(), {}};
    if (found.size() > 1) {
      std::string error = fmt::format("\"{}\" names {} files in {} ({}); give the one you mean as a path:",
                                      argument, found.size(), root.dir.string(), root.origin);
      for (const auto& p : found) error += "\n  " + p.string();
      return {argument, error};
    }
  }
  std::string error = fmt::format("\"{}\" is not a file or folder here, nor a name on the search path: looked for {}",
                                  argument, what_was_looked_for(w));
  if (roots.empty()) return {argument, error + ", but DECREE_PATH is not set and the program's own folder is unknown"};
  error += ", in:";
  for (const auto& root : roots)
    error += fmt::format("\n  {} ({}{})", root.dir.string(), root.origin, is_dir(root.dir) ? "" : "; no such folder");
  return {argument, error};
}

std::vector<std::string> shipped_names(NameKind kind, const std::vector<SearchRoot>& roots) {
  std::set<std::string> names;
  for (const auto& root : roots) {
    if (kind != NameKind::cases)
      for (auto folder : kPolicyFolders)
        for (const auto& p : below(root.dir / folder))
          if (p.parent_path() == root.dir / folder && p.extension() == ".decree" && is_file(p))
            names.insert(p.stem().string());
    if (kind != NameKind::policy) {
      const fs::path cases = root.dir / kCaseFolder;
      if (is_dir(cases)) names.insert(std::string(kCaseFolder));
      for (const auto& p : below(cases)) {
        if (is_dir(p))
          names.insert(p.filename().string());
        else if (p.extension() == ".yaml" || p.extension() == ".yml")
          names.insert(p.stem().string());
      }
    }
  }
  return {names.begin(), names.end()};
}

const char* kind_word(NameKind kind) {
  switch (kind) {
    case NameKind::policy: return "policy";
    case NameKind::cases: return "cases";
    case NameKind::any: return "any";
  }
  return "any";
}

namespace {
std::string validator_name(NameKind kind) { return std::string("decree-names-") + kind_word(kind); }
}  // namespace

CLI::Validator names(NameKind kind) {
  // The description stays empty so that --help shows the option as before.
  CLI::Validator v(
      [kind](std::string& value) {
        auto r = resolve(value, kind, search_roots());
        if (!r.error.empty()) return r.error;
        value = r.path;
        return std::string{};
      },
      "", validator_name(kind));
  return v;
}

std::optional<NameKind> name_kind(CLI::Option& option) {
  for (NameKind kind : {NameKind::policy, NameKind::cases, NameKind::any}) {
    try {
      option.get_validator(validator_name(kind));
      return kind;
    } catch (const CLI::OptionNotFound&) {
    }
  }
  return std::nullopt;
}

}  // namespace decree::cli

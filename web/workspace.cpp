#include "web/workspace.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "dsl/amend.hpp"
#include "dsl/check.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"
#include "engine/case_load.hpp"

namespace decree::web {

namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::optional<std::string> read_all(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_bytes) return std::nullopt;
  return text;
}

Loaded finish(Loaded out, std::optional<ast::Policy> effective) {
  sort_by_place(out.diagnostics);
  if (!effective || has_errors(out.diagnostics)) return out;
  auto compiled = engine::compile(*effective);
  out.diagnostics.insert(out.diagnostics.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
  if (!compiled.policy) return out;
  out.checked = std::make_shared<const ast::Policy>(std::move(*effective));
  out.compiled = std::make_shared<const engine::CompiledPolicy>(std::move(*compiled.policy));
  return out;
}

}  // namespace

Workspace::Workspace(const std::vector<std::string>& roots, Limits limits, std::vector<std::string>& warnings)
    : limits_(limits) {
  std::vector<std::string> files;
  for (const auto& root : roots) {
    std::error_code ec;
    if (fs::is_directory(root, ec)) {
      for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec)) files.push_back(it->path().lexically_normal().generic_string());
      }
    } else if (fs::is_regular_file(root, ec)) {
      files.push_back(fs::path(root).lexically_normal().generic_string());
    } else {
      warnings.push_back(fmt::format("{}: no such file or folder; nothing served from it", root));
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  constexpr std::size_t kMaxCaseFile = 4u << 20;
  for (const auto& file : files) {
    if (ends_with(file, ".decree")) {
      SourceSet sources;
      auto loaded = dsl::load_policy(file, sources);
      Loaded entry;
      entry.path = file;
      entry.diagnostics = loaded.diagnostics;
      if (loaded.effective) {  // quotes checked against the texts the sources name, as `check` does
        auto cited = engine::check_citations(*loaded.effective, sources);
        entry.diagnostics.insert(entry.diagnostics.end(), cited.diagnostics.begin(), cited.diagnostics.end());
        for (auto& [key, text] : cited.library.texts) library_.texts.emplace(key, std::move(text));
      }
      entry.sources = std::make_shared<SourceSet>(std::move(sources));
      // The teacher's files take the parser's own limit; the limit on edited texts is for the page.
      constexpr std::size_t kMaxServedPolicy = 1u << 20;
      if (auto t = read_all(file, kMaxServedPolicy)) texts_[file] = *t;
      else warnings.push_back(fmt::format("{}: larger than {} bytes; not served", file, kMaxServedPolicy));
      if (!texts_.count(file)) continue;
      served_[file] = finish(std::move(entry), std::move(loaded.effective));
      if (!served_[file].ok()) warnings.push_back(fmt::format("{}: has errors; it is listed but cannot be run", file));
      policy_paths_.push_back(file);
    } else if (ends_with(file, ".yaml") || ends_with(file, ".yml")) {
      auto text = read_all(file, kMaxCaseFile);
      if (!text) {
        warnings.push_back(fmt::format("{}: unreadable or larger than {} bytes; not served", file, kMaxCaseFile));
        continue;
      }
      (engine::is_population_file(file) ? populations_ : case_files_).push_back({file, std::move(*text)});
    }
  }
  for (const auto& [path, loaded] : served_)
    if (loaded.ok()) served_cases_[path] = cases_for(*loaded.checked);
}

const std::vector<engine::Case>* Workspace::served_cases(const std::string& path) const {
  auto it = served_cases_.find(path);
  return it == served_cases_.end() ? nullptr : &it->second;
}

const Loaded* Workspace::served(const std::string& path) const {
  auto it = served_.find(path);
  return it == served_.end() ? nullptr : &it->second;
}

const std::string* Workspace::text(const std::string& path) const {
  auto it = texts_.find(path);
  return it == texts_.end() ? nullptr : &it->second;
}

Loaded Workspace::load_text(const std::string& path, const std::string& text) const {
  Loaded out;
  out.path = path;
  out.sources = std::make_shared<SourceSet>();
  SourceLoc whole;
  whole.file = path;
  if (text.size() > limits_.max_policy_bytes) {
    out.diagnostics.push_back(make_error(
        "serve.policy-too-large", whole,
        fmt::format("this policy is {} bytes; the server takes policies of at most {} bytes", text.size(),
                    limits_.max_policy_bytes),
        "amend a served policy with `extends` instead of copying it"));
    return out;
  }
  if (auto bad = first_invalid_utf8(text); bad != std::string::npos) {
    out.diagnostics.push_back(make_error("load.not-utf8", whole, "this policy is not UTF-8 text"));
    return out;
  }
  out.sources->add(std::make_shared<SourceFile>(path, text));
  auto parsed = dsl::parse(text, path);
  out.diagnostics = parsed.diagnostics;
  if (!parsed.ok()) return finish(std::move(out), std::nullopt);
  ast::Policy policy = std::move(*parsed.policy);
  const bool common = policy.header.status && policy.header.status->text == "common";
  auto reported = [common](const Diagnostic& d) { return !(common && d.code == "check.unused-fact"); };

  if (!policy.header.extends) {
    for (const auto& d : dsl::check(policy))
      if (reported(d)) out.diagnostics.push_back(d);
    return finish(std::move(out), std::move(policy));
  }
  const ast::Extends& extends = *policy.header.extends;
  const std::string base_path = (fs::path(path).parent_path() / extends.path).lexically_normal().generic_string();
  const Loaded* base = served(base_path);
  if (base == nullptr) {
    std::vector<std::string> names;
    for (const auto& p : policy_paths_) names.push_back(fs::relative(p, fs::path(path).parent_path()).generic_string());
    const std::string near = nearest_name(extends.path, names);
    out.diagnostics.push_back(make_error(
        "serve.extends-not-served", extends.path_loc,
        fmt::format("\"{}\" is not among the policies this server serves; an edited policy can extend only those",
                    extends.path),
        near.empty() ? fmt::format("the path is relative to {}", path) : fmt::format("did you mean \"{}\"?", near)));
    return finish(std::move(out), std::nullopt);
  }
  if (!base->ok()) {
    out.diagnostics.push_back(make_error("load.base-unusable", extends.path_loc,
                                         fmt::format("the base policy {} has errors and cannot be used", base_path)));
    return finish(std::move(out), std::nullopt);
  }
  if (base->checked->header.name.text != extends.base.text) {
    out.diagnostics.push_back(make_error(
        "load.wrong-base", extends.base.loc,
        fmt::format("\"{}\" holds policy `{}`, not `{}`", extends.path, base->checked->header.name.text,
                    extends.base.text),
        fmt::format("write `extends {} in \"{}\"`", base->checked->header.name.text, extends.path)));
    return finish(std::move(out), std::nullopt);
  }
  auto amended = dsl::amend(*base->checked, policy);
  out.diagnostics.insert(out.diagnostics.end(), amended.diagnostics.begin(), amended.diagnostics.end());
  dsl::CheckOptions options;
  options.dropped = amended.dropped;
  for (const auto& d : dsl::check(amended.effective, options)) {
    if (d.severity != Severity::Error) {
      // A warning about the base's own text is the base's to fix; the page shows the edited text.
      if (d.loc.file != path || !reported(d)) continue;
    }
    out.diagnostics.push_back(d);
  }
  return finish(std::move(out), std::move(amended.effective));
}

std::vector<engine::Case> Workspace::cases_for(const ast::Policy& policy, std::vector<Diagnostic>* diagnostics) const {
  std::vector<engine::Case> cases;
  std::set<std::string> ids;
  for (const auto& file : case_files_) {
    SourceSet sources;
    auto loaded = engine::load_cases(file.text, file.path, policy, sources);
    if (diagnostics != nullptr) diagnostics->insert(diagnostics->end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    for (auto& c : loaded.cases)
      if (ids.insert(c.id).second) cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace decree::web

#include "cli/evaluation.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/common.hpp"
#include "dsl/load.hpp"
#include "engine/case_load.hpp"
#include "engine/population.hpp"

namespace decree::cli {

bool prepare_policy(const std::string& path, Prepared& out) {
  auto loaded = dsl::load_policy(path, out.sources);
  if (loaded.effective) {
    auto cited = engine::check_citations(*loaded.effective, out.sources);
    loaded.diagnostics.insert(loaded.diagnostics.end(), cited.diagnostics.begin(), cited.diagnostics.end());
    out.library = std::move(cited.library);
  }
  if (!loaded.effective || has_errors(loaded.diagnostics)) {
    print_diagnostics(loaded.diagnostics, out.sources);
    fmt::print(stderr, "{}: {}; nothing was evaluated\n", path, count_summary(loaded.diagnostics));
    return false;
  }
  out.checked = std::move(loaded.effective);
  auto compiled = engine::compile(*out.checked);
  if (!compiled.policy) {
    print_diagnostics(compiled.diagnostics, out.sources);
    fmt::print(stderr, "{}: {}; nothing was evaluated\n", path, count_summary(compiled.diagnostics));
    return false;
  }
  out.policy = std::move(compiled.policy);
  return true;
}

namespace {

bool is_case_file_name(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".jsonl" || ext == ".csv";
}

// Nothing is passed over in silence: with --verbose, the files in the folders given that are
// not read as case files are named.
void list_other_files(const std::vector<std::string>& paths) {
  std::vector<std::string> others;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) continue;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file(ec) && !is_case_file_name(it->path())) others.push_back(it->path().string());
  }
  std::sort(others.begin(), others.end());
  if (others.empty()) return;
  fmt::print(stderr, "note: passed over {} file{} that {} not *.yaml, *.yml, *.jsonl or *.csv:\n", others.size(),
             others.size() == 1 ? "" : "s", others.size() == 1 ? "is" : "are");
  for (const auto& f : others) fmt::print(stderr, "  {}\n", f);
}

}  // namespace

std::string rejected_summary(const Prepared& prep, std::size_t evaluated) {
  std::string out = fmt::format("{} file{} rejected", prep.rejected_files, prep.rejected_files == 1 ? "" : "s");
  if (prep.rejected_cases > 0)
    out += fmt::format(" ({} case{} with errors)", prep.rejected_cases, prep.rejected_cases == 1 ? "" : "s");
  out += fmt::format(", {} case{} evaluated", evaluated, evaluated == 1 ? "" : "s");
  return out;
}

bool prepare_cases(const std::vector<std::string>& paths, Prepared& out, const CaseOptions& options) {
  if (options.verbose && options.print) list_other_files(paths);
  // Population files describe synthetic cases (`decree run --summary`, `decree diff`); they are
  // not case files. One found in a folder is passed over with a note, one named is an error.
  std::vector<std::string> files, skipped;
  for (const auto& file : engine::case_files(paths)) {
    if (!engine::is_population_file(file)) {
      files.push_back(file);
    } else if (std::find(paths.begin(), paths.end(), file) != paths.end()) {
      fmt::print(stderr, "error: {} is a population file, not a case file; `decree run --summary` evaluates populations\n", file);
      return false;
    } else {
      skipped.push_back(file);
    }
  }
  if (!skipped.empty())
    fmt::print(stderr, "note: passed over {} population file{} ({}); `decree run --summary` evaluates populations\n",
               skipped.size(), skipped.size() == 1 ? "" : "s", fmt::join(skipped, ", "));
  if (files.empty()) {
    fmt::print(stderr, "error: no case files found in {}\n", fmt::join(paths, ", "));
    return false;
  }
  auto result = engine::load_case_paths(files, *out.checked, out.sources);
  if (!result.diagnostics.empty() && options.print) {
    std::fflush(stdout);
    print_diagnostics(result.diagnostics, out.sources);
  }
  if (has_errors(result.diagnostics) && options.keep_going) {
    std::set<std::string> broken;
    for (const auto& d : result.diagnostics)
      if (d.severity == Severity::Error) broken.insert(d.loc.file);
    out.rejected_files = broken.size();
    out.rejected_cases = result.rejected;
    if (result.cases.empty()) {
      if (options.print) fmt::print(stderr, "{}; no case is valid, so nothing was evaluated\n", count_summary(result.diagnostics));
      return false;
    }
  } else if (has_errors(result.diagnostics)) {
    fmt::print(stderr, "{}; {} case{} rejected, so nothing was evaluated\n", count_summary(result.diagnostics),
               result.rejected, result.rejected == 1 ? "" : "s");
    return false;
  }
  if (result.cases.empty()) {
    fmt::print(stderr, "error: no cases found in {}\n", fmt::join(paths, ", "));
    return false;
  }
  out.cases = std::move(result.cases);
  return true;
}

}  // namespace decree::cli

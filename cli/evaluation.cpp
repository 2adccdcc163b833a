#include "cli/evaluation.hpp"

#include <algorithm>

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

bool prepare_cases(const std::vector<std::string>& paths, Prepared& out) {
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
  if (!result.diagnostics.empty()) {
    std::fflush(stdout);
    print_diagnostics(result.diagnostics, out.sources);
  }
  if (has_errors(result.diagnostics)) {
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

#include "cli/evaluation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/common.hpp"
#include "dsl/load.hpp"
#include "engine/case_load.hpp"

namespace decree::cli {

bool prepare_policy(const std::string& path, Prepared& out) {
  auto loaded = dsl::load_policy(path, out.sources);
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
  auto result = engine::load_case_paths(paths, *out.checked, out.sources);
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

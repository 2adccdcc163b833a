// `decree validate POLICY CASES...`: loads the policy and the case files (folders are searched
// for *.yaml, *.yml, *.jsonl and *.csv) and checks every case against the policy's declarations, printing every
// problem with its place. Exit 0 when every case is valid, 2 on any error.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "cli/run_stream.hpp"
#include "dsl/load.hpp"
#include "engine/case_load.hpp"

namespace decree::cli {

namespace {

struct ValidateArgs {
  std::string policy;
  std::vector<std::string> cases;
};

int run_validate(const ValidateArgs& args) {
  SourceSet sources;
  auto loaded = dsl::load_policy(args.policy, sources);
  if (!loaded.effective) {
    print_diagnostics(loaded.diagnostics, sources);
    fmt::print(stderr, "{}: {}; no case was validated\n", args.policy, count_summary(loaded.diagnostics));
    return kExitBadInput;
  }
  // A case at a time: each problem printed at its place as it is met, only the count kept.
  if (auto files = streamable_files(args.cases)) {
    std::size_t valid = 0;
    const StreamTotals totals = stream_case_files(*files, *loaded.effective, [&](const engine::Case&) { ++valid; });
    std::string summary = fmt::format("{} case{} valid", valid, valid == 1 ? "" : "s");
    if (totals.rejected_cases > 0) summary += fmt::format(", {} rejected", totals.rejected_cases);
    if (totals.errors + totals.warnings > 0) summary += fmt::format(" ({})", problem_counts(totals));
    std::fflush(stderr);
    fmt::print("{}\n", summary);
    return totals.errors > 0 ? kExitBadInput : kExitOk;
  }
  auto result = engine::load_case_paths(args.cases, *loaded.effective, sources);
  const std::size_t valid = result.cases.size();
  std::string summary = fmt::format("{} case{} valid", valid, valid == 1 ? "" : "s");
  if (result.rejected > 0) summary += fmt::format(", {} rejected", result.rejected);
  if (!result.diagnostics.empty()) summary += fmt::format(" ({})", count_summary(result.diagnostics));
  print_diagnostics(result.diagnostics, sources);
  fmt::print("{}\n", summary);
  return has_errors(result.diagnostics) ? kExitBadInput : kExitOk;
}

}  // namespace

Subcommand add_validate(CLI::App& root) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* app = root.add_subcommand("validate", "Check case files against a policy's facts, decisions and names");
  app->add_option("policy", args->policy, "The policy (.decree) whose facts the cases state")->required()->transform(names(NameKind::policy));
  app->add_option("cases", args->cases, "Case files (.yaml, .jsonl, .csv), or folders searched for *.yaml, *.yml, *.jsonl and *.csv")->required()->transform(names(NameKind::cases));
  app->footer(
      "Every problem is reported with file:line:col; a case with errors is never evaluated.\n"
      "Exit status: 0 when every case is valid, 2 on any error. The format: docs/case-files.md.");
  return {app, [args] { return run_validate(*args); }};
}

}  // namespace decree::cli

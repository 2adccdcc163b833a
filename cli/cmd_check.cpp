// `decree check FILE...`: loads each policy (following `extends`), checks it, and prints every
// problem with its place, quotes checked against the source texts; a policy without errors is
// explored for conflicts and dead rules. Exit 0 when no file has errors, 2 when one has.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/check_space.hpp"
#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "dsl/input_file.hpp"
#include "dsl/load.hpp"
#include "engine/compile.hpp"
#include "engine/source_text.hpp"

namespace decree::cli {

namespace {

struct CheckArgs {
  std::vector<std::string> files;
  bool strict = false;
  bool no_space = false;
};

bool has_warnings(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

int run_check(const CheckArgs& args) {
  std::size_t failed = 0;
  bool any_errors = false;
  for (const auto& file : args.files) {
    SourceSet sources;
    auto loaded = dsl::load_policy(file, sources);
    if (loaded.effective) {  // quotes checked against the texts the sources name
      auto cited = engine::check_citations(*loaded.effective, sources);
      loaded.diagnostics.insert(loaded.diagnostics.end(), cited.diagnostics.begin(), cited.diagnostics.end());
    }
    // A policy without errors is explored for conflicts and dead rules (the engine's analysis,
    // run here because the language's checker knows nothing of evaluation).
    if (loaded.effective && !has_errors(loaded.diagnostics) && !args.no_space) {
      auto compiled = engine::compile(*loaded.effective);
      if (compiled.policy) {
        auto found = space_warnings(*compiled.policy, file);
        loaded.diagnostics.insert(loaded.diagnostics.end(), found.begin(), found.end());
      } else {
        loaded.diagnostics.insert(loaded.diagnostics.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
      }
    }
    const bool errors = has_errors(loaded.diagnostics);
    const bool fails = errors || (args.strict && has_warnings(loaded.diagnostics));
    any_errors = any_errors || errors;
    if (fails) ++failed;
    const std::string shown = dsl::shown_name(file);  // `-` is <stdin>, as in the diagnostics
    if (loaded.diagnostics.empty()) {
      fmt::print("{}: ok\n", shown);
      continue;
    }
    std::fflush(stdout);
    print_diagnostics(loaded.diagnostics, sources);
    std::string summary = count_summary(loaded.diagnostics);
    if (!fails) fmt::print(stderr, "{}: ok{}\n", shown, summary.empty() ? "" : ", " + summary);
    else if (!errors) fmt::print(stderr, "{}: {} (--strict treats warnings as errors)\n", shown, summary);
    else fmt::print(stderr, "{}: {}\n", shown, summary);
  }
  if (args.files.size() > 1) {
    if (failed == 0) fmt::print("checked {} files: all ok\n", args.files.size());
    else fmt::print(stderr, "checked {} files: {} with errors\n", args.files.size(), failed);
  }
  return any_errors ? kExitBadInput : failed == 0 ? kExitOk : kExitFailed;
}

}  // namespace

Subcommand add_check(CLI::App& root) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* app = root.add_subcommand("check", "Check policies for mistakes: names, types, values, exceptions, cycles");
  app->add_option("files", args->files, "Policy files (.decree) to check")->required()->transform(names(NameKind::policy));
  app->add_flag("--strict", args->strict, "Treat warnings (conflicts and dead rules among them) as failures: exit 1");
  app->add_flag("--no-explore", args->no_space, "Do not explore the policy's cases for conflicts and dead rules");
  app->footer(
      "A policy without errors is then explored (as `decree explore` does, up to 2^20 combinations): every\n"
      "conflict between two rules is a warning with a combination of facts where both apply, and every rule\n"
      "that can never decide anything is one too. `decree explain-code CODE` says more of any message.\n"
      "Exit status: 0 when no file has errors, 1 when one has warnings and --strict is given, 2 when any has\n"
      "errors.");
  return {app, [args] { return run_check(*args); }};
}

}  // namespace decree::cli

// `decree check FILE...`: loads each policy (following `extends`), checks it, and prints every
// problem with its place, quotes checked against the source texts. Exit 0 when no file has errors, 2 when one has.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "dsl/load.hpp"
#include "engine/source_text.hpp"

namespace decree::cli {

namespace {

struct CheckArgs {
  std::vector<std::string> files;
  bool strict = false;
};

int run_check(const CheckArgs& args) {
  std::size_t failed = 0;
  for (const auto& file : args.files) {
    SourceSet sources;
    auto loaded = dsl::load_policy(file, sources);
    if (loaded.effective) {  // quotes checked against the texts the sources name
      auto cited = engine::check_citations(*loaded.effective, sources);
      loaded.diagnostics.insert(loaded.diagnostics.end(), cited.diagnostics.begin(), cited.diagnostics.end());
    }
    const bool errors = has_errors(loaded.diagnostics);
    const bool fails = errors || (args.strict && !loaded.diagnostics.empty());
    if (fails) ++failed;
    if (loaded.diagnostics.empty()) {
      fmt::print("{}: ok\n", file);
      continue;
    }
    std::fflush(stdout);
    print_diagnostics(loaded.diagnostics, sources);
    std::string summary = count_summary(loaded.diagnostics);
    if (!fails) fmt::print(stderr, "{}: ok, {}\n", file, summary);
    else if (!errors) fmt::print(stderr, "{}: {} (--strict treats warnings as errors)\n", file, summary);
    else fmt::print(stderr, "{}: {}\n", file, summary);
  }
  if (args.files.size() > 1) {
    if (failed == 0) fmt::print("checked {} files: all ok\n", args.files.size());
    else fmt::print(stderr, "checked {} files: {} with errors\n", args.files.size(), failed);
  }
  return failed == 0 ? kExitOk : kExitBadInput;
}

}  // namespace

Subcommand add_check(CLI::App& root) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* app = root.add_subcommand("check", "Check policies for mistakes: names, types, values, exceptions, cycles");
  app->add_option("files", args->files, "Policy files (.decree) to check")->required()->transform(names(NameKind::policy));
  app->add_flag("--strict", args->strict, "Treat warnings as errors (exit 2 on any warning)");
  app->footer("Exit status: 0 when no file has errors, 2 when any has (or any warning, with --strict).");
  return {app, [args] { return run_check(*args); }};
}

}  // namespace decree::cli

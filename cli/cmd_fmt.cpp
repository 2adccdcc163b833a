// `decree fmt FILE...`: prints each policy in the canonical layout, rewrites it in place
// (atomically), or only checks that it already is. A file that does not parse is never formatted.
#include <cctype>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>


#include <fmt/format.h>

#include "cli/atomic_write.hpp"
#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "dsl/format.hpp"
#include "dsl/input_file.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"

namespace decree::cli {

namespace {

struct FmtArgs {
  std::vector<std::string> files;
  bool in_place = false;
  bool check = false;
};


int run_fmt(const FmtArgs& args) {
  bool bad_input = false;
  std::vector<std::string> unformatted;
  for (const auto& path : args.files) {
    if (args.in_place && dsl::is_standard_input(path)) {
      fmt::print(stderr, "<stdin>: error: standard input cannot be rewritten in place; leave out -i to print it formatted\n");
      bad_input = true;
      continue;
    }
    const std::string file = dsl::shown_name(path);
    SourceSet sources;
    dsl::ParseLimits limits;
    auto read = dsl::read_source_file(path, limits.max_file_bytes);
    if (!read.text) {
      print_diagnostics(read.diagnostics, sources);
      bad_input = true;
      continue;
    }
    sources.add(std::make_shared<SourceFile>(file, *read.text));
    auto parsed = dsl::parse(*read.text, file, limits);
    if (!parsed.ok()) {
      print_diagnostics(parsed.diagnostics, sources);
      fmt::print(stderr, "{}: not formatted: {}\n", file, count_summary(parsed.diagnostics));
      bad_input = true;
      continue;
    }
    std::string formatted = dsl::format(*parsed.policy, *read.text);
    // Canonical spacing may make a policy written without any grow past the limit of a file.
    if (formatted.size() > limits.max_file_bytes) {
      fmt::print(stderr, "{}: error: formatted, this policy would be {} bytes, more than the {} bytes ({} MiB) a policy "
                         "file may hold; the file is left as it is (split it: a policy can extend another)\n",
                 file, formatted.size(), limits.max_file_bytes, limits.max_file_bytes >> 20);
      bad_input = true;
      continue;
    }
    // The formatter must not change what the policy says; if it would, refuse rather than write.
    auto again = dsl::parse(formatted, file, limits);
    std::string difference = again.ok() ? dsl::ast_difference(*parsed.policy, *again.policy) : "the result does not parse";
    if (!difference.empty()) {
      fmt::print(stderr, "{}: error: the formatter would change the policy ({}); the file is left as it is. "
                         "Please report this as a bug.\n", file, difference);
      bad_input = true;
      continue;
    }
    if (args.check) {
      if (formatted != *read.text) unformatted.push_back(file);
    } else if (args.in_place) {
      remove_stale_temps(path, "fmt");  // even when nothing is to be written
      if (formatted == *read.text) continue;
      std::string why = write_atomically(path, formatted, "fmt");
      if (!why.empty()) {
        fmt::print(stderr, "{}: error: {}; the file is left as it is\n", file, why);
        bad_input = true;
      }
    } else {
      fmt::print("{}", formatted);
    }
  }
  if (!unformatted.empty()) {
    for (const auto& file : unformatted) fmt::print("{}\n", file);
    fmt::print(stderr, "{} file{} not formatted; run `decree fmt -i` on {} to fix\n", unformatted.size(),
               unformatted.size() == 1 ? " is" : "s are", unformatted.size() == 1 ? "it" : "them");
  }
  if (bad_input) return kExitBadInput;
  return unformatted.empty() ? kExitOk : kExitFailed;
}

}  // namespace

Subcommand add_fmt(CLI::App& root) {
  auto args = std::make_shared<FmtArgs>();
  CLI::App* app = root.add_subcommand("fmt", "Print policies in the canonical layout (comments kept)");
  app->add_option("files", args->files, "Policy files (.decree) to format")->required()->transform(names(NameKind::policy));
  auto* in_place = app->add_flag("-i,--in-place", args->in_place, "Rewrite each file in place (atomically)");
  app->add_flag("--check", args->check, "Change nothing; list the files that are not formatted and exit 1")
      ->excludes(in_place);
  app->footer("Exit status: 0 ok, 1 when --check finds an unformatted file, 2 when a file cannot be read or parsed.");
  return {app, [args] { return run_fmt(*args); }};
}

}  // namespace decree::cli

// `decree convert POLICY CASES... -o OUT`: reads case files in any format (YAML, JSON Lines,
// CSV), checks every case against the policy, and writes them all in the format OUT's extension
// (or --to) names, losing nothing a case says. Nothing is written when a case is rejected (it
// would be lost) or when the target format cannot hold a case (CSV has no place for expectations
// or history). OUT is replaced atomically; `-` writes to standard output.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>


#include <fmt/format.h>

#include "cli/atomic_write.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "dsl/input_file.hpp"
#include "dsl/load.hpp"
#include "dsl/types.hpp"
#include "engine/case_load.hpp"
#include "engine/formats/case_write.hpp"

namespace decree::cli {

namespace {

struct ConvertArgs {
  std::string policy;
  std::vector<std::string> cases;
  std::string output;
  std::string to;
};


int run_convert(const ConvertArgs& args) {
  std::optional<engine::formats::CaseFormat> format;
  if (!args.to.empty()) {
    format = engine::formats::case_format_named(args.to);
  } else if (!dsl::is_standard_input(args.output)) {
    format = engine::formats::case_format_of_name(args.output);
    if (!format) {
      fmt::print(stderr,
                 "decree convert: error: cannot tell the format of `{}` from its name\n"
                 "  hint: name it .yaml, .jsonl or .csv, or say --to yaml|jsonl|csv\n",
                 args.output);
      return kExitBadInput;
    }
  } else {
    fmt::print(stderr, "decree convert: error: writing to standard output needs --to yaml|jsonl|csv\n");
    return kExitBadInput;
  }
  SourceSet sources;
  auto loaded = dsl::load_policy(args.policy, sources);
  if (!loaded.effective) {
    print_diagnostics(loaded.diagnostics, sources);
    fmt::print(stderr, "{}: {}; no case was converted\n", args.policy, count_summary(loaded.diagnostics));
    return kExitBadInput;
  }
  auto result = engine::load_case_paths(args.cases, *loaded.effective, sources);
  print_diagnostics(result.diagnostics, sources);
  if (has_errors(result.diagnostics) || result.rejected > 0) {
    fmt::print(stderr, "{} case{} rejected ({}); nothing was written, since a rejected case would be lost\n",
               result.rejected, result.rejected == 1 ? "" : "s", count_summary(result.diagnostics));
    return kExitBadInput;
  }
  if (*format == engine::formats::CaseFormat::Csv) {
    std::vector<Diagnostic> refused;
    for (const auto& c : result.cases) {
      std::string lost = engine::formats::csv_cannot_hold(c);
      if (lost.empty()) continue;
      refused.push_back(make_error("convert.csv-cannot-hold", c.loc,
                                   fmt::format("case `{}` holds what a CSV row cannot: {}", c.id, lost),
                                   "convert to .yaml or .jsonl, which hold everything a case says"));
    }
    if (!refused.empty()) {
      print_diagnostics(refused, sources);
      fmt::print(stderr, "{} case{} cannot be written as CSV; nothing was written\n", refused.size(),
                 refused.size() == 1 ? "" : "s");
      return kExitBadInput;
    }
  }
  std::vector<std::string> facts;
  for (const auto& item : loaded.effective->items) {
    if (item.op == ast::Item::Op::Drop) continue;
    if (const auto* fact = std::get_if<ast::FactDecl>(&item.body)) facts.push_back(fact->name.text);
  }
  std::string text = engine::formats::write_cases(result.cases, facts, *format);
  if (dsl::is_standard_input(args.output)) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  if (std::string why = write_atomically(args.output, text, "convert"); !why.empty()) {
    fmt::print(stderr, "decree convert: error: cannot write {}: {}\n", args.output, why);
    return kExitBadInput;
  }
  fmt::print(stderr, "{} case{} written to {} ({})\n", result.cases.size(), result.cases.size() == 1 ? "" : "s",
             args.output, engine::formats::to_string(*format));
  return kExitOk;
}

}  // namespace

Subcommand add_convert(CLI::App& root) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* app = root.add_subcommand("convert", "Convert case files between YAML, JSON Lines and CSV");
  app->add_option("policy", args->policy, "The policy (.decree) whose facts the cases state")->required();
  app->add_option("cases", args->cases, "Case files (.yaml, .jsonl, .csv), or folders searched for them")->required();
  app->add_option("-o,--output", args->output, "The file to write (.yaml, .jsonl or .csv); - for standard output")
      ->required();
  app->add_option("--to", args->to, "The format to write, when the output's name does not say it")
      ->check(CLI::IsMember({"yaml", "jsonl", "csv"}));
  app->footer(
      "Every case is checked first; nothing is written if a case is rejected, or if the format cannot hold\n"
      "what a case says (CSV: expectations and history). The output is replaced atomically.\n"
      "Exit status: 0 when written, 2 otherwise. The formats: docs/case-files.md.");
  return {app, [args] { return run_convert(*args); }};
}

}  // namespace decree::cli

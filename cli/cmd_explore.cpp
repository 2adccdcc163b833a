// `decree explore POLICY`: every combination of the facts the decisions depend on, as decision
// tables with the conflicts, gaps, undetermined regions and rules that can never apply; with
// `--against A`, the regions where A and POLICY decide differently, A being the policy compared
// with (as in `decree diff A POLICY`). See docs/explore.md.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "cli/explore_diff.hpp"
#include "cli/explore_watch.hpp"
#include "engine/space.hpp"
#include "engine/space_render.hpp"
#include "web/html.hpp"  // --format html

namespace decree::cli {

namespace {

struct ExploreArgs {
  std::string policy;
  std::string against;
  std::string format = "text";
  SpaceArgs space;
  bool strict = false;
};

void print_error(const engine::SpaceError& e) {
  fmt::print(stderr, "error: {}\n", e.message);
  if (!e.hint.empty()) fmt::print(stderr, "hint: {}\n", e.hint);
}

void write(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

int run_explore(const ExploreArgs& args) {
  engine::SpaceOptions options;
  if (!space_options(args.space, options)) return kExitBadInput;
  if (args.format == "html" && !args.against.empty()) {
    print_error({"--format html draws one policy's tables; --against gives text or json", ""});
    return kExitBadInput;
  }
  // The policy compared with is A, the one explored B: the sides of `decree diff --explore A B`.
  if (!args.against.empty()) return run_diff_explore(args.against, args.policy, args.format, options);

  Prepared prep;
  if (!prepare_policy(args.policy, prep)) return kExitBadInput;
  ExploreWatch watch(options);
  auto result = engine::explore_space(*prep.policy, options);
  watch.finish(result.space && result.space->interrupted);
  if (!result.space) {
    print_error(*result.error);
    return kExitBadInput;
  }
  const engine::Space& space = *result.space;
  if (args.format == "html") write(web::html_page("explore", engine::space_json(space), space.policy + " — the case space"));
  else if (args.format == "json") write(engine::space_json(space).dump(json_indent()) + "\n");
  else write(engine::render_space_text(space));
  if (space.interrupted) return kExitInterrupted;
  if (args.strict && (space.conflict_rows() > 0 || !space.dead_rules.empty())) return kExitFailed;
  return kExitOk;
}

}  // namespace

void add_space_options(CLI::App* app, SpaceArgs& args, const std::string& limit_flag) {
  app->add_option("--decision", args.decision, "Explore only this decision (and the rules that set it)");
  app->add_option("--set", args.set, "Fix a fact for the whole space: FACT=VALUE (VALUE may be `unknown`); repeatable");
  app->add_flag("--known", args.known, "Assume every fact is known: leave `unknown` out of the values tried");
  app->add_option("--known-fact", args.known_facts, "Assume this fact is known (repeatable)");
  app->add_option(limit_flag, args.limit, "Combinations one table may need (default 67108864 = 2^26)")
      ->check(CLI::PositiveNumber);
  app->add_option(limit_flag == "--limit" ? "--total-limit" : "--space-total-limit", args.total_limit,
                  "Combinations all the tables together may need (default 268435456 = 2^28)")
      ->check(CLI::PositiveNumber);
}

bool space_options(const SpaceArgs& args, engine::SpaceOptions& options) {
  options.decision = args.decision;
  options.all_known = args.known;
  options.known = args.known_facts;
  options.limit = args.limit;
  options.total_limit = args.total_limit;
  for (const auto& item : args.set) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      print_error({fmt::format("--set expects FACT=VALUE, got `{}`", item), "for example --set justified=true"});
      return false;
    }
    options.set.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return true;
}

bool any_space_option(const SpaceArgs& args) {
  return !args.decision.empty() || !args.set.empty() || !args.known_facts.empty() || args.known ||
         args.limit != engine::kDefaultSpaceLimit || args.total_limit != engine::kDefaultTotalSpaceLimit;
}

int run_diff_explore(const std::string& a, const std::string& b, const std::string& format,
                     const engine::SpaceOptions& given) {
  Prepared pa, pb;
  if (!prepare_policy(a, pa) || !prepare_policy(b, pb)) return kExitBadInput;
  engine::SpaceOptions options = given;
  ExploreWatch watch(options);
  auto result = engine::diff_space(*pa.policy, *pb.policy, options);
  watch.finish(result.diff && result.diff->interrupted);
  if (!result.diff) {
    print_error(*result.error);
    return kExitBadInput;
  }
  if (format == "json") write(engine::space_diff_json(*result.diff).dump(json_indent()) + "\n");
  else write(engine::render_space_diff_text(*result.diff));
  if (result.diff->interrupted) return kExitInterrupted;
  return result.diff->differs() ? kExitFailed : kExitOk;
}

Subcommand add_explore(CLI::App& root) {
  auto args = std::make_shared<ExploreArgs>();
  CLI::App* app = root.add_subcommand(
      "explore", "Every combination of the facts the decisions depend on, as decision tables, with conflicts, gaps "
                 "and rules that can never apply");
  app->add_option("policy", args->policy, "The policy (.decree) to explore")->required()->transform(names(NameKind::policy));
  app->add_option("--against", args->against,
                  "The policy to compare with: show only where the two decide differently, this one as A and "
                  "POLICY as B (the same sides as `decree diff --explore A POLICY`)")
      ->transform(names(NameKind::policy));
  add_space_options(app, args->space, "--limit");
  app->add_option("--format", args->format,
                  "Output format: text (tables to read), json (schema decree.explore/1) or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "html"}));
  app->add_flag("--strict", args->strict, "Exit 1 when a conflict or a rule that can never apply is found");
  app->footer(
      "Booleans and enumerations take each of their values and `unknown`; integers and dates one value\n"
      "per interval between the constants the rules compare them with; texts each literal, `other`, and\n"
      "`unknown`. Facts no rule reads are left out. A gap is a region where a decision falls to its\n"
      "default although a rule nearly applies (all its top-level conditions hold but one).\n"
      "On a terminal, progress is shown after a second; Ctrl-C stops and prints the tables finished.\n"
      "Exit status: 0 (with --against: 0 when the policies never differ, 1 when they do), 1 with\n"
      "--strict when something is found, 2 on bad input or when a limit is exceeded, 130 when\n"
      "stopped by Ctrl-C. See docs/explore.md.");
  return {app, [args] { return run_explore(*args); }};
}

}  // namespace decree::cli

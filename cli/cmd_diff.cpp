// `decree diff POLICY_A POLICY_B CASES...`: evaluates every case (from case files, folders and
// populations) under both policies and lists each case whose outcome differs, with the part of
// the two traces that says why, then a summary table per decision. Exit 1 when anything
// differs, 0 when nothing does, 2 on bad input.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "cli/explore_diff.hpp"
#include "cli/run_stream.hpp"
#include "dsl/types.hpp"
#include "dsl/load.hpp"
#include "engine/compile.hpp"
#include "engine/diff.hpp"
#include "dsl/input_file.hpp"
#include "engine/inputs.hpp"
#include "engine/population.hpp"
#include "engine/render_diff.hpp"
#include "web/html.hpp"  // --format html

namespace decree::cli {

namespace {

struct DiffArgs {
  std::string a;
  std::string b;
  std::vector<std::string> cases;
  std::string format = "text";
  bool grounds = false;
  bool explore = false;
  SpaceArgs space;  // with --explore
  std::size_t limit = 50;
};

struct LoadedPolicy {
  ast::Policy checked;
  engine::CompiledPolicy compiled;
};

std::optional<LoadedPolicy> load(const std::string& path, SourceSet& sources) {
  auto loaded = dsl::load_policy(path, sources);
  if (!loaded.effective || has_errors(loaded.diagnostics)) {
    print_diagnostics(loaded.diagnostics, sources);
    fmt::print(stderr, "{}: {}; nothing was compared\n", path, count_summary(loaded.diagnostics));
    return std::nullopt;
  }
  auto compiled = engine::compile(*loaded.effective);
  if (!compiled.policy) {
    print_diagnostics(compiled.diagnostics, sources);
    fmt::print(stderr, "{}: {}; nothing was compared\n", path, count_summary(compiled.diagnostics));
    return std::nullopt;
  }
  return LoadedPolicy{std::move(*loaded.effective), std::move(*compiled.policy)};
}

// Whether the two policies declare every fact they share with the same type and values, so that
// a case valid under one is valid under the other.
bool same_fact_types(const ast::Policy& a, const ast::Policy& b) {
  for (const auto& ia : a.items) {
    if (ia.op == ast::Item::Op::Drop || ia.kind != ast::ItemKind::Fact) continue;
    const auto& fa = std::get<ast::FactDecl>(ia.body);
    for (const auto& ib : b.items) {
      if (ib.op == ast::Item::Op::Drop || ib.kind != ast::ItemKind::Fact) continue;
      const auto& fb = std::get<ast::FactDecl>(ib.body);
      if (fb.name.text != fa.name.text) continue;
      const auto ta = dsl::resolve_type(a, fa.type);
      const auto tb = dsl::resolve_type(b, fb.type);
      if (!ta || !tb || ta->kind != tb->kind || ta->values != tb->values) return false;
    }
  }
  return true;
}

int run_diff(const DiffArgs& args) {
  if (args.explore && args.format == "html") {
    fmt::print(stderr, "decree diff: error: --format html draws a diff over cases; --explore gives text or json\n");
    return kExitBadInput;
  }
  if (args.explore) {
    if (!args.cases.empty()) {
      fmt::print(stderr, "decree diff: error: --explore compares the whole space of cases; name no case files with it\n");
      return kExitBadInput;
    }
    engine::SpaceOptions options;
    if (!space_options(args.space, options)) return kExitBadInput;
    return run_diff_explore(args.a, args.b, args.format, options);
  }
  if (any_space_option(args.space)) {
    fmt::print(stderr,
               "decree diff: error: --decision, --set, --known, --known-fact and --space-limit shape the space of "
               "cases that --explore compares; add --explore, or leave them out\n");
    return kExitBadInput;
  }
  if (args.cases.empty()) {
    fmt::print(stderr, "decree diff: error: name the cases to compare: case files, folders or populations (or --explore)\n");
    return kExitBadInput;
  }
  SourceSet sources;
  auto a = load(args.a, sources);
  if (!a) return kExitBadInput;
  auto b = load(args.b, sources);
  if (!b) return kExitBadInput;

  // The cases are validated against each policy's facts; a fact only one policy declares is
  // validated by that policy's declaration and is simply absent for the other.
  const ast::Policy for_a = engine::with_facts_of(a->checked, b->checked);
  const ast::Policy for_b = engine::with_facts_of(b->checked, a->checked);
  // Case files are read a case at a time when both policies read every fact they share alike
  // (one reading then serves both); otherwise, and for populations, they are loaded first.
  auto [case_paths, population_paths] = split_inputs(args.cases);
  std::optional<std::vector<std::string>> streamed;
  if (!case_paths.empty() && same_fact_types(a->checked, b->checked)) streamed = streamable_files(case_paths);
  const std::vector<std::string>& loaded_paths = streamed ? population_paths : args.cases;
  auto in_a = engine::load_inputs(loaded_paths, for_a, sources);
  auto in_b = engine::load_inputs(loaded_paths, for_b, sources);
  std::vector<Diagnostic> diagnostics = in_a.diagnostics;
  for (const auto& d : in_b.diagnostics) {
    bool seen = false;
    for (const auto& x : in_a.diagnostics) seen = seen || (x.loc == d.loc && x.code == d.code);
    if (!seen) diagnostics.push_back(d);
  }
  if (!diagnostics.empty()) {
    std::fflush(stdout);
    print_diagnostics(diagnostics, sources);
  }
  if (has_errors(diagnostics)) {
    const std::size_t rejected = std::max(in_a.rejected, in_b.rejected);
    if (rejected > 0)
      fmt::print(stderr, "{}; {} case{} rejected, so nothing was compared\n", count_summary(diagnostics), rejected,
                 rejected == 1 ? "" : "s");
    else
      fmt::print(stderr, "{}; nothing was compared\n", count_summary(diagnostics));
    return kExitBadInput;
  }
  if (in_a.count() == 0 && !streamed) {
    fmt::print(stderr, "decree diff: error: no cases found in {}\n", fmt::join(args.cases, ", "));
    return kExitBadInput;
  }

  const auto& pa = a->compiled;
  const auto& pb = b->compiled;
  engine::PolicyPair pair(pa, pb);
  engine::DiffReport report;
  report.a = &pa;
  report.b = &pb;
  for (const auto& c : args.cases) report.inputs.push_back(dsl::shown_name(c));
  report.grounds_listed = args.grounds;

  engine::Outcome oa, ob;
  auto consider = [&](std::span<const engine::Value> fa, std::span<const engine::Value> fb, auto&& make_case) {
    engine::evaluate(pa, fa, oa);
    engine::evaluate(pb, fb, ob);
    const auto verdict = pair.compare(fa, oa, fb, ob, &report.summary);
    if (verdict.outcome_differs) {
      if (report.differences.size() < args.limit) report.differences.push_back(pair.explain(make_case()));
      else ++report.unlisted;
    } else if (verdict.grounds_differ && args.grounds && report.grounds.size() < args.limit) {
      report.grounds.push_back(pair.explain(make_case(), true));
    }
  };
  auto compare_case = [&](const engine::Case& c) {
    const auto ba = engine::bind(pa, c);
    const auto bb = engine::bind(pb, c);
    consider(ba.values, bb.values, [&]() -> const engine::Case& { return c; });
  };
  for (const auto& c : in_a.cases) compare_case(c);
  StreamTotals totals;
  if (streamed) {
    totals = stream_case_files(*streamed, for_a, compare_case);
    if (totals.cases == 0 && in_a.populations.empty()) {
      if (totals.rejected_files > 0)
        fmt::print(stderr, "{}; no case is valid, so nothing was compared\n", problem_counts(totals));
      else
        fmt::print(stderr, "decree diff: error: no cases found in {}\n", fmt::join(args.cases, ", "));
      return kExitBadInput;
    }
  }
  for (const auto& population : in_a.populations) {
    engine::PopulationBinder bind_a(pa, population), bind_b(pb, population);
    std::vector<engine::Index> drawn;
    std::vector<engine::Value> fa, fb;
    engine::Case made;
    for (std::uint64_t n = 0; n < population.size; ++n) {
      engine::draw(population, n, drawn);
      bind_a.fill(drawn, fa);
      bind_b.fill(drawn, fb);
      consider(fa, fb, [&]() -> const engine::Case& {
        made = engine::make_case(population, n);
        return made;
      });
    }
  }
  pair.finish(report.summary);

  if (args.format == "html") {
    fmt::print("{}", web::html_page("diff", engine::diff_json(report), fmt::format("{} → {}", pa.name, pb.name)));
  } else if (args.format == "json") {
    fmt::print("{}\n", engine::diff_json(report).dump(json_indent()));
  } else {
    engine::DiffTextOptions options;
    options.color = use_color(stdout);
    std::string out = engine::render_diff(report, options);
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  if (totals.rejected_files > 0) {
    std::fflush(stdout);
    fmt::print(stderr, "{}\n", rejected_line(totals, totals.cases, "compared"));
    return kExitBadInput;
  }
  return report.summary.differing > 0 ? kExitFailed : kExitOk;
}

}  // namespace

Subcommand add_diff(CLI::App& root) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* app = root.add_subcommand("diff", "Compare two policies case by case: what comes out differently, and why");
  app->add_option("policy_a", args->a, "The first policy (.decree), A")->required()->transform(names(NameKind::policy));
  app->add_option("policy_b", args->b, "The second policy (.decree), B: often an amendment of A")->required()->transform(names(NameKind::policy));
  app->add_option("cases", args->cases,
                  "Case files (.yaml, .jsonl, .csv; - for standard input), folders searched for them (sorted), or population files (with `population:`)")
      ->transform(names(NameKind::cases));
  app->add_option("--format", args->format,
                  "Output format: text (to read), json (schema decree.diff/1) or html (one self-contained page with a chart)")
      ->check(CLI::IsMember({"text", "json", "html"}));
  app->add_flag("--grounds", args->grounds,
                "Also list the cases whose outcomes are the same but rest on other rules or other unknown facts");
  app->add_flag("--explore", args->explore,
                "Compare over the whole space of cases instead (see `decree explore`): the regions where A and B differ");
  app->add_option("--limit", args->limit, "List at most this many differing cases in full (default 50; the summary counts all)");
  add_space_options(app, args->space, "--space-limit");
  app->footer(
      "For each differing case: each decision that differs (its outcome under A → under B), and under\n"
      "each policy the rule that decided with its conditions, the exception that defeated it, or the\n"
      "default; obligations and flags owed under one policy only. Then, per decision, a table of A's\n"
      "outcomes against B's with counts. Decisions are matched by name; a fact only one policy declares\n"
      "is absent for the other. Populations are described in docs/counterfactuals.md.\n"
      "With --explore, --decision, --set, --known, --known-fact and --space-limit shape the space of\n"
      "cases compared, as for `decree explore` (docs/explore.md).\n"
      "A is the policy compared with (the base, or the version in force), B the one compared (an amendment,\n"
      "a later version); `decree explore B --against A` names the sides the same way.\n"
      "Exit status: 1 when any outcome differs, 0 when none does, 2 on bad input.");
  return {app, [args] { return run_diff(*args); }};
}

}  // namespace decree::cli

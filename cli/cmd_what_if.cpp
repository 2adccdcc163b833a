// `decree what-if POLICY CASE --set fact=value ...`: re-evaluates one case with some facts
// changed and shows what changed and why (as `decree diff` does); then, for each decision, the
// smallest sets of fact changes that would flip it. Exit 0, or 2 on bad input.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "engine/diff.hpp"
#include "engine/render_diff.hpp"
#include "engine/render_json.hpp"
#include "engine/render_text.hpp"
#include "engine/whatif.hpp"

namespace decree::cli {

namespace {

struct WhatIfArgs {
  std::string policy;
  std::string case_file;
  std::vector<std::string> set;
  std::string case_id;
  std::string decision;
  std::size_t max_changes = engine::kMaxFlipChanges;
  bool no_flips = false;
  bool all = false;
  std::string format = "text";
};

int usage_error(const std::string& message, const std::string& hint = {}) {
  fmt::print(stderr, "decree what-if: error: {}\n", message);
  if (!hint.empty()) fmt::print(stderr, "  hint: {}\n", hint);
  return kExitBadInput;
}

int run_what_if(const WhatIfArgs& args) {
  Prepared prep;
  if (!prepare_policy(args.policy, prep) || !prepare_cases({args.case_file}, prep)) return kExitBadInput;
  const auto& p = *prep.policy;

  const engine::Case* original = nullptr;
  std::vector<std::string> ids;
  for (const auto& c : prep.cases) ids.push_back(c.id);
  if (args.case_id.empty()) {
    if (prep.cases.size() > 1)
      return usage_error(fmt::format("{} holds {} cases; pick one with --case", args.case_file, prep.cases.size()),
                         fmt::format("its cases are: {}", fmt::join(ids, ", ")));
    original = &prep.cases.front();
  } else {
    for (const auto& c : prep.cases)
      if (c.id == args.case_id) original = &c;
    if (original == nullptr) {
      std::string near = nearest_name(args.case_id, ids);
      return usage_error(fmt::format("{} has no case `{}`", args.case_file, args.case_id),
                         near.empty() ? fmt::format("its cases are: {}", fmt::join(ids, ", "))
                                      : fmt::format("did you mean `{}`?", near));
    }
  }

  std::vector<engine::FactChange> changes;
  for (const auto& s : args.set) {
    std::string error, hint;
    auto change = engine::parse_change(p, s, error, hint);
    if (!change) return usage_error(fmt::format("--set {}: {}", s, error), hint);
    for (const auto& c : changes)
      if (c.fact == change->fact)
        return usage_error(fmt::format("--set {}: `{}` is set twice", s, p.facts[c.fact].name), "set each fact once");
    changes.push_back(std::move(*change));
  }

  std::vector<engine::Index> decisions;
  if (!args.decision.empty()) {
    const engine::Index d = p.find_decision(args.decision);
    if (d == engine::kNone) {
      std::vector<std::string> names;
      for (const auto& x : p.decisions) names.push_back(x.name);
      std::string near = nearest_name(args.decision, names);
      return usage_error(fmt::format("policy `{}` has no decision `{}`", p.name, args.decision),
                         near.empty() ? fmt::format("its decisions are: {}", fmt::join(names, ", "))
                                      : fmt::format("did you mean `{}`?", near));
    }
    decisions.push_back(d);
  }

  const engine::Case changed = engine::apply_changes(p, *original, changes);
  engine::PolicyPair pair(p, p);
  const engine::CaseDiff diff = pair.explain(*original, changed);
  const engine::Binding binding = engine::bind(p, changed);
  if (decisions.empty()) {
    engine::Outcome outcome;
    engine::evaluate(p, binding.values, outcome);
    for (std::size_t d = 0; d < p.decisions.size(); ++d)
      if (outcome.decisions[d].status != engine::Status::NotApplicable) decisions.push_back(static_cast<engine::Index>(d));
  }
  std::vector<engine::FlipSearch> flips;
  if (!args.no_flips)
    for (engine::Index d : decisions) flips.push_back(engine::find_flips(p, binding.values, d, args.max_changes));

  const engine::Binding before = engine::bind(p, *original);
  if (args.format == "json") {
    nlohmann::ordered_json js_changes = nlohmann::ordered_json::array();
    for (const auto& c : changes)
      js_changes.push_back({{"fact", p.facts[c.fact].name},
                            {"from", engine::to_string(before.values[c.fact])},
                            {"to", engine::to_string(c.value)}});
    nlohmann::ordered_json js_flips = nlohmann::ordered_json::array();
    for (const auto& f : flips) js_flips.push_back(engine::flips_json(p, f));
    nlohmann::ordered_json out = {{"schema", "decree.whatif/1"},
                          {"policy", engine::policy_json(p)},
                          {"case", {{"id", original->id}, {"title", original->title}, {"file", original->loc.file}}},
                          {"changes", js_changes},
                          {"changed", diff.outcome_differs()},
                          {"diff", engine::case_diff_json(diff)},
                          {"flips", js_flips}};
    fmt::print("{}\n", out.dump(json_indent()));
    return kExitOk;
  }

  engine::DiffTextOptions options;
  options.color = use_color(stdout);
  engine::TextOptions text;
  text.color = options.color;
  std::string out = engine::render_policy_line(p, text);
  const std::string who = original->title.empty() ? original->id : original->title;
  const std::string where = original->loc.known() ? fmt::format("{}:{}", original->loc.file, original->loc.line) : original->loc.file;
  out += fmt::format("{}  ({}, {})\n", who, original->id, where);
  if (!changes.empty()) {
    std::vector<std::string> parts;
    for (const auto& c : changes) {
      const auto& f = p.facts[c.fact];
      const engine::FactValue* was = before.provenance[c.fact];
      std::string from = engine::to_string(before.values[c.fact]);
      if (was != nullptr && was->loc.known()) from += fmt::format(", {}:{}", was->loc.file, was->loc.line);
      else if (was == nullptr) from += ", not in the case";
      const bool same = before.values[c.fact] == c.value;
      parts.push_back(fmt::format("{} = {} ({} {})", f.name, engine::to_string(c.value), same ? "unchanged:" : "was", from));
    }
    out += fmt::format("\nWhat if {}?\n", fmt::join(parts, " and "));
    if (diff.outcome_differs()) {
      out += engine::render_case_diff(diff, "the case as recorded", "the case with the changes", options, false);
    } else {
      out += "  nothing changes: every decision, obligation and flag comes out the same\n";
    }
  }
  if (!flips.empty()) {
    out += changes.empty() ? "\nWhat would flip each decision:\n"
                           : "\nWhat would flip each decision, from the case with the changes:\n";
    for (const auto& f : flips) out += engine::render_flips(p, f, who, options, args.all ? SIZE_MAX : 12);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand add_what_if(CLI::App& root) {
  auto args = std::make_shared<WhatIfArgs>();
  CLI::App* app = root.add_subcommand("what-if", "Re-evaluate one case with changed facts; find the smallest changes that flip each decision");
  app->add_option("policy", args->policy, "The policy (.decree)")->required()->transform(names(NameKind::policy));
  app->add_option("case", args->case_file, "The case file (.yaml, .jsonl or .csv; - for standard input)")->required()->transform(names(NameKind::cases));
  app->add_option("--set", args->set, "FACT=VALUE: a fact changed (a value of its type, or unknown); repeatable")
      ->allow_extra_args(false);
  app->add_option("--case", args->case_id, "The case's id, when the file holds several");
  app->add_option("--decision", args->decision, "Search flips for this decision only (default: every decision that applies)");
  app->add_option("--max-changes", args->max_changes, "Change at most this many facts at once when searching flips (1 to 3)")
      ->check(CLI::Range(1, 3));
  app->add_flag("--no-flips", args->no_flips, "Do not search for the changes that would flip the decisions");
  app->add_flag("--all", args->all, "List every minimal flip (default: 12 per outcome)");
  app->add_option("--format", args->format, "Output format: text or json (schema decree.whatif/1)")
      ->check(CLI::IsMember({"text", "json"}));
  app->footer(
      "With --set, shows each decision, obligation and flag that comes out differently, with the rules\n"
      "that decided before and after and why. Then, for each decision, every minimal set of changes (at\n"
      "most 3 facts, each tried with its declared values and unknown; ints and dates at the boundaries the\n"
      "rules compare them with) that changes its outcome, grouped by the new outcome.\n"
      "Exit status: 0, or 2 on bad input.");
  return {app, [args] { return run_what_if(*args); }};
}

}  // namespace decree::cli

// `decree explain POLICY CASE --why-not DECISION=VALUE`: why did this case not come out so?
// Shows every rule that could have set that value and what stopped it: an exception that
// defeated it (and that exception's conditions), or the condition that failed or was unknown.
// Without --why-not, prints the case's full trace, as `decree run` does.
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
#include "engine/history.hpp"
#include "engine/render_json.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"
#include "engine/version.hpp"

namespace decree::cli {

namespace {

struct ExplainArgs {
  std::string policy;
  std::vector<std::string> cases;
  std::string why_not;
  std::string case_id;
  std::string format = "text";
  std::string explain = "full";  // --explain: because | short | full
};

Diagnostic usage_error(const std::string& message, const std::string& hint = {}) {
  SourceLoc here;
  here.file = "decree explain";
  return make_error("cli.usage", here, message, hint);
}

int run_explain(const ExplainArgs& args) {
  Prepared prep;
  if (!prepare_policy(args.policy, prep)) return kExitBadInput;
  const auto& policy = *prep.policy;

  // --why-not DECISION=VALUE, checked against the policy before any case is read.
  engine::Index decision = engine::kNone, value = engine::kNone;
  if (!args.why_not.empty()) {
    const auto eq = args.why_not.find('=');
    if (eq == std::string::npos) {
      print_diagnostics({usage_error(fmt::format("--why-not expects DECISION=VALUE, not `{}`", args.why_not),
                                     "for example: --why-not return=granted")},
                        prep.sources);
      return kExitBadInput;
    }
    const std::string dname = args.why_not.substr(0, eq), vname = args.why_not.substr(eq + 1);
    decision = policy.find_decision(dname);
    if (decision == engine::kNone) {
      std::vector<std::string> names;
      for (const auto& d : policy.decisions) names.push_back(d.name);
      const std::string near = nearest_name(dname, names);
      print_diagnostics({usage_error(fmt::format("policy {} has no decision `{}`; its decisions are: {}", policy.name, dname,
                                                 fmt::format("{}", fmt::join(names, ", "))),
                                     near.empty() ? "" : fmt::format("did you mean `{}`?", near))},
                        prep.sources);
      return kExitBadInput;
    }
    value = policy.find_value(decision, vname);
    if (value == engine::kNone) {
      const auto& values = policy.decisions[decision].values;
      const std::string near = nearest_name(vname, values);
      print_diagnostics({usage_error(fmt::format("decision `{}` has no value `{}`; its values are: {}", dname, vname,
                                                 fmt::format("{}", fmt::join(values, " | "))),
                                     near.empty() ? "" : fmt::format("did you mean `{}`?", near))},
                        prep.sources);
      return kExitBadInput;
    }
  }

  if (!prepare_cases(args.cases, prep)) return kExitBadInput;
  std::vector<const engine::Case*> chosen;
  for (const auto& c : prep.cases)
    if (args.case_id.empty() || c.id == args.case_id) chosen.push_back(&c);
  if (chosen.empty()) {
    std::vector<std::string> ids;
    for (const auto& c : prep.cases) ids.push_back(c.id);
    const std::string near = nearest_name(args.case_id, ids);
    print_diagnostics({usage_error(fmt::format("no case has the id `{}`", args.case_id),
                                   near.empty() ? "" : fmt::format("did you mean `{}`?", near))},
                      prep.sources);
    return kExitBadInput;
  }

  engine::TextOptions text;
  text.color = use_color(stdout);
  text.explain = engine::explain_level(args.explain);
  std::string out;
  nlohmann::ordered_json json_cases = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto ev = engine::evaluate_case(policy, *chosen[i]);
    if (decision == engine::kNone) {
      if (args.format == "json") {
        json_cases.push_back(engine::case_json(policy, ev));
        if (ev.source->history) json_cases.back()["history"] = engine::history_json(policy, ev);
      } else {
        if (i > 0) out += "\n";
        out += engine::render_case(policy, ev, text);
        out += engine::render_history(policy, ev);
      }
      continue;
    }
    const auto why = engine::why_not(policy, ev, decision, value);
    if (args.format == "json") {
      json_cases.push_back(engine::why_not_json(policy, ev, why));
    } else {
      if (i > 0) out += "\n";
      out += engine::render_why_not(policy, ev, why, text);
    }
  }
  if (args.format == "json") {
    nlohmann::ordered_json doc;
    if (decision == engine::kNone)
      doc = {{"schema", engine::kTraceSchema}, {"generator", engine::generator()}, {"policy", engine::policy_json(policy)}, {"cases", json_cases}};
    else
      doc = json_cases.size() == 1 ? json_cases[0] : nlohmann::ordered_json{{"schema", engine::kTraceSchema}, {"generator", engine::generator()}, {"explanations", json_cases}};
    fmt::print("{}\n", doc.dump(json_indent()));
    return kExitOk;
  }
  out = engine::render_policy_line(policy, text) + "\n" + out;
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand add_explain(CLI::App& root) {
  auto args = std::make_shared<ExplainArgs>();
  CLI::App* app = root.add_subcommand("explain", "Explain a case's outcome, or why it did not come out another way");
  app->add_option("policy", args->policy, "The policy (.decree) to apply")->required()->transform(names(NameKind::policy));
  app->add_option("cases", args->cases, "The case file (.yaml, .jsonl or .csv; - for standard input), or a folder of them")->required()->transform(names(NameKind::cases));
  app->add_option("--why-not", args->why_not,
                  "DECISION=VALUE: show every rule that could have set that value and what stopped it");
  app->add_option("--case", args->case_id, "Only the case with this id (when a file holds several)");
  app->add_option("--explain", args->explain,
                  "Without --why-not, how much to explain: because (sentences), short (the deciding rule and the "
                  "conditions that decided), full (the whole tree; the default)")
      ->check(CLI::IsMember({"because", "short", "full"}));
  app->add_option("--format", args->format, "Output format: text or json (schema decree.trace/1)")
      ->check(CLI::IsMember({"text", "json"}));
  app->footer(
      "Example: decree explain policies/telegram-1956.decree scenarios/historical/ly-kim.yaml --why-not return=granted\n"
      "Exit status: 0 when explained, 2 on bad input (an unknown decision or value, a broken case file).");
  return {app, [args] { return run_explain(*args); }};
}

}  // namespace decree::cli

// decree report: the report a policy's obligation requires for each person it applies to
// (under the telegram, the report to Moscow for each person dispatched, with the reasons for
// leaving), in Markdown or JSON.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/evaluation.hpp"
#include "cli/run_stream.hpp"
#include "dsl/input_file.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/evaluate.hpp"
#include "engine/trace.hpp"
#include "web/html.hpp"  // --format html

namespace decree::cli {

namespace {

using engine::Index;
using engine::kNone;

struct Options {
  std::string policy;
  std::vector<std::string> cases;
  std::string format = "markdown";
  std::string obligation;
};

std::string citation_text(const engine::CompiledCitation& c, bool with_quote) {
  std::string out = c.source;
  if (!c.section.empty()) out += " " + c.section;
  if (with_quote && !c.quote.empty()) out += fmt::format(" \"{}\"", c.quote);
  return out;
}

// The obligations that a report is written for: the one asked for, or every obligation that
// names what its report indicates.
std::vector<Index> reported_obligations(const engine::CompiledPolicy& policy, const ast::Policy& checked,
                                        const std::string& asked, std::map<Index, std::vector<Index>>& indicating,
                                        std::string& error) {
  std::map<std::string, std::vector<std::string>> declared;
  for (const auto& item : checked.items) {
    if (item.kind != ast::ItemKind::Obligation) continue;
    const auto& d = std::get<ast::Declared>(item.body);
    for (const auto& n : d.indicating) declared[d.name.text].push_back(n.text);
  }
  std::vector<Index> out;
  for (Index o = 0; o < policy.obligations.size(); ++o) {
    const auto& name = policy.obligations[o].name;
    if (!asked.empty() ? name != asked : !declared.contains(name)) continue;
    out.push_back(o);
    for (const auto& fact : declared[name])
      for (Index slot = 0; slot < policy.facts.size(); ++slot)
        if (policy.facts[slot].name == fact) indicating[o].push_back(slot);
  }
  if (!asked.empty() && out.empty()) {
    std::vector<std::string> names;
    for (const auto& o : policy.obligations) names.push_back(o.name);
    error = fmt::format("the policy has no obligation `{}`; it has: {}", asked, fmt::join(names, ", "));
  } else if (out.empty()) {
    error = "no obligation of this policy says what its report indicates (`obligation NAME \"…\" indicating "
            "FACT, …`); name one with --obligation";
  }
  return out;
}

struct Entry {
  const engine::Case* source = nullptr;
  Index obligation = kNone;
  Index rule = kNone;  // the rule that owes it
  std::string detail;
  bool pending = false;  // the owing rule's conditions are unknown: owed only if they hold
  std::vector<engine::NamedDecision> decisions;
  std::vector<std::string> flags;  // "name — description"
  std::vector<Index> indicating;
  const engine::CaseEvaluation* evaluation = nullptr;
};

std::string fact_value(const engine::CaseEvaluation& ev, Index slot) {
  return engine::to_string(ev.binding.values[slot]);
}

std::string fact_provenance(const engine::CaseEvaluation& ev, Index slot) {
  const engine::FactValue* fv = ev.binding.provenance[slot];
  if (fv == nullptr) return "not in the case";
  std::vector<std::string> parts;
  parts.push_back(fmt::format("{}:{}", fv->loc.file, fv->loc.line));
  if (fv->certainty != engine::Certainty::Unstated) parts.push_back(engine::to_string(fv->certainty));
  if (!fv->source.empty()) parts.push_back(fv->source);
  std::string out = fmt::format("{}", fmt::join(parts, ", "));
  if (!fv->note.empty()) out += fmt::format(" — \"{}\"", fv->note);
  return out;
}

// Calls `each` with every case's evaluation, in input order: from the cases loaded whole, or
// from the case files read again a case at a time (so the report is written in passes over them,
// never holding more than one case).
using ForEachEvaluation = std::function<void(const std::function<void(const engine::CaseEvaluation&)>&)>;

// The entries of one obligation (owed, or pending when `pending`), each written by `write` with
// its evaluation (valid only during the call).
using EntriesOf = std::function<void(Index obligation, const std::function<void(const Entry&)>& write)>;

void print_markdown(const engine::CompiledPolicy& policy, const std::vector<Index>& obligations, const EntriesOf& entries_of) {
  for (Index o : obligations) {
    const auto& decl = policy.obligations[o];
    fmt::print("# Report: {}\n\n", decl.description.empty() ? decl.name : decl.description);
    fmt::print("Under `{}` — {} ({}). Obligation `{}`.\n\n", policy.name, policy.title, policy.file, decl.name);
    std::size_t owed = 0;
    std::size_t pending = 0;
    entries_of(o, [&](const Entry& e) { ++(e.pending ? pending : owed); });
    if (owed == 0) fmt::print("No one among these cases: the report is owed for no one.\n\n");
    std::size_t n = 0;
    for (bool want_pending : {false, true}) {
      if (want_pending && pending == 0) continue;
      if (!want_pending && owed == 0) continue;
      if (want_pending) fmt::print("## Owed only if the facts still unknown turn out so\n\n");
      entries_of(o, [&](const Entry& e) {
        if (e.pending != want_pending) return;
        const auto& c = *e.source;
        const auto& rule = policy.rules[e.rule];
        fmt::print("{} {}. {}\n\n", want_pending ? "###" : "##", ++n, c.title.empty() ? c.id : c.title);
        fmt::print("- Case `{}` ({}:{})\n", c.id, c.loc.file, c.loc.line);
        for (const auto& d : e.decisions) {
          if (d.status == "not_applicable") continue;
          fmt::print("- Decision on {}: **{}**{}\n", d.decision, engine::outcome_text(d.status, d.outcome, d.by),
                     d.rule.empty() ? "" : fmt::format(" (rule `{}`)", d.rule));
        }
        if (!e.indicating.empty()) {
          fmt::print("- Indicating:\n");
          for (Index slot : e.indicating)
            fmt::print("  - {}: **{}** — {}\n", policy.facts[slot].name, fact_value(*e.evaluation, slot),
                       fact_provenance(*e.evaluation, slot));
        }
        for (const auto& f : e.flags) fmt::print("- Flag for review: {}\n", f);
        fmt::print("- Required by rule `{}` \"{}\"{}\n", rule.name, rule.title,
                   e.detail.empty() ? "" : fmt::format(": {}", e.detail));
        for (const auto& cite : rule.cites) fmt::print("  - cites {}\n", citation_text(cite, true));
        if (e.pending) {
          const auto& rt = e.evaluation->trace.rules[e.rule];
          if (rt.failed != kNone) fmt::print("- Still unknown: `{}`\n", policy.conditions[rt.failed].text);
        }
        fmt::print("\n");
      });
    }
  }
}

nlohmann::ordered_json person_json(const engine::CompiledPolicy& policy, const Entry& e) {
  const auto& c = *e.source;
  const auto& rule = policy.rules[e.rule];
  nlohmann::ordered_json person;
  person["case"] = {{"id", c.id}, {"title", c.title}, {"file", c.loc.file}, {"line", c.loc.line}};
  person["owed"] = e.pending ? "if_unknowns_hold" : "owed";
  auto decisions = nlohmann::ordered_json::array();
  for (const auto& d : e.decisions) {
    if (d.status == "not_applicable") continue;
    decisions.push_back({{"decision", d.decision}, {"outcome", d.outcome}, {"by", d.by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.by)},
                         {"rule", d.rule.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.rule)}});
  }
  person["decisions"] = decisions;
  auto facts = nlohmann::ordered_json::array();
  for (Index slot : e.indicating) {
    nlohmann::ordered_json f;
    f["fact"] = policy.facts[slot].name;
    f["value"] = fact_value(*e.evaluation, slot);
    if (const engine::FactValue* fv = e.evaluation->binding.provenance[slot]) {
      f["at"] = fmt::format("{}:{}", fv->loc.file, fv->loc.line);
      f["certainty"] = engine::to_string(fv->certainty);
      f["source"] = fv->source;
      f["note"] = fv->note;
    }
    facts.push_back(f);
  }
  person["indicating"] = facts;
  person["flags"] = e.flags;
  auto cites = nlohmann::ordered_json::array();
  for (const auto& cite : rule.cites)
    cites.push_back({{"source", cite.source}, {"section", cite.section}, {"quote", cite.quote}});
  person["required_by"] = {{"rule", rule.name}, {"title", rule.title}, {"detail", e.detail}, {"cites", cites}};
  return person;
}

// The report document's frame: each obligation's `people` a placeholder naming its place.
nlohmann::ordered_json report_frame(const engine::CompiledPolicy& policy, const std::vector<Index>& obligations) {
  nlohmann::ordered_json out;
  out["schema"] = "decree.report/1";
  out["policy"] = {{"name", policy.name}, {"title", policy.title}, {"file", policy.file}};
  auto reports = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    const auto& decl = policy.obligations[obligations[i]];
    nlohmann::ordered_json report;
    report["obligation"] = {{"name", decl.name}, {"description", decl.description}};
    report["people"] = fmt::format("\x01people {}\x01", i);
    reports.push_back(report);
  }
  out["reports"] = reports;
  return out;
}

// The whole report as one value (for --format html, which draws it whole).
nlohmann::ordered_json report_json(const engine::CompiledPolicy& policy, const std::vector<Index>& obligations,
                                   const EntriesOf& entries_of) {
  nlohmann::ordered_json out = report_frame(policy, obligations);
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    auto people = nlohmann::ordered_json::array();
    entries_of(obligations[i], [&](const Entry& e) { people.push_back(person_json(policy, e)); });
    out["reports"][i]["people"] = std::move(people);
  }
  return out;
}

// The report as JSON written a person at a time: the frame's text up to each obligation's
// `people`, then its people, one pass over the cases each, as `report_json(...).dump(indent)`.
void write_report_json(const engine::CompiledPolicy& policy, const std::vector<Index>& obligations,
                       const EntriesOf& entries_of, int indent) {
  const std::string frame = report_frame(policy, obligations).dump(indent);
  // In the frame, `people` is at depth 3 (document, reports, a report): its items are at depth 4.
  const std::string item_indent = indent > 0 ? "\n" + std::string(4 * indent, ' ') : "";
  const std::string close_indent = indent > 0 ? "\n" + std::string(3 * indent, ' ') : "";
  std::size_t at = 0;
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    const std::string mark = fmt::format("\"\\u0001people {}\\u0001\"", i);
    const std::size_t found = frame.find(mark, at);
    std::fwrite(frame.data() + at, 1, found - at, stdout);
    at = found + mark.size();
    std::fputs("[", stdout);
    bool first = true;
    entries_of(obligations[i], [&](const Entry& e) {
      std::string text = person_json(policy, e).dump(indent);
      if (indent > 0) {
        for (std::size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + item_indent.size()))
          text.replace(p, 1, item_indent);
      }
      fmt::print("{}{}{}", first ? "" : ",", item_indent, text);
      first = false;
    });
    fmt::print("{}]", first ? "" : close_indent);
  }
  fmt::print("{}\n", frame.substr(at));
}

// The entries one case's evaluation gives, for each obligation reported.
std::vector<Entry> entries_for(const engine::CompiledPolicy& policy, const std::vector<Index>& obligations,
                               std::map<Index, std::vector<Index>>& indicating, const engine::CaseEvaluation& ev) {
  std::vector<Entry> entries;
  auto named = engine::name_outcome(policy, ev.outcome);
  std::vector<std::string> flags;
  for (Index r : ev.outcome.raised) {
    const auto& raising = policy.raises[r];
    const auto& flag = policy.flags[raising.what];
    auto cites = policy.rules[raising.rule].cites;
    std::string where = cites.empty() ? "" : fmt::format(" ({})", citation_text(cites.front(), false));
    flags.push_back(fmt::format("`{}` — {}{}", flag.name, raising.detail.empty() ? flag.description : raising.detail, where));
  }
  for (Index o : obligations) {
    // Owed: a standing rule owes it. Pending: an owing rule might stand (its conditions are
    // unknown) — a report the embassy will owe if those facts turn out so.
    Index owing = kNone;
    std::string detail;
    for (Index i : ev.outcome.owed)
      if (policy.owes[i].what == o && owing == kNone) {
        owing = policy.owes[i].rule;
        detail = policy.owes[i].detail;
      }
    bool pending = false;
    if (owing == kNone) {
      for (Index i = 0; i < policy.owes.size(); ++i) {
        if (policy.owes[i].what != o) continue;
        if (ev.outcome.effective[policy.owes[i].rule] == engine::Tri::Unknown) {
          owing = policy.owes[i].rule;
          detail = policy.owes[i].detail;
          pending = true;
          break;
        }
      }
    }
    if (owing == kNone) continue;
    Entry e;
    e.source = ev.source;
    e.obligation = o;
    e.rule = owing;
    e.detail = detail;
    e.pending = pending;
    e.decisions = named.decisions;
    e.flags = flags;
    e.indicating = indicating[o];
    e.evaluation = &ev;
    entries.push_back(std::move(e));
  }
  return entries;
}

int run(const Options& options) {
  Prepared prepared;
  if (!prepare_policy(options.policy, prepared)) return kExitBadInput;
  const auto& policy = *prepared.policy;

  std::map<Index, std::vector<Index>> indicating;
  std::string error;
  auto obligations = reported_obligations(policy, *prepared.checked, options.obligation, indicating, error);
  if (obligations.empty()) {
    fmt::print(stderr, "decree report: error: {}\n", error);
    return kExitBadInput;
  }

  // Case files are read again for each pass the report makes over them (html, drawn whole, and
  // standard input, read once, are loaded first). A case with errors stops the report before
  // anything is written, as a report must not leave a person out unnoticed.
  bool from_stdin = false;
  for (const auto& c : options.cases) from_stdin = from_stdin || dsl::is_standard_input(c);
  std::optional<std::vector<std::string>> files;
  if (options.format != "html" && !from_stdin) files = streamable_files(options.cases);
  ForEachEvaluation for_each;
  if (files) {
    std::size_t valid = 0;
    const StreamTotals totals = stream_case_files(*files, *prepared.checked, [&](const engine::Case&) { ++valid; });
    if (totals.rejected_files > 0) {
      fmt::print(stderr, "{}; {} case{} rejected, so no report was written\n", problem_counts(totals),
                 totals.rejected_cases, totals.rejected_cases == 1 ? "" : "s");
      return kExitBadInput;
    }
    if (valid == 0) {
      fmt::print(stderr, "error: no cases found in {}\n", fmt::join(options.cases, ", "));
      return kExitBadInput;
    }
    for_each = [&](const std::function<void(const engine::CaseEvaluation&)>& each) {
      stream_case_files(*files, *prepared.checked, [&](const engine::Case& c) { each(engine::evaluate_case(policy, c)); },
                        false);
    };
  } else {
    if (!prepare_cases(options.cases, prepared)) return kExitBadInput;
    for_each = [&](const std::function<void(const engine::CaseEvaluation&)>& each) {
      for (const auto& c : prepared.cases) each(engine::evaluate_case(policy, c));
    };
  }
  EntriesOf entries_of = [&](Index o, const std::function<void(const Entry&)>& write) {
    for_each([&](const engine::CaseEvaluation& ev) {
      for (const auto& e : entries_for(policy, obligations, indicating, ev))
        if (e.obligation == o) write(e);
    });
  };

  if (options.format == "json") write_report_json(policy, obligations, entries_of, json_indent());
  else if (options.format == "html")
    fmt::print("{}", web::html_page("report", report_json(policy, obligations, entries_of), policy.name + " — report"));
  else print_markdown(policy, obligations, entries_of);
  return kExitOk;
}

}  // namespace

Subcommand add_report(CLI::App& root) {
  auto options = std::make_shared<Options>();
  CLI::App* app = root.add_subcommand(
      "report", "Write the report a policy's obligation requires for each person (e.g. those dispatched)");
  app->add_option("policy", options->policy, "The policy (.decree)")->required()->transform(names(NameKind::policy));
  app->add_option("cases", options->cases, "Case files (.yaml, .jsonl, .csv; - for standard input), or folders searched for them (sorted)")->required()->transform(names(NameKind::cases));
  app->add_option("--format", options->format, "markdown (default), json or html (one self-contained page)")
      ->check(CLI::IsMember({"markdown", "json", "html"}));
  app->add_option("--obligation", options->obligation,
                  "The obligation to report on (default: every obligation that says what it indicates)");
  app->footer(
      "For each case where the obligation is owed: the person, each decision and who made it, the facts the\n"
      "obligation's report indicates (with their sources), flags for review, and the rule and citation that\n"
      "require the report. Cases where it would be owed if unknown facts hold are listed apart.\n"
      "Exit status: 0, or 2 on bad input.");
  return {app, [options] { return run(*options); }};
}

}  // namespace decree::cli

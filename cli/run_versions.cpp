#include "cli/run_versions.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "engine/render_json.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"
#include "engine/versions.hpp"

namespace decree::cli {

namespace {

std::optional<ast::Date> parse_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  ast::Date d;
  auto field = [&](std::size_t at, std::size_t n, int& out) {
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + n, out);
    return ec == std::errc() && p == text.data() + at + n;
  };
  if (!field(0, 4, d.year) || !field(5, 2, d.month) || !field(8, 2, d.day) || !ast::is_valid(d)) return std::nullopt;
  return d;
}

const char* kind_word(engine::VersionChoice::Kind k) {
  switch (k) {
    case engine::VersionChoice::Kind::Picked: return "picked";
    case engine::VersionChoice::Kind::Open: return "open";
    case engine::VersionChoice::Kind::None: return "none";
  }
  return "none";
}

// The outcome part of a brief line (`return: REFUSED by embassy`), without the case's id.
std::string brief_outcome(const engine::CompiledPolicy& policy, const engine::CaseEvaluation& ev,
                          const engine::TextOptions& text) {
  std::string line = engine::render_brief(policy, ev, text);
  auto gap = line.find("  ");
  if (gap != std::string::npos) line.erase(0, gap + 2);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

// With --brief, each case is one line; why a version was (or was not) picked goes to a header
// that names the versions and to footnotes under the lines, one for each kind of choice,
// numbered in the order they first appear.
struct BriefNotes {
  enum Kind { Open, None, NoDate };
  std::vector<Kind> order;                    // the kinds met, first seen first
  std::map<Kind, std::vector<std::string>> ids;  // the cases of each kind

  // Notes the case under `kind` and returns its marker: `[1]`.
  std::string add(Kind kind, const std::string& id) {
    auto at = std::find(order.begin(), order.end(), kind);
    if (at == order.end()) at = order.insert(order.end(), kind);
    ids[kind].push_back(id);
    return fmt::format("[{}]", at - order.begin() + 1);
  }

  std::string footer(const std::string& whence) const {
    std::string out;
    for (std::size_t n = 0; n < order.size(); ++n) {
      std::string list;
      for (const auto& id : ids.at(order[n])) list += (list.empty() ? "" : ", ") + id;
      switch (order[n]) {
        case Open:
          out += fmt::format("[{}] the sources leave open which version was in force on {}: shown under each that "
                             "may have been (the tool does not guess): {}\n",
                             n + 1, whence, list);
          break;
        case None:
          out += fmt::format("[{}] no version given was in force on {}, so nothing was evaluated: {}\n", n + 1,
                             whence, list);
          break;
        case NoDate:
          out += fmt::format("[{}] the case gives no date and no --as-of was given, so no version was picked; give "
                             "the case the `date:` its sources allow, or --as-of DATE: {}\n",
                             n + 1, list);
          break;
      }
    }
    if (!out.empty()) out += "(run without --brief for each case's reason)\n";
    return out;
  }
};

std::string brief_header(const std::vector<const ast::Header*>& headers, const std::string& whence, bool drafts) {
  std::string out = fmt::format("each case under the version in force on {}, among:\n", whence);
  for (const auto* h : headers) {
    std::string status = h->status ? h->status->text : "enacted";
    std::string about = (status == "draft" && !drafts) || status == "common" || status == "counterfactual"
                            ? fmt::format("{}, not picked by date", status)
                            : fmt::format("{}; {}", status, engine::describe_in_force(*h));
    out += fmt::format("  {}{} ({})\n", h->name.text, h->title.empty() ? "" : fmt::format(" \"{}\"", h->title), about);
  }
  return out;
}

}  // namespace

int run_versions(const VersionRunArgs& args) {
  std::optional<ast::Date> as_of;
  if (!args.as_of.empty()) {
    as_of = parse_date(args.as_of);
    if (!as_of) {
      fmt::print(stderr, "decree run: error: --as-of {}: expected a calendar date written YYYY-MM-DD\n", args.as_of);
      return kExitBadInput;
    }
  }
  // Every version is loaded and its cases validated against its own facts.
  std::vector<std::unique_ptr<Prepared>> versions;
  for (const auto& path : args.policies) {
    auto prep = std::make_unique<Prepared>();
    // The case files' problems are printed once, under the first version.
    CaseOptions case_options;
    case_options.keep_going = true;
    case_options.print = versions.empty();
    case_options.verbose = args.verbose;
    if (!prepare_policy(path, *prep) || !prepare_cases(args.cases, *prep, case_options)) return kExitBadInput;
    versions.push_back(std::move(prep));
  }
  std::vector<const ast::Header*> headers;
  for (const auto& v : versions) headers.push_back(&v->checked->header);

  engine::EvalOptions options;
  options.trace = !args.brief;
  options.explore = !args.brief;
  engine::TextOptions text;
  text.color = use_color(stdout);
  text.explain = engine::explain_level(args.explain);

  const bool brief_text = args.brief && args.format != "json";
  const std::string brief_whence = as_of ? args.as_of + " (--as-of)" : "the case's date";
  BriefNotes notes;
  std::string out;
  if (brief_text) out += brief_header(headers, brief_whence, args.drafts);
  std::size_t unversioned = 0;  // cases no version was picked for: not evaluated
  nlohmann::ordered_json json_cases = nlohmann::ordered_json::array();
  const auto& cases = versions.front()->cases;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const engine::CaseDateUsed used = engine::date_for_versions(c);
    std::optional<engine::CaseDate> day =
        as_of ? std::optional(engine::exact_day(*as_of)) : (used.date ? std::optional(*used.date) : std::nullopt);
    nlohmann::ordered_json jcase = {{"id", c.id}, {"title", c.title}};
    std::vector<std::size_t> chosen;
    bool open = false;  // the sources leave the version open
    std::string line;
    if (!day) {
      line = fmt::format("{}: the case gives no date and no --as-of was given, so no version is picked; "
                         "give the case the `decided:` or `requested:` date its sources allow (a day, a month, a year or a range), "
                         "give --as-of DATE, or run it under one policy",
                         c.id);
      jcase["choice"] = "no_date";
    } else {
      auto choice = engine::choose_version(headers, *day, args.drafts);
      std::string whence = as_of ? "the date given (--as-of)" : "the case's date";
      if (!as_of && std::string_view(used.which) == "decided") whence = "the decision date (decided:)";
      if (!as_of && std::string_view(used.which) == "requested")
        whence = "the request date (requested:; the case gives no decision date)";
      jcase["date_used"] = as_of ? "as_of" : used.which;
      jcase["date"] = day->written;
      jcase["date_span"] = {{"first", ast::to_string(day->first)}, {"last", ast::to_string(day->last)}};
      jcase["choice"] = kind_word(choice.kind);
      jcase["reason"] = choice.reason;
      if (choice.kind == engine::VersionChoice::Kind::Picked) {
        chosen.push_back(choice.picked);
        line = fmt::format("{}: version {}, by {}, {}: {}", c.id, headers[choice.picked]->name.text, whence,
                           day->written, choice.reason);
      } else if (choice.kind == engine::VersionChoice::Kind::Open) {
        chosen = choice.candidates;
        open = true;
        line = fmt::format("{}: OPEN QUESTION, by {}, {}: {}. It is shown under {}; the tool does not guess.", c.id,
                           whence, day->written, choice.reason, chosen.size() == 1 ? "that version" : "each of them");
      } else {
        line = fmt::format("{}: no version, by {}, {}: {}; nothing is evaluated", c.id, whence, day->written,
                           choice.reason);
      }
    }
    if (chosen.empty()) ++unversioned;
    // One line for the case: each version's outcome named after it, and a footnote's marker.
    std::string brief_line, brief_marker;
    if (brief_text) {
      if (!day) {
        brief_line = "not evaluated: no version";
        brief_marker = notes.add(BriefNotes::NoDate, c.id);
      } else if (chosen.empty()) {
        brief_line = "not evaluated: no version";
        brief_marker = notes.add(BriefNotes::None, c.id);
      } else if (open) {
        brief_marker = notes.add(BriefNotes::Open, c.id);
      }
    } else {
      if (i > 0 && !args.brief) out += "\n";
      out += line + "\n";
    }
    nlohmann::ordered_json evaluations = nlohmann::ordered_json::array();
    for (std::size_t v : chosen) {
      const auto& prep = *versions[v];
      const engine::Case* mine = nullptr;
      for (const auto& cc : prep.cases)
        if (cc.id == c.id) mine = &cc;
      if (mine == nullptr) continue;
      auto ev = engine::evaluate_case(*prep.policy, *mine, options);
      if (args.format == "json") {
        auto j = args.brief ? engine::brief_case_json(*prep.policy, ev) : engine::case_json(*prep.policy, ev);
        evaluations.push_back({{"policy", prep.policy->name}, {"evaluation", j}});
        continue;
      }
      if (brief_text) {
        brief_line += fmt::format("{}under {}: {}", brief_line.empty() ? "" : " | ", prep.policy->name,
                                  brief_outcome(*prep.policy, ev, text));
        continue;
      }
      out += "  " + engine::render_policy_line(*prep.policy, text);
      out += args.brief ? engine::render_brief(*prep.policy, ev, text) : engine::render_case(*prep.policy, ev, text);
    }
    if (brief_text) {
      std::string id = text.color ? fmt::format("\x1b[1m{}\x1b[0m", c.id) : c.id;
      out += fmt::format("{}  {}{}\n", id, brief_line, brief_marker.empty() ? "" : " " + brief_marker);
    }
    jcase["versions"] = evaluations;
    json_cases.push_back(jcase);
  }
  if (args.format == "json") {
    nlohmann::ordered_json j = {{"schema", "decree.versions/1"}, {"cases", json_cases}};
    fmt::print("{}\n", j.dump(json_indent()));
  } else {
    if (brief_text) out += notes.footer(brief_whence);
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  const Prepared& first = *versions.front();
  const std::size_t evaluated = cases.size() - unversioned;
  if (first.rejected_files > 0) {
    fmt::print(stderr, "{}{}\n", rejected_summary(first, evaluated),
               unversioned == 0 ? "" : fmt::format("; {} case{} got no version", unversioned, unversioned == 1 ? "" : "s"));
    return kExitBadInput;
  }
  if (unversioned > 0) {
    fmt::print(stderr, "{} of {} case{} got no version and {} not evaluated; {} case{} evaluated\n", unversioned,
               cases.size(), cases.size() == 1 ? "" : "s", unversioned == 1 ? "was" : "were", evaluated,
               evaluated == 1 ? "" : "s");
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace decree::cli

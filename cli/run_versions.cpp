#include "cli/run_versions.hpp"

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

  std::string out;
  std::size_t unversioned = 0;  // cases no version was picked for: not evaluated
  nlohmann::ordered_json json_cases = nlohmann::ordered_json::array();
  const auto& cases = versions.front()->cases;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    std::optional<engine::CaseDate> day = as_of ? std::optional(engine::exact_day(*as_of)) : c.date;
    nlohmann::ordered_json jcase = {{"id", c.id}, {"title", c.title}};
    std::vector<std::size_t> chosen;
    std::string line;
    if (!day) {
      line = fmt::format("{}: the case gives no date and no --as-of was given, so no version is picked; "
                         "give the case the `date:` its sources allow (a day, a month, a year or a range), "
                         "give --as-of DATE, or run it under one policy",
                         c.id);
      jcase["choice"] = "no_date";
    } else {
      auto choice = engine::choose_version(headers, *day, args.drafts);
      std::string whence = as_of ? "the date given (--as-of)" : "the case's date";
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
        line = fmt::format("{}: OPEN QUESTION, by {}, {}: {}. It is shown under {}; the tool does not guess.", c.id,
                           whence, day->written, choice.reason, chosen.size() == 1 ? "that version" : "each of them");
      } else {
        line = fmt::format("{}: no version, by {}, {}: {}; nothing is evaluated", c.id, whence, day->written,
                           choice.reason);
      }
    }
    if (chosen.empty()) ++unversioned;
    if (i > 0 && !args.brief) out += "\n";
    out += line + "\n";
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
      out += "  " + engine::render_policy_line(*prep.policy, text);
      out += args.brief ? engine::render_brief(*prep.policy, ev, text) : engine::render_case(*prep.policy, ev, text);
    }
    jcase["versions"] = evaluations;
    json_cases.push_back(jcase);
  }
  if (args.format == "json") {
    nlohmann::ordered_json j = {{"schema", "decree.versions/1"}, {"cases", json_cases}};
    fmt::print("{}\n", j.dump(json_indent()));
  } else {
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

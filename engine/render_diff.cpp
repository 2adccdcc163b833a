#include "engine/render_diff.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/source.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/render_text.hpp"
#include "engine/words.hpp"

namespace decree::engine {

namespace {

// Where a condition's value starts, counted from the start of the line.
constexpr std::size_t kValueColumn = 50;

class Writer {
 public:
  explicit Writer(const DiffTextOptions& o) : o_(o) {}
  std::string out;

  std::string paint(std::string_view s, Paint how) const { return engine::paint(s, how, o_.color); }

  void line(std::size_t indent, std::string_view text) {
    out.append(indent, ' ');
    out += text;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }

  void condition(std::size_t indent, const ConditionLine& c) {
    const std::size_t width = kValueColumn > indent ? kValueColumn - indent : 0;
    std::string l = pad(c.text, std::max(width, utf8_length(c.text) + 2));
    const Paint how = c.value == Tri::True ? Paint::Good : c.value == Tri::False ? Paint::Bad : Paint::Warn;
    l += paint(pad(to_string(c.value), 8), how);
    if (!c.where.empty()) l += " " + paint(c.where, Paint::Dim);
    line(indent, l);
  }

  void rule(std::size_t indent, const RuleLine& r) {
    std::string mark, rest;
    Paint how = Paint::None;
    switch (r.state) {
      case RuleState::Applies:
        mark = "✔";
        how = Paint::Good;
        rest = "sets " + r.sets;
        break;
      case RuleState::Defeated:
        mark = "✘";
        how = Paint::Bad;
        rest = fmt::format("would set {}; defeated by {}", r.sets, r.defeated_by.empty() ? "an exception" : r.defeated_by);
        break;
      case RuleState::MaybeDefeated:
        mark = "?";
        how = Paint::Warn;
        rest = fmt::format("would set {}; exception {} might defeat it", r.sets, r.defeated_by.empty() ? "(unknown)" : r.defeated_by);
        break;
      case RuleState::Unknown:
        mark = "?";
        how = Paint::Warn;
        rest = fmt::format("would set {}; might apply", r.sets);
        break;
      case RuleState::NotApplied:
        mark = "·";
        how = Paint::Dim;
        rest = fmt::format("would set {}; did not apply", r.sets);
        break;
    }
    std::string head = fmt::format("{} {}", paint(mark, how), paint(r.rule, Paint::Bold));
    if (!r.title.empty()) head += fmt::format(" \"{}\"", r.title);
    head += " — " + rest;
    if (!r.cites.empty()) head += "  " + paint("[" + join(r.cites, ", ") + "]", Paint::Dim);
    line(indent, head);
    for (const auto& c : r.conditions) condition(indent + 4, c);
    if (!r.defeater_conditions.empty()) {
      line(indent + 4, fmt::format("exception {} might apply:", r.defeated_by));
      for (const auto& c : r.defeater_conditions) condition(indent + 6, c);
    }
  }

  void ground(std::size_t indent, const Ground& g, const std::string& decision) {
    if (!g.present) {
      line(indent, fmt::format("this policy has no decision `{}`", decision));
      return;
    }
    if (g.status == "not_applicable") {
      line(indent, "not applicable to this case:");
      for (const auto& c : g.applies) condition(indent + 4, c);
      return;
    }
    if (!g.applies.empty()) {
      line(indent, "it is unknown whether it applies:");
      for (const auto& c : g.applies) condition(indent + 4, c);
    }
    for (const auto& r : g.rules) rule(indent, r);
    if (g.rules.empty() && (g.status == "default" || g.status == "no_decision")) line(indent, "no rule sets this decision");
    if (g.status == "default") line(indent, fmt::format("no rule set it, so it takes its default: {}", g.default_value));
    if (g.status == "no_decision") line(indent, "no rule set it, and the decision has no default");
    if (g.status == "outside") line(indent, "the case is outside the policy's scope, so the policy decides nothing for it");
    if (g.status == "undetermined" && !g.branches.empty()) {
      line(indent, "it would be settled by:");
      std::size_t width = 0;
      const std::size_t shown = std::min(g.branches.size(), o_.max_branches);
      std::vector<std::string> ifs;
      for (std::size_t i = 0; i < shown; ++i) {
        std::string s;
        for (const auto& [f, v] : g.branches[i].facts) s += fmt::format("{}{} = {}", s.empty() ? "" : " and ", f, v);
        width = std::max(width, utf8_length(s));
        ifs.push_back(std::move(s));
      }
      for (std::size_t i = 0; i < shown; ++i)
        line(indent + 2, fmt::format("if {} → {}", pad(ifs[i], width), g.branches[i].result));
      const std::size_t more = g.branches.size() - shown + g.more_branches;
      if (more > 0) line(indent + 2, fmt::format("… and {} more combination{}", more, more == 1 ? "" : "s"));
    }
  }

  std::string outcome(const Ground& g) const {
    std::string s = g.described;
    if (g.status == "undetermined" && !g.needs.empty()) s += " (needs " + join(g.needs, ", ") + ")";
    return s;
  }

  void case_diff(const CaseDiff& d, const std::string& a_name, const std::string& b_name, bool heading) {
    if (heading) {
      std::string where = d.loc.known() ? fmt::format("{}:{}", d.loc.file, d.loc.line) : d.loc.file;
      std::string head = paint(d.id, Paint::Bold);
      if (!d.title.empty()) head += "  " + d.title;
      if (!where.empty()) head += "  " + paint("(" + where + ")", Paint::Dim);
      line(0, head);
    }
    for (const auto& dd : d.decisions) {
      std::string name = dd.decision;
      if (!dd.title.empty()) name += fmt::format(" ({})", dd.title);
      if (dd.outcome_differs)
        line(2, fmt::format("{}: {} → {}", paint(name, Paint::Bold), paint(outcome(dd.a), Paint::Warn),
                            paint(outcome(dd.b), Paint::Warn)));
      else
        line(2, fmt::format("{}: {} under both, on other grounds", paint(name, Paint::Bold), dd.a.described));
      line(4, fmt::format("under {}:", a_name));
      ground(6, dd.a, dd.decision);
      line(4, fmt::format("under {}:", b_name));
      ground(6, dd.b, dd.decision);
    }
    raised("obligation", "owed", d.obligations, a_name, b_name);
    raised("flag", "raised", d.flags, a_name, b_name);
  }

  void raised(const char* what, const char* verb, const std::vector<RaisedDiff>& list, const std::string& a_name,
              const std::string& b_name) {
    for (const auto& r : list) {
      const std::string& side = r.in_a ? a_name : b_name;
      std::string t = fmt::format("{} {} {} only under {}", what, paint(r.name, Paint::Bold), verb, side);
      if (!r.rules.empty()) t += fmt::format(" (by {})", join(r.rules, ", "));
      line(2, t);
    }
  }

  void summary(const DiffReport& r) {
    const DiffSummary& s = r.summary;
    std::string head = fmt::format("{} case{}: ", s.cases, s.cases == 1 ? "" : "s");
    if (s.differing == 0) head += "no outcome differs";
    else head += fmt::format("{} differ{}", s.differing, s.differing == 1 ? "s" : "");
    if (s.grounds_only > 0)
      head += fmt::format("; {} more {} the same outcomes on other grounds{}", s.grounds_only, s.grounds_only == 1 ? "has" : "have",
                          r.grounds_listed ? "" : " (--grounds lists them)");
    line(0, paint(head, Paint::Bold));
    std::vector<std::string> never;  // decisions that applied to no case under either policy
    for (const auto& m : s.decisions) {
      if (m.rows.empty()) continue;
      const bool nothing = std::all_of(m.rows.begin(), m.rows.end(), [](const std::string& w) { return w == "not_applicable" || w == "absent"; }) &&
                           std::all_of(m.columns.begin(), m.columns.end(), [](const std::string& w) { return w == "not_applicable" || w == "absent"; });
      if (nothing) {
        never.push_back(m.decision);
        continue;
      }
      line(0, "");
      line(0, fmt::format("{}: {} case{} differ{}; under A (down) against B (across):", paint(m.decision, Paint::Bold),
                          m.differing, m.differing == 1 ? "" : "s", m.differing == 1 ? "s" : ""));
      std::size_t first = 0;
      for (const auto& row : m.rows) first = std::max(first, utf8_length(words(row)));
      first += 4;
      std::vector<std::size_t> widths;
      for (const auto& c : m.columns) {
        std::size_t w = utf8_length(words(c));
        for (std::size_t i = 0; i < m.rows.size(); ++i)
          w = std::max(w, fmt::format("{}", m.counts[i][static_cast<std::size_t>(&c - m.columns.data())]).size());
        widths.push_back(w);
      }
      std::string header = std::string(first, ' ');
      for (std::size_t j = 0; j < m.columns.size(); ++j) header += (j > 0 ? "  " : "") + pad(words(m.columns[j]), widths[j]);
      line(0, paint(header, Paint::Dim));
      for (std::size_t i = 0; i < m.rows.size(); ++i) {
        std::string l = "  " + pad(words(m.rows[i]), first - 2);
        for (std::size_t j = 0; j < m.columns.size(); ++j) {
          const std::uint64_t n = m.counts[i][j];
          std::string cell = n == 0 ? "·" : fmt::format("{}", n);
          const std::size_t w = utf8_length(cell);
          std::string padded = std::string(widths[j] > w ? widths[j] - w : 0, ' ') + cell;
          const bool diagonal = m.rows[i] == m.columns[j];
          l += (j > 0 ? "  " : "") + (n == 0 ? paint(padded, Paint::Dim) : paint(padded, diagonal ? Paint::None : Paint::Warn));
        }
        line(0, l);
      }
    }
    if (!never.empty()) {
      line(0, "");
      line(0, fmt::format("{}: applies to no case under either policy", join(never, ", ")));
    }
    counts("obligations", "owed", s.obligations);
    counts("flags", "raised", s.flags);
  }

  void counts(const char* what, const char* verb, const std::vector<RaisedCount>& list) {
    if (list.empty()) return;
    line(0, "");
    line(0, fmt::format("{}: cases where {} under A / under B", paint(what, Paint::Bold), verb));
    std::size_t width = 0;
    for (const auto& c : list) width = std::max(width, utf8_length(c.name));
    for (const auto& c : list) {
      std::string l = fmt::format("  {}  {} / {}", pad(c.name, width), c.a, c.b);
      std::vector<std::string> notes;
      if (c.only_a > 0) notes.push_back(fmt::format("{} only under A", c.only_a));
      if (c.only_b > 0) notes.push_back(fmt::format("{} only under B", c.only_b));
      if (!notes.empty()) l += "  " + paint("(" + join(notes, ", ") + ")", Paint::Warn);
      line(0, l);
    }
  }

 private:
  const DiffTextOptions& o_;
};

nlohmann::ordered_json condition_json(const ConditionLine& c) {
  return {{"condition", c.text}, {"value", to_string(c.value)}, {"where", c.where}};
}

nlohmann::ordered_json conditions_json(const std::vector<ConditionLine>& cs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& c : cs) out.push_back(condition_json(c));
  return out;
}

nlohmann::ordered_json raised_json(const std::vector<RaisedDiff>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : list) out.push_back({{"name", r.name}, {"under", r.in_a ? "a" : "b"}, {"rules", r.rules}});
  return out;
}

nlohmann::ordered_json policy_brief(const CompiledPolicy& p) {
  return {{"name", p.name}, {"title", p.title}, {"file", p.file}, {"status", p.status}};
}

}  // namespace

std::string render_case_diff(const CaseDiff& diff, const std::string& a_name, const std::string& b_name,
                             const DiffTextOptions& options, bool heading) {
  Writer w(options);
  w.case_diff(diff, a_name, b_name, heading);
  return w.out;
}

std::string render_diff_summary(const DiffReport& report, const DiffTextOptions& options) {
  Writer w(options);
  w.summary(report);
  return w.out;
}

std::string render_diff(const DiffReport& r, const DiffTextOptions& options) {
  Writer w(options);
  const std::string a_name = fmt::format("{} {}", options.a_label, r.a->name);
  const std::string b_name = fmt::format("{} {}", options.b_label, r.b->name);
  auto policy = [&](const std::string& label, const CompiledPolicy& p) {
    std::string l = render_policy_line(p, TextOptions{options.color});
    if (!l.empty() && l.back() == '\n') l.pop_back();
    w.line(0, fmt::format("{}: {}", label, l));
    w.line(3, w.paint(p.file, Paint::Dim));
  };
  policy(options.a_label, *r.a);
  policy(options.b_label, *r.b);
  w.line(0, fmt::format("cases: {}", join(r.inputs, ", ")));
  for (const auto& d : r.differences) {
    w.line(0, "");
    w.case_diff(d, a_name, b_name, true);
  }
  if (r.unlisted > 0) {
    w.line(0, "");
    w.line(0, fmt::format("{} {} differing case{} not listed (--limit shows more)", r.differences.empty() ? "All" : "…", r.unlisted, r.unlisted == 1 ? "" : "s"));
  }
  if (r.grounds_listed && !r.grounds.empty()) {
    w.line(0, "");
    w.line(0, w.paint("The same outcomes, on other grounds:", Paint::Bold));
    for (const auto& d : r.grounds) {
      w.line(0, "");
      w.case_diff(d, a_name, b_name, true);
    }
  }
  w.line(0, "");
  w.summary(r);
  return w.out;
}

std::string changes_text(const CompiledPolicy& p, const std::vector<FactChange>& changes) {
  std::string out = "had";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i > 0) out += " and";
    out += fmt::format(" {} been {}", p.facts[changes[i].fact].name, to_string(changes[i].value));
  }
  return out;
}

// A group of flips is one outcome word: a value (whether a rule or the default gives it) or a status.
static std::string group_text(const FlipGroup& g) {
  const Status st = g.flips.front().result.status;
  return outcome_text(st == Status::Decided || st == Status::Defaulted ? "decided" : to_string(st), g.outcome);
}

std::string render_flips(const CompiledPolicy& p, const FlipSearch& s, const std::string& who, const DiffTextOptions& options,
                         std::size_t max_listed) {
  Writer w(options);
  const CompiledDecision& decision = p.decisions[s.decision];
  std::string name = decision.name;
  if (!decision.title.empty()) name += fmt::format(" ({})", decision.title);
  const std::string now = describe_result(p, s.decision, s.original);
  w.line(0, fmt::format("{}: now {}", w.paint(name, Paint::Bold), now));
  const std::string scope = fmt::format("{} fact{} it depends on", s.facts.size(), s.facts.size() == 1 ? "" : "s");
  if (s.groups.empty()) {
    w.line(2, fmt::format("no change of at most {} of the {} flips it ({} combinations tried)", s.searched, scope, s.evaluated));
  } else {
    // The headline: the first way to a decided value, or else the first flip of all.
    const Flip* best = nullptr;
    for (const auto& g : s.groups)
      for (const auto& f : g.flips)
        if (best == nullptr && f.result.status == Status::Decided) best = &f;
    if (best == nullptr) best = &s.groups.front().flips.front();
    w.line(2, fmt::format("{}: {} would have been {} {}", who, decision.name, describe_result(p, s.decision, best->result),
                          changes_text(p, best->changes)));
    for (const auto& g : s.groups) {
      w.line(2, fmt::format("→ {}, {} way{}:", w.paint(group_text(g), Paint::Bold), g.flips.size(),
                            g.flips.size() == 1 ? "" : "s"));
      const std::size_t shown = std::min(g.flips.size(), max_listed);
      std::vector<std::string> texts;
      std::size_t width = 0;
      for (std::size_t i = 0; i < shown; ++i) {
        texts.push_back(changes_text(p, g.flips[i].changes));
        width = std::max(width, utf8_length(texts.back()));
      }
      for (std::size_t i = 0; i < shown; ++i) {
        const DecisionResult& r = g.flips[i].result;
        std::string how;
        if (r.status == Status::Decided) {
          how = p.rules[p.settings[r.setting].rule].name;
          if (r.by != kNone) how += ", by " + p.authorities[r.by].name;
        } else if (r.status == Status::Defaulted) {
          how = "the default";
        }
        w.line(6, fmt::format("{}{}", pad(texts[i], width), how.empty() ? "" : "  " + w.paint("(" + how + ")", Paint::Dim)));
      }
      if (g.flips.size() > shown)
        w.line(6, fmt::format("… and {} more (--all lists them)", g.flips.size() - shown));
    }
  }
  std::string note = fmt::format("searched: every set of up to {} changes to the {} ({} evaluations)", s.searched, scope, s.evaluated);
  if (s.limited) note += fmt::format("; larger sets would take more than {} evaluations", kMaxFlipEvaluations);
  w.line(2, w.paint(note, Paint::Dim));
  return w.out;
}

nlohmann::ordered_json flips_json(const CompiledPolicy& p, const FlipSearch& s) {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : s.groups) {
    nlohmann::ordered_json flips = nlohmann::ordered_json::array();
    for (const auto& f : g.flips) {
      nlohmann::ordered_json changes = nlohmann::ordered_json::array();
      for (const auto& c : f.changes) changes.push_back({{"fact", p.facts[c.fact].name}, {"value", to_string(c.value)}});
      const DecisionResult& r = f.result;
      flips.push_back({{"changes", changes},
                       {"status", to_string(r.status)},
                       {"by", r.by == kNone ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.authorities[r.by].name)},
                       {"rule", r.status == Status::Decided && r.setting != kNone
                                    ? nlohmann::ordered_json(p.rules[p.settings[r.setting].rule].name)
                                    : nlohmann::ordered_json(nullptr)}});
    }
    groups.push_back({{"outcome", g.outcome}, {"flips", flips}});
  }
  nlohmann::ordered_json facts = nlohmann::ordered_json::array();
  for (Index f : s.facts) facts.push_back(p.facts[f].name);
  return {{"decision", p.decisions[s.decision].name},
          {"now", outcome_word(p, s.decision, s.original)},
          {"now_status", to_string(s.original.status)},
          {"facts_searched", facts},
          {"max_changes", s.searched},
          {"complete", !s.limited},
          {"evaluations", s.evaluated},
          {"flips", groups}};
}

nlohmann::ordered_json ground_json(const Ground& g) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const auto& r : g.rules) {
    nlohmann::ordered_json j = {{"rule", r.rule},
                        {"title", r.title},
                        {"sets", r.sets},
                        {"state", to_string(r.state)},
                        {"defeated_by", r.defeated_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.defeated_by)},
                        {"conditions", conditions_json(r.conditions)},
                        {"cites", r.cites}};
    if (!r.defeater_conditions.empty()) j["defeater_conditions"] = conditions_json(r.defeater_conditions);
    rules.push_back(std::move(j));
  }
  nlohmann::ordered_json branches = nlohmann::ordered_json::array();
  for (const auto& b : g.branches) {
    nlohmann::ordered_json facts = nlohmann::ordered_json::object();
    for (const auto& [f, v] : b.facts) facts[f] = v;
    branches.push_back({{"if", facts}, {"then", b.result}});
  }
  nlohmann::ordered_json j = {{"outcome", g.outcome},
                      {"status", g.status},
                      {"by", g.by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.by)},
                      {"described", g.described},
                      {"rule", g.rule.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.rule)},
                      {"rules", rules}};
  if (!g.applies.empty()) j["applies"] = conditions_json(g.applies);
  if (g.status == "default") j["default"] = g.default_value;
  if (g.status == "undetermined") {
    j["needs"] = g.needs;
    j["branches"] = branches;
    j["more_branches"] = g.more_branches;
  }
  return j;
}

nlohmann::ordered_json case_diff_json(const CaseDiff& d) {
  nlohmann::ordered_json decisions = nlohmann::ordered_json::array();
  for (const auto& dd : d.decisions)
    decisions.push_back({{"decision", dd.decision},
                         {"outcome_differs", dd.outcome_differs},
                         {"a", ground_json(dd.a)},
                         {"b", ground_json(dd.b)}});
  nlohmann::ordered_json where = {{"file", d.loc.file}, {"line", d.loc.line}};
  return {{"id", d.id},
          {"title", d.title},
          {"where", where},
          {"decisions", decisions},
          {"obligations", raised_json(d.obligations)},
          {"flags", raised_json(d.flags)}};
}

nlohmann::ordered_json diff_json(const DiffReport& r) {
  nlohmann::ordered_json differences = nlohmann::ordered_json::array();
  for (const auto& d : r.differences) differences.push_back(case_diff_json(d));
  nlohmann::ordered_json matrices = nlohmann::ordered_json::array();
  for (const auto& m : r.summary.decisions) {
    nlohmann::ordered_json cells = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < m.rows.size(); ++i)
      for (std::size_t j = 0; j < m.columns.size(); ++j)
        if (m.counts[i][j] > 0) cells.push_back({{"a", m.rows[i]}, {"b", m.columns[j]}, {"count", m.counts[i][j]}});
    matrices.push_back({{"decision", m.decision}, {"differing", m.differing}, {"a_outcomes", m.rows}, {"b_outcomes", m.columns},
                        {"counts", cells}});
  }
  auto counts = [](const std::vector<RaisedCount>& list) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& c : list)
      out.push_back({{"name", c.name}, {"a", c.a}, {"b", c.b}, {"only_a", c.only_a}, {"only_b", c.only_b}});
    return out;
  };
  nlohmann::ordered_json j;
  j["schema"] = kDiffSchema;
  j["a"] = policy_brief(*r.a);
  j["b"] = policy_brief(*r.b);
  j["inputs"] = r.inputs;
  j["cases"] = r.summary.cases;
  j["differing"] = r.summary.differing;
  j["same_outcome_other_grounds"] = r.summary.grounds_only;
  j["unlisted"] = r.unlisted;
  j["differences"] = differences;
  if (r.grounds_listed) {
    nlohmann::ordered_json grounds = nlohmann::ordered_json::array();
    for (const auto& d : r.grounds) grounds.push_back(case_diff_json(d));
    j["grounds"] = grounds;
  }
  j["summary"] = {{"decisions", matrices}, {"obligations", counts(r.summary.obligations)}, {"flags", counts(r.summary.flags)}};
  return j;
}

}  // namespace decree::engine

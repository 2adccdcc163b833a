#include "engine/summary.hpp"

#include "engine/explain/outcome.hpp"
#include "engine/words.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/source.hpp"

namespace decree::engine {

namespace {

// One line of the summary: what the cases came to, and how many.
struct Row {
  std::string outcome;  // a value, or a status word
  std::string status;   // "decided", "default", ...
  std::uint64_t count = 0;
};

std::vector<Row> rows(const CompiledPolicy& p, const Summary& s, std::size_t d) {
  const DecisionCounts& c = s.decisions[d];
  std::vector<Row> out;
  for (std::size_t v = 0; v < p.decisions[d].values.size(); ++v) {
    if (c.decided[v] > 0) out.push_back({p.decisions[d].values[v], "decided", c.decided[v]});
    if (c.defaulted[v] > 0) out.push_back({p.decisions[d].values[v], "default", c.defaulted[v]});
  }
  if (c.undetermined > 0) out.push_back({"undetermined", "undetermined", c.undetermined});
  if (c.conflict > 0) out.push_back({"conflict", "conflict", c.conflict});
  if (c.no_decision > 0) out.push_back({"no_decision", "no_decision", c.no_decision});
  if (c.not_applicable > 0) out.push_back({"not_applicable", "not_applicable", c.not_applicable});
  if (c.outside > 0) out.push_back({"outside", "outside", c.outside});
  return out;
}

std::string percent(std::uint64_t n, std::uint64_t of) {
  if (of == 0) return "";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(n) / static_cast<double>(of));
}

}  // namespace

Summary make_summary(const CompiledPolicy& p) {
  Summary s;
  s.decisions.resize(p.decisions.size());
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    s.decisions[d].decided.assign(p.decisions[d].values.size(), 0);
    s.decisions[d].defaulted.assign(p.decisions[d].values.size(), 0);
  }
  s.obligations.assign(p.obligations.size(), 0);
  s.flags.assign(p.flags.size(), 0);
  return s;
}

void add(Summary& s, const CompiledPolicy& p, const Outcome& o) {
  ++s.cases;
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    const DecisionResult& r = o.decisions[d];
    DecisionCounts& c = s.decisions[d];
    switch (r.status) {
      case Status::Decided: ++c.decided[r.value]; break;
      case Status::Defaulted: ++c.defaulted[r.value]; break;
      case Status::Undetermined: ++c.undetermined; break;
      case Status::Conflict: ++c.conflict; break;
      case Status::NoDecision: ++c.no_decision; break;
      case Status::NotApplicable: ++c.not_applicable; break;
      case Status::Outside: ++c.outside; break;
    }
  }
  // Two rules may owe the same obligation in one case: it counts once.
  auto count_once = [](const std::vector<Index>& list, const std::vector<Raising>& all, std::vector<std::uint64_t>& counts) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Index what = all[list[i]].what;
      bool earlier = false;
      for (std::size_t j = 0; j < i && !earlier; ++j) earlier = all[list[j]].what == what;
      if (!earlier) ++counts[what];
    }
  };
  count_once(o.owed, p.owes, s.obligations);
  count_once(o.raised, p.raises, s.flags);
}

std::string render_summary(const CompiledPolicy& p, const Summary& s, bool color) {
  auto bold = [&](const std::string& t) { return color ? "\x1b[1m" + t + "\x1b[0m" : t; };
  std::string out;
  out += bold(fmt::format("{} case{} under {}", s.cases, s.cases == 1 ? "" : "s", p.name)) + "\n";
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    std::string head = p.decisions[d].name;
    if (!p.decisions[d].title.empty()) head += fmt::format(" ({})", p.decisions[d].title);
    out += "\n" + bold(head) + "\n";
    auto list = rows(p, s, d);
    std::size_t width = 0;
    for (const auto& r : list) width = std::max(width, utf8_length(outcome_text(r.status, r.outcome)));
    for (const auto& r : list) {
      const std::string label = outcome_text(r.status, r.outcome);
      out += fmt::format("  {}  {:>8}  {:>6}\n", pad(label, width), r.count, percent(r.count, s.cases));
    }
  }
  auto raised = [&](const char* what, const std::vector<Declaration>& decls, const std::vector<std::uint64_t>& counts) {
    if (decls.empty()) return;
    out += "\n" + bold(what) + "\n";
    std::size_t width = 0;
    for (const auto& x : decls) width = std::max(width, utf8_length(x.name));
    for (std::size_t i = 0; i < decls.size(); ++i)
      out += fmt::format("  {}  {:>8}  {:>6}\n", pad(decls[i].name, width), counts[i], percent(counts[i], s.cases));
  };
  raised("obligations (cases owing each)", p.obligations, s.obligations);
  raised("flags (cases raising each)", p.flags, s.flags);
  return out;
}

nlohmann::ordered_json summary_json(const CompiledPolicy& p, const Summary& s) {
  nlohmann::ordered_json decisions = nlohmann::ordered_json::array();
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    nlohmann::ordered_json outcomes = nlohmann::ordered_json::array();
    for (const auto& r : rows(p, s, d)) outcomes.push_back({{"outcome", r.outcome}, {"status", r.status}, {"count", r.count}});
    decisions.push_back({{"decision", p.decisions[d].name}, {"outcomes", outcomes}});
  }
  auto raised = [](const std::vector<Declaration>& decls, const std::vector<std::uint64_t>& counts) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < decls.size(); ++i) out.push_back({{"name", decls[i].name}, {"count", counts[i]}});
    return out;
  };
  return {{"cases", s.cases},
          {"decisions", decisions},
          {"obligations", raised(p.obligations, s.obligations)},
          {"flags", raised(p.flags, s.flags)}};
}

}  // namespace decree::engine

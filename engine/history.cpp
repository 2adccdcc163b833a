#include "engine/history.hpp"

#include <fmt/format.h>

#include "engine/explain/outcome.hpp"
#include "engine/render_sources.hpp"
#include "engine/words.hpp"

namespace decree::engine {

namespace {

std::string agreement_words(Agreement a) {
  switch (a) {
    case Agreement::Agree: return "they agree";
    case Agreement::Disagree: return "they disagree";
    case Agreement::Open: return "the rules leave it open";
    case Agreement::NotAddressed: return "the rules do not decide it";
  }
  return "";
}

}  // namespace

const char* to_string(Agreement a) {
  switch (a) {
    case Agreement::Agree: return "agree";
    case Agreement::Disagree: return "disagree";
    case Agreement::Open: return "open";
    case Agreement::NotAddressed: return "not_addressed";
  }
  return "";
}

std::vector<HistoryComparison> compare_history(const CompiledPolicy& p, const CaseEvaluation& ev) {
  std::vector<HistoryComparison> out;
  if (ev.source == nullptr || !ev.source->history) return out;
  for (const auto& [decision, recorded] : ev.source->history->decisions) {
    HistoryComparison c;
    c.decision = decision;
    c.recorded = recorded;
    const Index d = p.find_decision(decision);
    if (d == kNone || d >= ev.outcome.decisions.size()) {
      c.rules = fmt::format("policy {} has no decision `{}`", p.name, decision);
      c.agreement = Agreement::NotAddressed;
      out.push_back(std::move(c));
      continue;
    }
    const DecisionResult& r = ev.outcome.decisions[d];
    c.rules = outcome_text(p, d, r);
    switch (r.status) {
      case Status::Decided:
      case Status::Defaulted:
        c.agreement = p.decisions[d].values[r.value] == recorded ? Agreement::Agree : Agreement::Disagree;
        break;
      case Status::Undetermined:
      case Status::Conflict:
        c.agreement = Agreement::Open;
        if (const Exploration* x = ev.exploration(d)) {
          const auto& facts = x->needs.empty() ? x->unknowns : x->needs;
          for (Index f : facts) c.turns_on.push_back(p.facts[f].name);
        }
        break;
      case Status::NotApplicable:
      case Status::NoDecision:
      case Status::Outside:  // the case is outside the policy's scope: the rules say nothing of it
        c.agreement = Agreement::NotAddressed;
        break;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string render_history(const CompiledPolicy& p, const CaseEvaluation& ev) {
  if (ev.source == nullptr || !ev.source->history) return {};
  const History& h = *ev.source->history;
  std::string where;
  if (ev.source->date) where = ev.source->date->written;
  if (!h.source.empty()) where += (where.empty() ? "" : "; ") + h.source;
  std::string out;
  auto comparisons = compare_history(p, ev);
  for (const auto& c : comparisons) {
    std::string rules = c.rules;
    if (!c.turns_on.empty()) rules += ", turns on " + join(c.turns_on);
    out += fmt::format("  history: {} {}{}; the rules: {} — {}\n", c.decision, words(c.recorded),
                       where.empty() ? "" : " (" + where + ")", rules, agreement_words(c.agreement));
  }
  if (comparisons.empty())
    out += fmt::format("  history: no decision recorded{}\n", where.empty() ? "" : " (" + where + ")");
  if (!h.summary.empty()) out += wrap(h.summary, 4);
  return out;
}

nlohmann::ordered_json history_json(const CompiledPolicy& p, const CaseEvaluation& ev) {
  if (ev.source == nullptr || !ev.source->history) return nullptr;
  const History& h = *ev.source->history;
  nlohmann::ordered_json decisions = nlohmann::ordered_json::array();
  for (const auto& c : compare_history(p, ev))
    decisions.push_back({{"decision", c.decision},
                         {"recorded", c.recorded},
                         {"rules", c.rules},
                         {"turns_on", c.turns_on},
                         {"agreement", to_string(c.agreement)}});
  return {{"summary", h.summary},
          {"source", h.source},
          {"date", ev.source->date ? nlohmann::ordered_json(ev.source->date->written) : nlohmann::ordered_json(nullptr)},
          {"decisions", std::move(decisions)}};
}

}  // namespace decree::engine

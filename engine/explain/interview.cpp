#include "engine/explain/interview.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/types.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/render_text.hpp"
#include "engine/whatif.hpp"

namespace decree::engine {

namespace {

std::string result_words(const CompiledPolicy& p, Index d, const Settlement& s) {
  if (s.result.status == Status::Undetermined) return "it stays open";
  std::string t = outcome_text(p, d, s.result);
  if (s.result.status == Status::Decided && s.result.setting != kNone) {
    const CompiledRule& rule = p.rules[p.settings[s.result.setting].rule];
    t += fmt::format(" ({}{})", rule.name, rule.cites.empty() ? "" : "; " + citations_short(rule.cites));
  }
  for (Index o : s.owed) t += fmt::format(", and {} is owed", p.obligations[p.owes[o].what].name);
  return t;
}

}  // namespace

std::vector<Index> open_decisions(const CompiledPolicy& p, std::span<const Value> facts) {
  Outcome o;
  evaluate(p, facts, o);
  std::vector<Index> open;
  for (std::size_t d = 0; d < p.decisions.size(); ++d)
    if (o.decisions[d].status == Status::Undetermined) open.push_back(static_cast<Index>(d));
  return open;
}

std::optional<Question> next_question(const CompiledPolicy& p, std::span<const Value> facts, const std::vector<bool>& declined) {
  const std::vector<Index> open = open_decisions(p, facts);
  if (open.empty()) return std::nullopt;
  auto asked = [&](Index f) { return f < declined.size() && declined[f]; };
  std::vector<std::size_t> settles(p.facts.size(), 0), helps(p.facts.size(), 0);
  std::vector<Exploration> explored;
  for (Index d : open) {
    explored.push_back(explore(p, facts, d));
    const Exploration& ex = explored.back();
    if (ex.too_many) {  // nothing explored: every unknown fact it depends on may help
      for (Index f : ex.unknowns) ++helps[f];
      continue;
    }
    // A combination that needs a fact answered "I don't know" settles nothing here.
    std::vector<Index> candidates;
    const bool listed_all = ex.minimal.size() == ex.minimal_total;
    for (const auto& s : ex.minimal) {
      bool usable = true;
      for (const auto& a : s.facts) usable = usable && !asked(a.fact);
      if (usable)
        for (const auto& a : s.facts) candidates.push_back(a.fact);
    }
    if (!listed_all) candidates.insert(candidates.end(), ex.needs.begin(), ex.needs.end());
    if (ex.single_only)  // no combinations tried: a fact that settles it alone is needed
      for (const auto& s : ex.single)
        if (s.result.status != Status::Undetermined) candidates.push_back(s.facts[0].fact);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (Index f : candidates) ++helps[f];
    for (const auto& s : ex.single)
      if (s.result.status != Status::Undetermined) ++settles[s.facts[0].fact];
  }
  Index best = kNone;
  for (std::size_t f = 0; f < p.facts.size(); ++f) {
    if (helps[f] == 0 || asked(static_cast<Index>(f)) || facts[f].known()) continue;
    if (best == kNone || settles[f] > settles[best] || (settles[f] == settles[best] && helps[f] > helps[best]))
      best = static_cast<Index>(f);
  }
  if (best == kNone) return std::nullopt;

  Question q;
  q.fact = best;
  q.settles = settles[best];
  const CompiledFact& fact = p.facts[best];
  if (fact.type.kind == dsl::FactType::Kind::Bool) q.choices = {"true", "false"};
  if (fact.type.kind == dsl::FactType::Kind::Enum) q.choices = fact.type.values;
  for (std::size_t i = 0; i < open.size(); ++i) {
    const Index d = open[i];
    const Exploration& ex = explored[i];
    const bool needed = std::find(ex.needs.begin(), ex.needs.end(), best) != ex.needs.end() ||
                        std::find(ex.unknowns.begin(), ex.unknowns.end(), best) != ex.unknowns.end();
    if (!needed) continue;
    q.decides.push_back(d);
    std::string head = p.decisions[d].name;
    if (!p.decisions[d].title.empty()) head += fmt::format(" ({})", p.decisions[d].title);
    std::vector<std::string> ifs;
    for (const auto& s : ex.single)
      if (s.facts[0].fact == best)
        ifs.push_back(fmt::format("if {} is {}, {}", fact.name, to_string(s.facts[0].value), result_words(p, d, s)));
    if (ifs.empty()) ifs.push_back("it helps settle it together with other facts");
    std::string line = head + ": ";
    for (std::size_t k = 0; k < ifs.size(); ++k) line += (k == 0 ? "" : "; ") + ifs[k];
    q.why.push_back(std::move(line));
  }
  return q;
}

nlohmann::ordered_json question_json(const CompiledPolicy& p, const std::optional<Question>& q) {
  using json = nlohmann::ordered_json;
  if (!q) return nullptr;
  const CompiledFact& fact = p.facts[q->fact];
  json decides = json::array();
  for (Index d : q->decides) decides.push_back(p.decisions[d].name);
  return json{{"fact", fact.name},
              {"description", fact.description.empty() ? json(nullptr) : json(fact.description)},
              {"type", dsl::describe(fact.type)},
              {"choices", q->choices},
              {"decides", std::move(decides)},
              {"why", q->why}};
}

nlohmann::ordered_json next_question_json(const CompiledPolicy& p, const nlohmann::json& known) {
  std::vector<Value> facts(p.facts.size());
  std::vector<bool> declined(p.facts.size(), false);
  if (known.is_object()) {
    for (const auto& [name, v] : known.items()) {
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      std::string error, hint;
      auto change = parse_change(p, name + "=" + text, error, hint);
      if (!change) return nlohmann::ordered_json{{"error", error}, {"hint", hint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(hint)}};
      facts[change->fact] = change->value;
      if (!change->value.known()) declined[change->fact] = true;
    }
  }
  return question_json(p, next_question(p, facts, declined));
}

}  // namespace decree::engine

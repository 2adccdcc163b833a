#include "engine/whatif.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>

#include <fmt/format.h>

#include "dsl/diagnostic.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

namespace {

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

// Sets of changes are keyed by packing each (searched fact, candidate) pair in 20 bits.
constexpr std::uint64_t kPartBits = 20;
constexpr std::size_t kMaxPart = (std::size_t{1} << 10) - 1;

std::uint64_t part(std::size_t fact, std::size_t choice) {
  return (static_cast<std::uint64_t>(fact) << 10 | static_cast<std::uint64_t>(choice)) + 1;  // never 0
}

}  // namespace

std::optional<FactChange> parse_change(const CompiledPolicy& p, std::string_view text, std::string& error, std::string& hint) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    error = fmt::format("`{}` should be FACT=VALUE, like misdemeanor=false", text);
    return std::nullopt;
  }
  std::string name(text.substr(0, eq));
  std::string value(text.substr(eq + 1));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!value.empty() && value.front() == ' ') value.erase(value.begin());
  const Index slot = p.find_fact(name);
  if (slot == kNone) {
    std::vector<std::string> names;
    for (const auto& f : p.facts) names.push_back(f.name);
    error = fmt::format("`{}` is not a fact of policy `{}`", name, p.name);
    std::string near = nearest_name(name, names);
    hint = near.empty() ? fmt::format("its facts are: {}", join(names, ", ")) : fmt::format("did you mean `{}`?", near);
    return std::nullopt;
  }
  const CompiledFact& fact = p.facts[slot];
  FactChange change;
  change.fact = slot;
  if (value == "unknown") return change;
  auto wrong = [&](std::string expected) -> std::optional<FactChange> {
    error = fmt::format("expected {} for `{}`, found `{}`", expected, name, value);
    hint = "or `unknown`, to make it unknown";
    return std::nullopt;
  };
  switch (fact.type.kind) {
    case dsl::FactType::Kind::Bool:
      if (value == "true" || value == "false") {
        change.value = Value::of_bool(value == "true");
        return change;
      }
      return wrong("true or false");
    case dsl::FactType::Kind::Int: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty()) return wrong("a whole number");
      change.value = Value::of_int(n);
      return change;
    }
    case dsl::FactType::Kind::Date: {
      ast::Date d;
      int read = 0;
      if (value.size() == 10 && std::sscanf(value.c_str(), "%4d-%2d-%2d%n", &d.year, &d.month, &d.day, &read) == 3 &&
          read == 10 && ast::is_valid(d)) {
        change.value = Value::of_date(ast::days_since_epoch(d));
        return change;
      }
      return wrong("a date (YYYY-MM-DD, a real calendar day)");
    }
    case dsl::FactType::Kind::Text:
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      change.value = Value::of_text(value);
      return change;
    case dsl::FactType::Kind::Set: {
      // `--set stated_reasons=illness,family`: the whole set; `--set stated_reasons=` is empty.
      std::vector<std::string> members;
      std::size_t at = 0;
      while (at < value.size()) {
        std::size_t comma = value.find(',', at);
        if (comma == std::string::npos) comma = value.size();
        std::string member = value.substr(at, comma - at);
        while (!member.empty() && member.front() == ' ') member.erase(member.begin());
        while (!member.empty() && member.back() == ' ') member.pop_back();
        if (std::find(fact.type.values.begin(), fact.type.values.end(), member) == fact.type.values.end()) {
          error = fmt::format("`{}` is not a value the set `{}` can hold", member, name);
          hint = fmt::format("a set is given as its values separated by commas, e.g. `{}={}`; it holds values of: {}",
                             name, fact.type.values.empty() ? "" : fact.type.values[0], join(fact.type.values, " | "));
          return std::nullopt;
        }
        members.push_back(member);
        at = comma + 1;
      }
      change.value = Value::of_set(members, {}, true, fact.type.values);
      return change;
    }
    case dsl::FactType::Kind::Enum:
      for (std::size_t i = 0; i < fact.type.values.size(); ++i)
        if (fact.type.values[i] == value) {
          change.value = Value::of_enum(static_cast<std::uint32_t>(i), value);
          return change;
        }
      error = fmt::format("`{}` is not a value of `{}`", value, name);
      {
        std::string near = nearest_name(value, fact.type.values);
        hint = fmt::format("{}`{}` is one of: {}; or unknown", near.empty() ? "" : fmt::format("did you mean `{}`? ", near),
                           name, join(fact.type.values, " | "));
      }
      return std::nullopt;
  }
  return std::nullopt;
}

Case apply_changes(const CompiledPolicy& p, const Case& c, const std::vector<FactChange>& changes) {
  Case out = c;
  for (const auto& ch : changes) {
    FactValue f;
    f.value = ch.value;
    f.loc.file = "--set";
    f.source = "set on the command line";
    const std::string& name = p.facts[ch.fact].name;
    auto it = c.facts.find(name);
    f.note = it == c.facts.end() ? "not in the case" : fmt::format("in the case: {}", to_string(it->second.value));
    out.facts[name] = std::move(f);
  }
  return out;
}

FlipSearch find_flips(const CompiledPolicy& p, std::span<const Value> facts, Index decision, std::size_t max_changes) {
  FlipSearch s;
  s.decision = decision;
  if (decision >= p.decisions.size()) return s;
  std::vector<Value> work(facts.begin(), facts.end());
  Outcome scratch;
  evaluate(p, work, scratch);
  s.original = scratch.decisions[decision];
  const std::string original = outcome_word(p, decision, s.original);

  // The facts to try and, for each, the values it does not have now.
  std::vector<std::vector<Value>> candidates;
  for (Index f : p.decisions[decision].depends_on) {
    std::vector<Value> values;
    for (const Value& v : p.facts[f].probes)
      if (!(v == facts[f]) && values.size() < kMaxPart) values.push_back(v);
    if (facts[f].known()) values.push_back(Value::unknown());
    if (values.empty() || s.facts.size() >= kMaxPart) continue;
    s.facts.push_back(f);
    candidates.push_back(std::move(values));
  }
  const std::size_t n = s.facts.size();
  max_changes = std::min({max_changes, kMaxFlipChanges, n});

  // How many evaluations each size of set costs: the elementary symmetric sums of the counts.
  std::vector<double> cost(max_changes + 1, 0.0);
  {
    std::vector<double> e(max_changes + 1, 0.0);
    e[0] = 1.0;
    for (const auto& c : candidates)
      for (std::size_t k = max_changes; k >= 1; --k) e[k] += e[k - 1] * static_cast<double>(c.size());
    cost = e;
  }
  double total = 0;
  for (std::size_t k = 1; k <= max_changes; ++k) {
    if (total + cost[k] > static_cast<double>(kMaxFlipEvaluations)) {
      s.limited = true;
      break;
    }
    total += cost[k];
    s.searched = k;
  }

  std::vector<std::string> outcomes;                     // distinct outcomes reached
  std::unordered_map<std::uint64_t, std::size_t> flips;  // key of a flipping set -> index into outcomes
  std::vector<std::pair<std::size_t, Flip>> found;       // (outcome, flip), in search order

  std::vector<std::size_t> chosen_fact, chosen_value;
  auto key_of = [&](const std::vector<std::size_t>& which) {
    std::uint64_t key = 0;
    for (std::size_t i : which) key = key << kPartBits | part(chosen_fact[i], chosen_value[i]);
    return key;
  };
  auto visit = [&]() {
    const std::size_t k = chosen_fact.size();
    for (std::size_t i = 0; i < k; ++i) work[s.facts[chosen_fact[i]]] = candidates[chosen_fact[i]][chosen_value[i]];
    evaluate(p, work, scratch);
    ++s.evaluated;
    for (std::size_t i = 0; i < k; ++i) work[s.facts[chosen_fact[i]]] = facts[s.facts[chosen_fact[i]]];
    const DecisionResult r = scratch.decisions[decision];
    const std::string word = outcome_word(p, decision, r);
    if (word == original) return;
    auto at = std::find(outcomes.begin(), outcomes.end(), word);
    const std::size_t o = static_cast<std::size_t>(at - outcomes.begin());
    if (at == outcomes.end()) outcomes.push_back(word);
    std::vector<std::size_t> all(k);
    for (std::size_t i = 0; i < k; ++i) all[i] = i;
    flips.emplace(key_of(all), o);
    // Minimal: no proper subset (kept in the same order) already leads to the same outcome.
    for (std::uint32_t mask = 1; mask + 1 < (1u << k); ++mask) {
      std::vector<std::size_t> sub;
      for (std::size_t i = 0; i < k; ++i)
        if (mask & (1u << i)) sub.push_back(i);
      auto it = flips.find(key_of(sub));
      if (it != flips.end() && it->second == o) return;
    }
    Flip flip;
    for (std::size_t i = 0; i < k; ++i) flip.changes.push_back({s.facts[chosen_fact[i]], candidates[chosen_fact[i]][chosen_value[i]]});
    flip.result = r;
    found.emplace_back(o, std::move(flip));
  };
  // Every set of `size` facts (in slot order), and every choice of values for them.
  auto sets_of = [&](std::size_t size, auto&& self, std::size_t from) -> void {
    if (chosen_fact.size() == size) {
      visit();
      return;
    }
    for (std::size_t f = from; f < n; ++f) {
      chosen_fact.push_back(f);
      chosen_value.push_back(0);
      for (std::size_t v = 0; v < candidates[f].size(); ++v) {
        chosen_value.back() = v;
        self(size, self, f + 1);
      }
      chosen_fact.pop_back();
      chosen_value.pop_back();
    }
  };
  for (std::size_t size = 1; size <= s.searched; ++size) sets_of(size, sets_of, 0);

  // Group by outcome, in the order a reader expects: the decision's values, then the rest.
  std::vector<std::string> order = p.decisions[decision].values;
  for (const char* w : {"undetermined", "conflict", "no_decision", "not_applicable", "outside"}) order.emplace_back(w);
  for (const auto& word : order) {
    auto at = std::find(outcomes.begin(), outcomes.end(), word);
    if (at == outcomes.end()) continue;
    const std::size_t o = static_cast<std::size_t>(at - outcomes.begin());
    FlipGroup g;
    g.outcome = word;
    for (auto& [which, flip] : found)
      if (which == o) g.flips.push_back(std::move(flip));
    std::stable_sort(g.flips.begin(), g.flips.end(),
                     [](const Flip& x, const Flip& y) { return x.changes.size() < y.changes.size(); });
    s.groups.push_back(std::move(g));
  }
  return s;
}

SingleFlips::SingleFlips(const CompiledPolicy& p, std::span<const Value> facts) : p_(p) {
  find_gates();
  reset(facts);
}

SingleFlips::SingleFlips(const CompiledPolicy& p) : p_(p) { find_gates(); }

void SingleFlips::find_gates() {
  const std::size_t n = p_.facts.size();
  gates_.assign(p_.decisions.size() * n, 0);
  auto mark = [&](std::size_t d, Range conditions, char gate) {
    for (Index c = conditions.begin; c < conditions.end; ++c) {
      const Range r = p_.conditions[c].all_facts;
      for (Index i = r.begin; i < r.end; ++i) {
        char& g = gates_[d * n + p_.reads[i]];
        if (g == 0) g = gate;
      }
    }
  };
  for (std::size_t d = 0; d < p_.decisions.size(); ++d) {
    if (p_.scope != kNone) mark(d, p_.scope_conditions, 1);
    if (p_.decisions[d].applies != kNone) mark(d, p_.decisions[d].applies_conditions, 2);
  }
}

void SingleFlips::reset(std::span<const Value> facts, const Outcome* outcome) {
  facts_ = facts;
  work_.resize(facts.size());
  for (std::size_t f = 0; f < facts.size(); ++f) work_[f] = facts[f];  // assigned: a text keeps its buffer
  if (outcome != nullptr) {
    outcome_ = outcome;
  } else {
    evaluate(p_, work_, original_);
    outcome_ = &original_;
  }
  tried_.clear();
  scope_after_.clear();
  tried_at_.assign(p_.facts.size(), kNone);
  tried_count_.assign(p_.facts.size(), 0);
}

std::span<const std::uint32_t> SingleFlips::values(Index f) {
  if (tried_at_[f] == kNone) {
    tried_at_[f] = static_cast<Index>(tried_.size());
    // The values find_flips tries, but unknown.
    const std::vector<Value>& probes = p_.facts[f].probes;
    Index count = 0;
    for (std::size_t i = 0; i < probes.size(); ++i)
      if (!(probes[i] == facts_[f]) && count < kMaxPart) {
        tried_.push_back(static_cast<std::uint32_t>(i));
        scope_after_.push_back(0);
        ++count;
      }
    tried_count_[f] = count;
  }
  return {tried_.data() + tried_at_[f], tried_count_[f]};
}

namespace {

// outcome_word(), as a view into the policy's names.
std::string_view word_of(const CompiledPolicy& p, Index decision, const DecisionResult& r) {
  if ((r.status == Status::Decided || r.status == Status::Defaulted) && r.value != kNone)
    return p.decisions[decision].values[r.value];
  return to_string(r.status);
}

}  // namespace

const std::vector<SingleFlips::Change>& SingleFlips::changes_to_known_values(Index decision, bool applying,
                                                                            const Exploration* explored) {
  changes_.clear();
  if (decision >= p_.decisions.size()) return changes_;
  // The facts find_flips searches, and what one change each costs it (unknown included).
  searched_.clear();
  double cost = 0;
  for (Index f : p_.decisions[decision].depends_on) {
    const std::size_t count = values(f).size() + (facts_[f].known() ? 1 : 0);
    if (count == 0 || searched_.size() >= kMaxPart) continue;
    searched_.push_back(f);
    cost += static_cast<double>(count);
  }
  if (cost > static_cast<double>(kMaxFlipEvaluations)) return changes_;
  const DecisionResult original = outcome_->decisions[decision];
  const std::string_view word = word_of(p_, decision, original);
  // Outside the scope (the decision applies or may), only the scope and the `applies when`
  // decide what the decision comes to (decide() in engine/evaluate.cpp).
  const char* const gate = original.status == Status::Outside ? gates_.data() + decision * p_.facts.size() : nullptr;
  const char open = applying ? 1 : 2;  // the gates whose facts can give another result
  // explore() tries every probe of each unknown fact it can, in order, one fact after another:
  // where fact f's run of single changes begins in explored->single.
  if (explored != nullptr && (explored->decision != decision || explored->too_many)) explored = nullptr;
  std::size_t next_single = 0;
  for (Index f : searched_) {
    if (gate != nullptr && (gate[f] == 0 || gate[f] > open)) continue;
    const std::vector<Value>& probes = p_.facts[f].probes;
    const std::span<const std::uint32_t> tried = values(f);
    const Settlement* known = nullptr;  // the results for this fact's probes, in probe order
    if (explored != nullptr && !facts_[f].known() && tried.size() == probes.size()) {
      while (next_single < explored->single.size() && explored->single[next_single].facts[0].fact < f) ++next_single;
      if (next_single + probes.size() <= explored->single.size() && explored->single[next_single].facts[0].fact == f &&
          explored->single[next_single + probes.size() - 1].facts[0].fact == f)
        known = &explored->single[next_single];
    }
    // Outside, asked only for what still applies: a change that leaves the scope false gives
    // nothing (decide() in engine/evaluate.cpp), and the scope alone tells it.
    const bool scope_first = gate != nullptr && applying && p_.plan.scope != kNone;
    for (std::size_t j = 0; j < tried.size(); ++j) {
      const std::uint32_t i = tried[j];
      // In place, without copying an enumeration value's name: the evaluator reads only its
      // index (a text is copied: it is compared as text).
      const Value& v = probes[i];
      if (v.kind == Value::Kind::Text) {
        work_[f] = v;
      } else {
        work_[f].kind = v.kind;
        work_[f].boolean = v.boolean;
        work_[f].integer = v.integer;
      }
      if (scope_first) {
        std::uint8_t& scope = scope_after_[tried_at_[f] + j];
        if (scope == 0) {
          definitions_.assign(p_.definitions.size(), kNotDerived);
          scope = static_cast<std::uint8_t>(1 + static_cast<int>(eval_condition(p_, work_, definitions_, p_.plan.scope)));
        }
        if (scope == 1 + static_cast<int>(Tri::False)) continue;
      }
      const DecisionResult r = known != nullptr ? known[i].result : evaluate_decision(p_, work_, decision, scratch_);
      const bool same = (r.status == original.status && r.value == original.value) || word_of(p_, decision, r) == word;
      if (!same && !(applying && r.status == Status::NotApplicable)) changes_.push_back({f, i, r});
    }
    work_[f] = facts_[f];
  }
  return changes_;
}

std::vector<Flip> SingleFlips::to_known_values(Index decision) {
  std::vector<Flip> out;
  for (const Change& c : changes_to_known_values(decision)) {
    Flip flip;
    flip.changes.push_back({c.fact, p_.facts[c.fact].probes[c.probe]});
    flip.result = c.result;
    out.push_back(std::move(flip));
  }
  return out;
}

}  // namespace decree::engine

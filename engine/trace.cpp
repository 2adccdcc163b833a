#include "engine/trace.hpp"

#include <algorithm>

namespace decree::engine {

namespace {

template <typename T>
void fit(std::vector<T>& v, std::size_t n) {
  if (v.size() != n) v.resize(n);
}

Index first_with(const Trace& t, Range conditions, Tri value) {
  for (Index c = conditions.begin; c < conditions.end; ++c)
    if (t.conditions[c] == value) return c;
  return kNone;
}

// Why a condition list is not true: its first false condition, else its first unknown one.
Index first_failed(const Trace& t, Range conditions) {
  Index f = first_with(t, conditions, Tri::False);
  return f != kNone ? f : first_with(t, conditions, Tri::Unknown);
}

bool uncertain(const FactValue* f) {
  return f != nullptr && f->value.known() && (f->certainty == Certainty::Inferred || f->certainty == Certainty::Contested);
}

}  // namespace

const char* to_string(RuleState s) {
  switch (s) {
    case RuleState::Applies: return "applies";
    case RuleState::Defeated: return "defeated";
    case RuleState::MaybeDefeated: return "maybe_defeated";
    case RuleState::NotApplied: return "did_not_apply";
    case RuleState::Unknown: return "unknown";
  }
  return "?";
}

void build_trace(const CompiledPolicy& p, std::span<const Value> facts, std::span<const FactValue* const> provenance,
                 const Outcome& o, Trace& t) {
  fit(t.conditions, p.conditions.size());
  fit(t.rules, p.rules.size());
  fit(t.decisions, p.decisions.size());
  t.rests_on.clear();

  // Every definition, including those the decisions did not need, so the trace can show them.
  t.definitions.assign(o.definitions.begin(), o.definitions.end());
  for (std::size_t d = 0; d < p.definitions.size(); ++d)
    if (t.definitions[d] == kNotDerived) t.definitions[d] = eval_condition(p, facts, t.definitions, p.definitions[d].body);
  for (std::size_t c = 0; c < p.conditions.size(); ++c)
    t.conditions[c] = eval_condition(p, facts, t.definitions, p.conditions[c].node, &o);

  for (std::size_t r = 0; r < p.rules.size(); ++r) {
    const CompiledRule& rule = p.rules[r];
    RuleTrace rt;
    const Tri when = o.when[r];
    const Tri eff = o.effective[r];
    if (when != Tri::True) rt.failed = first_failed(t, rule.conditions);
    auto defeater = [&](Tri state) {
      for (Index i = rule.defeaters.begin; i < rule.defeaters.end; ++i)
        if (o.effective[p.defeaters[i]] == state) return p.defeaters[i];
      return kNone;
    };
    if (eff == Tri::True) {
      rt.state = RuleState::Applies;
    } else if (eff == Tri::False) {
      if (when == Tri::False) {
        rt.state = RuleState::NotApplied;
      } else {
        rt.state = RuleState::Defeated;
        rt.defeated_by = defeater(Tri::True);
      }
    } else if (when == Tri::Unknown) {
      rt.state = RuleState::Unknown;
      rt.defeated_by = defeater(Tri::Unknown);
    } else {
      rt.state = RuleState::MaybeDefeated;
      rt.defeated_by = defeater(Tri::Unknown);
    }
    t.rules[r] = rt;
  }

  auto& marks = t.scratch;
  fit(marks, p.facts.size());
  auto mark = [&](Index c) {
    const Range r = p.conditions[c].all_facts;
    for (Index i = r.begin; i < r.end; ++i) marks[p.reads[i]] = 1;
  };
  auto mark_all = [&](Range conditions) {
    for (Index c = conditions.begin; c < conditions.end; ++c) mark(c);
  };

  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    const CompiledDecision& decision = p.decisions[d];
    const DecisionResult& res = o.decisions[d];
    DecisionTrace dt;
    if (res.applies != Tri::True) dt.failed_applies = first_failed(t, decision.applies_conditions);
    dt.rests_on.begin = dt.rests_on.end = static_cast<Index>(t.rests_on.size());
    if (!provenance.empty()) {
      // The facts behind what the reader is shown: whether the decision applies; each rule
      // that could set it, by what made it apply, fail, or fall to an exception.
      mark_all(decision.applies_conditions);
      if (o.in_scope != Tri::True) mark_all(p.scope_conditions);
      if (res.status != Status::NotApplicable && res.status != Status::Outside) {
        for (Index s : decision.settings) {
          const Index r = p.settings[s].rule;
          const RuleTrace& rt = t.rules[r];
          switch (rt.state) {
            case RuleState::Applies:
            case RuleState::Unknown: mark_all(p.rules[r].conditions); break;
            case RuleState::NotApplied:
              if (rt.failed != kNone) mark(rt.failed);
              break;
            case RuleState::MaybeDefeated:
              mark_all(p.rules[r].conditions);
              [[fallthrough]];
            case RuleState::Defeated:
              if (rt.defeated_by != kNone) mark_all(p.rules[rt.defeated_by].conditions);
              break;
          }
        }
      }
      for (std::size_t f = 0; f < marks.size(); ++f) {
        if (marks[f] == 0) continue;
        marks[f] = 0;
        if (f < provenance.size() && uncertain(provenance[f])) t.rests_on.push_back(static_cast<Index>(f));
      }
      dt.rests_on.end = static_cast<Index>(t.rests_on.size());
    }
    t.decisions[d] = dt;
  }
}

const Exploration* CaseEvaluation::exploration(Index decision) const {
  for (const auto& e : explorations)
    if (e.decision == decision) return &e;
  return nullptr;
}

CaseEvaluation evaluate_case(const CompiledPolicy& p, const Case& c, const EvalOptions& options) {
  CaseEvaluation ev;
  evaluate_case(p, c, options, ev);
  return ev;
}

void evaluate_case(const CompiledPolicy& p, const Case& c, const EvalOptions& options, CaseEvaluation& ev) {
  ev.source = &c;
  bind(p, c, ev.binding);
  evaluate(p, ev.binding.values, ev.outcome);
  if (options.trace) {
    build_trace(p, ev.binding.values, ev.binding.provenance, ev.outcome, ev.trace);
  } else {  // as a fresh evaluation leaves it: empty
    ev.trace.conditions.clear();
    ev.trace.definitions.clear();
    ev.trace.rules.clear();
    ev.trace.decisions.clear();
    ev.trace.rests_on.clear();
  }
  ev.explorations.clear();
  if (options.explore)
    for (std::size_t d = 0; d < p.decisions.size(); ++d)
      if (ev.outcome.decisions[d].status == Status::Undetermined)
        ev.explorations.push_back(explore(p, ev.binding.values, static_cast<Index>(d)));
}

WhyNot why_not(const CompiledPolicy& p, const CaseEvaluation& ev, Index decision, Index value) {
  WhyNot w;
  w.decision = decision;
  w.value = value;
  w.actual = ev.outcome.decisions[decision];
  w.is_default = p.decisions[decision].default_value == value;
  w.is_outcome = (w.actual.status == Status::Decided || w.actual.status == Status::Defaulted) && w.actual.value == value;
  for (Index s : p.decisions[decision].settings)
    if (p.settings[s].value == value) w.settings.push_back(s);
  return w;
}

namespace {

// The facts behind condition `c` that have value `want`, descending into definitions that do.
void facts_with(const CompiledPolicy& p, const Trace& t, Index c, Tri want, std::vector<Index>& out, int depth) {
  const Condition& cond = p.conditions[c];
  for (Index i = cond.facts.begin; i < cond.facts.end; ++i) out.push_back(p.reads[i]);
  if (depth >= 8) return;
  for (Index i = cond.definitions.begin; i < cond.definitions.end; ++i) {
    const Index d = p.reads[i];
    const Range r = p.definitions[d].conditions;
    bool any = false;
    for (Index k = r.begin; k < r.end; ++k)
      if (t.conditions[k] == want) {
        facts_with(p, t, k, want, out, depth + 1);
        any = true;
      }
    if (!any)  // e.g. an `or` that is false as a whole: all it reads
      for (Index k = r.begin; k < r.end; ++k) facts_with(p, t, k, t.conditions[k], out, depth + 1);
  }
}

}  // namespace

OutsideReason outside_reason(const CompiledPolicy& p, const CaseEvaluation& ev) {
  OutsideReason why;
  const Tri scope = ev.outcome.in_scope;
  bool none = !p.decisions.empty() && !ev.trace.decisions.empty();
  for (const auto& r : ev.outcome.decisions) none = none && r.status == Status::NotApplicable;
  if (p.scope != kNone && (scope == Tri::False || (scope == Tri::Unknown && !none)) && !ev.trace.conditions.empty()) {
    why.outside = scope == Tri::False;
    why.maybe = scope == Tri::Unknown;
    why.by_scope = true;
    for (Index c = p.scope_conditions.begin; c < p.scope_conditions.end; ++c)
      if (ev.trace.conditions[c] == scope) {
        why.conditions.push_back(c);
        facts_with(p, ev.trace, c, scope, why.facts, 0);
      }
  } else {
    if (none) {
      why.outside = true;
      for (std::size_t d = 0; d < p.decisions.size(); ++d) {
        const Index failed = ev.trace.decisions[d].failed_applies;
        if (failed == kNone) continue;
        const Condition& cond = p.conditions[failed];
        for (Index i = cond.all_facts.begin; i < cond.all_facts.end; ++i) why.facts.push_back(p.reads[i]);
      }
    }
  }
  std::sort(why.facts.begin(), why.facts.end());
  why.facts.erase(std::unique(why.facts.begin(), why.facts.end()), why.facts.end());
  return why;
}

std::string outcome_word(const CompiledPolicy& p, Index decision, const DecisionResult& r) {
  if ((r.status == Status::Decided || r.status == Status::Defaulted) && r.value != kNone)
    return p.decisions[decision].values[r.value];
  return to_string(r.status);
}

NamedOutcome name_outcome(const CompiledPolicy& p, const Outcome& o) {
  NamedOutcome n;
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    const DecisionResult& r = o.decisions[d];
    NamedDecision nd;
    nd.decision = p.decisions[d].name;
    nd.outcome = outcome_word(p, static_cast<Index>(d), r);
    nd.status = to_string(r.status);
    if (r.by != kNone) nd.by = p.authorities[r.by].name;
    if (r.status == Status::Decided && r.setting != kNone) nd.rule = p.rules[p.settings[r.setting].rule].name;
    n.decisions.push_back(std::move(nd));
  }
  for (Index i : o.owed) n.obligations.push_back(p.obligations[p.owes[i].what].name);
  for (Index i : o.raised) n.flags.push_back(p.flags[p.raises[i].what].name);
  for (auto* v : {&n.obligations, &n.flags}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return n;
}

}  // namespace decree::engine

#include "engine/evaluate.hpp"

#include <algorithm>

namespace decree::engine {

namespace {

// A comparison operand read without copying: a number (bool, int, date, enum index) or a text.
struct Scalar {
  bool known = false;
  bool is_text = false;
  std::int64_t number = 0;
  const std::string* text = nullptr;
};

// What the evaluator reads of a fact, for either representation.
inline Value::Kind kind_of(const Value& v) { return v.kind; }
inline Value::Kind kind_of(const PackedValue& v) { return v.kind; }
inline bool bool_of(const Value& v) { return v.boolean; }
inline bool bool_of(const PackedValue& v) { return v.number != 0; }
inline std::int64_t number_of(const Value& v) { return v.integer; }
inline std::int64_t number_of(const PackedValue& v) { return v.number; }
inline const std::string* text_of(const Value& v, const std::string*) { return &v.text; }
inline const std::string* text_of(const PackedValue& v, const std::string* texts) {
  return &texts[static_cast<std::size_t>(v.number)];
}

template <typename F>
inline Scalar scalar_of(const F& v, const std::string* texts) {
  Scalar s;
  switch (kind_of(v)) {
    case Value::Kind::Unknown: break;
    case Value::Kind::Bool: s.known = true; s.number = bool_of(v) ? 1 : 0; break;
    case Value::Kind::Int:
    case Value::Kind::Date:
    case Value::Kind::Enum: s.known = true; s.number = number_of(v); break;
    case Value::Kind::Text: s.known = true; s.is_text = true; s.text = text_of(v, texts); break;
    case Value::Kind::Set: break;  // never compared (the checker forbids it)
  }
  return s;
}

template <typename T>
inline bool holds(ast::CompareOp op, const T& l, const T& r) {
  switch (op) {
    case ast::CompareOp::Eq: return l == r;
    case ast::CompareOp::Ne: return l != r;
    case ast::CompareOp::Lt: return l < r;
    case ast::CompareOp::Le: return l <= r;
    case ast::CompareOp::Gt: return l > r;
    case ast::CompareOp::Ge: return l >= r;
  }
  return false;
}

// Walks one condition's nodes. The recursion follows only nesting the reader wrote (the
// compiler flattens chains of `and` and `or` and bounds the depth) and, when definitions are
// derived on demand, chains of definitions (bounded by the compiler too).
template <typename F>
struct Machine {
  const Node* nodes;
  const F* facts;
  const Value* constants;
  Tri* definitions;
  const Index* bodies;       // by definition slot: the root node of its body
  const std::string* texts;  // PackedValue: the texts that text facts index
  const Outcome* settled = nullptr;  // once the decisions are settled: what rules that follow from them read
  const EvalPlan* plan = nullptr;    // with `settled`

  // `return is granted`: true when decided (or defaulted) with that value; false when decided
  // otherwise, not applicable or without a decision; when undetermined, false if no rule that
  // might still stand sets that value and the default cannot give it, else unknown; unknown in
  // a conflict.
  Tri decision_is(const Node& n) const {
    if (settled == nullptr) return Tri::Unknown;
    const DecisionResult& r = settled->decisions[n.a];
    switch (r.status) {
      case Status::Decided:
      case Status::Defaulted: return tri(r.value == n.b);
      case Status::NotApplicable:
      case Status::Outside:
      case Status::NoDecision: return Tri::False;
      case Status::Conflict: return Tri::Unknown;
      case Status::Undetermined: {
        const EvalPlan::Decision& d = plan->decisions[n.a];
        bool some_stands = false;
        for (Index i = d.sets.begin; i < d.sets.end; ++i) {
          const EvalPlan::Set& set = plan->sets[i];
          const Tri e = settled->effective[set.rule];
          if (e != Tri::False && set.value == n.b) return Tri::Unknown;
          some_stands = some_stands || e == Tri::True;
        }
        return d.default_value == n.b && !some_stands ? Tri::Unknown : Tri::False;
      }
    }
    return Tri::Unknown;
  }

  Tri definition(Index d) const {
    Tri v = definitions[d];
    if (v == kNotDerived) {
      v = eval(bodies[d]);
      definitions[d] = v;
    }
    return v;
  }

  Scalar operand(std::uint32_t o) const {
    const Index i = Operand::index(o);
    switch (Operand::kind(o)) {
      case Operand::Fact: return scalar_of(facts[i], texts);
      case Operand::Constant: return scalar_of(constants[i], nullptr);
      case Operand::Definition: {
        const Tri d = definition(i);
        Scalar s;
        s.known = d != Tri::Unknown;
        s.number = d == Tri::True ? 1 : 0;
        return s;
      }
    }
    return {};
  }

  Tri subject_is(const Node& n) const {
    if (n.definition) {
      const Tri d = definition(n.a);
      return d == Tri::Unknown ? Tri::Unknown : tri((d == Tri::True) == (n.b == 1));
    }
    const F& v = facts[n.a];
    switch (kind_of(v)) {
      case Value::Kind::Bool: return tri(bool_of(v) == (n.b == 1));
      case Value::Kind::Enum: return tri(number_of(v) == static_cast<std::int64_t>(n.b));
      default: return Tri::Unknown;
    }
  }

  // Kleene membership: true where the case says the value is in the set, false where it says it
  // is not, unknown where it says neither (or gives no set).
  Tri set_has(const F& v, std::int64_t bit) const {
    if (kind_of(v) != Value::Kind::Set || bit < 0 || bit >= 32) return Tri::Unknown;
    const auto bits = static_cast<std::uint64_t>(number_of(v));
    if ((bits >> bit) & 1) return Tri::True;
    if ((bits >> (32 + bit)) & 1) return Tri::False;
    return Tri::Unknown;
  }

  Tri set_empty(const Node& n) const {
    const F& v = facts[n.a];
    if (kind_of(v) != Value::Kind::Set) return Tri::Unknown;
    const auto bits = static_cast<std::uint64_t>(number_of(v));
    if ((bits & 0xFFFF'FFFFu) != 0) return Tri::False;
    return ((bits >> 32) & n.b) == n.b ? Tri::True : Tri::Unknown;
  }

  bool subject_known(const Node& n) const {
    return n.definition ? definition(n.a) != Tri::Unknown : kind_of(facts[n.a]) != Value::Kind::Unknown;
  }

  // An operand, evaluated in place by the `and` and `or` loops: the commonest leaves are
  // tested first by plain comparisons, which predict better than one indirect jump for all.
  [[gnu::always_inline]] inline Tri node(Index i) const {
    const Node& n = nodes[i];
    if (n.kind == NodeKind::Definition) return definition(n.a);
    if (n.kind == NodeKind::IsValue) return subject_is(n);
    if (n.kind == NodeKind::Fact) {
      const F& v = facts[n.a];
      return kind_of(v) == Value::Kind::Bool ? tri(bool_of(v)) : Tri::Unknown;
    }
    return eval(i);
  }

  Tri eval(Index i) const {
    const Node& n = nodes[i];
    switch (n.kind) {
      case NodeKind::Not: return kleene_not(node(i + 1));
      case NodeKind::And: {
        Tri acc = Tri::True;
        for (Index c = i + 1; c < n.end; c = nodes[c].end) {
          const Tri v = node(c);
          if (v == Tri::False) return Tri::False;
          if (v == Tri::Unknown) acc = Tri::Unknown;
        }
        return acc;
      }
      case NodeKind::Or: {
        Tri acc = Tri::False;
        for (Index c = i + 1; c < n.end; c = nodes[c].end) {
          const Tri v = node(c);
          if (v == Tri::True) return Tri::True;
          if (v == Tri::Unknown) acc = Tri::Unknown;
        }
        return acc;
      }
      case NodeKind::Compare: {
        const Scalar l = operand(n.a);
        const Scalar r = operand(n.b);
        if (!l.known || !r.known) return Tri::Unknown;
        if (l.is_text != r.is_text) return Tri::Unknown;  // the checker forbids it; never guess
        if (l.is_text) return tri(holds(n.op, *l.text, *r.text));
        return tri(holds(n.op, l.number, r.number));
      }
      case NodeKind::Const: return n.constant;
      case NodeKind::Fact: {
        const F& v = facts[n.a];
        return kind_of(v) == Value::Kind::Bool ? tri(bool_of(v)) : Tri::Unknown;
      }
      case NodeKind::Definition: return definition(n.a);
      case NodeKind::IsValue: return subject_is(n);
      case NodeKind::IsNotValue: return kleene_not(subject_is(n));
      case NodeKind::IsKnown: return tri(subject_known(n));
      case NodeKind::IsUnknown: return tri(!subject_known(n));
      case NodeKind::DecisionIs: return decision_is(n);
      case NodeKind::DecisionIsNot: return kleene_not(decision_is(n));
      case NodeKind::SetHas: return set_has(facts[n.a], n.b);
      case NodeKind::SetHasFact: {
        const F& e = facts[n.b];
        return kind_of(e) == Value::Kind::Enum ? set_has(facts[n.a], number_of(e)) : Tri::Unknown;
      }
      case NodeKind::SetEmpty: return set_empty(n);
      case NodeKind::SetNotEmpty: return kleene_not(set_empty(n));
    }
    return Tri::Unknown;
  }
};

template <typename T>
void fit(std::vector<T>& v, std::size_t n) {
  if (v.size() != n) v.resize(n);
}

}  // namespace

const char* to_string(Status s) {
  switch (s) {
    case Status::Decided: return "decided";
    case Status::Defaulted: return "default";
    case Status::NoDecision: return "no_decision";
    case Status::Undetermined: return "undetermined";
    case Status::Conflict: return "conflict";
    case Status::NotApplicable: return "not_applicable";
    case Status::Outside: return "outside";
  }
  return "?";
}

Tri eval_condition(const CompiledPolicy& p, std::span<const Value> facts, std::span<Tri> definitions, Index node,
                   const Outcome* settled) {
  const Machine<Value> m{p.nodes.data(), facts.data(), p.constants.data(), definitions.data(), p.plan.definitions.data(),
                         nullptr, settled, &p.plan};
  return m.node(node);
}

Tri eval_condition(const CompiledPolicy& p, std::span<const Value> facts, const Outcome& o, Index node) {
  thread_local std::vector<Tri> definitions;  // reused: no allocation after the first call
  definitions.assign(o.definitions.begin(), o.definitions.end());
  const bool settled = o.decisions.size() == p.decisions.size() && o.effective.size() == p.rules.size();
  return eval_condition(p, facts, std::span<Tri>(definitions), node, settled ? &o : nullptr);
}

namespace {

// One decision's result, from what its rules' `effective` and the scope came to.
template <typename F>
DecisionResult decide(const EvalPlan& plan, const EvalPlan::Decision& decision, const Machine<F>& m, const Tri* effective,
                      Tri in_scope) {
  DecisionResult res;
  res.applies = decision.applies == kNone ? Tri::True : m.node(decision.applies);  // most often `request is x`
  if (res.applies == Tri::False) {
    res.status = Status::NotApplicable;
    return res;
  }
  if (in_scope == Tri::False) {
    res.status = Status::Outside;
    return res;
  }
  const EvalPlan::Set* winner = nullptr;
  const EvalPlan::Set* clash = nullptr;
  const EvalPlan::Set* maybe = nullptr;
  for (Index i = decision.sets.begin; i < decision.sets.end; ++i) {
    const EvalPlan::Set& set = plan.sets[i];
    const Tri e = effective[set.rule];
    if (e == Tri::True) {
      if (winner == nullptr) winner = &set;
      else if (clash == nullptr && winner->value != set.value) clash = &set;
    } else if (e == Tri::Unknown && maybe == nullptr) {
      maybe = &set;
    }
  }
  // Decided only if every rule that might apply agrees with the winner.
  bool maybe_differs = false;
  if (maybe != nullptr) {
    if (winner == nullptr) {
      maybe_differs = true;
    } else {
      for (Index i = decision.sets.begin; i < decision.sets.end && !maybe_differs; ++i)
        maybe_differs = effective[plan.sets[i].rule] == Tri::Unknown && plan.sets[i].value != winner->value;
    }
  }
  if (clash != nullptr) {
    res.status = Status::Conflict;
    res.setting = winner->id;
    res.other = clash->id;
  } else if (winner != nullptr && !maybe_differs) {
    res.status = Status::Decided;
    res.setting = winner->id;
    res.value = winner->value;
    res.by = winner->by;
  } else if (winner != nullptr || maybe != nullptr) {
    res.status = Status::Undetermined;
    res.setting = winner != nullptr ? winner->id : maybe->id;
  } else if (decision.default_value != kNone) {
    res.status = Status::Defaulted;
    res.value = decision.default_value;
  } else {
    res.status = Status::NoDecision;
  }
  // An `applies when` or a scope that is unknown leaves open whether there is a decision at all.
  if ((res.applies == Tri::Unknown || in_scope == Tri::Unknown) && res.status != Status::Undetermined) {
    res.status = Status::Undetermined;
    res.value = kNone;
    res.by = kNone;
    res.other = kNone;
  }
  return res;
}

template <typename F>
void evaluate_facts(const CompiledPolicy& p, const F* facts, const std::string* texts, Outcome& out) {
  fit(out.definitions, p.definitions.size());
  fit(out.when, p.rules.size());
  fit(out.effective, p.rules.size());
  fit(out.decisions, p.decisions.size());
  out.owed.clear();
  out.raised.clear();

  const Machine<F> m{p.nodes.data(), facts, p.constants.data(), out.definitions.data(), p.plan.definitions.data(), texts};

  std::fill(out.definitions.begin(), out.definitions.end(), kNotDerived);
  // Derived on demand as conditions read them; or, for deep chains, all now in dependency
  // order, each reading only slots already filled.
  if (!p.lazy_definitions)
    for (std::size_t d = 0; d < p.definitions.size(); ++d) out.definitions[d] = m.eval(p.definitions[d].body);

  const EvalPlan& plan = p.plan;
  const EvalPlan::Rule* const rules = plan.rules.data();
  const std::size_t rule_count = plan.rules.size();
  Tri* const when = out.when.data();
  Tri* const effective = out.effective.data();
  const Index* const defeaters = p.defeaters.data();

  // Rules that read decisions wait until the decisions are settled (below).
  for (std::size_t r = 0; r < rule_count; ++r) {
    if (rules[r].when == kNone) when[r] = Tri::True;
    else if (!rules[r].after_decisions) when[r] = m.eval(rules[r].when);
  }

  // A rule stands when it applies and no exception to it stands; an exception that might
  // stand (unknown) leaves the rule it names unknown too. Defeaters come first in rule_order.
  for (Index r : p.rule_order) {
    Tri e = when[r];
    const Range def = rules[r].defeaters;
    for (Index i = def.begin; i < def.end && e != Tri::False; ++i) e = kleene_and(e, kleene_not(effective[defeaters[i]]));
    effective[r] = e;
  }

  // Outside the policy's scope no decision is taken; where the scope is unknown, whether the
  // policy decides at all is open.
  const Tri in_scope = plan.scope == kNone ? Tri::True : m.node(plan.scope);
  out.in_scope = in_scope;

  for (std::size_t d = 0; d < plan.decisions.size(); ++d) out.decisions[d] = decide(plan, plan.decisions[d], m, effective, in_scope);

  // Rules that follow from decisions neither set decisions nor take part in exceptions (the
  // checker sees to it), so reading the settled decisions now changes nothing above.
  if (!plan.followers.empty()) {
    Machine<F> after = m;
    after.settled = &out;
    after.plan = &plan;
    for (Index r : plan.followers) {
      const Node& root = p.nodes[rules[r].when];  // most often the test alone: `when return is granted`
      effective[r] = when[r] = root.kind == NodeKind::DecisionIs ? after.decision_is(root) : after.eval(rules[r].when);
    }
  }

  // A standing rule owes and raises what it says, unless a decision it sets does not apply.
  const DecisionResult* const decisions = out.decisions.data();
  auto fires = [&](Index r) {
    if (effective[r] != Tri::True || in_scope != Tri::True) return false;
    const Range ds = rules[r].decisions;
    for (Index i = ds.begin; i < ds.end; ++i)
      if (decisions[plan.rule_decisions[i]].applies != Tri::True) return false;
    return true;
  };
  for (std::size_t i = 0; i < plan.owes.size(); ++i)
    if (fires(plan.owes[i])) out.owed.push_back(static_cast<Index>(i));
  for (std::size_t i = 0; i < plan.raises.size(); ++i)
    if (fires(plan.raises[i])) out.raised.push_back(static_cast<Index>(i));
}

// One decision alone: its rules and their exceptions (EvalPlan::decision_rules), the scope, and
// the decision; the rest of `out` is left as scratch.
template <typename F>
DecisionResult evaluate_decision_facts(const CompiledPolicy& p, const F* facts, const std::string* texts, Index d,
                                       Outcome& out) {
  fit(out.definitions, p.definitions.size());
  fit(out.when, p.rules.size());
  fit(out.effective, p.rules.size());
  const Machine<F> m{p.nodes.data(), facts, p.constants.data(), out.definitions.data(), p.plan.definitions.data(), texts};
  std::fill(out.definitions.begin(), out.definitions.end(), kNotDerived);
  if (!p.lazy_definitions)
    for (std::size_t i = 0; i < p.definitions.size(); ++i) out.definitions[i] = m.eval(p.definitions[i].body);

  const EvalPlan& plan = p.plan;
  const EvalPlan::Decision& decision = plan.decisions[d];
  Tri* const when = out.when.data();
  Tri* const effective = out.effective.data();
  // In rule_order, as evaluate_facts() settles them: each exception before the rules it defeats.
  for (Index i = decision.rules.begin; i < decision.rules.end; ++i) {
    const Index r = plan.decision_rules[i];
    const EvalPlan::Rule& rule = plan.rules[r];
    when[r] = rule.when == kNone ? Tri::True : m.eval(rule.when);
    Tri e = when[r];
    for (Index k = rule.defeaters.begin; k < rule.defeaters.end && e != Tri::False; ++k)
      e = kleene_and(e, kleene_not(effective[p.defeaters[k]]));
    effective[r] = e;
  }
  const Tri in_scope = plan.scope == kNone ? Tri::True : m.node(plan.scope);
  return decide(plan, decision, m, effective, in_scope);
}

}  // namespace

void evaluate(const CompiledPolicy& p, std::span<const Value> facts, Outcome& out) {
  evaluate_facts(p, facts.data(), nullptr, out);
}

void evaluate(const CompiledPolicy& p, std::span<const PackedValue> facts, std::span<const std::string> texts,
              Outcome& out) {
  evaluate_facts(p, facts.data(), texts.data(), out);
}

DecisionResult evaluate_decision(const CompiledPolicy& p, std::span<const Value> facts, Index decision, Outcome& scratch) {
  return evaluate_decision_facts(p, facts.data(), nullptr, decision, scratch);
}

PackedValue pack(const Value& v, std::vector<std::string>& texts) {
  PackedValue out;
  out.kind = v.kind;
  switch (v.kind) {
    case Value::Kind::Unknown: break;
    case Value::Kind::Bool: out.number = v.boolean ? 1 : 0; break;
    case Value::Kind::Int:
    case Value::Kind::Date:
    case Value::Kind::Enum:
    case Value::Kind::Set: out.number = v.integer; break;
    case Value::Kind::Text: {
      auto it = std::find(texts.begin(), texts.end(), v.text);
      out.number = it - texts.begin();
      if (it == texts.end()) texts.push_back(v.text);
      break;
    }
  }
  return out;
}

Value bind_value(const dsl::FactType& type, const Value& v) {
  switch (type.kind) {
    case dsl::FactType::Kind::Bool: return v.kind == Value::Kind::Bool ? v : Value::unknown();
    case dsl::FactType::Kind::Int: return v.kind == Value::Kind::Int ? v : Value::unknown();
    case dsl::FactType::Kind::Date: return v.kind == Value::Kind::Date ? v : Value::unknown();
    case dsl::FactType::Kind::Text: return v.kind == Value::Kind::Text ? v : Value::unknown();
    case dsl::FactType::Kind::Set: {
      // Members re-indexed by name, as enumeration values are; a member this policy's type lacks
      // cannot be represented, so the set is unknown.
      if (v.kind != Value::Kind::Set) return Value::unknown();
      const SetParts s = set_parts(v);
      for (const auto& m : s.members)
        if (std::find(type.values.begin(), type.values.end(), m) == type.values.end()) return Value::unknown();
      return Value::of_set(s.members, s.absent, s.complete, type.values);
    }
    case dsl::FactType::Kind::Enum: {
      // The index by this policy's declaration, found by name: a case file is loaded against
      // one policy but may be run under another whose enumeration lists the values otherwise.
      if (v.kind != Value::Kind::Enum && v.kind != Value::Kind::Text) return Value::unknown();
      auto at = std::find(type.values.begin(), type.values.end(), v.text);
      if (at != type.values.end()) return Value::of_enum(static_cast<std::uint32_t>(at - type.values.begin()), v.text);
      if (v.kind == Value::Kind::Enum && v.text.empty() && v.integer >= 0 &&
          static_cast<std::size_t>(v.integer) < type.values.size())
        return Value::of_enum(static_cast<std::uint32_t>(v.integer), type.values[static_cast<std::size_t>(v.integer)]);
      return Value::unknown();
    }
  }
  return Value::unknown();
}

Binding bind(const CompiledPolicy& p, const Case& c) {
  Binding b;
  bind(p, c, b);
  return b;
}

namespace {

// bind_value(type, v) written into `out`, whose text keeps its storage: a value already of the
// type (an enumeration's value at the index this policy gives it, a policy's values being
// distinct) is copied as it is.
void bind_value_into(const dsl::FactType& type, const Value& v, Value& out) {
  const bool as_is =
      (type.kind == dsl::FactType::Kind::Bool && v.kind == Value::Kind::Bool) ||
      (type.kind == dsl::FactType::Kind::Enum && v.kind == Value::Kind::Enum && v.integer >= 0 &&
       static_cast<std::size_t>(v.integer) < type.values.size() &&
       type.values[static_cast<std::size_t>(v.integer)] == v.text);
  if (as_is) {
    out.kind = v.kind;
    out.boolean = v.boolean;
    out.integer = v.integer;
    out.text.assign(v.text);
    return;
  }
  out = bind_value(type, v);
}

}  // namespace

void bind(const CompiledPolicy& p, const Case& c, Binding& b) {
  b.source = &c;
  b.values.resize(p.facts.size());
  for (Value& v : b.values) {  // unknown, each text keeping its storage
    v.kind = Value::Kind::Unknown;
    v.boolean = false;
    v.integer = 0;
    v.text.clear();
  }
  b.provenance.assign(p.facts.size(), nullptr);
  auto take = [&](Index slot, const FactValue& fact) {
    b.provenance[slot] = &fact;
    bind_value_into(p.facts[slot].type, fact.value, b.values[slot]);
  };
  if (p.plan.facts_by_name.size() == p.facts.size()) {
    // The case's facts and the policy's, both in the order of their names: one pass over each.
    auto it = c.facts.begin();
    for (Index slot : p.plan.facts_by_name) {
      const std::string& name = p.facts[slot].name;
      int order = 1;
      while (it != c.facts.end() && (order = it->first.compare(name)) < 0) ++it;
      if (it == c.facts.end()) break;
      if (order == 0) take(slot, it->second);
    }
    return;
  }
  for (std::size_t slot = 0; slot < p.facts.size(); ++slot) {
    auto it = c.facts.find(p.facts[slot].name);
    if (it != c.facts.end()) take(static_cast<Index>(slot), it->second);
  }
}

bool same_decision(const DecisionResult& a, const DecisionResult& b) {
  return a.status == b.status && a.value == b.value && a.by == b.by;
}

// ---- exploration ---------------------------------------------------------------------------

namespace {

// Sets a working slot without reallocating: enumeration values need no text, except texts.
inline void assign(Value& dst, const Value& src) {
  if (src.kind == Value::Kind::Text) {
    dst = src;
    return;
  }
  dst.kind = src.kind;
  dst.boolean = src.boolean;
  dst.integer = src.integer;
}

// Outcomes the exploration tells apart: same status, value, who decides, and deciding rule.
struct ResultKey {
  DecisionResult result;
  Index rule;
  friend bool operator==(const ResultKey&, const ResultKey&) = default;
};

}  // namespace

Exploration explore(const CompiledPolicy& p, std::span<const Value> facts, Index decision) {
  Exploration ex;
  ex.decision = decision;
  if (decision >= p.decisions.size()) return ex;
  std::vector<Index> probed;
  for (Index f : p.decisions[decision].depends_on) {
    if (facts[f].known()) continue;
    ex.unknowns.push_back(f);
    if (p.facts[f].probes.empty()) ex.unexplorable.push_back(f);
    else probed.push_back(f);
  }
  if (ex.unknowns.size() > kMaxExploredUnknowns) {
    ex.too_many = true;
    return ex;
  }

  // Buffers kept from one exploration to the next (explore is asked of every undetermined
  // decision of every case of a traced run).
  thread_local std::vector<Value> work;
  thread_local Outcome scratch;
  work.resize(facts.size());
  for (std::size_t f = 0; f < facts.size(); ++f) work[f] = facts[f];  // assigned: a text keeps its buffer
  auto result_now = [&]() {
    evaluate(p, work, scratch);
    return scratch.decisions[decision];
  };
  // The rules whose obligations go with an outcome of this decision: the one that decides it,
  // and those that follow from it.
  std::vector<bool> follows(p.rules.size(), false);
  for (std::size_t r = 0; r < p.rules.size(); ++r) {
    const Range cs = p.rules[r].conditions;
    for (Index c = cs.begin; c < cs.end && !follows[r]; ++c)
      for (Index i = p.conditions[c].decisions.begin; i < p.conditions[c].decisions.end; ++i)
        follows[r] = follows[r] || p.reads[i] == decision;
  }
  // Whether an outcome can carry obligations at all: one of those rules, or one that sets the
  // decision, owes something. If none does, a settlement owes nothing, and the decision alone is
  // evaluated (evaluate_decision gives it as the whole evaluation does).
  bool owes_any = false;
  for (const Raising& o : p.owes) {
    bool sets = false;
    for (Index st : p.decisions[decision].settings) sets = sets || p.settings[st].rule == o.rule;
    owes_any = owes_any || sets || follows[o.rule];
  }
  auto settled_now = [&]() { return owes_any ? result_now() : evaluate_decision(p, work, decision, scratch); };
  auto owed_now = [&](const DecisionResult& r) {  // after result_now()
    std::vector<Index> owed;
    const Index decider = r.status == Status::Decided && r.setting != kNone ? p.settings[r.setting].rule : kNone;
    for (Index o : scratch.owed)
      if (p.owes[o].rule == decider || follows[p.owes[o].rule]) owed.push_back(o);
    return owed;
  };

  for (Index f : probed) {
    for (const Value& v : p.facts[f].probes) {
      assign(work[f], v);
      Settlement s;
      s.facts.push_back({f, v});
      s.result = settled_now();
      if (owes_any) s.owed = owed_now(s.result);
      ex.single.push_back(std::move(s));
    }
    work[f] = facts[f];
  }

  // Every partial assignment: digit k of a code is 0 for "still unknown", or 1 + the index of
  // the probe value of fact probed[k]. A code settles the decision when the result is not
  // undetermined; it is minimal when clearing any one of its digits loses that result.
  const std::size_t n = probed.size();
  std::vector<std::size_t> radix(n), weight(n);
  std::size_t total = 1;
  for (std::size_t k = 0; k < n; ++k) {
    radix[k] = p.facts[probed[k]].probes.size() + 1;
    weight[k] = total;
    if (total > kMaxCombinations / radix[k]) {
      ex.single_only = true;
      break;
    }
    total *= radix[k];
  }
  if (ex.single_only) return ex;

  // A code with one digit set is a single change, whose result `single` holds already (at
  // first_single[k] + digit - 1): evaluated alone or whole, a decision comes out the same.
  std::vector<std::size_t> first_single(n, 0);
  for (std::size_t k = 1; k < n; ++k) first_single[k] = first_single[k - 1] + p.facts[probed[k - 1]].probes.size();
  std::vector<ResultKey> keys;                 // distinct settled results
  std::vector<std::uint16_t> cls(total, 0);    // 0: undetermined; k: keys[k - 1]
  std::vector<std::size_t> digit(n, 0);
  std::size_t set_digits = 0;  // how many digits are not 0
  for (std::size_t code = 0; code < total; ++code) {
    std::size_t stepped = 0;  // the digit that went up (those below it went back to 0)
    if (code > 0) {  // odometer: step to `code`, touching only the digits that change
      for (std::size_t k = 0; k < n; ++k) {
        const Index f = probed[k];
        if (++digit[k] < radix[k]) {
          if (digit[k] == 1) ++set_digits;
          assign(work[f], p.facts[f].probes[digit[k] - 1]);
          stepped = k;
          break;
        }
        digit[k] = 0;
        --set_digits;
        work[f] = facts[f];
      }
    }
    const DecisionResult r = set_digits == 1 ? ex.single[first_single[stepped] + digit[stepped] - 1].result
                                             : evaluate_decision(p, work, decision, scratch);  // the decision alone: no obligations needed here
    if (r.status == Status::Undetermined) continue;
    const ResultKey key{r, r.setting == kNone ? kNone : p.settings[r.setting].rule};
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      if (keys.size() >= 0xFFFE) continue;  // cannot happen with kMaxCombinations outcomes of one decision; stay safe
      keys.push_back(key);
      it = keys.end() - 1;
    }
    cls[code] = static_cast<std::uint16_t>(it - keys.begin() + 1);
  }

  std::vector<std::pair<std::size_t, std::size_t>> minimal;  // (fixed facts, code)
  for (std::size_t code = 0; code < total; ++code) {
    if (cls[code] == 0) continue;
    std::size_t fixed = 0;
    bool is_minimal = true;
    for (std::size_t k = 0; k < n && is_minimal; ++k) {
      const std::size_t d = (code / weight[k]) % radix[k];
      if (d == 0) continue;
      ++fixed;
      if (cls[code - d * weight[k]] == cls[code]) is_minimal = false;
    }
    if (is_minimal) minimal.emplace_back(fixed, code);
  }
  std::stable_sort(minimal.begin(), minimal.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  ex.minimal_total = minimal.size();

  std::vector<bool> needed(p.facts.size(), false);
  for (const auto& [fixed, code] : minimal) {
    Settlement s;
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t d = (code / weight[k]) % radix[k];
      if (d == 0) continue;
      s.facts.push_back({probed[k], p.facts[probed[k]].probes[d - 1]});
      needed[probed[k]] = true;
    }
    s.result = keys[cls[code] - 1].result;
    if (ex.minimal.size() < kMaxSettlementsListed) {
      if (owes_any) {
        for (std::size_t f = 0; f < facts.size(); ++f) work[f] = facts[f];
        for (const auto& a : s.facts) assign(work[a.fact], a.value);
        result_now();
        s.owed = owed_now(s.result);
      }
      ex.minimal.push_back(std::move(s));
    }
  }
  for (Index f : probed)
    if (needed[f]) ex.needs.push_back(f);
  return ex;
}

}  // namespace decree::engine

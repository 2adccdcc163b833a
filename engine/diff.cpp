#include "engine/diff.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/types.hpp"
#include "engine/render_text.hpp"

namespace decree::engine {

namespace {

const std::vector<std::string> kStatusWords = {"undetermined", "conflict", "no_decision", "not_applicable", "outside", "absent"};

std::string basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string short_loc(const SourceLoc& loc) {
  if (!loc.known()) return basename(loc.file);
  return fmt::format("{}:{}", basename(loc.file), loc.line);
}

std::string provenance(const CaseEvaluation& ev, Index slot) {
  const FactValue* f = slot < ev.binding.provenance.size() ? ev.binding.provenance[slot] : nullptr;
  if (f == nullptr) return "not in the case";
  std::string s = short_loc(f->loc);
  if (!f->value.known()) s += " (written unknown)";
  return s;
}

ConditionLine condition_line(const CompiledPolicy& p, const CaseEvaluation& ev, Index c) {
  const Condition& cond = p.conditions[c];
  ConditionLine l;
  l.text = cond.text;
  l.value = ev.trace.conditions[c];
  const Range facts = cond.facts;
  const Range defs = cond.definitions;
  if (facts.size() == 1 && defs.empty()) {
    l.where = provenance(ev, p.reads[facts.begin]);
  } else if (facts.empty() && defs.size() == 1) {
    l.where = "define " + p.definitions[p.reads[defs.begin]].name;
  } else {
    for (Index i = facts.begin; i < facts.end; ++i) {
      const Index slot = p.reads[i];
      l.where += fmt::format("{}{} = {}", l.where.empty() ? "" : ", ", p.facts[slot].name, to_string(ev.binding.values[slot]));
    }
    for (Index i = defs.begin; i < defs.end; ++i)
      l.where += fmt::format("{}define {}", l.where.empty() ? "" : ", ", p.definitions[p.reads[i]].name);
  }
  return l;
}

enum class Show { None, All, Open, Failed };

RuleLine rule_line(const CompiledPolicy& p, const CaseEvaluation& ev, Index s, Show show) {
  const Setting& setting = p.settings[s];
  const Index r = setting.rule;
  const CompiledRule& rule = p.rules[r];
  const RuleTrace& rt = ev.trace.rules[r];
  RuleLine l;
  l.rule = rule.name;
  l.title = rule.title;
  l.sets = p.decisions[setting.decision].values[setting.value];
  if (setting.by != kNone) l.sets += " by " + p.authorities[setting.by].name;
  l.state = rt.state;
  if (rt.defeated_by != kNone) l.defeated_by = p.rules[rt.defeated_by].name;
  for (const auto& c : rule.cites) {
    std::string cite = citation_text(c, false);
    if (std::find(l.cites.begin(), l.cites.end(), cite) == l.cites.end()) l.cites.push_back(std::move(cite));
  }
  switch (show) {
    case Show::None: break;
    case Show::All:
      for (Index c = rule.conditions.begin; c < rule.conditions.end; ++c) l.conditions.push_back(condition_line(p, ev, c));
      break;
    case Show::Open:
      for (Index c = rule.conditions.begin; c < rule.conditions.end; ++c)
        if (ev.trace.conditions[c] != Tri::True) l.conditions.push_back(condition_line(p, ev, c));
      break;
    case Show::Failed:
      if (rt.failed != kNone) l.conditions.push_back(condition_line(p, ev, rt.failed));
      break;
  }
  if (rt.state == RuleState::MaybeDefeated && rt.defeated_by != kNone) {
    const Range dc = p.rules[rt.defeated_by].conditions;
    for (Index c = dc.begin; c < dc.end; ++c)
      if (ev.trace.conditions[c] != Tri::True) l.defeater_conditions.push_back(condition_line(p, ev, c));
  }
  return l;
}

std::string settled_text(const CompiledPolicy& p, Index d, const Settlement& s) {
  const DecisionResult& r = s.result;
  std::string t = describe_result(p, d, r);
  std::string owes;
  for (Index o : s.owed) owes += fmt::format("; owes {}", p.obligations[p.owes[o].what].name);
  if (r.status == Status::Decided && r.setting != kNone) t += fmt::format(" ({}{})", p.rules[p.settings[r.setting].rule].name, owes);
  else t += owes;
  return t;
}

Ground absent_ground() {
  Ground g;
  g.present = false;
  g.outcome = "absent";
  g.status = "absent";
  g.described = "NO SUCH DECISION";
  return g;
}

// "a not_applicable decision and one the policy does not have at all are not a difference"
bool is_nothing(const std::string& outcome) { return outcome == "not_applicable" || outcome == "absent"; }

}  // namespace

ast::Policy with_facts_of(const ast::Policy& base, const ast::Policy& other) {
  ast::Policy out = base;
  auto has_fact = [&](const std::string& name) {
    for (const auto& item : base.items)
      if (item.op != ast::Item::Op::Drop && item.kind == ast::ItemKind::Fact &&
          std::get<ast::FactDecl>(item.body).name.text == name)
        return true;
    return false;
  };
  for (const auto& item : other.items) {
    if (item.op == ast::Item::Op::Drop || item.kind != ast::ItemKind::Fact) continue;
    const auto& fact = std::get<ast::FactDecl>(item.body);
    if (has_fact(fact.name.text)) continue;
    auto type = dsl::resolve_type(other, fact.type);
    if (!type) continue;
    ast::Item copy = item;
    auto& decl = std::get<ast::FactDecl>(copy.body);
    if (type->kind == dsl::FactType::Kind::Enum) {
      // Written out, since `base` may have no type of that name, or one with other values.
      decl.type.values.clear();
      for (const auto& v : type->values) decl.type.values.push_back(ast::Name{v, decl.type.loc});
    }
    out.items.push_back(std::move(copy));
  }
  return out;
}

Ground ground(const CompiledPolicy& p, const CaseEvaluation& ev, Index d) {
  const CompiledDecision& decision = p.decisions[d];
  const DecisionResult& res = ev.outcome.decisions[d];
  Ground g;
  g.outcome = outcome_word(p, d, res);
  g.status = to_string(res.status);
  if (res.by != kNone) g.by = p.authorities[res.by].name;
  g.described = describe_result(p, d, res);
  if (res.status == Status::Decided && res.setting != kNone) g.rule = p.rules[p.settings[res.setting].rule].name;

  if (res.status == Status::NotApplicable) {
    const Index failed = ev.trace.decisions[d].failed_applies;
    if (failed != kNone) g.applies.push_back(condition_line(p, ev, failed));
    return g;
  }
  if (res.applies == Tri::Unknown)
    for (Index c = decision.applies_conditions.begin; c < decision.applies_conditions.end; ++c)
      if (ev.trace.conditions[c] != Tri::True) g.applies.push_back(condition_line(p, ev, c));

  std::vector<Index> seen;  // rules already listed
  auto add = [&](Index s, Show show) {
    const Index r = p.settings[s].rule;
    if (std::find(seen.begin(), seen.end(), r) != seen.end()) return;
    seen.push_back(r);
    g.rules.push_back(rule_line(p, ev, s, show));
  };
  auto state = [&](Index s) { return ev.trace.rules[p.settings[s].rule].state; };

  switch (res.status) {
    case Status::Decided:
      add(res.setting, Show::All);
      for (Index s : decision.settings)
        if (state(s) == RuleState::Defeated || state(s) == RuleState::MaybeDefeated) add(s, Show::None);
      break;
    case Status::Conflict:
      add(res.setting, Show::All);
      if (res.other != kNone) add(res.other, Show::All);
      break;
    case Status::Defaulted:
    case Status::NoDecision:
      if (res.status == Status::Defaulted) g.default_value = decision.values[res.value];
      for (Index s : decision.settings) add(s, state(s) == RuleState::NotApplied ? Show::Failed : Show::Open);
      break;
    case Status::Undetermined: {
      for (Index s : decision.settings) {
        switch (state(s)) {
          case RuleState::Applies: add(s, Show::All); break;
          case RuleState::MaybeDefeated: add(s, Show::None); break;
          case RuleState::Unknown: add(s, Show::Open); break;
          default: break;
        }
      }
      if (const Exploration* ex = ev.exploration(d)) {
        for (Index f : ex->needs) g.needs.push_back(p.facts[f].name);
        for (const auto& s : ex->minimal) {
          Branch b;
          for (const auto& a : s.facts) b.facts.emplace_back(p.facts[a.fact].name, to_string(a.value));
          b.result = settled_text(p, d, s);
          g.branches.push_back(std::move(b));
        }
        g.more_branches = ex->minimal_total - ex->minimal.size();
      }
      break;
    }
    case Status::NotApplicable:
    case Status::Outside: break;
  }
  return g;
}

bool CaseDiff::outcome_differs() const {
  if (!obligations.empty() || !flags.empty()) return true;
  return std::any_of(decisions.begin(), decisions.end(), [](const DecisionDiff& d) { return d.outcome_differs; });
}

// ---- PolicyPair -----------------------------------------------------------------------------

PolicyPair::PolicyPair(const CompiledPolicy& a, const CompiledPolicy& b) : a_(a), b_(b) {
  for (std::size_t i = 0; i < a.decisions.size(); ++i)
    decisions_.push_back({a.decisions[i].name, a.decisions[i].title, static_cast<Index>(i), b.find_decision(a.decisions[i].name)});
  for (std::size_t i = 0; i < b.decisions.size(); ++i)
    if (a.find_decision(b.decisions[i].name) == kNone)
      decisions_.push_back({b.decisions[i].name, b.decisions[i].title, kNone, static_cast<Index>(i)});

  auto unite = [](const std::vector<Declaration>& x, const std::vector<Declaration>& y, std::vector<std::string>& names,
                  std::vector<Index>& xi, std::vector<Index>& yi) {
    for (const auto& d : x) names.push_back(d.name);
    for (const auto& d : y) names.push_back(d.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    auto at = [&](const std::string& n) { return static_cast<Index>(std::lower_bound(names.begin(), names.end(), n) - names.begin()); };
    for (const auto& d : x) xi.push_back(at(d.name));
    for (const auto& d : y) yi.push_back(at(d.name));
  };
  unite(a.obligations, b.obligations, obligations_, a_obligation_, b_obligation_);
  unite(a.flags, b.flags, flags_, a_flag_, b_flag_);
  tallies_.resize(decisions_.size());
}

PolicyPair::Key PolicyPair::key(const CompiledPolicy& p, Index d, const Outcome& o) const {
  const DecisionResult& r = o.decisions[d];
  Key k;
  k.outcome = outcome_word(p, d, r);
  k.status = to_string(r.status);
  if (r.by != kNone) k.by = p.authorities[r.by].name;
  return k;
}

// What a decision rests on, as names: the deciding rule; for an undetermined decision, the rules
// that might set it, and the unknown facts read by the open conditions of those rules and of the
// exceptions that might defeat them (so a fact the policy reads elsewhere does not count).
std::string PolicyPair::grounds_signature(const CompiledPolicy& p, std::span<const Value> facts, Index d,
                                          const Outcome& o) const {
  const DecisionResult& r = o.decisions[d];
  auto rule_of = [&](Index s) { return s == kNone ? std::string() : p.rules[p.settings[s].rule].name; };
  switch (r.status) {
    case Status::Decided: return rule_of(r.setting);
    case Status::Conflict: return rule_of(r.setting) + " " + rule_of(r.other);
    case Status::Undetermined: {
      std::vector<std::string> parts;
      std::vector<std::string> unknown;
      auto open_facts = [&](Range conditions) {
        for (Index c = conditions.begin; c < conditions.end; ++c) {
          const Condition& cond = p.conditions[c];
          if (eval_condition(p, facts, o, cond.node) != Tri::Unknown) continue;
          for (Index i = cond.all_facts.begin; i < cond.all_facts.end; ++i)
            if (!facts[p.reads[i]].known()) unknown.push_back(p.facts[p.reads[i]].name);
        }
      };
      std::vector<bool> seen(p.rules.size(), false);
      std::vector<Index> open;
      for (Index s : p.decisions[d].settings) {
        const Index rule = p.settings[s].rule;
        if (o.effective[rule] == Tri::False) continue;
        parts.push_back(fmt::format("{}={}", rule_of(s), p.decisions[d].values[p.settings[s].value]));
        open.push_back(rule);
      }
      for (std::size_t k = 0; k < open.size(); ++k) {
        const Index rule = open[k];
        if (seen[rule]) continue;
        seen[rule] = true;
        open_facts(p.rules[rule].conditions);
        const Range def = p.rules[rule].defeaters;
        for (Index i = def.begin; i < def.end; ++i)
          if (o.effective[p.defeaters[i]] == Tri::Unknown) open.push_back(p.defeaters[i]);
      }
      if (r.applies == Tri::Unknown) open_facts(p.decisions[d].applies_conditions);
      std::sort(parts.begin(), parts.end());
      std::sort(unknown.begin(), unknown.end());
      unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
      std::string sig;
      for (const auto& x : parts) sig += x + " ";
      sig += "|";
      for (const auto& x : unknown) sig += " " + x;
      return sig;
    }
    default: return {};
  }
}

void PolicyPair::raised_names(const CompiledPolicy& p, const Outcome& o, bool obligations, std::vector<std::uint8_t>& out) const {
  out.assign(obligations ? obligations_.size() : flags_.size(), 0);
  const auto& list = obligations ? o.owed : o.raised;
  const auto& all = obligations ? p.owes : p.raises;
  const auto& map = obligations ? (&p == &a_ ? a_obligation_ : b_obligation_) : (&p == &a_ ? a_flag_ : b_flag_);
  for (Index i : list) out[map[all[i].what]] = 1;
}

CaseVerdict PolicyPair::compare(std::span<const Value> a_facts, const Outcome& a, std::span<const Value> b_facts, const Outcome& b,
                            DiffSummary* summary) {
  CaseVerdict v;
  std::vector<bool> same(decisions_.size(), true);
  for (std::size_t i = 0; i < decisions_.size(); ++i) {
    const Decision& d = decisions_[i];
    Key ka = d.a == kNone ? Key{"absent", "absent", ""} : key(a_, d.a, a);
    Key kb = d.b == kNone ? Key{"absent", "absent", ""} : key(b_, d.b, b);
    same[i] = ka == kb || (is_nothing(ka.outcome) && is_nothing(kb.outcome));
    if (!same[i]) v.outcome_differs = true;
    if (summary != nullptr) {
      auto& tally = tallies_[i];
      auto pair = std::make_pair(ka.outcome, kb.outcome);
      auto it = std::find_if(tally.begin(), tally.end(), [&](const auto& e) { return e.first == pair; });
      if (it == tally.end()) tally.emplace_back(pair, 1);
      else ++it->second;
      if (summary->decisions.size() != decisions_.size()) {
        summary->decisions.resize(decisions_.size());
        for (std::size_t j = 0; j < decisions_.size(); ++j) summary->decisions[j].decision = decisions_[j].name;
      }
      if (!same[i]) ++summary->decisions[i].differing;
    }
  }
  for (bool obligations : {true, false}) {
    raised_names(a_, a, obligations, raised_a_);
    raised_names(b_, b, obligations, raised_b_);
    if (raised_a_ != raised_b_) v.outcome_differs = true;
    if (summary == nullptr) continue;
    auto& counts = obligations ? summary->obligations : summary->flags;
    const auto& names = obligations ? obligations_ : flags_;
    if (counts.size() != names.size()) {
      counts.resize(names.size());
      for (std::size_t j = 0; j < names.size(); ++j) counts[j].name = names[j];
    }
    for (std::size_t j = 0; j < names.size(); ++j) {
      counts[j].a += raised_a_[j];
      counts[j].b += raised_b_[j];
      if (raised_a_[j] && !raised_b_[j]) ++counts[j].only_a;
      if (!raised_a_[j] && raised_b_[j]) ++counts[j].only_b;
    }
  }
  if (!v.outcome_differs) {
    for (std::size_t i = 0; i < decisions_.size() && !v.grounds_differ; ++i) {
      const Decision& d = decisions_[i];
      if (d.a == kNone || d.b == kNone) continue;
      if (grounds_signature(a_, a_facts, d.a, a) != grounds_signature(b_, b_facts, d.b, b)) v.grounds_differ = true;
    }
  }
  if (summary != nullptr) {
    ++summary->cases;
    if (v.outcome_differs) ++summary->differing;
    else if (v.grounds_differ) ++summary->grounds_only;
  }
  return v;
}

CaseDiff PolicyPair::explain(const Case& c, bool grounds) const { return explain(c, c, grounds); }

CaseDiff PolicyPair::explain(const Case& c, const Case& c_b, bool grounds) const {
  CaseDiff out;
  out.id = c.id;
  out.title = c.title;
  out.loc = c.loc;
  const CaseEvaluation ea = evaluate_case(a_, c);
  const CaseEvaluation eb = evaluate_case(b_, c_b);
  for (const Decision& d : decisions_) {
    Key ka = d.a == kNone ? Key{"absent", "absent", ""} : key(a_, d.a, ea.outcome);
    Key kb = d.b == kNone ? Key{"absent", "absent", ""} : key(b_, d.b, eb.outcome);
    const bool same = ka == kb || (is_nothing(ka.outcome) && is_nothing(kb.outcome));
    bool listed = !same;
    if (same && grounds && d.a != kNone && d.b != kNone)
      listed = grounds_signature(a_, ea.binding.values, d.a, ea.outcome) != grounds_signature(b_, eb.binding.values, d.b, eb.outcome);
    if (!listed) continue;
    DecisionDiff dd;
    dd.decision = d.name;
    dd.title = d.title;
    dd.outcome_differs = !same;
    dd.a = d.a == kNone ? absent_ground() : ground(a_, ea, d.a);
    dd.b = d.b == kNone ? absent_ground() : ground(b_, eb, d.b);
    out.decisions.push_back(std::move(dd));
  }
  for (bool obligations : {true, false}) {
    auto na = name_outcome(a_, ea.outcome);
    auto nb = name_outcome(b_, eb.outcome);
    const auto& la = obligations ? na.obligations : na.flags;
    const auto& lb = obligations ? nb.obligations : nb.flags;
    auto& list = obligations ? out.obligations : out.flags;
    auto rules_for = [&](const CompiledPolicy& p, const Outcome& o, const std::string& name) {
      std::vector<std::string> rules;
      const auto& raised = obligations ? o.owed : o.raised;
      const auto& all = obligations ? p.owes : p.raises;
      const auto& decls = obligations ? p.obligations : p.flags;
      for (Index i : raised)
        if (decls[all[i].what].name == name) rules.push_back(p.rules[all[i].rule].name);
      return rules;
    };
    for (const auto& n : la)
      if (!std::binary_search(lb.begin(), lb.end(), n)) list.push_back({n, true, false, rules_for(a_, ea.outcome, n)});
    for (const auto& n : lb)
      if (!std::binary_search(la.begin(), la.end(), n)) list.push_back({n, false, true, rules_for(b_, eb.outcome, n)});
    std::sort(list.begin(), list.end(), [](const RaisedDiff& x, const RaisedDiff& y) { return x.name < y.name; });
  }
  return out;
}

void PolicyPair::finish(DiffSummary& summary) const {
  if (summary.decisions.size() != decisions_.size()) {
    summary.decisions.resize(decisions_.size());
    for (std::size_t j = 0; j < decisions_.size(); ++j) summary.decisions[j].decision = decisions_[j].name;
  }
  for (std::size_t i = 0; i < decisions_.size(); ++i) {
    const Decision& d = decisions_[i];
    std::vector<std::string> order;
    if (d.a != kNone) order = a_.decisions[d.a].values;
    if (d.b != kNone)
      for (const auto& v : b_.decisions[d.b].values)
        if (std::find(order.begin(), order.end(), v) == order.end()) order.push_back(v);
    order.insert(order.end(), kStatusWords.begin(), kStatusWords.end());
    DiffMatrix& m = summary.decisions[i];
    m.rows.clear();
    m.columns.clear();
    for (const auto& w : order) {
      bool in_a = false, in_b = false;
      for (const auto& [pair, n] : tallies_[i]) {
        if (pair.first == w) in_a = true;
        if (pair.second == w) in_b = true;
      }
      if (in_a) m.rows.push_back(w);
      if (in_b) m.columns.push_back(w);
    }
    m.counts.assign(m.rows.size(), std::vector<std::uint64_t>(m.columns.size(), 0));
    for (const auto& [pair, n] : tallies_[i]) {
      auto r = std::find(m.rows.begin(), m.rows.end(), pair.first) - m.rows.begin();
      auto c = std::find(m.columns.begin(), m.columns.end(), pair.second) - m.columns.begin();
      m.counts[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] += n;
    }
  }
}

}  // namespace decree::engine

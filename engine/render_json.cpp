#include "engine/render_json.hpp"

#include <fmt/format.h>

#include "engine/version.hpp"
#include "engine/explain/because.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/versions.hpp"

namespace decree::engine {

namespace {

using json = nlohmann::ordered_json;

// How deep definitions are opened inside a condition, as in the text trace.
constexpr int kDefinitionDepth = 3;

json loc_json(const SourceLoc& loc) {
  if (loc.file.empty()) return nullptr;
  if (!loc.known()) return loc.file;
  return fmt::format("{}:{}", loc.file, loc.line);
}

json date_range_json(const std::optional<ast::DateRange>& r) {
  if (!r) return nullptr;
  return json{{"first", ast::to_string(r->first)}, {"last", ast::to_string(r->last)}};
}

json citations_json(const std::vector<CompiledCitation>& cs) {
  json out = json::array();
  for (const auto& c : cs) {
    json j{{"source", c.source}};
    j["section"] = c.section.empty() ? json(nullptr) : json(c.section);
    j["quote"] = c.quote.empty() ? json(nullptr) : json(c.quote);
    out.push_back(std::move(j));
  }
  return out;
}

json value_json(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: return "unknown";
    case Value::Kind::Bool: return v.boolean;
    case Value::Kind::Int: return v.integer;
    case Value::Kind::Date: return to_string(v);
    case Value::Kind::Text: return v.text;
    case Value::Kind::Enum: return v.text;
    case Value::Kind::Set: {
      const SetParts s = set_parts(v);
      if (s.complete) return s.members;
      return json{{"includes", s.members}, {"excludes", s.absent}, {"others", "unknown"}};
    }
  }
  return nullptr;
}

class Builder {
 public:
  Builder(const CompiledPolicy& p, const CaseEvaluation& ev) : p_(p), ev_(ev) {
    if (!ev.trace.conditions.empty()) explanations_ = explain_case(p, ev);
  }

  json fact(Index slot) const {
    json j{{"fact", p_.facts[slot].name}, {"value", value_json(ev_.binding.values[slot])}};
    const FactValue* f = slot < ev_.binding.provenance.size() ? ev_.binding.provenance[slot] : nullptr;
    if (f == nullptr) {
      j["at"] = nullptr;
      j["certainty"] = nullptr;
      j["source"] = nullptr;
      j["note"] = nullptr;
    } else {
      j["at"] = loc_json(f->loc);
      j["certainty"] = to_string(f->certainty);
      j["source"] = f->source.empty() ? json(nullptr) : json(f->source);
      j["note"] = f->note.empty() ? json(nullptr) : json(f->note);
      if (!f->household_of.empty()) j["household_of"] = f->household_of;
    }
    return j;
  }

  json definition(Index d, int depth) const {
    const CompiledDefinition& def = p_.definitions[d];
    json j{{"definition", def.name}, {"title", def.title}, {"value", to_string(ev_.trace.definitions[d])},
           {"citations", citations_json(def.cites)}};
    if (depth < kDefinitionDepth) j["conditions"] = conditions(def.conditions, depth + 1);
    return j;
  }

  json condition(Index c, int depth = 0) const {
    const Condition& cond = p_.conditions[c];
    json facts = json::array();
    for (Index i = cond.facts.begin; i < cond.facts.end; ++i) facts.push_back(fact(p_.reads[i]));
    json defs = json::array();
    for (Index i = cond.definitions.begin; i < cond.definitions.end; ++i) defs.push_back(definition(p_.reads[i], depth));
    json j{{"text", cond.text}, {"value", to_string(ev_.trace.conditions[c])},
           {"decisive", current_ != nullptr && current_->is_decisive(c)}, {"at", loc_json(cond.loc)},
           {"facts", std::move(facts)}, {"definitions", std::move(defs)}};
    if (!cond.decisions.empty()) {  // only in rules that follow from a decision
      json decisions = json::array();
      for (Index i = cond.decisions.begin; i < cond.decisions.end; ++i) decisions.push_back(decision_read(p_.reads[i]));
      j["decisions"] = std::move(decisions);
    }
    return j;
  }

  // A decision as a condition read it: its outcome, who decides, and the rule that decided.
  json decision_read(Index d) const {
    const DecisionResult& r = ev_.outcome.decisions[d];
    const bool has_rule = (r.status == Status::Decided || r.status == Status::Undetermined) && r.setting != kNone;
    return json{{"decision", p_.decisions[d].name},
                {"status", to_string(r.status)},
                {"outcome", outcome_word(p_, d, r)},
                {"by", r.by == kNone ? json(nullptr) : json(p_.authorities[r.by].name)},
                {"rule", has_rule ? json(p_.rules[p_.settings[r.setting].rule].name) : json(nullptr)}};
  }

  json conditions(Range r, int depth = 0) const {
    json out = json::array();
    for (Index c = r.begin; c < r.end; ++c) out.push_back(condition(c, depth));
    return out;
  }

  json rule(Index r, const Setting* setting) const {
    const CompiledRule& rule = p_.rules[r];
    const RuleTrace& rt = ev_.trace.rules[r];
    json j{{"rule", rule.name}, {"title", rule.title}, {"at", loc_json(rule.loc)}, {"state", to_string(rt.state)},
           {"when", to_string(ev_.outcome.when[r])}};
    if (setting != nullptr) {
      j["sets"] = p_.decisions[setting->decision].values[setting->value];
      j["by"] = setting->by == kNone ? json(nullptr) : json(p_.authorities[setting->by].name);
    }
    j["conditions"] = conditions(rule.conditions);
    j["failed"] = rt.failed == kNone ? json(nullptr) : json(p_.conditions[rt.failed].text);
    j["defeated_by"] = rt.defeated_by == kNone ? json(nullptr) : json(p_.rules[rt.defeated_by].name);
    json exceptions = json::array();
    for (Index e : rule.exception_to) exceptions.push_back(p_.rules[e].name);
    j["exception_to"] = std::move(exceptions);
    j["citations"] = citations_json(rule.cites);
    return j;
  }

  json result(Index d, const DecisionResult& r) const {
    json j{{"status", to_string(r.status)}, {"outcome", outcome_word(p_, d, r)}, {"outcome_text", outcome_text(p_, d, r)}};
    j["value"] = r.value == kNone ? json(nullptr) : json(p_.decisions[d].values[r.value]);
    j["by"] = r.by == kNone ? json(nullptr) : json(p_.authorities[r.by].name);
    j["rule"] = r.status == Status::Decided && r.setting != kNone ? json(p_.rules[p_.settings[r.setting].rule].name)
                                                                   : json(nullptr);
    return j;
  }

  json settlement(Index d, const Settlement& s) const {
    json facts = json::object();
    for (const auto& a : s.facts) facts[p_.facts[a.fact].name] = value_json(a.value);
    json j = result(d, s.result);
    j["if"] = std::move(facts);
    return j;
  }

  json exploration(Index d, const Exploration& ex) const {
    auto names = [&](const std::vector<Index>& v) {
      json out = json::array();
      for (Index f : v) out.push_back(p_.facts[f].name);
      return out;
    };
    json single = json::array();
    for (const auto& s : ex.single) single.push_back(settlement(d, s));
    json minimal = json::array();
    for (const auto& s : ex.minimal) minimal.push_back(settlement(d, s));
    return json{{"unknowns", names(ex.unknowns)},       {"unexplorable", names(ex.unexplorable)},
                {"too_many", ex.too_many},              {"limit", kMaxExploredUnknowns},
                {"single_only", ex.single_only},        {"needs", names(ex.needs)},
                {"one_at_a_time", std::move(single)},   {"minimal", std::move(minimal)},
                {"minimal_total", ex.minimal_total}};
  }

  json decision(Index d) const {
    const CompiledDecision& decision = p_.decisions[d];
    const DecisionResult& res = ev_.outcome.decisions[d];
    const DecisionTrace& dt = ev_.trace.decisions[d];
    json j{{"decision", decision.name}, {"title", decision.title}};
    j.update(result(d, res));
    current_ = d < explanations_.size() ? &explanations_[d] : nullptr;
    json because = json::array();
    json decisive = json::array();
    if (current_ != nullptr) {
      for (const auto& s : current_->because) because.push_back(s);
      for (Index f : current_->decisive_facts) decisive.push_back(p_.facts[f].name);
    }
    j["because"] = std::move(because);
    j["decisive_facts"] = std::move(decisive);
    j["applies"] = to_string(res.applies);
    j["applies_conditions"] = conditions(decision.applies_conditions);
    if (res.status == Status::Conflict && res.setting != kNone && res.other != kNone)
      j["conflict"] = json::array({p_.rules[p_.settings[res.setting].rule].name, p_.rules[p_.settings[res.other].rule].name});
    j["default"] = decision.default_value == kNone ? json(nullptr) : json(decision.values[decision.default_value]);
    j["default_used"] = res.status == Status::Defaulted;
    json rests = json::array();
    for (Index i = dt.rests_on.begin; i < dt.rests_on.end; ++i) rests.push_back(fact(ev_.trace.rests_on[i]));
    j["rests_on"] = std::move(rests);
    json rules = json::array();
    if (res.status != Status::NotApplicable && res.status != Status::Outside)
      for (Index s : decision.settings) rules.push_back(rule(p_.settings[s].rule, &p_.settings[s]));
    j["rules"] = std::move(rules);
    const Exploration* ex = ev_.exploration(d);
    j["settling"] = ex == nullptr ? json(nullptr) : exploration(d, *ex);
    current_ = nullptr;
    return j;
  }

  json raisings(const std::vector<Index>& list, const std::vector<Raising>& all, const std::vector<Declaration>& decls,
                const char* key) const {
    json out = json::array();
    for (Index i : list) {
      const Raising& x = all[i];
      json j{{key, decls[x.what].name},
             {"description", decls[x.what].description},
             {"detail", x.detail.empty() ? json(nullptr) : json(x.detail)},
             {"rule", p_.rules[x.rule].name},
             {"citations", citations_json(p_.rules[x.rule].cites)}};
      // A rule that follows from a decision: its conditions, the decision read among them.
      if (p_.rules[x.rule].follows_decisions) j["conditions"] = conditions(p_.rules[x.rule].conditions);
      out.push_back(std::move(j));
    }
    return out;
  }

  // Whether the policy addresses the case: its `scope`, and why the case is (or may be) outside.
  json scope() const {
    const OutsideReason why = outside_reason(p_, ev_);
    json conds = json::array();
    for (Index c : why.conditions) conds.push_back(condition(c));
    json facts = json::array();
    for (Index f : why.facts) facts.push_back(fact(f));
    const char* within = why.outside ? "false" : why.maybe ? "unknown" : "true";
    return json{{"condition", p_.scope == kNone ? json(nullptr) : json(p_.scope_text)},
                {"value", to_string(ev_.outcome.in_scope)},
                {"within", within},
                {"reason", why.outside || why.maybe ? json(why.by_scope ? "scope" : "no_decision_applies") : json(nullptr)},
                {"conditions", std::move(conds)},
                {"facts", std::move(facts)}};
  }

  json whole_case() const {
    const Case* c = ev_.source;
    json j;
    j["id"] = c != nullptr ? json(c->id) : json(nullptr);
    j["title"] = c != nullptr ? json(c->title) : json(nullptr);
    j["at"] = c != nullptr ? loc_json(c->loc) : json(nullptr);
    j["scope"] = scope();
    json decisions = json::array();
    for (std::size_t d = 0; d < p_.decisions.size(); ++d) decisions.push_back(decision(static_cast<Index>(d)));
    j["decisions"] = std::move(decisions);
    j["obligations"] = raisings(ev_.outcome.owed, p_.owes, p_.obligations, "obligation");
    j["flags"] = raisings(ev_.outcome.raised, p_.raises, p_.flags, "flag");
    return j;
  }

 private:
  const CompiledPolicy& p_;
  const CaseEvaluation& ev_;
  std::vector<DecisionExplanation> explanations_;  // by decision
  mutable const DecisionExplanation* current_ = nullptr;  // the decision being built: marks its decisive conditions
};

}  // namespace

nlohmann::ordered_json policy_json(const CompiledPolicy& p) {
  json sources = json::array();
  for (const auto& s : p.sources) sources.push_back(json{{"key", s.key}, {"description", s.description}});
  return json{{"name", p.name},
              {"title", p.title},
              {"file", p.file},
              {"status", p.status},
              {"in_force_from", date_range_json(p.in_force_from)},
              {"in_force_until", date_range_json(p.in_force_until)},
              {"end", date_range_json(p.in_force_until)},
              {"end_assumed", end_assumed(p.status, p.in_force_until) ? json("still in force") : json(nullptr)},
              {"in_force", in_force_words(p.status, p.in_force_from, p.in_force_until)},
              {"scope", p.scope == kNone ? json(nullptr) : json(p.scope_text)},
              {"sources", std::move(sources)}};
}

nlohmann::ordered_json case_json(const CompiledPolicy& p, const CaseEvaluation& ev) { return Builder(p, ev).whole_case(); }

nlohmann::ordered_json brief_case_json(const CompiledPolicy& p, const CaseEvaluation& ev) {
  auto named = name_outcome(p, ev.outcome);
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
  nlohmann::ordered_json decisions = nlohmann::ordered_json::array();
  for (const auto& d : named.decisions)
    decisions.push_back({{"decision", d.decision}, {"status", d.status}, {"outcome", d.outcome},
                         {"by", or_null(d.by)}, {"rule", or_null(d.rule)}});
  return {{"id", ev.source->id}, {"decisions", decisions}, {"obligations", named.obligations}, {"flags", named.flags}};
}

nlohmann::ordered_json run_json(const CompiledPolicy& p, const std::vector<const CaseEvaluation*>& cases) {
  json list = json::array();
  for (const auto* ev : cases) list.push_back(case_json(p, *ev));
  return json{{"schema", kTraceSchema}, {"generator", generator()}, {"policy", policy_json(p)}, {"cases", std::move(list)}};
}

nlohmann::ordered_json why_not_json(const CompiledPolicy& p, const CaseEvaluation& ev, const WhyNot& w) {
  Builder b(p, ev);
  json candidates = json::array();
  for (Index s : w.settings) candidates.push_back(b.rule(p.settings[s].rule, &p.settings[s]));
  json why{{"decision", p.decisions[w.decision].name},
           {"value", p.decisions[w.decision].values[w.value]},
           {"actual", b.result(w.decision, w.actual)},
           {"is_outcome", w.is_outcome},
           {"is_default", w.is_default},
           {"not_applicable", w.actual.status == Status::NotApplicable},
           {"rules", std::move(candidates)}};
  const Index failed = ev.trace.decisions[w.decision].failed_applies;
  why["applies_failed"] = failed == kNone ? json(nullptr) : b.condition(failed);
  const Case* c = ev.source;
  json kase{{"id", c != nullptr ? json(c->id) : json(nullptr)},
            {"title", c != nullptr ? json(c->title) : json(nullptr)},
            {"at", c != nullptr ? loc_json(c->loc) : json(nullptr)}};
  return json{{"schema", kTraceSchema}, {"generator", generator()}, {"policy", policy_json(p)}, {"case", std::move(kase)}, {"why_not", std::move(why)}};
}

}  // namespace decree::engine

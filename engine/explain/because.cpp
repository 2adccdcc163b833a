#include "engine/explain/because.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "engine/explain/outcome.hpp"
#include "engine/render_text.hpp"
#include "engine/whatif.hpp"
#include "engine/words.hpp"

namespace decree::engine {

namespace {

// How many facts a sentence names before it says "and N more".
constexpr std::size_t kMaxFactsNamed = 4;
// How many unknown facts an undetermined decision's sentences go through, one by one.
constexpr std::size_t kMaxFactsWalked = 4;
// How many combinations of facts are spelled out when no single fact settles a decision.
constexpr std::size_t kMaxCombinationsSaid = 3;
// How many written sentences are kept for their room (more would only hold memory: a case's
// sentences take from them only as many as it writes in place).
constexpr std::size_t kSpareSentences = 16;

bool contains(const std::vector<Index>& v, Index x) { return std::find(v.begin(), v.end(), x) != v.end(); }

bool is_identifier(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// "a, b and c"
std::string and_list(const std::vector<std::string>& items, const char* last = " and ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last : ", ";
    out += items[i];
  }
  return out;
}

std::string sentence(std::string s) {
  if (!s.empty() && s.back() != '.') s += '.';
  return s;
}

// provenance_words(ev, slot), appended to `s`: said of most facts in most sentences, so built
// in place.
void provenance_words_to(std::string& s, const CaseEvaluation& ev, Index slot) {
  const FactValue* f = slot < ev.binding.provenance.size() ? ev.binding.provenance[slot] : nullptr;
  if (f == nullptr) {
    s += "not given in the case";
    return;
  }
  if (!f->value.known()) {
    s += "written unknown in the case";
    return;
  }
  const bool stated = f->certainty != Certainty::Unstated;
  if (stated) s += to_string(f->certainty);
  if (!f->source.empty()) {
    if (stated) s += ", ";
    s += f->source;
  } else if (!stated) {
    s += "from the case";
  }
}

class Explainer {
 public:
  // `spare`: strings whose room sentences reuse (those of the explanations written over go there).
  // `rule_names`: rule_named() of each rule, filled as it is first asked for (empty: not yet).
  Explainer(const CompiledPolicy& p, const CaseEvaluation& ev, SingleFlips& flips, std::vector<std::string>& spare,
            std::vector<std::string>& rule_names)
      : p_(p), ev_(ev), flips_(flips), spare_(spare), rule_names_(rule_names) {
    rule_names_.resize(p.rules.size());
  }

  // Into `x`, whose vectors are emptied first (their room kept, its sentences' too).
  void decision(Index d, DecisionExplanation& x) {
    x.decision = d;
    for (auto& s : x.because)
      if (spare_.size() < kSpareSentences) spare_.push_back(std::move(s));
    x.because.clear();
    x.decisive_facts.clear();
    x.decisive.clear();
    const DecisionResult& res = ev_.outcome.decisions[d];
    if (res.status != Status::NotApplicable) decisive_facts(d, x.decisive_facts);
    mark_decisive(d, x);
    decisive_ = &x;
    switch (res.status) {
      case Status::Decided: decided(d, x.because); break;
      case Status::Defaulted:
      case Status::NoDecision: fallback(d, x.because); break;
      case Status::Undetermined: undetermined(d, x.because); break;
      case Status::Conflict: conflict(d, x.because); break;
      case Status::NotApplicable: not_applicable(d, x.because); break;
      case Status::Outside: break;  // no rule is weighed: the scope line says why the case is outside
    }
    if (res.status != Status::NotApplicable) rests_on(d, x.because);
    decisive_ = nullptr;
  }

 private:
  const CompiledPolicy& p_;
  const CaseEvaluation& ev_;
  const DecisionExplanation* decisive_ = nullptr;
  SingleFlips& flips_;  // given this case's facts at the first decision that asks
  bool flips_reset_ = false;
  std::vector<std::string>& spare_;
  std::vector<std::string>& rule_names_;

  // An empty string, with the room of one used before when there is one.
  std::string fresh() {
    if (spare_.empty()) return {};
    std::string s = std::move(spare_.back());
    spare_.pop_back();
    s.clear();
    return s;
  }

  // ---- what decided ------------------------------------------------------------------------

  void decisive_facts(Index d, std::vector<Index>& out) {
    if (!flips_reset_) {
      flips_.reset(ev_.binding.values, &ev_.outcome);
      flips_reset_ = true;
    }
    for (const SingleFlips::Change& f : flips_.changes_to_known_values(d, true, ev_.exploration(d))) {
      // A change that takes the case out of the policy's scope decides nothing else: the scope's
      // facts are named on the scope line, not marked as deciding a rule.
      if (f.result.status == Status::Outside && ev_.outcome.decisions[d].status != Status::Outside) continue;
      if (!contains(out, f.fact)) out.push_back(f.fact);
    }
    std::sort(out.begin(), out.end());
  }

  bool reads_any(Index c, const std::vector<Index>& facts) const {
    const Range r = p_.conditions[c].all_facts;
    for (Index i = r.begin; i < r.end; ++i)
      if (contains(facts, p_.reads[i])) return true;
    return false;
  }

  // Marks `c` and, inside the definitions it opens, the conditions that read a decisive fact.
  void mark(Index c, DecisionExplanation& x, int depth = 0) const {
    if (!reads_any(c, x.decisive_facts) || contains(x.decisive, c)) return;
    x.decisive.push_back(c);
    if (depth > 8) return;
    const Condition& cond = p_.conditions[c];
    for (Index i = cond.definitions.begin; i < cond.definitions.end; ++i) {
      const Range r = p_.definitions[p_.reads[i]].conditions;
      for (Index k = r.begin; k < r.end; ++k) mark(k, x, depth + 1);
    }
  }

  // The deciding rule's conditions; where no rule decided, the conditions that failed or are
  // unknown in the rules that could have.
  void mark_decisive(Index d, DecisionExplanation& x) const {
    if (x.decisive_facts.empty()) return;
    const DecisionResult& res = ev_.outcome.decisions[d];
    if (res.status == Status::Decided && res.setting != kNone) {
      const Range r = p_.rules[p_.settings[res.setting].rule].conditions;
      for (Index c = r.begin; c < r.end; ++c) mark(c, x);
    } else {
      for (Index s : p_.decisions[d].settings) {
        const Range r = p_.rules[p_.settings[s].rule].conditions;
        for (Index c = r.begin; c < r.end; ++c)
          if (ev_.trace.conditions[c] != Tri::True) mark(c, x);
      }
    }
    std::sort(x.decisive.begin(), x.decisive.end());
  }

  // ---- words for the parts -----------------------------------------------------------------

  std::string head(Index d) const {
    const CompiledDecision& decision = p_.decisions[d];
    return decision.title.empty() ? decision.name : decision.title;
  }

  // "\"Misdemeanants answer locally, as a rule\" (misdemeanants_answer_locally; telegram s2, s3)"
  // The policy's alone, so made once per rule (never empty: it holds the rule's name).
  const std::string& rule_named(Index r) const {
    std::string& named = rule_names_[r];
    if (!named.empty()) return named;
    const CompiledRule& rule = p_.rules[r];
    std::string about = rule.name;
    if (!rule.cites.empty()) about += "; " + citations_short(rule.cites);
    if (rule.title.empty()) named = fmt::format("the rule {}", about);
    else named = fmt::format("\"{}\" ({})", rule.title, about);
    return named;
  }

  std::string setting_outcome(Index s) const {
    const Setting& st = p_.settings[s];
    return outcome_text("decided", p_.decisions[st.decision].values[st.value], st.by == kNone ? "" : p_.authorities[st.by].name);
  }

  // "misdemeanor is true (\"Committed misdemeanors …\"; documented, memo p4)"
  std::string fact_phrase(Index slot, bool described = true) const {
    std::string s;
    fact_phrase_to(s, slot, described);
    return s;
  }
  // The same, appended to `s`.
  void fact_phrase_to(std::string& s, Index slot, bool described = true) const {
    // "request is none (\"What was asked, for this person\"; from the case)": said of most
    // decisions of most cases, so built in one string.
    const CompiledFact& f = p_.facts[slot];
    s += f.name;
    s += " is ";
    s += to_string(ev_.binding.values[slot]);
    s += " (";
    if (described && !f.description.empty()) {
      s += '"';
      s += f.description;
      s += "\"; ";
    }
    provenance_words_to(s, ev_, slot);
    s += ')';
  }

  // The facts a condition reads, through definitions too, with their values.
  std::string facts_of(Index c) const {
    const Range r = p_.conditions[c].all_facts;
    std::vector<std::string> parts;
    for (Index i = r.begin; i < r.end && parts.size() < kMaxFactsNamed; ++i) parts.push_back(fact_phrase(p_.reads[i], false));
    if (r.size() > kMaxFactsNamed) parts.push_back(fmt::format("{} more", r.size() - kMaxFactsNamed));
    return and_list(parts);
  }

  // A condition as a clause: the fact itself where it reads one fact, else the condition with
  // what it rests on.
  // condition_phrase(c) appended to `s` (built in place for a condition that reads one fact).
  void condition_phrase_to(std::string& s, Index c) const {
    const Condition& cond = p_.conditions[c];
    if (cond.facts.size() == 1 && cond.definitions.empty() && cond.decisions.empty())
      fact_phrase_to(s, p_.reads[cond.facts.begin]);
    else
      s += condition_phrase(c);
  }

  std::string condition_phrase(Index c) const {
    const Condition& cond = p_.conditions[c];
    const Tri v = ev_.trace.conditions[c];
    if (cond.facts.size() == 1 && cond.definitions.empty() && cond.decisions.empty())
      return fact_phrase(p_.reads[cond.facts.begin]);
    std::string text = cond.text;
    if (v == Tri::False) text = is_identifier(cond.text) ? "not " + cond.text : cond.text + " is false";
    if (v == Tri::Unknown) text = cond.text + " is unknown";
    if (cond.facts.empty() && cond.decisions.empty() && cond.definitions.size() == 1) {
      const CompiledDefinition& def = p_.definitions[p_.reads[cond.definitions.begin]];
      std::string about;
      if (!def.title.empty()) about = fmt::format("\"{}\"", def.title);
      if (!def.cites.empty()) about += (about.empty() ? "" : ", ") + citations_short(def.cites);
      if (v != Tri::True) about += (about.empty() ? "" : ": ") + facts_of(c);
      return about.empty() ? text : fmt::format("{} ({})", text, about);
    }
    if (cond.facts.empty() && cond.definitions.empty() && cond.decisions.size() == 1) {
      const Index d = p_.reads[cond.decisions.begin];
      return fmt::format("{} (decision {}: {})", text, p_.decisions[d].name, outcome_text(p_, d, ev_.outcome.decisions[d]));
    }
    return cond.all_facts.empty() ? text : fmt::format("{} ({})", text, facts_of(c));
  }

  std::vector<Index> conditions_with(Range r, Tri value) const {
    std::vector<Index> out;
    for (Index c = r.begin; c < r.end; ++c)
      if (ev_.trace.conditions[c] == value) out.push_back(c);
    return out;
  }

  std::string phrases(const std::vector<Index>& cs) const {
    std::vector<std::string> parts;
    for (Index c : cs) parts.push_back(condition_phrase(c));
    return and_list(parts);
  }

  std::string texts(const std::vector<Index>& cs) const {
    std::vector<std::string> parts;
    for (Index c : cs) parts.push_back(p_.conditions[c].text);
    return and_list(parts);
  }

  // "report_to_moscow is owed (\"A report …\"; report_for_those_dispatched, telegram s5)"
  std::string owed_phrase(Index o) const {
    const Raising& x = p_.owes[o];
    const Declaration& decl = p_.obligations[x.what];
    std::string about = decl.description.empty() ? "" : fmt::format("\"{}\"; ", decl.description);
    about += p_.rules[x.rule].name;
    if (!p_.rules[x.rule].cites.empty()) about += ", " + citations_short(p_.rules[x.rule].cites);
    return fmt::format("{} is owed ({})", decl.name, about);
  }

  // ---- one sentence or a few per kind of outcome -------------------------------------------

  bool follows(Index rule, Index d) const {
    const Range cs = p_.rules[rule].conditions;
    for (Index c = cs.begin; c < cs.end; ++c)
      for (Index i = p_.conditions[c].decisions.begin; i < p_.conditions[c].decisions.end; ++i)
        if (p_.reads[i] == d) return true;
    return false;
  }

  void decided(Index d, std::vector<std::string>& out) const {
    const DecisionResult& res = ev_.outcome.decisions[d];
    const Index rule = p_.settings[res.setting].rule;
    const Range conds = p_.rules[rule].conditions;
    std::vector<Index> decisive, others;
    for (Index c = conds.begin; c < conds.end; ++c) (decisive_->is_decisive(c) ? decisive : others).push_back(c);
    const std::string outcome = outcome_text(p_, d, res);
    if (conds.empty()) {
      out.push_back(sentence(fmt::format("{}: {}, because {} always applies", head(d), outcome, rule_named(rule))));
    } else if (decisive.empty()) {
      out.push_back(sentence(fmt::format("{}: {}, because {} applies: {}", head(d), outcome, rule_named(rule), phrases(others))));
    } else {
      out.push_back(sentence(fmt::format("{}: {}, because {}; so {} applies", head(d), outcome, phrases(decisive), rule_named(rule))));
      if (!others.empty()) out.push_back(sentence(fmt::format("Its other conditions hold as well: {}", texts(others))));
    }
    // The rules it (or another exception) defeated, said honestly: "would have applied" only
    // when all their conditions held.
    for (Index s : p_.decisions[d].settings) {
      const Index r = p_.settings[s].rule;
      if (r == rule) continue;
      const RuleTrace& rt = ev_.trace.rules[r];
      if (rt.state != RuleState::Defeated) continue;
      const std::string who = rt.defeated_by == rule ? "It defeats " + rule_named(r)
                                                     : fmt::format("{} is defeated by {}", rule_named(r),
                                                                   rt.defeated_by == kNone ? "an exception" : p_.rules[rt.defeated_by].name);
      const std::string what = setting_outcome(s);
      if (ev_.outcome.when[r] == Tri::True) {
        out.push_back(sentence(fmt::format("{}, which would otherwise have applied and given {}", who, what)));
      } else {
        const auto unknown = conditions_with(p_.rules[r].conditions, Tri::Unknown);
        out.push_back(sentence(fmt::format("{}, which might otherwise have applied and given {} ({} unknown)", who, what,
                                           texts(unknown) + (unknown.size() == 1 ? " is" : " are"))));
      }
    }
    // The exceptions to it that did not apply: the room "as a rule" leaves, and why it is shut.
    const CompiledRule& r = p_.rules[rule];
    for (Index i = r.defeaters.begin; i < r.defeaters.end; ++i) {
      const Index e = p_.defeaters[i];
      const RuleTrace& et = ev_.trace.rules[e];
      if (et.state != RuleState::NotApplied || et.failed == kNone) continue;
      out.push_back(sentence(fmt::format("No exception to it applies: {} fails on {}", rule_named(e), condition_phrase(et.failed))));
    }
    std::vector<std::string> owed;
    for (Index o : ev_.outcome.owed)
      if (p_.owes[o].rule == rule || follows(p_.owes[o].rule, d)) owed.push_back(owed_phrase(o));
    if (!owed.empty()) out.push_back(sentence("As a result, " + and_list(owed)));
  }

  // The rule that came closest to setting the decision: one whose conditions all held but that
  // was defeated, else the one with the fewest false conditions (then fewest unknown), in
  // policy order.
  Index closest(Index d) const {
    Index best = kNone;
    std::pair<std::size_t, std::size_t> best_score{~std::size_t{0}, ~std::size_t{0}};
    for (Index s : p_.decisions[d].settings) {
      const Index r = p_.settings[s].rule;
      const RuleTrace& rt = ev_.trace.rules[r];
      std::pair<std::size_t, std::size_t> score{0, 0};
      if (rt.state != RuleState::Defeated) {
        score.first = 1 + conditions_with(p_.rules[r].conditions, Tri::False).size();
        score.second = conditions_with(p_.rules[r].conditions, Tri::Unknown).size();
      }
      if (score < best_score) {
        best = s;
        best_score = score;
      }
    }
    return best;
  }

  void fallback(Index d, std::vector<std::string>& out) const {
    const DecisionResult& res = ev_.outcome.decisions[d];
    const std::string outcome = outcome_text(p_, d, res);
    const CompiledDecision& decision = p_.decisions[d];
    const char* then = res.status == Status::Defaulted ? "so it takes its default" : "and it has no default";
    if (decision.settings.empty()) {
      out.push_back(sentence(fmt::format("{}: {}, because no rule sets this decision, {}", head(d), outcome, then)));
      return;
    }
    const Index s = closest(d);
    const Index r = p_.settings[s].rule;
    const RuleTrace& rt = ev_.trace.rules[r];
    std::string near;
    if (rt.state == RuleState::Defeated) {
      near = fmt::format("the closest was {}, which would have given {} but is defeated by {}", rule_named(r), setting_outcome(s),
                         rt.defeated_by == kNone ? "an exception" : p_.rules[rt.defeated_by].name);
    } else {
      std::vector<Index> failed = conditions_with(p_.rules[r].conditions, Tri::False);
      for (Index c : conditions_with(p_.rules[r].conditions, Tri::Unknown)) failed.push_back(c);
      near = fmt::format("the closest was {}, which would have given {} but failed on {}", rule_named(r), setting_outcome(s),
                         phrases(failed));
    }
    out.push_back(sentence(fmt::format("{}: {}, because no rule applied, {}; {}", head(d), outcome, then, near)));
  }

  std::string settled_phrase(Index d, const Settlement& s) const {
    std::string t;
    settled_phrase_to(t, d, s);
    return t;
  }
  // The same, appended to `t`.
  void settled_phrase_to(std::string& t, Index d, const Settlement& s) const {
    const DecisionResult& r = s.result;
    if (r.status == Status::Undetermined) {
      t += "it is still undetermined";
      return;
    }
    t += outcome_text(p_, d, r);
    if (r.status == Status::Decided && r.setting != kNone) {
      t += " under ";
      t += rule_named(p_.settings[r.setting].rule);
    }
    if (s.owed.empty()) return;
    t += ", and ";
    for (std::size_t i = 0; i < s.owed.size(); ++i) {  // and_list
      if (i > 0) t += i + 1 == s.owed.size() ? " and " : ", ";
      t += p_.obligations[p_.owes[s.owed[i]].what].name;
    }
    t += s.owed.size() == 1 ? " is owed" : " are owed";
  }

  std::string unknown_phrase(Index slot) const {
    const CompiledFact& f = p_.facts[slot];
    std::string t = f.name;
    t += " (";
    if (!f.description.empty()) {
      t += '"';
      t += f.description;
      t += "\"; ";
    }
    provenance_words_to(t, ev_, slot);
    t += ')';
    return t;
  }

  void undetermined(Index d, std::vector<std::string>& out) {
    const std::string outcome = outcome_text(p_, d, ev_.outcome.decisions[d]);
    const Exploration* ex = ev_.exploration(d);
    if (ex == nullptr || ex->too_many || ex->needs.empty()) {
      std::vector<std::string> names;
      if (ex != nullptr)
        for (Index f : ex->unknowns) names.push_back(p_.facts[f].name);
      out.push_back(sentence(fmt::format("{}: {}: it turns on facts that are not known{}", head(d), outcome,
                                         names.empty() ? "" : " (" + and_list(names) + ")")));
      return;
    }
    std::vector<std::string> needs;
    for (Index f : ex->needs) needs.push_back(unknown_phrase(f));
    out.push_back(sentence(fmt::format("{}: {}: it turns on {}", head(d), outcome, and_list(needs, " and on "))));
    bool said = false;
    std::size_t walked = 0;
    for (Index f : ex->needs) {
      if (walked == kMaxFactsWalked) break;
      std::vector<std::string> ifs;
      bool settles = false;
      for (const auto& s : ex->single) {
        if (s.facts[0].fact != f) continue;
        settles = settles || s.result.status != Status::Undetermined;
        std::string clause = "if ";
        clause += p_.facts[f].name;
        clause += " is ";
        clause += to_string(s.facts[0].value);
        clause += ", ";
        settled_phrase_to(clause, d, s);
        ifs.push_back(std::move(clause));
      }
      if (!settles) continue;
      ++walked;
      said = true;
      // "If f is a, …; if f is b, …": each alternative its own clause, however many there are.
      std::string text = fresh();
      for (const auto& clause : ifs) {
        if (!text.empty()) text += "; ";
        text += clause;
      }
      text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
      out.push_back(sentence(text));
    }
    if (said) return;
    std::size_t n = 0;
    for (const auto& s : ex->minimal) {
      if (n++ == kMaxCombinationsSaid) break;
      std::vector<std::string> facts;
      for (const auto& a : s.facts) facts.push_back(fmt::format("{} is {}", p_.facts[a.fact].name, to_string(a.value)));
      out.push_back(sentence(fmt::format("If {}, {}", and_list(facts), settled_phrase(d, s))));
    }
    if (ex->minimal_total > kMaxCombinationsSaid)
      out.push_back(sentence(fmt::format("{} other combinations of facts settle it too", ex->minimal_total - kMaxCombinationsSaid)));
  }

  void conflict(Index d, std::vector<std::string>& out) const {
    const DecisionResult& res = ev_.outcome.decisions[d];
    if (res.setting == kNone || res.other == kNone) {
      out.push_back(sentence(fmt::format("{}: conflict, because two rules that are not exceptions to each other disagree", head(d))));
      return;
    }
    out.push_back(sentence(fmt::format(
        "{}: conflict, because {} gives {} and {} gives {}; both apply, and neither is an exception to the other", head(d),
        rule_named(p_.settings[res.setting].rule), setting_outcome(res.setting), rule_named(p_.settings[res.other].rule),
        setting_outcome(res.other))));
  }

  void not_applicable(Index d, std::vector<std::string>& out) {
    // "Conversion: not applicable, because it applies only when request is convert_to_dprk, and
    // here request is none (…)": most decisions of most cases, so built in one string.
    const CompiledDecision& decision = p_.decisions[d];
    std::string s = fresh();
    s += decision.title.empty() ? decision.name : decision.title;  // head(d)
    s += ": not applicable, because it applies only when ";
    const Range all = decision.applies_conditions;
    for (Index c = all.begin; c < all.end; ++c) {
      if (c > all.begin) s += c + 1 == all.end ? " and " : ", ";
      s += p_.conditions[c].text;
    }
    const Index failed = ev_.trace.decisions[d].failed_applies;
    if (failed != kNone) {
      s += ", and here ";
      condition_phrase_to(s, failed);
    }
    out.push_back(sentence(std::move(s)));
  }

  void rests_on(Index d, std::vector<std::string>& out) const {
    const Range r = ev_.trace.decisions[d].rests_on;
    if (r.empty()) return;
    std::vector<std::string> parts;
    for (Index i = r.begin; i < r.end; ++i) {
      const Index slot = ev_.trace.rests_on[i];
      parts.push_back(fmt::format("{} ({})", p_.facts[slot].name, provenance_words(ev_, slot)));
    }
    out.push_back(sentence(fmt::format("This rests on {} that {} not documented: {}", r.size() == 1 ? "a fact" : "facts",
                                       r.size() == 1 ? "is" : "are", and_list(parts))));
  }
};

}  // namespace

bool DecisionExplanation::is_decisive(Index condition) const { return contains(decisive, condition); }

std::string provenance_words(const CaseEvaluation& ev, Index slot) {
  std::string s;
  provenance_words_to(s, ev, slot);
  return s;
}

DecisionExplanation explain_decision(const CompiledPolicy& policy, const CaseEvaluation& ev, Index decision) {
  SingleFlips flips(policy);
  std::vector<std::string> spare, rule_names;
  DecisionExplanation x;
  Explainer(policy, ev, flips, spare, rule_names).decision(decision, x);
  return x;
}

std::vector<DecisionExplanation> explain_case(const CompiledPolicy& policy, const CaseEvaluation& ev) {
  CaseExplainer explainer(policy);
  return explainer.explain(ev);
}

const std::vector<DecisionExplanation>& explanations_for(const CompiledPolicy& policy, const CaseEvaluation& ev,
                                                         CaseExplainer* explainer, std::vector<DecisionExplanation>& own) {
  if (ev.trace.conditions.empty()) return own;
  if (explainer != nullptr) return explainer->explain(ev);
  own = explain_case(policy, ev);
  return own;
}

CaseExplainer::CaseExplainer(const CompiledPolicy& policy) : policy_(policy), flips_(policy) {}

const std::vector<DecisionExplanation>& CaseExplainer::explain(const CaseEvaluation& ev) {
  explanations_.resize(policy_.decisions.size());
  Explainer x(policy_, ev, flips_, spare_, rule_names_);
  for (std::size_t d = 0; d < explanations_.size(); ++d) x.decision(static_cast<Index>(d), explanations_[d]);
  return explanations_;
}

}  // namespace decree::engine

// The evaluator: Kleene conditions, exceptions in chains, unknown exceptions, conflicts,
// defaults, not applicable, undetermined outcomes with the facts that settle them, packed facts.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/history.hpp"
#include "engine/trace.hpp"

namespace decree::engine {
namespace {

CompiledPolicy compile_text(const std::string& text) {
  auto parsed = dsl::parse(text, "test.decree");
  EXPECT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].message);
  if (!parsed.policy) return {};
  auto diagnostics = dsl::check(*parsed.policy);
  for (const auto& d : diagnostics) EXPECT_NE(d.severity, Severity::Error) << d.message;
  auto compiled = compile(*parsed.policy);
  EXPECT_TRUE(compiled.policy.has_value());
  return compiled.policy ? std::move(*compiled.policy) : CompiledPolicy{};
}

// Facts by name; the others unknown.
std::vector<Value> facts(const CompiledPolicy& p, std::initializer_list<std::pair<const char*, Value>> given) {
  std::vector<Value> v(p.facts.size());
  for (const auto& [name, value] : given) {
    const Index slot = p.find_fact(name);
    EXPECT_NE(slot, kNone) << name;
    if (slot != kNone) v[slot] = value;
  }
  return v;
}

Value B(bool b) { return Value::of_bool(b); }
Value E(const CompiledPolicy& p, const char* fact, const char* value) {
  const auto& values = p.facts[p.find_fact(fact)].type.values;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] == value) return Value::of_enum(static_cast<std::uint32_t>(i), value);
  ADD_FAILURE() << value;
  return {};
}

std::string word(const CompiledPolicy& p, const Outcome& o, const char* decision) {
  const Index d = p.find_decision(decision);
  return outcome_word(p, d, o.decisions[d]);
}

std::string decide(const CompiledPolicy& p, const std::vector<Value>& f, const char* decision = "d") {
  Outcome o;
  evaluate(p, f, o);
  return word(p, o, decision);
}

// ---- Kleene logic through the evaluator: a rule `when a OP b` sets d = yes; unknown leaves
// the decision undetermined, false leaves it to its default `no`. -----------------------------

const char* kTwoFacts = R"(
policy t "t"
fact a: bool
fact b: bool
decision d: yes | no
  default no
rule both: when a and b then d = yes
)";

struct Row {
  int a, b;  // 0 false, 1 true, 2 unknown
  const char* expected;
};

Value tri_value(int x) { return x == 2 ? Value::unknown() : B(x == 1); }

class EvaluatedAnd : public ::testing::TestWithParam<Row> {};
TEST_P(EvaluatedAnd, Table) {
  const auto p = compile_text(kTwoFacts);
  const Row r = GetParam();
  EXPECT_EQ(decide(p, facts(p, {{"a", tri_value(r.a)}, {"b", tri_value(r.b)}})), r.expected);
}
INSTANTIATE_TEST_SUITE_P(Rows, EvaluatedAnd,
                         ::testing::Values(Row{1, 1, "yes"}, Row{1, 0, "no"}, Row{1, 2, "undetermined"},
                                           Row{0, 1, "no"}, Row{0, 0, "no"}, Row{0, 2, "no"},
                                           Row{2, 1, "undetermined"}, Row{2, 0, "no"}, Row{2, 2, "undetermined"}));

class EvaluatedOr : public ::testing::TestWithParam<Row> {};
TEST_P(EvaluatedOr, Table) {
  std::string text = kTwoFacts;
  text.replace(text.find("a and b"), 7, "a or b");
  const auto p = compile_text(text);
  const Row r = GetParam();
  EXPECT_EQ(decide(p, facts(p, {{"a", tri_value(r.a)}, {"b", tri_value(r.b)}})), r.expected);
}
INSTANTIATE_TEST_SUITE_P(Rows, EvaluatedOr,
                         ::testing::Values(Row{1, 1, "yes"}, Row{1, 0, "yes"}, Row{1, 2, "yes"},
                                           Row{0, 1, "yes"}, Row{0, 0, "no"}, Row{0, 2, "undetermined"},
                                           Row{2, 1, "yes"}, Row{2, 0, "undetermined"}, Row{2, 2, "undetermined"}));

class EvaluatedNot : public ::testing::TestWithParam<Row> {};
TEST_P(EvaluatedNot, Table) {
  std::string text = kTwoFacts;
  text.replace(text.find("a and b"), 7, "not a");
  const auto p = compile_text(text);
  const Row r = GetParam();
  EXPECT_EQ(decide(p, facts(p, {{"a", tri_value(r.a)}})), r.expected);
}
INSTANTIATE_TEST_SUITE_P(Rows, EvaluatedNot,
                         ::testing::Values(Row{1, 0, "no"}, Row{0, 0, "yes"}, Row{2, 0, "undetermined"}));

// ---- comparisons ------------------------------------------------------------------------------

const char* kCompare = R"(
policy t "t"
fact n: int
fact m: int
fact day: date
fact who: text
fact color: red | green
decision d: yes | no
  default no
rule big: when n > 3 then d = yes
decision e: yes | no
  default no
rule same: when n = m then e = yes
decision f: yes | no
  default no
rule late: when day >= 1956-02-10 then f = yes
decision g: yes | no
  default no
rule named: when who = "minister" and color is not green then g = yes
)";

TEST(Evaluate, ComparisonWithAnUnknownOperandIsUnknown) {
  const auto p = compile_text(kCompare);
  EXPECT_EQ(decide(p, facts(p, {}), "d"), "undetermined");
  EXPECT_EQ(decide(p, facts(p, {{"n", Value::of_int(4)}}), "d"), "yes");
  EXPECT_EQ(decide(p, facts(p, {{"n", Value::of_int(3)}}), "d"), "no");
  EXPECT_EQ(decide(p, facts(p, {{"n", Value::of_int(3)}}), "e"), "undetermined");  // m unknown
  EXPECT_EQ(decide(p, facts(p, {{"n", Value::of_int(3)}, {"m", Value::of_int(3)}}), "e"), "yes");
}

TEST(Evaluate, DatesTextsAndEnumerations) {
  const auto p = compile_text(kCompare);
  const std::int32_t feb10 = ast::days_since_epoch({1956, 2, 10});
  EXPECT_EQ(decide(p, facts(p, {{"day", Value::of_date(feb10)}}), "f"), "yes");
  EXPECT_EQ(decide(p, facts(p, {{"day", Value::of_date(feb10 - 1)}}), "f"), "no");
  EXPECT_EQ(decide(p, facts(p, {{"who", Value::of_text("minister")}, {"color", E(p, "color", "red")}}), "g"), "yes");
  EXPECT_EQ(decide(p, facts(p, {{"who", Value::of_text("minister")}, {"color", E(p, "color", "green")}}), "g"), "no");
  EXPECT_EQ(decide(p, facts(p, {{"who", Value::of_text("general")}}), "g"), "no");  // false and unknown
  EXPECT_EQ(decide(p, facts(p, {{"who", Value::of_text("minister")}}), "g"), "undetermined");
}

TEST(Evaluate, KnownAndUnknownTestsAreNeverUnknown) {
  const auto p = compile_text(R"(
policy t "t"
fact a: bool
decision d: yes | no
  default no
rule r: when a is unknown then d = yes
)");
  EXPECT_EQ(decide(p, facts(p, {})), "yes");
  EXPECT_EQ(decide(p, facts(p, {{"a", B(false)}})), "no");
}

// ---- exceptions ------------------------------------------------------------------------------

const char* kChain = R"(
policy t "t"
fact eligible: bool
fact misdemeanor: bool
fact ill: bool
decision d: granted | refused
  default refused
authority embassy "e"
obligation report "r"
rule grant: when eligible then d = granted by embassy, owe report
rule locally:
  exception to grant
  when eligible and misdemeanor
  then d = refused by embassy
rule ill_returns:
  exception to locally
  when eligible and misdemeanor and ill
  then d = granted by embassy
)";

TEST(Exceptions, AnExceptionThatAppliesDefeatsTheRuleItNames) {
  const auto p = compile_text(kChain);
  Outcome o;
  const auto f = facts(p, {{"eligible", B(true)}, {"misdemeanor", B(true)}, {"ill", B(false)}});
  evaluate(p, f, o);
  EXPECT_EQ(word(p, o, "d"), "refused");
  EXPECT_EQ(o.decisions[0].status, Status::Decided);
  EXPECT_EQ(p.rules[p.settings[o.decisions[0].setting].rule].name, "locally");
  EXPECT_EQ(p.authorities[o.decisions[0].by].name, "embassy");
  EXPECT_TRUE(o.owed.empty()) << "a defeated rule owes nothing";
  Trace t;
  build_trace(p, f, {}, o, t);
  EXPECT_EQ(t.rules[p.find_rule("grant")].state, RuleState::Defeated);
  EXPECT_EQ(t.rules[p.find_rule("grant")].defeated_by, p.find_rule("locally"));
  EXPECT_EQ(t.rules[p.find_rule("ill_returns")].state, RuleState::NotApplied);
  EXPECT_EQ(p.conditions[t.rules[p.find_rule("ill_returns")].failed].text, "ill");
}

TEST(Exceptions, AChainRestoresTheFirstRule) {
  const auto p = compile_text(kChain);
  Outcome o;
  evaluate(p, facts(p, {{"eligible", B(true)}, {"misdemeanor", B(true)}, {"ill", B(true)}}), o);
  EXPECT_EQ(word(p, o, "d"), "granted");  // grant and ill_returns agree: no conflict
  EXPECT_EQ(o.effective[p.find_rule("grant")], Tri::True);
  EXPECT_EQ(o.effective[p.find_rule("locally")], Tri::False);
  ASSERT_EQ(o.owed.size(), 1u);
  EXPECT_EQ(p.rules[p.owes[o.owed[0]].rule].name, "grant");
}

TEST(Exceptions, AnUnknownExceptionLeavesWhatItMightDefeatUndetermined) {
  const auto p = compile_text(kChain);
  const auto f = facts(p, {{"eligible", B(true)}, {"misdemeanor", B(true)}});
  Outcome o;
  evaluate(p, f, o);
  EXPECT_EQ(o.decisions[0].status, Status::Undetermined);
  EXPECT_EQ(o.effective[p.find_rule("ill_returns")], Tri::Unknown);
  EXPECT_EQ(o.effective[p.find_rule("locally")], Tri::Unknown);
  EXPECT_EQ(o.effective[p.find_rule("grant")], Tri::Unknown);
  EXPECT_TRUE(o.owed.empty()) << "an obligation is owed only when its rule surely stands";
  Trace t;
  build_trace(p, f, {}, o, t);
  EXPECT_EQ(t.rules[p.find_rule("locally")].state, RuleState::MaybeDefeated);
  EXPECT_EQ(t.rules[p.find_rule("locally")].defeated_by, p.find_rule("ill_returns"));
  EXPECT_EQ(t.rules[p.find_rule("ill_returns")].state, RuleState::Unknown);

  const auto ex = explore(p, f, 0);
  ASSERT_EQ(ex.needs.size(), 1u);
  EXPECT_EQ(p.facts[ex.needs[0]].name, "ill");
  ASSERT_EQ(ex.single.size(), 2u);
  EXPECT_EQ(to_string(ex.single[0].facts[0].value), "false");
  EXPECT_EQ(outcome_word(p, 0, ex.single[0].result), "refused");
  EXPECT_EQ(outcome_word(p, 0, ex.single[1].result), "granted");
}

TEST(Exceptions, AFalseExceptionDefeatsNothing) {
  const auto p = compile_text(kChain);
  EXPECT_EQ(decide(p, facts(p, {{"eligible", B(true)}, {"misdemeanor", B(false)}})), "granted");
}

// ---- conflicts, defaults, no decision, not applicable ----------------------------------------

const char* kOutcomes = R"(
policy t "t"
fact request: go | stay
fact a: bool
fact b: bool
decision d: yes | no | maybe
  default no
  applies when request is go
decision e: yes | no
rule ra: when a then d = yes
rule rb: when b then d = maybe
rule rc: when a and b then d = yes
rule re: when a then e = yes
)";

TEST(Outcomes, TwoUndefeatedRulesThatDisagreeAreAConflict) {
  const auto p = compile_text(kOutcomes);
  Outcome o;
  evaluate(p, facts(p, {{"request", E(p, "request", "go")}, {"a", B(true)}, {"b", B(true)}}), o);
  const auto& r = o.decisions[p.find_decision("d")];
  EXPECT_EQ(r.status, Status::Conflict);
  EXPECT_EQ(p.rules[p.settings[r.setting].rule].name, "ra");
  EXPECT_EQ(p.rules[p.settings[r.other].rule].name, "rb");
}

TEST(Outcomes, RulesThatAgreeAreNoConflict) {
  const auto p = compile_text(kOutcomes);
  EXPECT_EQ(decide(p, facts(p, {{"request", E(p, "request", "go")}, {"a", B(true)}, {"b", B(false)}})), "yes");
}

TEST(Outcomes, AnUnknownRuleThatMightDisagreeLeavesItUndetermined) {
  const auto p = compile_text(kOutcomes);
  EXPECT_EQ(decide(p, facts(p, {{"request", E(p, "request", "go")}, {"a", B(true)}})), "undetermined");
}

TEST(Outcomes, NoRuleMeansTheDefaultOrNoDecision) {
  const auto p = compile_text(kOutcomes);
  Outcome o;
  evaluate(p, facts(p, {{"request", E(p, "request", "go")}, {"a", B(false)}, {"b", B(false)}}), o);
  EXPECT_EQ(o.decisions[p.find_decision("d")].status, Status::Defaulted);
  EXPECT_EQ(word(p, o, "d"), "no");
  EXPECT_EQ(o.decisions[p.find_decision("e")].status, Status::NoDecision);
  EXPECT_EQ(word(p, o, "e"), "no_decision");
}

TEST(Outcomes, AppliesWhenFalseIsNotApplicableAndUnknownIsUndetermined) {
  const auto p = compile_text(kOutcomes);
  EXPECT_EQ(decide(p, facts(p, {{"request", E(p, "request", "stay")}, {"a", B(true)}})), "not_applicable");
  const auto f = facts(p, {{"a", B(true)}, {"b", B(false)}});
  EXPECT_EQ(decide(p, f), "undetermined");
  const auto ex = explore(p, f, p.find_decision("d"));
  ASSERT_EQ(ex.needs.size(), 1u);
  EXPECT_EQ(p.facts[ex.needs[0]].name, "request");
  ASSERT_EQ(ex.single.size(), 2u);
  EXPECT_EQ(outcome_word(p, 0, ex.single[0].result), "yes");             // request = go
  EXPECT_EQ(outcome_word(p, 0, ex.single[1].result), "not_applicable");  // request = stay
}

// ---- what would settle an undetermined decision -----------------------------------------------

TEST(Explore, SmallestCombinationsAndSingleFacts) {
  const auto p = compile_text(kTwoFacts);
  const auto ex = explore(p, facts(p, {}), 0);
  EXPECT_FALSE(ex.too_many);
  ASSERT_EQ(ex.unknowns.size(), 2u);
  ASSERT_EQ(ex.single.size(), 4u);  // a false, a true, b false, b true
  EXPECT_EQ(outcome_word(p, 0, ex.single[0].result), "no");
  EXPECT_EQ(ex.single[1].result.status, Status::Undetermined);
  // a = false; b = false; a = true and b = true
  ASSERT_EQ(ex.minimal.size(), 3u);
  EXPECT_EQ(ex.minimal_total, 3u);
  EXPECT_EQ(ex.minimal[0].facts.size(), 1u);
  EXPECT_EQ(ex.minimal[1].facts.size(), 1u);
  ASSERT_EQ(ex.minimal[2].facts.size(), 2u);
  EXPECT_EQ(outcome_word(p, 0, ex.minimal[2].result), "yes");
  EXPECT_EQ(ex.needs.size(), 2u);
}

TEST(Explore, IntegersAreTriedAtTheBoundariesThePolicyCompares) {
  const auto p = compile_text(kCompare);
  const auto ex = explore(p, facts(p, {}), p.find_decision("d"));
  ASSERT_EQ(ex.single.size(), 3u);  // n = 2, 3, 4
  EXPECT_EQ(to_string(ex.single[0].facts[0].value), "2");
  EXPECT_EQ(outcome_word(p, 0, ex.single[0].result), "no");
  EXPECT_EQ(outcome_word(p, 0, ex.single[2].result), "yes");
}

TEST(Explore, MoreThanTwelveUnknownFactsAreNotExplored) {
  std::string text = "policy t \"t\"\ndecision d: yes | no\n  default no\n";
  std::string when;
  for (int i = 0; i < 13; ++i) {
    text += "fact f" + std::to_string(i) + ": bool\n";
    when += (i ? " and f" : "f") + std::to_string(i);
  }
  text += "rule r: when " + when + " then d = yes\n";
  const auto p = compile_text(text);
  const auto ex = explore(p, facts(p, {}), 0);
  EXPECT_TRUE(ex.too_many);
  EXPECT_EQ(ex.unknowns.size(), 13u);
  EXPECT_TRUE(ex.single.empty());
}

TEST(Explore, TwelveUnknownFactsAreExplored) {
  std::string text = "policy t \"t\"\ndecision d: yes | no\n  default no\n";
  std::string when;
  for (int i = 0; i < 12; ++i) {
    text += "fact f" + std::to_string(i) + ": bool\n";
    when += (i ? " and f" : "f") + std::to_string(i);
  }
  text += "rule r: when " + when + " then d = yes\n";
  const auto p = compile_text(text);
  const auto ex = explore(p, facts(p, {}), 0);
  EXPECT_FALSE(ex.too_many);
  EXPECT_EQ(ex.minimal_total, 13u);  // each fact false alone; all twelve true together
  EXPECT_EQ(ex.needs.size(), 12u);
}

// ---- definitions -------------------------------------------------------------------------------

TEST(Definitions, DerivedInDependencyOrderWhateverTheOrderWritten) {
  const auto p = compile_text(R"(
policy t "t"
fact a: bool
fact b: bool
define outer = inner and b
define inner = a
decision d: yes | no
  default no
rule r: when outer then d = yes
)");
  ASSERT_EQ(p.definitions.size(), 2u);
  EXPECT_EQ(p.definitions[0].name, "inner");
  const auto f = facts(p, {{"a", B(true)}, {"b", B(true)}});
  EXPECT_EQ(decide(p, f), "yes");
  Outcome o;
  evaluate(p, f, o);
  Trace t;
  build_trace(p, f, {}, o, t);
  EXPECT_EQ(t.definitions[0], Tri::True);
  EXPECT_EQ(t.definitions[1], Tri::True);
}

TEST(Definitions, TheTraceDerivesDefinitionsTheDecisionsDidNotNeed) {
  const auto p = compile_text(R"(
policy t "t"
fact a: bool
fact b: bool
define unused = b
decision d: yes | no
  default no
rule r: when a and unused then d = yes
)");
  const auto f = facts(p, {{"a", B(false)}, {"b", B(true)}});
  Outcome o;
  evaluate(p, f, o);
  EXPECT_EQ(o.definitions[0], kNotDerived);  // `a` is false: `unused` was never read
  Trace t;
  build_trace(p, f, {}, o, t);
  EXPECT_EQ(t.definitions[0], Tri::True);
}

// ---- provenance -----------------------------------------------------------------------------------

TEST(Trace, RestsOnTheInferredAndContestedFactsBehindTheDecision) {
  const auto p = compile_text(kChain);
  Case c;
  c.id = "x";
  c.facts["eligible"] = FactValue{B(true), SourceLoc{"x.yaml", 0, 3, 3, 1}, "memo p2", Certainty::Documented, "", false, ""};
  c.facts["misdemeanor"] = FactValue{B(true), SourceLoc{"x.yaml", 0, 4, 3, 1}, "memo p4", Certainty::Contested, "", false, ""};
  c.facts["ill"] = FactValue{B(false), SourceLoc{"x.yaml", 0, 5, 3, 1}, "", Certainty::Inferred, "", false, ""};
  const auto ev = evaluate_case(p, c);
  EXPECT_EQ(word(p, ev.outcome, "d"), "refused");
  const Range r = ev.trace.decisions[0].rests_on;
  std::vector<std::string> names;
  for (Index i = r.begin; i < r.end; ++i) names.push_back(p.facts[ev.trace.rests_on[i]].name);
  EXPECT_EQ(names, (std::vector<std::string>{"misdemeanor", "ill"}));
  EXPECT_EQ(ev.binding.provenance[p.find_fact("misdemeanor")]->loc.line, 4u);
  EXPECT_TRUE(ev.explorations.empty());
}

TEST(Trace, EnumerationsAreBoundByName) {
  const auto p = compile_text(kOutcomes);
  Case c;
  c.facts["request"].value = Value::of_enum(7, "stay");  // an index from another policy's order
  const auto b = bind(p, c);
  EXPECT_EQ(b.values[p.find_fact("request")].integer, 1);
}

// ---- the packed fast path gives the same outcomes -----------------------------------------------------

TEST(Packed, SameOutcomesAsValues) {
  const auto p = compile_text(kCompare);
  std::mt19937 rng(7);
  std::vector<std::string> texts;
  for (int round = 0; round < 500; ++round) {
    std::vector<Value> f(p.facts.size());
    for (std::size_t s = 0; s < f.size(); ++s) {
      const auto& probes = p.facts[s].probes;
      if (probes.empty() || rng() % 4 == 0) continue;
      f[s] = probes[rng() % probes.size()];
    }
    std::vector<PackedValue> packed;
    for (const auto& v : f) packed.push_back(pack(v, texts));
    Outcome a, b;
    evaluate(p, f, a);
    evaluate(p, packed, texts, b);
    EXPECT_EQ(a.decisions, b.decisions);
    EXPECT_EQ(a.owed, b.owed);
  }
}

// ---- rules that follow from a decision (`when d is yes then owe report`) ------------------

const char* kFollows = R"(
policy f "Rules that follow from a decision"
fact a: bool
fact b: bool
fact c: bool
decision d: yes | no
  default no
  applies when c
authority office
obligation report
flag not_yes
rule grant: when a then d = yes by office
rule deny: when b then d = no
rule follow: when d is yes then owe report
rule other: when d is not yes then flag not_yes
)";

struct Followed {
  std::string decision;
  bool owed = false;
  bool raised = false;
};

Followed follow(const CompiledPolicy& p, const std::vector<Value>& f) {
  Outcome o;
  evaluate(p, f, o);
  auto named = name_outcome(p, o);
  return {word(p, o, "d"), !named.obligations.empty(), !named.flags.empty()};
}

TEST(Follows, ARuleReadsTheSettledDecision) {
  const auto p = compile_text(kFollows);
  auto granted = follow(p, facts(p, {{"a", B(true)}, {"b", B(false)}, {"c", B(true)}}));
  EXPECT_EQ(granted.decision, "yes");
  EXPECT_TRUE(granted.owed);
  EXPECT_FALSE(granted.raised);
  auto by_default = follow(p, facts(p, {{"a", B(false)}, {"b", B(false)}, {"c", B(true)}}));
  EXPECT_EQ(by_default.decision, "no");
  EXPECT_FALSE(by_default.owed);
  EXPECT_TRUE(by_default.raised);
  auto not_applicable = follow(p, facts(p, {{"a", B(true)}, {"c", B(false)}}));
  EXPECT_EQ(not_applicable.decision, "not_applicable");
  EXPECT_FALSE(not_applicable.owed);
  EXPECT_TRUE(not_applicable.raised);  // `d is not yes` holds when d does not apply
}

TEST(Follows, AnUndecidedDecisionLeavesWhatFollowsOpenOnlyWhereTheValueIsPossible) {
  const auto p = compile_text(kFollows);
  // `yes` might still come (grant unknown): neither owed nor surely not.
  auto open = follow(p, facts(p, {{"b", B(false)}, {"c", B(true)}}));
  EXPECT_EQ(open.decision, "undetermined");
  EXPECT_FALSE(open.owed);
  EXPECT_FALSE(open.raised);
  // Only `no` might come (deny unknown, grant false, default no): `d is yes` is false.
  auto never_yes = follow(p, facts(p, {{"a", B(false)}, {"c", B(true)}}));
  EXPECT_EQ(never_yes.decision, "undetermined");
  EXPECT_FALSE(never_yes.owed);
  EXPECT_TRUE(never_yes.raised);
  // A conflict says nothing about the value.
  auto conflict = follow(p, facts(p, {{"a", B(true)}, {"b", B(true)}, {"c", B(true)}}));
  EXPECT_EQ(conflict.decision, "conflict");
  EXPECT_FALSE(conflict.owed);
  EXPECT_FALSE(conflict.raised);
}

TEST(Follows, TheConditionReadsTheFactsOfTheDecisionAndSettlementsSayWhatIsOwed) {
  const auto p = compile_text(kFollows);
  const Index follow_rule = p.find_rule("follow");
  const Condition& c = p.conditions[p.rules[follow_rule].conditions.begin];
  std::vector<std::string> read;
  for (Index i = c.all_facts.begin; i < c.all_facts.end; ++i) read.push_back(p.facts[p.reads[i]].name);
  EXPECT_EQ(read, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(c.decisions.size(), 1u);
  EXPECT_EQ(p.reads[c.decisions.begin], p.find_decision("d"));

  auto f = facts(p, {{"b", B(false)}, {"c", B(true)}});
  auto ex = explore(p, f, p.find_decision("d"));
  ASSERT_EQ(ex.single.size(), 2u);  // a = false, a = true
  EXPECT_TRUE(ex.single[0].owed.empty());
  ASSERT_EQ(ex.single[1].owed.size(), 1u);
  EXPECT_EQ(p.owes[ex.single[1].owed[0]].rule, follow_rule);
}

}  // namespace
}  // namespace decree::engine

// ---- scope: a case outside the policy is not decided by it ---------------------------------

namespace decree::engine {
namespace {

const char* kScoped = R"(
policy p "scoped"
  scope citizen
fact citizen: bool "A citizen"
fact asks: bool "Asks"
fact good: bool "A good case"
decision d "D": yes | no
  default no
  applies when asks
obligation o "Owed"
rule r "R":
  when good
  then d = yes, owe o
)";

TEST(Scope, FalseIsOutsideTrueDecidesUnknownIsOpen) {
  auto p = compile_text(kScoped);
  Outcome o;
  evaluate(p, facts(p, {{"citizen", B(false)}, {"asks", B(true)}, {"good", B(true)}}), o);
  EXPECT_EQ(word(p, o, "d"), "outside");
  EXPECT_EQ(o.in_scope, Tri::False);
  EXPECT_TRUE(o.owed.empty());  // nothing is owed outside the policy
  evaluate(p, facts(p, {{"citizen", B(true)}, {"asks", B(true)}, {"good", B(true)}}), o);
  EXPECT_EQ(word(p, o, "d"), "yes");
  EXPECT_EQ(o.owed.size(), 1u);
  evaluate(p, facts(p, {{"asks", B(true)}, {"good", B(false)}}), o);
  EXPECT_EQ(word(p, o, "d"), "undetermined");  // outside, or the default
  EXPECT_TRUE(o.owed.empty());
  // Not applicable stays not applicable, inside or outside.
  evaluate(p, facts(p, {{"citizen", B(false)}, {"asks", B(false)}}), o);
  EXPECT_EQ(word(p, o, "d"), "not_applicable");
}

// A historical case outside the policy's scope: what history records is not addressed by the
// rules (they say nothing of the case), not left open by unknown facts.
TEST(Scope, HistoryOfACaseOutsideIsNotAddressed) {
  auto p = compile_text(kScoped);
  Case c;
  c.id = "outside";
  c.facts["citizen"].value = B(false);
  c.facts["asks"].value = B(true);
  c.history = History{};
  c.history->decisions["d"] = "yes";
  const CaseEvaluation ev = evaluate_case(p, c, EvalOptions{});
  ASSERT_EQ(word(p, ev.outcome, "d"), "outside");
  const auto compared = compare_history(p, ev);
  ASSERT_EQ(compared.size(), 1u);
  EXPECT_EQ(compared[0].agreement, Agreement::NotAddressed);
}

TEST(Scope, ExploreNamesTheScopesFacts) {
  auto p = compile_text(kScoped);
  auto f = facts(p, {{"asks", B(true)}, {"good", B(true)}});
  auto ex = explore(p, f, p.find_decision("d"));
  ASSERT_EQ(ex.needs.size(), 1u);
  EXPECT_EQ(p.facts[ex.needs[0]].name, "citizen");
}

}  // namespace
}  // namespace decree::engine

// ---- sets: Kleene membership, member by member --------------------------------------------

namespace decree::engine {
namespace {

const char* kSets = R"(
policy p "sets"
type reason: illness | family | work
fact reasons: set of reason "Reasons"
fact recorded: reason "Recorded"
define has_illness = reasons has illness
define none_given = reasons is empty
define some_given = reasons is not empty
define has_recorded = reasons has recorded
)";

Tri def(const CompiledPolicy& p, const std::vector<Value>& f, const char* name) {
  std::vector<Tri> defs(p.definitions.size(), kNotDerived);
  return eval_condition(p, f, defs, p.definitions[p.find_definition(name)].body);
}

TEST(Sets, KleeneTruthTable) {
  auto p = compile_text(kSets);
  const std::vector<std::string> values = {"illness", "family", "work"};
  const Value whole = Value::of_set({"illness", "family"}, {}, true, values);
  const Value without = Value::of_set({"family"}, {}, true, values);
  const Value empty = Value::of_set({}, {}, true, values);
  const Value part = Value::of_set({"family"}, {}, false, values);            // family, others unknown
  const Value part_no = Value::of_set({"family"}, {"illness"}, false, values);  // family, not illness
  struct Row {
    Value v;
    Tri has_illness, none, some;
  };
  const std::vector<Row> rows = {
      {whole, Tri::True, Tri::False, Tri::True},           {without, Tri::False, Tri::False, Tri::True},
      {empty, Tri::False, Tri::True, Tri::False},          {part, Tri::Unknown, Tri::False, Tri::True},
      {part_no, Tri::False, Tri::False, Tri::True},        {Value::unknown(), Tri::Unknown, Tri::Unknown, Tri::Unknown},
      {Value::of_set({}, {"illness"}, false, values), Tri::False, Tri::Unknown, Tri::Unknown},
      {Value::of_set({}, {"illness", "family", "work"}, false, values), Tri::False, Tri::True, Tri::False},
  };
  for (const auto& row : rows) {
    auto f = facts(p, {{"reasons", row.v}});
    EXPECT_EQ(def(p, f, "has_illness"), row.has_illness) << to_string(row.v);
    EXPECT_EQ(def(p, f, "none_given"), row.none) << to_string(row.v);
    EXPECT_EQ(def(p, f, "some_given"), row.some) << to_string(row.v);
  }
  // `has` a fact's value: unknown while the fact is.
  EXPECT_EQ(def(p, facts(p, {{"reasons", whole}}), "has_recorded"), Tri::Unknown);
  EXPECT_EQ(def(p, facts(p, {{"reasons", whole}, {"recorded", E(p, "recorded", "family")}}), "has_recorded"), Tri::True);
  EXPECT_EQ(def(p, facts(p, {{"reasons", whole}, {"recorded", E(p, "recorded", "work")}}), "has_recorded"), Tri::False);
  EXPECT_EQ(def(p, facts(p, {{"reasons", part}, {"recorded", E(p, "recorded", "work")}}), "has_recorded"), Tri::Unknown);
}

TEST(Sets, DisplayAndRebinding) {
  const std::vector<std::string> values = {"illness", "family", "work"};
  EXPECT_EQ(to_string(Value::of_set({"family", "illness"}, {}, true, values)), "[illness, family]");
  EXPECT_EQ(to_string(Value::of_set({}, {}, true, values)), "[]");
  EXPECT_EQ(to_string(Value::of_set({"family"}, {"work"}, false, values)), "[family, …] without work");
  // Bound to a policy that lists the values in another order, the members keep their names.
  dsl::FactType other;
  other.kind = dsl::FactType::Kind::Set;
  other.values = {"work", "family", "illness"};
  const Value v = bind_value(other, Value::of_set({"illness"}, {}, true, values));
  EXPECT_EQ(v.integer & 0xFFFFFFFF, 0b100);
  EXPECT_EQ(to_string(v), "[illness]");
  // A member the other policy does not have: the set cannot be represented, so it is unknown.
  other.values = {"work", "family"};
  EXPECT_FALSE(bind_value(other, Value::of_set({"illness"}, {}, true, values)).known());
}

}  // namespace
}  // namespace decree::engine

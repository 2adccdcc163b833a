// Policy diffs: outcomes compared by name across separately compiled policies, the grounds of
// each side, obligations and flags owed under one side only, the summary matrix, facts only one
// policy declares; and the property that a policy diffed against itself differs nowhere.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/diff.hpp"
#include "engine/evaluate.hpp"
#include "engine/population.hpp"

namespace decree::engine {
namespace {

struct Loaded {
  ast::Policy ast;
  CompiledPolicy compiled;
};

Loaded compile_text(const std::string& text) {
  auto parsed = dsl::parse(text, "test.decree");
  EXPECT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].message);
  ast::Policy a = *parsed.policy;
  for (const auto& d : dsl::check(a)) EXPECT_NE(d.severity, Severity::Error) << d.message;
  auto compiled = compile(a);
  EXPECT_TRUE(compiled.policy.has_value());
  return {a, *compiled.policy};
}

const char* kA = R"(policy a "A"
  source memo "memo"
fact citizen: bool
fact request: return_to_ussr | none
fact friends: agree | object
fact misdemeanor: bool
authority embassy "The embassy"
obligation report "A report"
flag check "Look again"
decision return: granted | refused
  default refused
  applies when request is return_to_ussr
rule grant "Grant":
  when citizen and request is return_to_ussr and friends is agree
  then return = granted by embassy, owe report
  cites memo p4
rule answer_locally "Misdemeanants stay":
  exception to grant
  when misdemeanor
  then return = refused by embassy
  cites memo p4
rule look "Look at objections":
  when friends is object
  then flag check
  cites memo p4
)";

// B: no friends' veto, no exception for misdemeanants, a new fact `ill` that flags.
const char* kB = R"(policy b "B"
  source memo "memo"
fact citizen: bool
fact request: return_to_ussr | none
fact friends: agree | object
fact misdemeanor: bool
fact ill: bool
authority embassy "The embassy"
obligation report "A report"
flag check "Look again"
flag illness "Ill"
decision return: granted | refused
  default refused
  applies when request is return_to_ussr
rule grant "Grant":
  when citizen and request is return_to_ussr
  then return = granted by embassy, owe report
  cites memo p4
rule note_illness "Note illness":
  when ill
  then flag illness
  cites memo p4
)";

Case make(std::string id, std::initializer_list<std::pair<const char*, Value>> facts) {
  Case c;
  c.id = std::move(id);
  for (const auto& [name, v] : facts) c.facts[name].value = v;
  return c;
}

Value B(bool b) { return Value::of_bool(b); }
Value E(const char* name) { return Value::of_enum(0, name); }  // bound by name, whatever the index

CaseVerdict verdict(PolicyPair& pair, const Case& c, DiffSummary* summary = nullptr) {
  const Binding ba = bind(pair.a(), c), bb = bind(pair.b(), c);
  Outcome oa, ob;
  evaluate(pair.a(), ba.values, oa);
  evaluate(pair.b(), bb.values, ob);
  return pair.compare(ba.values, oa, bb.values, ob, summary);
}

TEST(Diff, SameOutcomeIsNoDifference) {
  auto a = compile_text(kA), b = compile_text(kB);
  PolicyPair pair(a.compiled, b.compiled);
  const Case c = make("plain", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}, {"misdemeanor", B(false)}});
  EXPECT_FALSE(verdict(pair, c).outcome_differs);
  EXPECT_TRUE(pair.explain(c).decisions.empty());
}

TEST(Diff, AChangedValueIsExplainedOnBothSides) {
  auto a = compile_text(kA), b = compile_text(kB);
  PolicyPair pair(a.compiled, b.compiled);
  const Case c = make("misdemeanant", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}, {"misdemeanor", B(true)}});
  EXPECT_TRUE(verdict(pair, c).outcome_differs);
  const CaseDiff d = pair.explain(c);
  ASSERT_EQ(d.decisions.size(), 1u);
  const DecisionDiff& dd = d.decisions[0];
  EXPECT_EQ(dd.decision, "return");
  EXPECT_TRUE(dd.outcome_differs);
  EXPECT_EQ(dd.a.outcome, "refused");
  EXPECT_EQ(dd.a.rule, "answer_locally");
  EXPECT_EQ(dd.a.by, "embassy");
  ASSERT_GE(dd.a.rules.size(), 2u);
  EXPECT_EQ(dd.a.rules[0].rule, "answer_locally");
  EXPECT_EQ(dd.a.rules[0].state, RuleState::Applies);
  EXPECT_EQ(dd.a.rules[1].rule, "grant");
  EXPECT_EQ(dd.a.rules[1].state, RuleState::Defeated);
  EXPECT_EQ(dd.a.rules[1].defeated_by, "answer_locally");
  EXPECT_EQ(dd.b.outcome, "granted");
  EXPECT_EQ(dd.b.rule, "grant");
  ASSERT_EQ(dd.b.rules.size(), 1u);
  ASSERT_EQ(dd.b.rules[0].conditions.size(), 2u);  // citizen, request is return_to_ussr
  EXPECT_EQ(dd.b.rules[0].conditions[1].text, "request is return_to_ussr");
  EXPECT_EQ(dd.b.rules[0].conditions[1].value, Tri::True);
  // The report is owed only under B, by its grant.
  ASSERT_EQ(d.obligations.size(), 1u);
  EXPECT_EQ(d.obligations[0].name, "report");
  EXPECT_TRUE(d.obligations[0].in_b);
  EXPECT_EQ(d.obligations[0].rules, std::vector<std::string>{"grant"});
}

TEST(Diff, TheDefaultIsExplainedByWhatStoppedEachRule) {
  auto a = compile_text(kA), b = compile_text(kB);
  PolicyPair pair(a.compiled, b.compiled);
  const Case c = make("objected", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("object")}, {"misdemeanor", B(false)}});
  const CaseDiff d = pair.explain(c);
  ASSERT_EQ(d.decisions.size(), 1u);
  const Ground& g = d.decisions[0].a;
  EXPECT_EQ(g.status, "default");
  EXPECT_EQ(g.default_value, "refused");
  ASSERT_FALSE(g.rules.empty());
  EXPECT_EQ(g.rules[0].rule, "grant");
  EXPECT_EQ(g.rules[0].state, RuleState::NotApplied);
  ASSERT_EQ(g.rules[0].conditions.size(), 1u);
  EXPECT_EQ(g.rules[0].conditions[0].text, "friends is agree");
  EXPECT_EQ(g.rules[0].conditions[0].value, Tri::False);
  // The flag `check` is raised under A only (B's rule for it is gone).
  ASSERT_EQ(d.flags.size(), 1u);
  EXPECT_EQ(d.flags[0].name, "check");
  EXPECT_TRUE(d.flags[0].in_a);
}

TEST(Diff, UndeterminedSaysWhatWouldSettleIt) {
  auto a = compile_text(kA), b = compile_text(kB);
  PolicyPair pair(a.compiled, b.compiled);
  const Case c = make("open", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}});
  const CaseDiff d = pair.explain(c);
  ASSERT_EQ(d.decisions.size(), 1u);
  const Ground& g = d.decisions[0].a;
  EXPECT_EQ(g.status, "undetermined");
  EXPECT_EQ(g.needs, std::vector<std::string>{"misdemeanor"});
  ASSERT_EQ(g.branches.size(), 2u);
  EXPECT_EQ(g.branches[0].facts[0].first, "misdemeanor");
  EXPECT_EQ(d.decisions[0].b.outcome, "granted");
}

TEST(Diff, NotApplicableAndAbsentAreTheSame) {
  auto a = compile_text(kA);
  std::string renamed = kA;
  for (const std::string from : {"decision return:", "then return ="}) {
    const std::string to = from == "decision return:" ? "decision returns:" : "then returns =";
    for (auto at = renamed.find(from); at != std::string::npos; at = renamed.find(from, at + to.size())) renamed.replace(at, from.size(), to);
  }
  auto b = compile_text(renamed);
  PolicyPair pair(a.compiled, b.compiled);
  const Case stays = make("stays", {{"request", E("none")}});
  EXPECT_FALSE(verdict(pair, stays).outcome_differs);
  const Case asks = make("asks", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}, {"misdemeanor", B(false)}});
  const CaseDiff d = pair.explain(asks);
  ASSERT_EQ(d.decisions.size(), 2u);  // `return` gone from B, `returns` new in B
  EXPECT_EQ(d.decisions[0].decision, "return");
  EXPECT_FALSE(d.decisions[0].b.present);
  EXPECT_EQ(d.decisions[0].b.outcome, "absent");
  EXPECT_EQ(d.decisions[1].decision, "returns");
  EXPECT_FALSE(d.decisions[1].a.present);
}

TEST(Diff, AFactOnlyOnePolicyDeclaresIsAbsentForTheOther) {
  auto a = compile_text(kA), b = compile_text(kB);
  const ast::Policy for_a = with_facts_of(a.ast, b.ast);
  bool has_ill = false;
  for (const auto& item : for_a.items)
    if (item.kind == ast::ItemKind::Fact && std::get<ast::FactDecl>(item.body).name.text == "ill") has_ill = true;
  EXPECT_TRUE(has_ill);
  PolicyPair pair(a.compiled, b.compiled);
  const Case c = make("ill", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")},
                              {"misdemeanor", B(false)}, {"ill", B(true)}});
  const CaseDiff d = pair.explain(c);
  EXPECT_TRUE(d.decisions.empty());
  ASSERT_EQ(d.flags.size(), 1u);
  EXPECT_EQ(d.flags[0].name, "illness");
  EXPECT_TRUE(d.flags[0].in_b);
}

TEST(Diff, SameOutcomeOnOtherGrounds) {
  auto a = compile_text(kA);
  std::string renamed = kA;
  renamed.replace(renamed.find("rule answer_locally"), 19, "rule stay_put");
  auto b = compile_text(renamed);
  PolicyPair pair(a.compiled, b.compiled);
  const Case c = make("m", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}, {"misdemeanor", B(true)}});
  const CaseVerdict v = verdict(pair, c);
  EXPECT_FALSE(v.outcome_differs);
  EXPECT_TRUE(v.grounds_differ);
  EXPECT_TRUE(pair.explain(c).decisions.empty());
  const CaseDiff g = pair.explain(c, true);
  ASSERT_EQ(g.decisions.size(), 1u);
  EXPECT_FALSE(g.decisions[0].outcome_differs);
  EXPECT_EQ(g.decisions[0].a.rule, "answer_locally");
  EXPECT_EQ(g.decisions[0].b.rule, "stay_put");
}

TEST(Diff, TheSummaryCountsEveryPair) {
  auto a = compile_text(kA), b = compile_text(kB);
  PolicyPair pair(a.compiled, b.compiled);
  DiffSummary s;
  const std::vector<Case> cases = {
      make("1", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}, {"misdemeanor", B(false)}}),
      make("2", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("agree")}, {"misdemeanor", B(true)}}),
      make("3", {{"citizen", B(true)}, {"request", E("return_to_ussr")}, {"friends", E("object")}, {"misdemeanor", B(true)}}),
      make("4", {{"request", E("none")}}),
  };
  for (const auto& c : cases) verdict(pair, c, &s);
  pair.finish(s);
  EXPECT_EQ(s.cases, 4u);
  EXPECT_EQ(s.differing, 2u);
  ASSERT_EQ(s.decisions.size(), 1u);
  const DiffMatrix& m = s.decisions[0];
  EXPECT_EQ(m.rows, (std::vector<std::string>{"granted", "refused", "not_applicable"}));
  EXPECT_EQ(m.columns, (std::vector<std::string>{"granted", "not_applicable"}));
  EXPECT_EQ(m.counts[0][0], 1u);  // granted, granted
  EXPECT_EQ(m.counts[1][0], 2u);  // refused (by the exception, and by default), granted
  EXPECT_EQ(m.counts[2][1], 1u);
  EXPECT_EQ(m.differing, 2u);
  ASSERT_EQ(s.obligations.size(), 1u);
  EXPECT_EQ(s.obligations[0].a, 1u);
  EXPECT_EQ(s.obligations[0].b, 3u);
  EXPECT_EQ(s.obligations[0].only_b, 2u);
}

// ---- property: a policy against itself -----------------------------------------------------

const char* kSelfPopulation = R"(population:
  name: self
  size: 3000
  seed: 20240601
traits:
  removed: {true: 0.3, false: rest}
facts:
  soviet_citizen: {true: 0.9, false: 0.05, unknown: rest}
  ethnicity: {korean: 0.9, other: 0.05, unknown: rest}
  left_for_permanent_work: {true: 0.8, false: 0.1, unknown: rest}
  request: {return_to_ussr: 0.5, convert_to_dprk: 0.2, dual_citizenship: 0.2, none: 0.05, unknown: rest}
  friends_position: {agree: 0.3, do_not_object: 0.3, object: 0.2, unknown: rest}
  misdemeanor:
    default: {true: 0.2, false: 0.6, unknown: rest}
    when:
      - if: {removed: true}
        times: {true: 2}
  fears_difficulties: {true: 0.3, false: 0.3, unknown: rest}
  justified: {true: 0.4, false: 0.3, unknown: rest}
  exceptional_misdemeanant: {true: 0.2, false: 0.2, unknown: rest}
  stated_reasons: {illness: 0.3, family: 0.3, other_reasons: 0.2, unknown: rest}
  recorded_reason: {illness: 0.2, misdemeanors: 0.2, other_reasons: 0.2, unknown: rest}
  named_request: {true: 0.1, false: rest}
)";

class SelfDiff : public ::testing::TestWithParam<const char*> {};

TEST_P(SelfDiff, FindsNothingOnRandomCases) {
  SourceSet sources;
  const std::string path = std::string(DECREE_SOURCE_DIR) + "/" + GetParam();
  auto loaded = dsl::load_policy(path, sources);
  ASSERT_TRUE(loaded.effective.has_value()) << path;
  auto compiled = compile(*loaded.effective);
  ASSERT_TRUE(compiled.policy.has_value());
  const CompiledPolicy& p = *compiled.policy;
  // Facts the policy does not have are dropped from the population (it is shared by all versions).
  std::string text;
  for (std::string_view rest = kSelfPopulation; !rest.empty();) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl == std::string_view::npos ? rest.size() : nl + 1);
    rest.remove_prefix(line.size());
    auto colon = line.find(':');
    if (line.starts_with("  ") && !line.starts_with("   ") && colon != std::string_view::npos) {
      std::string name(line.substr(2, colon - 2));
      if (name != "name" && name != "size" && name != "seed" && name != "removed" && p.find_fact(name) == kNone) {
        while (!rest.empty() && rest.starts_with("    ")) rest.remove_prefix(rest.find('\n') + 1);
        continue;
      }
    }
    text += line;
  }
  auto pop = load_population(text, "self.yaml", *loaded.effective, sources);
  ASSERT_TRUE(pop.population.has_value()) << (pop.diagnostics.empty() ? "" : pop.diagnostics[0].message);

  // Two compilations of the same policy: compared by name, as two different policies are.
  auto again = compile(*loaded.effective);
  PolicyPair pair(p, *again.policy);
  PopulationBinder binder(p, *pop.population);
  DiffSummary summary;
  std::vector<Index> drawn;
  std::vector<Value> facts;
  Outcome oa, ob;
  for (std::uint64_t n = 0; n < pop.population->size; ++n) {
    draw(*pop.population, n, drawn);
    binder.fill(drawn, facts);
    evaluate(p, facts, oa);
    evaluate(*again.policy, facts, ob);
    const CaseVerdict v = pair.compare(facts, oa, facts, ob, &summary);
    ASSERT_FALSE(v.outcome_differs) << "case " << n;
    ASSERT_FALSE(v.grounds_differ) << "case " << n;
    if (n % 100 == 0) {
      const CaseDiff d = pair.explain(make_case(*pop.population, n), true);
      EXPECT_TRUE(d.decisions.empty() && d.obligations.empty() && d.flags.empty()) << "case " << n;
    }
  }
  pair.finish(summary);
  EXPECT_EQ(summary.cases, pop.population->size);
  EXPECT_EQ(summary.differing, 0u);
  for (const auto& m : summary.decisions)
    for (std::size_t i = 0; i < m.rows.size(); ++i)
      for (std::size_t j = 0; j < m.columns.size(); ++j)
        if (m.rows[i] != m.columns[j]) { EXPECT_EQ(m.counts[i][j], 0u) << m.decision; }
}

INSTANTIATE_TEST_SUITE_P(Policies, SelfDiff,
                         ::testing::Values("policies/telegram-1956.decree", "policies/memo-draft-1956-02-02.decree",
                                           "policies/practice-before-memo.decree",
                                           "scenarios/counterfactual/ill-misdemeanants-return.decree"));

}  // namespace
}  // namespace decree::engine

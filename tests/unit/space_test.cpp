// The whole space of cases: the compression (diagrams, rows, merging), decision tables with
// their exact rows, conflicts, gaps, rules that never apply, unknown as a value, integer,
// date and text regions, fixed facts and limits, and the diff of two policies' spaces.
// A property check runs through every table: each combination lies in exactly one row, and
// that row's outcome is what evaluate() gives for it.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/space.hpp"
#include "engine/space_compress.hpp"
#include "engine/space_render.hpp"

namespace decree::engine {
namespace {

using space::Mask;

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

Space explore(const CompiledPolicy& p, SpaceOptions options = {}) {
  auto r = explore_space(p, options);
  EXPECT_TRUE(r.space.has_value()) << (r.error ? r.error->message : "");
  return r.space ? std::move(*r.space) : Space{};
}

SpaceOptions known() {
  SpaceOptions o;
  o.all_known = true;
  return o;
}

const DecisionSpace& decision(const Space& s, const std::string& name) {
  for (const auto& d : s.decisions)
    if (d.name == name) return d;
  ADD_FAILURE() << "no decision " << name;
  static const DecisionSpace none;
  return none;
}

// A row as one line: "a=true b=any -> YES by x [r1]".
std::string line(const std::vector<SpaceColumn>& columns, const SpaceTable& t, const SpaceRow& r, const std::string& outcome) {
  std::string out;
  for (std::size_t k = 0; k < t.columns.size(); ++k)
    out += columns[t.columns[k]].fact + "=" + cell_text(columns[t.columns[k]], r.cells[k]) + " ";
  return out + "-> " + outcome;
}

std::vector<std::string> rows(const Space& s, const std::string& name) {
  const DecisionSpace& d = decision(s, name);
  std::vector<std::string> out;
  for (const auto& r : d.table.rows) {
    const Verdict& v = d.verdicts[r.verdict];
    std::string rules;
    for (const auto& x : v.rules) rules += (rules.empty() ? "" : ",") + x.rule;
    out.push_back(line(s.columns, d.table, r, verdict_text(v) + (rules.empty() ? "" : " [" + rules + "]")));
  }
  return out;
}

std::vector<std::string> gaps(const Space& s, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& g : decision(s, name).gaps)
    for (const auto& r : g.table.rows)
      out.push_back(line(s.columns, g.table, r, g.near.rule + " fails on " + g.near.condition));
  return out;
}

// Every combination of the explored columns lies in exactly one row of each decision table,
// and evaluate() gives that row's outcome (status, value, who decides) for it.
void check_tables(const CompiledPolicy& p, const Space& s) {
  std::vector<std::size_t> slot;
  for (const auto& c : s.columns) slot.push_back(p.find_fact(c.fact));
  std::vector<std::size_t> digit(s.columns.size(), 0);
  std::vector<Value> facts(p.facts.size());
  Outcome out;
  for (bool done = false; !done;) {
    for (std::size_t k = 0; k < digit.size(); ++k) facts[slot[k]] = s.columns[k].values[digit[k]].value;
    evaluate(p, facts, out);
    for (const auto& d : s.decisions) {
      const Index di = p.find_decision(d.name);
      const DecisionResult& r = out.decisions[di];
      int found = 0;
      for (const auto& row : d.table.rows) {
        bool in = true;
        for (std::size_t k = 0; k < d.table.columns.size() && in; ++k)
          in = (row.cells[k] >> digit[d.table.columns[k]]) & 1;
        if (!in) continue;
        ++found;
        const Verdict& v = d.verdicts[row.verdict];
        EXPECT_EQ(v.status, r.status) << d.name;
        if (r.value != kNone) {
          EXPECT_EQ(v.value, p.decisions[di].values[r.value]) << d.name;
        }
        if (r.by != kNone) {
          EXPECT_EQ(v.by, p.authorities[r.by].name) << d.name;
        }
      }
      EXPECT_EQ(found, 1) << d.name << ": a combination in " << found << " rows";
    }
    for (std::size_t k = digit.size();;) {
      if (k == 0) {
        done = true;
        break;
      }
      --k;
      if (++digit[k] < s.columns[k].values.size()) break;
      digit[k] = 0;
    }
  }
}

const char* kGrant = R"(policy t "t"
fact a: bool
fact b: bool
fact spare: bool "Read by nothing"
decision d "D": yes | no
  default no
rule r1:
  when a and b
  then d = yes
)";

// ---- compression --------------------------------------------------------------------------

TEST(SpaceCompress, DiagramSharesAndSkipsWhatDoesNotMatter) {
  // f(x, y, z) = x and z over three bools: y never matters.
  space::DiagramBuilder d({2, 2, 2});
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 2; ++y)
      for (int z = 0; z < 2; ++z) d.push(x == 0 && z == 0 ? 1 : 0);
  ASSERT_TRUE(d.complete());
  EXPECT_EQ(d.node_count(), 2u);  // one test of z, one of x
  auto r = space::paths(d, 100);
  space::merge(r.rows);
  ASSERT_EQ(r.rows.size(), 3u);
  for (const auto& row : r.rows) EXPECT_EQ(row.cells[1], Mask{3}) << "y is any in every row";
}

TEST(SpaceCompress, MergeJoinsRowsThatDifferInOneColumn) {
  std::vector<space::Row> rows = {{{1, 1}, 0}, {{2, 1}, 0}, {{4, 1}, 1}, {{1, 2}, 0}, {{2, 2}, 0}};
  space::merge(rows);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells, (std::vector<Mask>{3, 3}));
  EXPECT_EQ(rows[0].cls, 0u);
  EXPECT_EQ(rows[1].cells, (std::vector<Mask>{4, 1}));
}

TEST(SpaceCompress, RelabelReducesAgain) {
  space::DiagramBuilder d({3, 2});
  for (int x = 0; x < 3; ++x)
    for (int y = 0; y < 2; ++y) d.push(static_cast<std::uint32_t>(x * 2 + y));  // six classes
  const auto one = d.relabel(std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1});  // "x is the third value"
  EXPECT_EQ(one.node_count(), 1u);
  auto r = space::paths(one, 100);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].cells, (std::vector<Mask>{3, 3}));
  EXPECT_EQ(r.rows[1].cells, (std::vector<Mask>{4, 3}));
}

TEST(SpaceCompress, ZeroColumnsIsOneRow) {
  space::DiagramBuilder d({});
  d.push(7);
  auto r = space::paths(d, 10);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].cls, 7u);
}

// ---- decision tables ------------------------------------------------------------------------

TEST(SpaceTable, KnownValuesGiveTheClassicTable) {
  const auto p = compile_text(kGrant);
  const auto s = explore(p, known());
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{
                              "a=true b=true -> YES [r1]",
                              "a=true b=false -> NO (default)",
                              "a=false b=any -> NO (default)",
                          }));
  EXPECT_EQ(decision(s, "d").table.combinations, 4u);
  EXPECT_EQ(s.unused_facts, (std::vector<std::string>{"spare"}));
  EXPECT_EQ(s.evaluated, 4u);
  check_tables(p, s);
}

TEST(SpaceTable, UnknownIsAValueAndUndeterminedRowsNameWhatTheyCouldBecome) {
  const auto p = compile_text(kGrant);
  const auto s = explore(p);
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{
                              "a=true b=true -> YES [r1]",
                              "a=true|unknown b=false -> NO (default)",
                              "a=false b=any -> NO (default)",
                              "a=true b=unknown -> undetermined: YES or NO (default)",
                              "a=unknown b=true|unknown -> undetermined: YES or NO (default)",
                          }));
  const auto& counts = decision(s, "d").counts;
  EXPECT_EQ(counts[static_cast<int>(Status::Decided)], 1u);
  EXPECT_EQ(counts[static_cast<int>(Status::Defaulted)], 5u);
  EXPECT_EQ(counts[static_cast<int>(Status::Undetermined)], 3u);
  check_tables(p, s);
}

TEST(SpaceTable, UndeterminedOutcomesAreExactNotGuessedFromRules) {
  // With `a` unknown, both rules might stand; but b decides alone whichever a is.
  const auto p = compile_text(R"(policy t "t"
fact a: bool
fact b: bool
decision d "D": yes | no
rule r1:
  when a and b
  then d = yes
rule r2:
  when not a and b
  then d = yes
rule r3:
  when not b
  then d = no
)");
  const auto s = explore(p);
  const auto r = rows(s, "d");
  EXPECT_NE(std::find(r.begin(), r.end(), "a=unknown b=true -> undetermined: YES"), r.end()) << ::testing::PrintToString(r);
  check_tables(p, s);
}

TEST(SpaceTable, ExceptionsInChainsAndTheRulesThatDecide) {
  const auto p = compile_text(R"(policy t "t"
fact covered: bool
fact misdemeanor: bool
fact pardoned: bool
decision ret "Return": granted | refused
  default refused
authority embassy "The embassy"
rule grant:
  when covered
  then ret = granted by embassy
rule refuse:
  exception to grant
  when covered and misdemeanor
  then ret = refused by embassy
rule pardon:
  exception to refuse
  when covered and misdemeanor and pardoned
  then ret = granted by embassy
)");
  const auto s = explore(p, known());
  EXPECT_EQ(rows(s, "ret"), (std::vector<std::string>{
                                "covered=true misdemeanor=true pardoned=true -> GRANTED by embassy [grant,pardon]",
                                "covered=true misdemeanor=false pardoned=any -> GRANTED by embassy [grant]",
                                "covered=true misdemeanor=true pardoned=false -> REFUSED by embassy [refuse]",
                                "covered=false misdemeanor=any pardoned=any -> REFUSED (default)",
                            }));
  EXPECT_TRUE(s.dead_rules.empty());
  check_tables(p, s);
}

TEST(SpaceTable, NotApplicableAndEnumerations) {
  const auto p = compile_text(R"(policy t "t"
fact request: stay | leave | convert
fact ok: bool
decision ret "Return": granted | refused
  default refused
  applies when request is leave
rule grant:
  when ok
  then ret = granted
)");
  const auto s = explore(p, known());
  EXPECT_EQ(rows(s, "ret"), (std::vector<std::string>{
                                "request=leave ok=true -> GRANTED [grant]",
                                "request=leave ok=false -> REFUSED (default)",
                                "request=stay|convert ok=any -> not applicable",
                            }));
  check_tables(p, s);
}

TEST(SpaceTable, FactsThatNeverChangeTheOutcomeAreInert) {
  const auto p = compile_text(R"(policy t "t"
fact a: bool
fact b: bool
decision d "D": yes | no
  default no
rule r1:
  when a or (b and not b)
  then d = yes
)");
  const auto s = explore(p, known());
  EXPECT_EQ(decision(s, "d").table.inert, (std::vector<std::string>{"b"}));
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{"a=true -> YES [r1]", "a=false -> NO (default)"}));
}

// ---- conflicts, gaps, dead rules --------------------------------------------------------------

TEST(SpaceFindings, ConflictsAreRowsOfTheirOwn) {
  const auto p = compile_text(R"(policy t "t"
fact a: bool
fact b: bool
decision d "D": yes | no
rule r1:
  when a
  then d = yes
rule r2:
  when b
  then d = no
)");
  const auto s = explore(p, known());
  const auto r = rows(s, "d");
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0], "a=true b=true -> conflict [r1,r2]");
  EXPECT_EQ(s.conflict_rows(), 1u);
  const auto& d = decision(s, "d");
  EXPECT_EQ(d.counts[static_cast<int>(Status::Conflict)], 1u);
  EXPECT_EQ(d.counts[static_cast<int>(Status::NoDecision)], 1u);
  check_tables(p, s);
}

TEST(SpaceFindings, GapsAreDefaultsWhereARuleFailsOnOneConditionOnly) {
  const auto p = compile_text(R"(policy t "t"
fact a: bool
fact b: bool
fact c: bool
decision d "D": yes | no
  default no
rule r1:
  when a and b and c
  then d = yes
rule same_as_default:
  when a and not b
  then d = no
)");
  const auto s = explore(p, known());
  // Not at a=true b=false c=true: there same_as_default decides `no` (no default is taken).
  EXPECT_EQ(gaps(s, "d"), (std::vector<std::string>{
                              "a=false b=true c=true -> r1 fails on a",
                              "a=true b=true c=false -> r1 fails on c",
                          }));
  const auto& g = decision(s, "d").gaps;
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].fallback.status, Status::Defaulted);
  EXPECT_EQ(g[0].fallback.value, "no");
  EXPECT_EQ(g[0].near.loc.line, 8u);  // where the failing conjunct is written
}

TEST(SpaceFindings, RulesThatCanNeverApply) {
  const auto p = compile_text(R"(policy t "t"
fact a: bool
fact b: bool
fact request: leave | stay
decision d "D": yes | no
  default no
  applies when request is leave
rule contradiction:
  when a and not a
  then d = yes
rule shadowed:
  when a
  then d = yes
rule broader:
  exception to shadowed
  when a or b
  then d = no
rule elsewhere:
  when request is stay and b
  then d = yes
)");
  const auto s = explore(p);
  ASSERT_EQ(s.dead_rules.size(), 3u);
  EXPECT_EQ(s.dead_rules[0].rule, "contradiction");
  EXPECT_EQ(s.dead_rules[0].why, DeadRule::Why::NeverHolds);
  EXPECT_EQ(s.dead_rules[1].rule, "shadowed");
  EXPECT_EQ(s.dead_rules[1].why, DeadRule::Why::AlwaysDefeated);
  EXPECT_EQ(s.dead_rules[1].defeated_by, (std::vector<std::string>{"broader"}));
  EXPECT_EQ(s.dead_rules[2].rule, "elsewhere");
  EXPECT_EQ(s.dead_rules[2].why, DeadRule::Why::NeverInEffect);
}

TEST(SpaceFindings, IsKnownConditionsSeeUnknownAsAValue) {
  const auto p = compile_text(R"(policy t "t"
fact a: bool
decision d "D": ask | settled
rule ask:
  when a is unknown
  then d = ask
rule settled:
  when a is known
  then d = settled
)");
  const auto s = explore(p);
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{
                              "a=unknown -> ASK [ask]",
                              "a=known -> SETTLED [settled]",
                          }));
  EXPECT_TRUE(s.dead_rules.empty());
  check_tables(p, s);
}

// ---- integers, dates, texts ---------------------------------------------------------------------

TEST(SpaceRegions, IntegersByTheBoundariesTheRulesCompareWith) {
  const auto p = compile_text(R"(policy t "t"
fact years: int
decision d "D": yes | no
  default no
rule r1:
  when years >= 18 and years < 65
  then d = yes
)");
  const auto s = explore(p);
  ASSERT_EQ(s.columns.size(), 1u);
  std::vector<std::string> labels;
  for (const auto& v : s.columns[0].values) labels.push_back(v.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"< 18", "18", "19..64", "65", "> 65", "unknown"}));
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{
                              "years=18..64 -> YES [r1]",
                              "years=< 18|>= 65 -> NO (default)",
                              "years=unknown -> undetermined: YES or NO (default)",
                          }));
  check_tables(p, s);
}

TEST(SpaceRegions, DatesAndNeighbouringConstants) {
  const auto p = compile_text(R"(policy t "t"
fact on: date
decision d "D": yes | no
  default no
rule r1:
  when on >= 1956-02-02 and on <= 1956-02-03
  then d = yes
)");
  const auto s = explore(p, known());
  std::vector<std::string> labels;
  for (const auto& v : s.columns[0].values) labels.push_back(v.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"< 1956-02-02", "1956-02-02", "1956-02-03", "> 1956-02-03"}));
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{
                              "on=1956-02-02..1956-02-03 -> YES [r1]",
                              "on=< 1956-02-02|> 1956-02-03 -> NO (default)",
                          }));
  check_tables(p, s);
}

TEST(SpaceRegions, TextsByTheirLiteralsAndOther) {
  const auto p = compile_text(R"(policy t "t"
fact post: text
decision d "D": yes | no
  default no
rule r1:
  when post = "minister" or post = "general"
  then d = yes
)");
  const auto s = explore(p);
  std::vector<std::string> labels;
  for (const auto& v : s.columns[0].values) labels.push_back(v.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"\"general\"", "\"minister\"", "other", "unknown"}));
  EXPECT_FALSE(s.approximate);
  check_tables(p, s);
}

TEST(SpaceRegions, FactsComparedWithFactsAreApproximate) {
  const auto p = compile_text(R"(policy t "t"
fact x: int
fact y: int
decision d "D": yes | no
  default no
rule r1:
  when x < y and y < 10
  then d = yes
)");
  const auto s = explore(p);
  EXPECT_TRUE(s.approximate);
  EXPECT_TRUE(s.columns[0].approximate);
}

// ---- options and limits -------------------------------------------------------------------------

TEST(SpaceOptionsTest, SetFixesAFactAndKnownDropsUnknown) {
  const auto p = compile_text(kGrant);
  SpaceOptions o;
  o.set = {{"a", "true"}};
  o.known = {"b"};
  const auto s = explore(p, o);
  ASSERT_EQ(s.fixed.size(), 1u);
  EXPECT_EQ(s.fixed[0].fact, "a");
  EXPECT_EQ(s.fixed[0].value, "true");
  EXPECT_EQ(rows(s, "d"), (std::vector<std::string>{"b=true -> YES [r1]", "b=false -> NO (default)"}));
}

TEST(SpaceOptionsTest, BadNamesAndValuesAreErrorsThatSayWhatWasExpected) {
  const auto p = compile_text(kGrant);
  SpaceOptions o;
  o.set = {{"aa", "true"}};
  auto r = explore_space(p, o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "--set names `aa`, which is not a fact of t");
  EXPECT_EQ(r.error->hint, "did you mean `a`?");

  o.set = {{"a", "yes"}};
  r = explore_space(p, o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->hint, "a bool fact takes `true`, `false` or `unknown`");

  SpaceOptions d;
  d.decision = "dd";
  r = explore_space(p, d);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "--decision names `dd`, which is not a decision of t");
}

TEST(SpaceOptionsTest, TheLimitIsNamedWithWhatToDoInstead) {
  const auto p = compile_text(kGrant);
  SpaceOptions o;
  o.limit = 8;
  auto r = explore_space(p, o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message,
            "decision `d` depends on 2 facts (3^2 values: 9 combinations), more than the limit of 8 (2^3) combinations per "
            "table");
  EXPECT_NE(r.error->hint.find("--set FACT=VALUE"), std::string::npos);
  EXPECT_NE(r.error->hint.find("it reads a, b"), std::string::npos);
  o.limit = 9;
  EXPECT_TRUE(explore_space(p, o).space);
}

TEST(SpaceOptionsTest, OneDecisionExploresOnlyWhatItReads) {
  const auto p = compile_text(R"(policy t "t"
fact a: bool
fact b: bool
decision d1 "D1": yes | no
  default no
decision d2 "D2": yes | no
  default no
rule r1:
  when a
  then d1 = yes
rule r2:
  when b
  then d2 = yes
)");
  SpaceOptions o = known();
  o.decision = "d2";
  const auto s = explore(p, o);
  ASSERT_EQ(s.decisions.size(), 1u);
  ASSERT_EQ(s.columns.size(), 1u);
  EXPECT_EQ(s.columns[0].fact, "b");
  EXPECT_EQ(s.evaluated, 2u);
}

// ---- two policies -------------------------------------------------------------------------------

TEST(SpaceDiffTest, RegionsWhereTwoPoliciesDiffer) {
  const auto a = compile_text(kGrant);
  const auto b = compile_text(R"(policy u "u"
fact a: bool
fact b: bool
decision d "D": yes | no
  default no
rule r1:
  when a
  then d = yes
)");
  auto r = diff_space(a, b, known());
  ASSERT_TRUE(r.diff);
  const SpaceDiff& d = *r.diff;
  ASSERT_EQ(d.targets.size(), 1u);
  const TargetDiff& t = d.targets[0];
  EXPECT_EQ(t.differing, 1u);
  ASSERT_EQ(t.table.rows.size(), 1u);
  EXPECT_EQ(line(d.columns, t.table, t.table.rows[0],
                 verdict_text(t.verdicts[t.table.rows[0].verdict].a) + " / " + verdict_text(t.verdicts[t.table.rows[0].verdict].b)),
            "a=true b=false -> NO (default) / YES");
  EXPECT_TRUE(d.differs());
}

TEST(SpaceDiffTest, APolicyAgainstItselfDiffersNowhere) {
  const auto a = compile_text(kGrant);
  auto r = diff_space(a, a);
  ASSERT_TRUE(r.diff);
  EXPECT_FALSE(r.diff->differs());
  for (const auto& t : r.diff->targets) EXPECT_TRUE(t.table.rows.empty());
}

TEST(SpaceDiffTest, DecisionsInOnlyOnePolicyAreListed) {
  const auto a = compile_text(kGrant);
  const auto b = compile_text(R"(policy u "u"
fact a: bool
decision e "E": yes | no
  default no
rule r1:
  when a
  then e = yes
)");
  auto r = diff_space(a, b);
  ASSERT_TRUE(r.diff);
  EXPECT_EQ(r.diff->only_in_a, (std::vector<std::string>{"decision d"}));
  EXPECT_EQ(r.diff->only_in_b, (std::vector<std::string>{"decision e"}));
}

// ---- rendering ----------------------------------------------------------------------------------

TEST(SpaceRender, NarrowTablesAreGridsAndJsonNamesEveryCell) {
  const auto p = compile_text(kGrant);
  const auto s = explore(p, known());
  const std::string text = render_space_text(s);
  EXPECT_NE(text.find("  #  a      b      outcome       rules\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  1  true   true   YES           r1\n"), std::string::npos) << text;
  const auto j = space_json(s);
  EXPECT_EQ(j["schema"], kSpaceSchema);
  EXPECT_EQ(j["decisions"][0]["rows"][2]["cells"]["b"], "any");
  EXPECT_EQ(j["decisions"][0]["rows"][0]["cells"]["a"][0], "true");
}

}  // namespace
}  // namespace decree::engine

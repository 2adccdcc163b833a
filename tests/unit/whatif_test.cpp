// What-if: `--set` values read by type, changes applied with their provenance, and the search
// for the smallest sets of changes that flip a decision: minimal per outcome, exhaustive up to
// three facts, integers at their boundaries; and the L. Yu. Kim example on the real telegram.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <random>
#include <tuple>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"
#include "engine/case_load.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/trace.hpp"
#include "engine/whatif.hpp"

namespace decree::engine {
namespace {

CompiledPolicy compile_text(const std::string& text) {
  auto parsed = dsl::parse(text, "test.decree");
  EXPECT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].message);
  ast::Policy a = *parsed.policy;
  for (const auto& d : dsl::check(a)) EXPECT_NE(d.severity, Severity::Error) << d.message;
  auto compiled = compile(a);
  EXPECT_TRUE(compiled.policy.has_value());
  return *compiled.policy;
}

const char* kPolicy = R"(policy w "W"
  source memo "memo"
fact citizen: bool
fact friends: agree | object | silent
fact misdemeanor: bool
fact years: int
fact since: date
fact post: text
authority embassy "The embassy"
decision return: granted | refused
  default refused
rule grant "Grant":
  when citizen and friends is agree and years >= 10
  then return = granted by embassy
  cites memo p4
rule stay "Misdemeanants stay":
  exception to grant
  when misdemeanor
  then return = refused by embassy
  cites memo p4
)";

std::vector<Value> facts(const CompiledPolicy& p, std::initializer_list<std::pair<const char*, Value>> given) {
  std::vector<Value> v(p.facts.size());
  for (const auto& [name, value] : given) v[p.find_fact(name)] = value;
  return v;
}

std::string text_of(const CompiledPolicy& p, const Flip& f) {
  std::string s;
  for (const auto& c : f.changes) s += (s.empty() ? "" : ", ") + p.facts[c.fact].name + "=" + to_string(c.value);
  return s;
}

const FlipGroup* group(const FlipSearch& s, const std::string& outcome) {
  for (const auto& g : s.groups)
    if (g.outcome == outcome) return &g;
  return nullptr;
}

TEST(WhatIf, ParsesChangesByType) {
  const CompiledPolicy p = compile_text(kPolicy);
  std::string error, hint;
  auto b = parse_change(p, "citizen=false", error, hint);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->value, Value::of_bool(false));
  auto e = parse_change(p, "friends=silent", error, hint);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->value.text, "silent");
  EXPECT_EQ(e->value.integer, 2);
  auto i = parse_change(p, "years=12", error, hint);
  ASSERT_TRUE(i);
  EXPECT_EQ(i->value, Value::of_int(12));
  auto d = parse_change(p, "since=1956-02-10", error, hint);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->value.kind, Value::Kind::Date);
  auto t = parse_change(p, "post=\"deputy minister\"", error, hint);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->value.text, "deputy minister");
  auto u = parse_change(p, "misdemeanor=unknown", error, hint);
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->value.known());
}

TEST(WhatIf, RefusesMistakesWithAHint) {
  const CompiledPolicy p = compile_text(kPolicy);
  std::string error, hint;
  EXPECT_FALSE(parse_change(p, "misdemeanour=false", error, hint));
  EXPECT_NE(error.find("not a fact of policy `w`"), std::string::npos) << error;
  EXPECT_NE(hint.find("did you mean `misdemeanor`?"), std::string::npos) << hint;
  EXPECT_FALSE(parse_change(p, "friends=agreed", error, hint));
  EXPECT_NE(hint.find("did you mean `agree`?"), std::string::npos) << hint;
  EXPECT_FALSE(parse_change(p, "citizen=yes", error, hint));
  EXPECT_NE(error.find("true or false"), std::string::npos) << error;
  EXPECT_FALSE(parse_change(p, "since=1956-02-30", error, hint));
  EXPECT_FALSE(parse_change(p, "years=ten", error, hint));
  EXPECT_FALSE(parse_change(p, "citizen", error, hint));
  EXPECT_NE(error.find("FACT=VALUE"), std::string::npos) << error;
}

TEST(WhatIf, ChangesKeepTheirProvenance) {
  const CompiledPolicy p = compile_text(kPolicy);
  Case c;
  c.id = "x";
  c.facts["citizen"].value = Value::of_bool(true);
  std::string error, hint;
  const Case changed = apply_changes(p, c, {*parse_change(p, "citizen=false", error, hint), *parse_change(p, "years=3", error, hint)});
  EXPECT_EQ(changed.facts.at("citizen").value, Value::of_bool(false));
  EXPECT_EQ(changed.facts.at("citizen").loc.file, "--set");
  EXPECT_EQ(changed.facts.at("citizen").note, "in the case: true");
  EXPECT_EQ(changed.facts.at("years").note, "not in the case");
  EXPECT_EQ(c.facts.at("citizen").value, Value::of_bool(true)) << "the original is untouched";
}

TEST(WhatIf, FindsTheMinimalFlipsOfEachOutcome) {
  const CompiledPolicy p = compile_text(kPolicy);
  const auto f = facts(p, {{"citizen", Value::of_bool(true)},
                           {"friends", Value::of_enum(0, "agree")},
                           {"misdemeanor", Value::of_bool(true)},
                           {"years", Value::of_int(12)}});
  const FlipSearch s = find_flips(p, f, p.find_decision("return"));
  EXPECT_EQ(s.original.status, Status::Decided);  // refused by `stay`
  EXPECT_EQ(s.searched, 3u);
  EXPECT_FALSE(s.limited);
  const FlipGroup* granted = group(s, "granted");
  ASSERT_NE(granted, nullptr);
  ASSERT_EQ(granted->flips.size(), 1u);
  EXPECT_EQ(text_of(p, granted->flips[0]), "misdemeanor=false");
  const FlipGroup* open = group(s, "undetermined");
  ASSERT_NE(open, nullptr);
  std::vector<std::string> ways;
  for (const auto& flip : open->flips) ways.push_back(text_of(p, flip));
  EXPECT_NE(std::find(ways.begin(), ways.end(), "misdemeanor=unknown"), ways.end());
  // Minimal: no listed set contains another set listed for the same outcome.
  for (const auto& g : s.groups)
    for (const auto& x : g.flips)
      for (const auto& y : g.flips) {
        if (&x == &y || y.changes.size() >= x.changes.size()) continue;
        const bool subset = std::all_of(y.changes.begin(), y.changes.end(), [&](const FactChange& c) {
          return std::any_of(x.changes.begin(), x.changes.end(),
                             [&](const FactChange& d) { return d.fact == c.fact && d.value == c.value; });
        });
        EXPECT_FALSE(subset) << g.outcome << ": " << text_of(p, x) << " holds " << text_of(p, y);
      }
  // Listed under another outcome, a superset is fine: misdemeanor=unknown alone leaves it open,
  // but nothing makes it a conflict.
  EXPECT_EQ(group(s, "conflict"), nullptr);
}

TEST(WhatIf, NeedsSeveralFactsAtOnceWhenOneIsNotEnough) {
  const CompiledPolicy p = compile_text(kPolicy);
  // Refused by default: friends object and service is short; granting needs both changed.
  const auto f = facts(p, {{"citizen", Value::of_bool(true)},
                           {"friends", Value::of_enum(1, "object")},
                           {"misdemeanor", Value::of_bool(false)},
                           {"years", Value::of_int(4)}});
  const FlipSearch s = find_flips(p, f, p.find_decision("return"));
  const FlipGroup* granted = group(s, "granted");
  ASSERT_NE(granted, nullptr);
  std::vector<std::string> ways;
  for (const auto& flip : granted->flips) ways.push_back(text_of(p, flip));
  // The boundary the rule compares with: 10 (and 11), not 9.
  EXPECT_NE(std::find(ways.begin(), ways.end(), "friends=agree, years=10"), ways.end());
  EXPECT_NE(std::find(ways.begin(), ways.end(), "friends=agree, years=11"), ways.end());
  EXPECT_EQ(std::find(ways.begin(), ways.end(), "friends=agree, years=9"), ways.end());
  for (const auto& flip : granted->flips) EXPECT_EQ(flip.changes.size(), 2u);
  // With at most one change, nothing grants.
  const FlipSearch one = find_flips(p, f, p.find_decision("return"), 1);
  EXPECT_EQ(one.searched, 1u);
  EXPECT_EQ(group(one, "granted"), nullptr);
}

TEST(WhatIf, LYuKimWouldHaveBeenGrantedHadHeNotMisbehavedAndBeenJustified) {
  SourceSet sources;
  auto loaded = dsl::load_policy(std::string(DECREE_SOURCE_DIR) + "/policies/telegram-1956.decree", sources);
  ASSERT_TRUE(loaded.effective.has_value());
  auto compiled = compile(*loaded.effective);
  ASSERT_TRUE(compiled.policy.has_value());
  const CompiledPolicy& p = *compiled.policy;
  auto cases = load_cases(std::string(DECREE_SOURCE_DIR) + "/scenarios/historical/ly-kim.yaml", *loaded.effective, sources);
  ASSERT_EQ(cases.cases.size(), 1u);
  const Binding b = bind(p, cases.cases[0]);
  const FlipSearch s = find_flips(p, b.values, p.find_decision("return"));
  EXPECT_EQ(outcome_word(p, s.decision, s.original), "refused");
  const FlipGroup* granted = group(s, "granted");
  ASSERT_NE(granted, nullptr);
  std::vector<std::string> ways;
  for (const auto& flip : granted->flips) ways.push_back(text_of(p, flip));
  EXPECT_NE(std::find(ways.begin(), ways.end(), "misdemeanor=false, justified=true"), ways.end());
  // With the exception to "as a rule" established, and justified, he would go too.
  EXPECT_NE(std::find(ways.begin(), ways.end(), "justified=true, exceptional_misdemeanant=true"), ways.end());
}

// Every policy of the project, compiled: the versions and the counterfactuals.
std::vector<std::pair<std::string, CompiledPolicy>> project_policies() {
  std::vector<std::string> paths;
  for (const char* folder : {"/policies", "/scenarios/counterfactual"})
    for (const auto& e : std::filesystem::directory_iterator(std::string(DECREE_SOURCE_DIR) + folder))
      if (e.path().extension() == ".decree") paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, CompiledPolicy>> out;
  for (const auto& path : paths) {
    SourceSet sources;
    auto loaded = dsl::load_policy(path, sources);
    EXPECT_TRUE(loaded.effective.has_value()) << path;
    if (!loaded.effective) continue;
    auto compiled = compile(*loaded.effective);
    EXPECT_TRUE(compiled.policy.has_value()) << path;
    if (compiled.policy) out.emplace_back(path, std::move(*compiled.policy));
  }
  EXPECT_GE(out.size(), 20u);
  return out;
}

// Facts drawn from the values the searches try, each unknown as often as any one value.
std::vector<Value> drawn_facts(const CompiledPolicy& p, std::mt19937& random) {
  std::vector<Value> v(p.facts.size());
  for (std::size_t f = 0; f < v.size(); ++f) {
    const auto& probes = p.facts[f].probes;
    const std::size_t pick = std::uniform_int_distribution<std::size_t>(0, probes.size())(random);
    if (pick < probes.size()) v[f] = probes[pick];
  }
  return v;
}

// The trace's decisive facts come from SingleFlips, which must find exactly what find_flips
// with one change finds among known values: checked on every policy of the project (versions
// and counterfactuals), over many fact sets drawn from the values the search tries.
// Outside decisions included: there SingleFlips tries only the facts of the scope and of the
// decision's `applies when`, and must still find every change find_flips finds.
TEST(WhatIf, SingleFlipsFindWhatTheSearchForOneChangeFinds) {
  std::size_t flips_seen = 0, outside_seen = 0, outside_flips = 0;
  for (const auto& [path, p] : project_policies()) {
    SCOPED_TRACE(path);
    std::mt19937 random(1956);
    Outcome whole;
    for (int round = 0; round < 300; ++round) {
      const std::vector<Value> v = drawn_facts(p, random);
      SingleFlips single(p, v);
      evaluate(p, v, whole);
      for (Index d = 0; d < p.decisions.size(); ++d) {
        const bool outside = whole.decisions[d].status == Status::Outside;
        using Seen = std::tuple<Index, std::string, std::string>;
        std::vector<Seen> expected, found;
        const FlipSearch s = find_flips(p, v, d, 1);
        for (const auto& g : s.groups)
          for (const auto& f : g.flips)
            if (f.changes.size() == 1 && f.changes[0].value.known())
              expected.emplace_back(f.changes[0].fact, to_string(f.changes[0].value), outcome_word(p, d, f.result));
        for (const auto& f : single.to_known_values(d)) {
          ASSERT_EQ(f.changes.size(), 1u);
          found.emplace_back(f.changes[0].fact, to_string(f.changes[0].value), outcome_word(p, d, f.result));
        }
        std::sort(expected.begin(), expected.end());
        std::sort(found.begin(), found.end());
        EXPECT_EQ(found, expected) << "decision " << p.decisions[d].name << ", round " << round;
        flips_seen += found.size();
        if (outside) {
          ++outside_seen;
          outside_flips += found.size();
        }
      }
    }
  }
  EXPECT_GT(flips_seen, 1000u);  // the draws do reach decisions that flip
  EXPECT_GT(outside_seen, 100u);  // and decisions outside the scope, some brought within it by one change
  EXPECT_GT(outside_flips, 10u);
}

// Asked only for the changes after which the decision still applies, SingleFlips leaves out
// exactly the NotApplicable ones (and, outside the scope, does not evaluate the facts that can
// give nothing else): the same changes otherwise, in the same order; and the same again when an
// exploration gives the results of the unknown facts' changes.
TEST(WhatIf, SingleFlipsThatStillApplyAreTheOthersLessTheNotApplicable) {
  std::size_t outside_seen = 0, compared = 0, explored = 0;
  for (const auto& [path, p] : project_policies()) {
    SCOPED_TRACE(path);
    std::mt19937 random(1917);
    Outcome whole;
    for (int round = 0; round < 300; ++round) {
      const std::vector<Value> v = drawn_facts(p, random);
      evaluate(p, v, whole);
      SingleFlips all(p), applying(p);
      all.reset(v, &whole);
      applying.reset(v, &whole);
      for (Index d = 0; d < p.decisions.size(); ++d) {
        using Seen = std::tuple<Index, std::uint32_t, Status, Index, Index, Index>;
        std::vector<Seen> expected, found;
        for (const auto& c : all.changes_to_known_values(d))
          if (c.result.status != Status::NotApplicable)
            expected.emplace_back(c.fact, c.probe, c.result.status, c.result.value, c.result.by, c.result.setting);
        for (const auto& c : applying.changes_to_known_values(d, true))
          found.emplace_back(c.fact, c.probe, c.result.status, c.result.value, c.result.by, c.result.setting);
        EXPECT_EQ(found, expected) << "decision " << p.decisions[d].name << ", round " << round;
        if (whole.decisions[d].status == Status::Outside) outside_seen += 1;
        compared += found.size();
        // The same again with an exploration of the decision at hand, whose single changes of
        // unknown facts stand in for evaluating them.
        const Exploration ex = explore(p, v, d);
        found.clear();
        for (const auto& c : applying.changes_to_known_values(d, true, &ex))
          found.emplace_back(c.fact, c.probe, c.result.status, c.result.value, c.result.by, c.result.setting);
        EXPECT_EQ(found, expected) << "decision " << p.decisions[d].name << " explored, round " << round;
        if (!ex.single.empty()) ++explored;
      }
    }
  }
  EXPECT_GT(outside_seen, 100u);
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(explored, 500u);
}

// explore() takes each single change's result from its first pass instead of evaluating it
// again among the combinations: checked against every partial assignment of the unknown facts
// evaluated whole, one by one, on every policy of the project.
TEST(WhatIf, ExplorationFindsWhatEvaluatingEveryCombinationFinds) {
  std::size_t explored = 0, settlements = 0;
  for (const auto& [path, p] : project_policies()) {
    SCOPED_TRACE(path);
    std::mt19937 random(1950);
    Outcome whole;
    for (int round = 0; round < 120; ++round) {
      const std::vector<Value> v = drawn_facts(p, random);
      evaluate(p, v, whole);
      for (Index d = 0; d < p.decisions.size(); ++d) {
        if (whole.decisions[d].status != Status::Undetermined) continue;
        const Exploration ex = explore(p, v, d);
        std::vector<Index> probed;
        for (Index f : ex.unknowns)
          if (!p.facts[f].probes.empty()) probed.push_back(f);
        std::size_t total = 1;
        for (Index f : probed) total *= p.facts[f].probes.size() + 1;
        if (ex.too_many || ex.single_only || total > 20000) continue;
        ++explored;
        // Each single change, evaluated whole.
        std::vector<Value> work = v;
        std::size_t i = 0;
        for (Index f : probed)
          for (const Value& value : p.facts[f].probes) {
            work[f] = value;
            evaluate(p, work, whole);
            ASSERT_LT(i, ex.single.size());
            EXPECT_EQ(ex.single[i].result, whole.decisions[d]) << p.facts[f].name << " = " << to_string(value);
            ++i;
            work[f] = v[f];
          }
        EXPECT_EQ(i, ex.single.size());
        // Every combination, its digits read from its number (digit k: 0 unknown, else 1 + probe).
        auto digit = [&](std::size_t code, std::size_t k) {
          for (std::size_t j = 0; j < k; ++j) code /= p.facts[probed[j]].probes.size() + 1;
          return code % (p.facts[probed[k]].probes.size() + 1);
        };
        auto with = [&](std::size_t code, std::size_t k, std::size_t value) {  // `code` with digit k set to `value`
          std::size_t weight = 1;
          for (std::size_t j = 0; j < k; ++j) weight *= p.facts[probed[j]].probes.size() + 1;
          return code - digit(code, k) * weight + value * weight;
        };
        std::vector<std::optional<DecisionResult>> settled(total);
        for (std::size_t code = 0; code < total; ++code) {
          work = v;
          for (std::size_t k = 0; k < probed.size(); ++k)
            if (const std::size_t g = digit(code, k); g > 0) work[probed[k]] = p.facts[probed[k]].probes[g - 1];
          evaluate(p, work, whole);
          if (whole.decisions[d].status != Status::Undetermined) settled[code] = whole.decisions[d];
        }
        std::vector<std::pair<std::size_t, std::size_t>> minimal;  // (facts given, code)
        for (std::size_t code = 0; code < total; ++code) {
          if (!settled[code]) continue;
          std::size_t given = 0;
          bool is_minimal = true;
          for (std::size_t k = 0; k < probed.size(); ++k) {
            if (digit(code, k) == 0) continue;
            ++given;
            if (settled[with(code, k, 0)] == settled[code]) is_minimal = false;
          }
          if (is_minimal) minimal.emplace_back(given, code);
        }
        std::stable_sort(minimal.begin(), minimal.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        EXPECT_EQ(ex.minimal_total, minimal.size());
        ASSERT_EQ(ex.minimal.size(), std::min(minimal.size(), kMaxSettlementsListed));
        for (std::size_t m = 0; m < ex.minimal.size(); ++m) {
          const auto& s = ex.minimal[m];
          EXPECT_EQ(s.result, *settled[minimal[m].second]);
          std::vector<std::pair<Index, std::string>> expected, found;
          for (std::size_t k = 0; k < probed.size(); ++k)
            if (const std::size_t g = digit(minimal[m].second, k); g > 0)
              expected.emplace_back(probed[k], to_string(p.facts[probed[k]].probes[g - 1]));
          for (const auto& a : s.facts) found.emplace_back(a.fact, to_string(a.value));
          EXPECT_EQ(found, expected) << "settlement " << m;
          ++settlements;
        }
      }
    }
  }
  EXPECT_GT(explored, 100u);
  EXPECT_GT(settlements, 500u);
}

// evaluate_decision() gives each decision what evaluate() gives it, from its own rules alone:
// checked on every policy of the project over fact sets drawn from the values searches try.
TEST(WhatIf, OneDecisionAloneComesOutAsInTheWholeEvaluation) {
  std::size_t compared = 0;
  for (const auto& [path, p] : project_policies()) {
    SCOPED_TRACE(path);
    for (std::size_t d = 0; d < p.decisions.size(); ++d) {
      const Range r = p.plan.decisions[d].rules;  // empty for a decision no rule sets (a common base's)
      for (Index i = r.begin; i < r.end; ++i) EXPECT_FALSE(p.plan.rules[p.plan.decision_rules[i]].after_decisions);
    }
    std::mt19937 random(1956);
    Outcome whole, scratch;
    for (int round = 0; round < 2000; ++round) {
      const std::vector<Value> v = drawn_facts(p, random);
      evaluate(p, v, whole);
      for (Index d = 0; d < p.decisions.size(); ++d) {
        EXPECT_EQ(evaluate_decision(p, v, d, scratch), whole.decisions[d]) << p.decisions[d].name << ", round " << round;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 10000u);
}

}  // namespace
}  // namespace decree::engine

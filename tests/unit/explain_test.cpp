// Explanations and the interview on the real telegram: the because-sentences and decisive
// conditions for L. Yu. Kim; the interview asks no fact that cannot change a decision (checked
// against the explored case space, engine/space), stops as soon as every decision is settled,
// and reaches L. Yu. Kim's outcome in five questions.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/load.hpp"
#include "engine/case_load.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/explain/because.hpp"
#include "engine/explain/interview.hpp"
#include "engine/space.hpp"
#include "engine/trace.hpp"

namespace decree::engine {
namespace {

struct Telegram {
  SourceSet sources;
  std::optional<ast::Policy> checked;
  std::optional<CompiledPolicy> policy;
  std::vector<Case> cases;

  Telegram() {
    auto loaded = dsl::load_policy(std::string(DECREE_SOURCE_DIR) + "/policies/telegram-1956.decree", sources);
    checked = loaded.effective;
    auto compiled = compile(*checked);
    policy = compiled.policy;
    cases = load_cases(std::string(DECREE_SOURCE_DIR) + "/scenarios/historical/ly-kim.yaml", *checked, sources).cases;
  }
};

const Telegram& telegram() {
  static const Telegram t;
  return t;
}

TEST(Because, LYuKimIsRefusedOnHisMisdemeanorsWhichAloneDecided) {
  const auto& t = telegram();
  ASSERT_TRUE(t.policy.has_value());
  ASSERT_EQ(t.cases.size(), 1u);
  const CompiledPolicy& p = *t.policy;
  const CaseEvaluation ev = evaluate_case(p, t.cases[0]);
  const Index ret = p.find_decision("return");
  const DecisionExplanation x = explain_decision(p, ev, ret);
  // misdemeanor = false, or an exception established (exceptional_misdemeanant = true), would
  // leave the return open; soviet_citizen = false still refuses it.
  ASSERT_EQ(x.decisive_facts, (std::vector<Index>{p.find_fact("misdemeanor"), p.find_fact("exceptional_misdemeanant")}));
  ASSERT_FALSE(x.because.empty());
  EXPECT_EQ(x.because[0].rfind("Return to the USSR: REFUSED by embassy, because misdemeanor is true", 0), 0u) << x.because[0];
  bool defeats = false;
  for (const auto& s : x.because) defeats = defeats || s.find("It defeats \"The embassy grants the return\"") == 0;
  EXPECT_TRUE(defeats);
  // Honest wording: justified is unknown, so the grant only might have applied.
  bool might = false;
  for (const auto& s : x.because) might = might || s.find("might otherwise have applied") != std::string::npos;
  EXPECT_TRUE(might);
  // The deciding rule's decisive condition is the misdemeanor, not the request or `covered`.
  const Index rule = p.find_rule("misdemeanants_answer_locally");
  std::vector<std::string> marked;
  for (Index c = p.rules[rule].conditions.begin; c < p.rules[rule].conditions.end; ++c)
    if (x.is_decisive(c)) marked.push_back(p.conditions[c].text);
  EXPECT_EQ(marked, std::vector<std::string>{"misdemeanor"});
  const DecisionExplanation conv = explain_decision(p, ev, p.find_decision("conversion"));
  ASSERT_EQ(conv.because.size(), 1u);
  EXPECT_NE(conv.because[0].find("not applicable, because it applies only when request is convert_to_dprk"), std::string::npos)
      << conv.because[0];
}

// "name=value" for explore_space's --set, from the interview's facts.
std::vector<std::pair<std::string, std::string>> fixed(const CompiledPolicy& p, const std::vector<Value>& facts,
                                                       const std::vector<bool>& declined) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t f = 0; f < p.facts.size(); ++f) {
    if (facts[f].known()) out.emplace_back(p.facts[f].name, to_string(facts[f]));
    else if (declined[f]) out.emplace_back(p.facts[f].name, "unknown");
  }
  return out;
}

// Whether `fact` is a column of some decision's table: in the region the answers leave, some
// two of its values lead to different outcomes.
bool changes_a_decision(const CompiledPolicy& p, const std::vector<Value>& facts, const std::vector<bool>& declined, Index fact) {
  SpaceOptions options;
  options.set = fixed(p, facts, declined);
  const SpaceResult r = explore_space(p, options);
  EXPECT_TRUE(r.space.has_value()) << (r.error ? r.error->message : "");
  if (!r.space) return false;
  for (const auto& d : r.space->decisions)
    for (Index c : d.table.columns)
      if (r.space->columns[c].fact == p.facts[fact].name) return true;
  return false;
}

TEST(Interview, AsksOnlyFactsThatCanChangeADecisionAndStopsWhenAllAreSettled) {
  const auto& t = telegram();
  ASSERT_TRUE(t.policy.has_value());
  const CompiledPolicy& p = *t.policy;
  // Answer paths chosen by a fixed sequence: each answer a value of the fact, or "I don't know".
  std::uint64_t seed = 12345;
  auto next = [&](std::uint64_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  };
  std::size_t asked = 0;
  for (int path = 0; path < 12; ++path) {
    std::vector<Value> facts(p.facts.size());
    std::vector<bool> declined(p.facts.size(), false);
    for (int step = 0; step < 20; ++step) {
      const auto q = next_question(p, facts, declined);
      const auto open = open_decisions(p, facts);
      if (!q) {
        // It stops only when every decision is settled, or every combination of facts that
        // would settle one needs a fact answered "I don't know".
        for (Index d : open) {
          const Exploration ex = explore(p, facts, d);
          ASSERT_EQ(ex.minimal.size(), ex.minimal_total);
          for (const auto& s : ex.minimal) {
            bool needs_declined = false;
            for (const auto& a : s.facts) needs_declined = needs_declined || declined[a.fact];
            EXPECT_TRUE(needs_declined) << "stopped while " << p.facts[s.facts[0].fact].name << " could settle " << p.decisions[d].name;
          }
        }
        break;
      }
      ++asked;
      ASSERT_FALSE(open.empty()) << "asked " << p.facts[q->fact].name << " with every decision settled";
      EXPECT_FALSE(facts[q->fact].known());
      EXPECT_FALSE(declined[q->fact]);
      EXPECT_TRUE(changes_a_decision(p, facts, declined, q->fact)) << "asked " << p.facts[q->fact].name << ", which changes nothing";
      const auto& probes = p.facts[q->fact].probes;
      const std::uint64_t k = next(probes.size() + 1);
      if (k == probes.size()) declined[q->fact] = true;
      else facts[q->fact] = probes[k];
    }
  }
  EXPECT_GT(asked, 12u);
  // fears_difficulties is read by no rule of the telegram: never asked on any path.
  std::vector<Value> none(p.facts.size());
  EXPECT_FALSE(changes_a_decision(p, none, std::vector<bool>(p.facts.size(), false), p.find_fact("fears_difficulties")));
}

TEST(Interview, ReachesLYuKimsOutcomeInFiveQuestions) {
  const auto& t = telegram();
  ASSERT_TRUE(t.policy.has_value());
  ASSERT_EQ(t.cases.size(), 1u);
  const CompiledPolicy& p = *t.policy;
  const Binding his = bind(p, t.cases[0]);
  std::vector<Value> facts(p.facts.size());
  std::vector<std::string> asked;
  while (auto q = next_question(p, facts)) {
    asked.push_back(p.facts[q->fact].name);
    ASSERT_FALSE(q->why.empty());
    facts[q->fact] = his.values[q->fact];
    ASSERT_LE(asked.size(), 12u);
  }
  EXPECT_EQ(asked, (std::vector<std::string>{"request", "soviet_citizen", "ethnicity", "left_for_permanent_work", "misdemeanor"}));
  Outcome o;
  evaluate(p, facts, o);
  Outcome full;
  evaluate(p, his.values, full);
  for (std::size_t d = 0; d < p.decisions.size(); ++d) EXPECT_TRUE(same_decision(o.decisions[d], full.decisions[d]));
  // No four of his facts settle the return as his whole case does: five is the fewest.
  const Index ret = p.find_decision("return");
  std::vector<Index> known;
  for (std::size_t f = 0; f < p.facts.size(); ++f)
    if (his.values[f].known()) known.push_back(static_cast<Index>(f));
  ASSERT_LE(known.size(), 16u);
  std::size_t fewest = 99;
  for (std::uint32_t mask = 0; mask < (1u << known.size()); ++mask) {
    std::vector<Value> some(p.facts.size());
    std::size_t n = 0;
    for (std::size_t i = 0; i < known.size(); ++i)
      if (mask & (1u << i)) {
        some[known[i]] = his.values[known[i]];
        ++n;
      }
    Outcome r;
    evaluate(p, some, r);
    if (same_decision(r.decisions[ret], full.decisions[ret])) fewest = std::min(fewest, n);
  }
  EXPECT_EQ(fewest, 5u);
}

TEST(Interview, TheJsonFunctionTakesFactsByName) {
  const auto& t = telegram();
  ASSERT_TRUE(t.policy.has_value());
  const CompiledPolicy& p = *t.policy;
  auto first = next_question_json(p, nlohmann::json::object());
  EXPECT_EQ(first["fact"], "request");
  auto later = next_question_json(p, nlohmann::json{{"request", "return_to_ussr"}, {"soviet_citizen", false}});
  EXPECT_TRUE(later.is_null()) << later.dump();  // refused by default, and the others do not apply
  auto wrong = next_question_json(p, nlohmann::json{{"requets", "none"}});
  EXPECT_TRUE(wrong.contains("error"));
}

}  // namespace
}  // namespace decree::engine

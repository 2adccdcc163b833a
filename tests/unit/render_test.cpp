// The renderers: deterministic text and JSON, the JSON schema's name first, colour only when asked.
#include <string>

#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/render_json.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"

namespace decree::engine {
namespace {

const char* kPolicy = R"(
policy t "A test policy"
  source memo "The memo"
fact eligible: bool "Eligible"
fact misdemeanor: bool "Misdemeanor"
decision d "The decision": granted | refused
  default refused
authority embassy "The embassy"
rule grant "Grant": when eligible then d = granted by embassy cites memo p1 "a clause"
rule locally "Locally":
  exception to grant
  when eligible and misdemeanor
  then d = refused by embassy
  cites memo p4 "another clause"
)";

struct Fixture {
  CompiledPolicy policy;
  Case kase;
  Fixture() {
    auto parsed = dsl::parse(kPolicy, "t.decree");
    dsl::check(*parsed.policy);
    policy = std::move(*compile(*parsed.policy).policy);
    kase.id = "c";
    kase.title = "A case";
    kase.facts["eligible"] = FactValue{Value::of_bool(true), SourceLoc{"c.yaml", 0, 4, 3, 1}, "", Certainty::Documented, "", false, ""};
    kase.facts["misdemeanor"] = FactValue{Value::of_bool(true), SourceLoc{"c.yaml", 0, 5, 3, 1}, "memo p4", Certainty::Contested, "", false, ""};
  }
};

TEST(RenderText, ShowsTheWinnerTheDefeatedRuleAndWhatTheDecisionRestsOn) {
  Fixture f;
  const auto ev = evaluate_case(f.policy, f.kase);
  const std::string text = render_case(f.policy, ev);
  EXPECT_NE(text.find("d (The decision): REFUSED by embassy"), std::string::npos) << text;
  EXPECT_NE(text.find("rests on 1 contested fact: misdemeanor (memo p4)"), std::string::npos) << text;
  EXPECT_NE(text.find("✘ grant"), std::string::npos) << text;
  EXPECT_NE(text.find("defeated by the exception locally"), std::string::npos) << text;
  EXPECT_NE(text.find("c.yaml:5, contested, memo p4"), std::string::npos) << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos) << "no colour unless asked";
  EXPECT_EQ(text, render_case(f.policy, evaluate_case(f.policy, f.kase))) << "deterministic";
  TextOptions color;
  color.color = true;
  EXPECT_NE(render_case(f.policy, ev, color).find("\x1b["), std::string::npos);
}

TEST(RenderText, WhyNotNamesTheExceptionThatDefeatedTheRule) {
  Fixture f;
  const auto ev = evaluate_case(f.policy, f.kase);
  const auto why = why_not(f.policy, ev, 0, f.policy.find_value(0, "granted"));
  EXPECT_FALSE(why.is_outcome);
  ASSERT_EQ(why.settings.size(), 1u);
  const std::string text = render_why_not(f.policy, ev, why);
  EXPECT_NE(text.find("Why is d not granted for A case (c)?"), std::string::npos) << text;
  EXPECT_NE(text.find("defeated by the exception locally"), std::string::npos) << text;
}

TEST(RenderJson, VersionedSchemaFirstAndNamesNotIndices) {
  Fixture f;
  const auto ev = evaluate_case(f.policy, f.kase);
  const auto doc = run_json(f.policy, {&ev});
  EXPECT_EQ(doc.begin().key(), "schema");
  EXPECT_EQ(doc["schema"], "decree.trace/1");
  const auto& d = doc["cases"][0]["decisions"][0];
  EXPECT_EQ(d["decision"], "d");
  EXPECT_EQ(d["status"], "decided");
  EXPECT_EQ(d["value"], "refused");
  EXPECT_EQ(d["by"], "embassy");
  EXPECT_EQ(d["rule"], "locally");
  EXPECT_EQ(d["rests_on"][0]["fact"], "misdemeanor");
  EXPECT_EQ(d["rests_on"][0]["certainty"], "contested");
  EXPECT_EQ(d["rules"][0]["rule"], "grant");
  EXPECT_EQ(d["rules"][0]["state"], "defeated");
  EXPECT_EQ(d["rules"][0]["defeated_by"], "locally");
  EXPECT_EQ(d["rules"][0]["citations"][0]["quote"], "a clause");
  EXPECT_EQ(d["rules"][1]["conditions"][1]["facts"][0]["at"], "c.yaml:5");
  EXPECT_EQ(doc.dump(), run_json(f.policy, {&ev}).dump());
}

TEST(RenderText, ARuleThatFollowsFromADecisionShowsTheDecisionItRead) {
  auto parsed = dsl::parse(std::string(kPolicy) + R"(
obligation report "A report"
rule report_granted "Report what is granted": when d is granted then owe report "why" cites memo p5
)", "t.decree");
  ASSERT_TRUE(parsed.policy);
  dsl::check(*parsed.policy);
  auto compiled = compile(*parsed.policy);
  ASSERT_TRUE(compiled.policy);
  Case kase;
  kase.id = "c";
  kase.facts["eligible"] = FactValue{Value::of_bool(true), SourceLoc{"c.yaml", 0, 4, 3, 1}, "", Certainty::Documented, "", false, ""};
  kase.facts["misdemeanor"] = FactValue{Value::of_bool(false), SourceLoc{"c.yaml", 0, 5, 3, 1}, "", Certainty::Documented, "", false, ""};
  const auto ev = evaluate_case(*compiled.policy, kase);
  const std::string text = render_case(*compiled.policy, ev);
  EXPECT_NE(text.find("report \"why\" — from report_granted (memo p5)\n      d is granted"), std::string::npos) << text;
  EXPECT_NE(text.find("← decision d: GRANTED by embassy (grant)"), std::string::npos) << text;
  const std::string json = case_json(*compiled.policy, ev).dump();
  EXPECT_NE(json.find(R"("decisions":[{"decision":"d","status":"decided","outcome":"granted","by":"embassy","rule":"grant"}])"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace decree::engine

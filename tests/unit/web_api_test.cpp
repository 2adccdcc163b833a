// The playground's JSON API (web/api.cpp) without a server: answers from the engine, edited
// policies checked in memory with diagnostics at their places, `extends` only among the served
// policies, and every limit refused with a message.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "web/api.hpp"
#include "web/graph.hpp"
#include "web/html.hpp"
#include "web/workspace.hpp"

namespace decree::web {
namespace {

const std::string kRoot = DECREE_SOURCE_DIR;
const std::string kTelegram = kRoot + "/policies/telegram-1956.decree";

struct Fixture {
  std::vector<std::string> warnings;
  Workspace ws;
  Api api;
  explicit Fixture(Limits limits = {})
      : ws({kRoot + "/policies", kRoot + "/scenarios"}, limits, warnings), api(ws) {}
  ApiResponse post(const std::string& endpoint, const nlohmann::json& body) const { return api.handle(endpoint, body.dump()); }
};

nlohmann::json telegram() { return {{"path", kTelegram}}; }

TEST(WebApi, ListsTheServedPoliciesCasesAndPopulations) {
  Fixture f;
  auto r = f.api.handle("policies", "");
  ASSERT_EQ(r.status, 200);
  bool telegram_found = false;
  for (const auto& p : r.body["policies"]) telegram_found = telegram_found || p["name"] == "telegram_1956";
  EXPECT_TRUE(telegram_found);
  bool kim = false;
  for (const auto& c : r.body["cases"]) kim = kim || c["id"] == "ly-kim";
  EXPECT_TRUE(kim);
  EXPECT_FALSE(r.body["populations"].empty());
}

TEST(WebApi, EvaluatesACaseWithTheEnginesTrace) {
  Fixture f;
  auto r = f.post("evaluate", {{"policy", telegram()}, {"case", "ly-kim"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto& d = r.body["case"]["decisions"][0];
  EXPECT_EQ(d["decision"], "return");
  EXPECT_EQ(d["outcome"], "refused");
  EXPECT_EQ(d["rule"], "misdemeanants_answer_locally");

  auto flipped = f.post("evaluate", {{"policy", telegram()}, {"case", "ly-kim"}, {"set", {{"misdemeanor", "false"}}}});
  ASSERT_EQ(flipped.status, 200);
  EXPECT_EQ(flipped.body["case"]["decisions"][0]["outcome"], "undetermined");
  bool marked = false;
  for (const auto& fact : flipped.body["facts"])
    if (fact["name"] == "misdemeanor") marked = fact["changed"] == true && fact["value"] == "false";
  EXPECT_TRUE(marked);
}

TEST(WebApi, RefusesABadFactValueWithTheExpectedValues) {
  Fixture f;
  auto r = f.post("evaluate", {{"policy", telegram()}, {"case", "ly-kim"}, {"set", {{"misdemeanor", "perhaps"}}}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(r.body["error"].is_string());
  auto unknown_case = f.post("evaluate", {{"policy", telegram()}, {"case", "nobody"}});
  EXPECT_EQ(unknown_case.status, 404);
}

TEST(WebApi, ChecksAnEditedAmendmentInMemoryWithPlaces) {
  Fixture f;
  const std::string text =
      "policy mine \"Mine\"\n"
      "  extends telegram_1956 in \"telegram-1956.decree\"\n"
      "  status counterfactual\n"
      "\n"
      "rule lenient \"Lenient\":\n"
      "  when coverd\n"
      "  then return = granted by embassy\n"
      "  cites telegram s1 \"You are permitted\"\n";
  auto r = f.post("check", {{"policy", {{"path", kRoot + "/policies/mine.decree"}, {"text", text}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.body["ok"].get<bool>());
  bool found = false;
  for (const auto& d : r.body["diagnostics"])
    if (d["severity"] == "error") {
      found = true;
      EXPECT_EQ(d["line"], 6);
      EXPECT_EQ(d["column"], 8);
      EXPECT_EQ(d["hint"], "did you mean `covered`?");
    }
  EXPECT_TRUE(found);
}

TEST(WebApi, AnEditedPolicyExtendsOnlyServedPolicies) {
  Fixture f;
  const std::string text =
      "policy mine \"Mine\"\n"
      "  extends secret in \"../../../etc/passwd\"\n";
  auto r = f.post("check", {{"policy", {{"path", kRoot + "/policies/mine.decree"}, {"text", text}}}});
  ASSERT_EQ(r.status, 200);
  ASSERT_FALSE(r.body["diagnostics"].empty());
  EXPECT_EQ(r.body["diagnostics"][0]["code"], "serve.extends-not-served");
  EXPECT_EQ(r.body["diagnostics"][0]["line"], 2);
}

TEST(WebApi, EachLimitIsRefusedWithAMessage) {
  Limits limits;
  limits.max_policy_bytes = 64;
  limits.max_population = 10;
  limits.max_body_bytes = 100'000;
  limits.max_space = 100;
  Fixture f(limits);
  auto big = f.post("check", {{"policy", {{"path", "x.decree"}, {"text", std::string(65, '#')}}}});
  ASSERT_EQ(big.status, 200);
  EXPECT_EQ(big.body["diagnostics"][0]["code"], "serve.policy-too-large");
  auto body = f.api.handle("check", std::string(100'001, ' '));
  EXPECT_EQ(body.status, 413);
  EXPECT_NE(body.body["error"].get<std::string>().find("at most 100000"), std::string::npos);
  auto population = f.post("diff", {{"policy", telegram()},
                                    {"other", {{"path", kRoot + "/scenarios/counterfactual/no-friends-veto.decree"}}},
                                    {"population", kRoot + "/scenarios/populations/return-requests.yaml"}});
  EXPECT_EQ(population.status, 413);
  EXPECT_NE(population.body["error"].get<std::string>().find("at most 10"), std::string::npos);
  auto space = f.post("explore", {{"policy", telegram()}});
  EXPECT_EQ(space.status, 413);
  EXPECT_TRUE(space.body["error"].is_string());
  auto junk = f.api.handle("evaluate", "{not json");
  EXPECT_EQ(junk.status, 400);
}

TEST(WebApi, DiffCountsMatchAndSamplesMovedCases) {
  Fixture f;
  auto r = f.post("diff", {{"policy", telegram()},
                           {"other", {{"path", kRoot + "/scenarios/counterfactual/justified-not-required.decree"}}},
                           {"population", kRoot + "/scenarios/populations/return-requests.yaml"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["cases"]["schema"], "decree.diff/1");
  const auto& p = r.body["population"];
  EXPECT_EQ(p["cases"], 2000);
  std::uint64_t moved = 0;
  for (const auto& c : p["summary"]["decisions"][0]["counts"])
    if (c["a"] != c["b"]) moved += c["count"].get<std::uint64_t>();
  EXPECT_EQ(moved, p["summary"]["decisions"][0]["differing"].get<std::uint64_t>());
  ASSERT_FALSE(p["samples"].empty());
  for (const auto& bar : p["samples"]) {
    ASSERT_FALSE(bar["cases"].empty());
    for (const auto& c : bar["cases"])
      for (const auto& d : c["decisions"])
        if (d["decision"] == bar["decision"]) {
          EXPECT_EQ(d["a"]["outcome"], bar["a"]);
          EXPECT_EQ(d["b"]["outcome"], bar["b"]);
        }
  }
}

TEST(WebApi, WhyNotExploreAndGraph) {
  Fixture f;
  auto why = f.post("why-not", {{"policy", telegram()}, {"case", "ly-kim"}, {"decision", "return"}, {"value", "granted"}});
  ASSERT_EQ(why.status, 200);
  EXPECT_EQ(why.body["why_not"]["decision"], "return");
  EXPECT_FALSE(why.body["why_not"]["rules"].empty());
  auto explore = f.post("explore", {{"policy", telegram()}, {"decision", "return"}});
  ASSERT_EQ(explore.status, 200);
  EXPECT_EQ(explore.body["schema"], "decree.explore/1");
  auto graph = f.post("graph", {{"policy", telegram()}});
  ASSERT_EQ(graph.status, 200);
  const std::string svg = graph.body["svg"];
  // misdemeanants_answer_locally is an exception to grant_return: one edge from it to that rule.
  EXPECT_NE(svg.find("data-from=\"misdemeanants_answer_locally\" data-to=\"grant_return\""), std::string::npos);
}

TEST(WebHtml, EmbedsTheJsonSoNoScriptCanEnd) {
  nlohmann::ordered_json data = {{"schema", "decree.trace/1"}, {"x", "</script><script>alert(1)</script>"}};
  const std::string page = html_page("run", data, "A <title>");
  EXPECT_EQ(page.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(page.find("<title>A &lt;title&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("data-view=\"run\""), std::string::npos);
  EXPECT_EQ(page.find("import "), std::string::npos) << "the bundled views keep an import";
}

}  // namespace
}  // namespace decree::web

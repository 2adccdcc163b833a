// The JSON trace writer's strings: those that need no escaping are copied whole, the others are
// escaped by RapidJSON; either way each string reads exactly as RapidJSON's own Writer writes it,
// whatever its length and wherever in it a byte to escape stands.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/render_jsonl.hpp"
#include "engine/trace.hpp"

namespace decree::engine {
namespace {

const char* kPolicy = R"(
policy t "A test policy"
fact eligible: bool "Eligible"
fact name: text "A name"
decision d "The decision": granted | refused
  default refused
rule grant "Grant": when eligible and name = "x" then d = granted
)";

// `s` as RapidJSON's Writer writes it, quotes and escapes included.
std::string rapidjson_string(const std::string& s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

// Strings of 0 to 40 bytes with one byte of `bytes` at each place in turn (and none), so that the
// byte falls in the first eight, in the middle and in the tail of each length.
std::vector<std::string> strings_with(const std::vector<std::string>& bytes) {
  std::vector<std::string> out;
  for (std::size_t n = 0; n <= 40; ++n) {
    out.push_back(std::string(n, 'a'));
    for (const auto& b : bytes)
      for (std::size_t at = 0; at < n; ++at) {
        std::string s(n, 'a');
        s.replace(at, 1, b);
        out.push_back(s);
      }
  }
  return out;
}

struct Fixture {
  CompiledPolicy policy;
  Fixture() {
    auto parsed = dsl::parse(kPolicy, "t.decree");
    dsl::check(*parsed.policy);
    policy = std::move(*compile(*parsed.policy).policy);
  }
  Case with(const std::string& text) const {
    Case c;
    c.id = text;
    c.title = text;
    c.facts["eligible"] = FactValue{Value::of_bool(true), SourceLoc{"c.yaml", 0, 4, 3, 1}, "", Certainty::Unstated, "", false, ""};
    c.facts["name"] = FactValue{Value::of_text(text), SourceLoc{"c.yaml", 0, 5, 3, 1}, text, Certainty::Documented, text, false, ""};
    return c;
  }
};

// Bytes to escape (quote, backslash, control characters), and bytes that are written as they
// are though they are near them (space, DEL, UTF-8, `/`); then quotes together, and a quote
// with another byte to escape.
const std::vector<std::string> kBytes = {"\"", "\\", "\n", "\t", std::string(1, '\0'), "\x01", "\x1f", " ", "\x7f",
                                         "/",  "é", "—", "\"\"", "\"a\" \"", "\"\n", "\\\"", "\"\x1f\""};

TEST(RenderJsonl, EveryStringReadsAsRapidJsonWritesIt) {
  Fixture f;
  EvalOptions options;
  options.trace = true;
  options.explore = true;
  for (const auto& s : strings_with(kBytes)) {
    const Case c = f.with(s);
    const CaseEvaluation ev = evaluate_case(f.policy, c, options);
    const std::string quoted = rapidjson_string(s);
    const std::string whole = case_json_text(f.policy, ev, false);
    EXPECT_NE(whole.find("{\"id\":" + quoted + ",\"title\":" + quoted + ","), std::string::npos) << quoted << "\n" << whole;
    if (!s.empty()) {  // an empty source or note is written null
      EXPECT_NE(whole.find("\"value\":" + quoted + ",\"at\":\"c.yaml:5\",\"certainty\":\"documented\",\"source\":" + quoted +
                           ",\"note\":" + quoted),
                std::string::npos)
          << quoted << "\n" << whole;
    }
    const auto doc = nlohmann::json::parse(whole);
    EXPECT_EQ(doc["id"], s);
    EXPECT_EQ(doc["title"], s);

    JsonlWriter jsonl(f.policy, false);
    const std::string line(jsonl.line(ev));
    EXPECT_EQ(line.rfind("{\"id\":" + quoted + ",\"title\":" + quoted + ",", 0), 0u) << line;
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(nlohmann::json::parse(line)["id"], s);
  }
}

TEST(RenderJsonl, IndentedStringsReadAsRapidJsonWritesThem) {
  Fixture f;
  EvalOptions options;
  options.trace = true;
  for (const auto& s : strings_with({"\"", "\\", "\n", "é"})) {
    const Case c = f.with(s);
    const CaseEvaluation ev = evaluate_case(f.policy, c, options);
    TraceWriter pretty(f.policy, false, true);
    std::string doc(pretty.open());
    doc += pretty.next(ev);
    doc += pretty.close();
    const std::string quoted = rapidjson_string(s);
    EXPECT_NE(doc.find("\n      \"id\": " + quoted + ",\n      \"title\": " + quoted + ",\n"), std::string::npos) << doc;
    EXPECT_EQ(nlohmann::json::parse(doc)["cases"][0]["title"], s);
  }
}

// A policy whose titles and condition texts hold quotes and a backslash: the writer, which
// writes the policy's texts unscanned only when it has found them all plain, escapes them.
TEST(RenderJsonl, PolicyTextsThatNeedEscapesAreEscaped) {
  auto parsed = dsl::parse(R"(
policy q "A \"quoted\" policy"
fact eligible: bool "Eligible \\ or not"
fact name: text "A name"
decision d "The \"decision\"": granted | refused
  default refused
rule grant "Grant \"it\"": when eligible and name = "x" then d = granted
)", "q.decree");
  ASSERT_TRUE(parsed.policy);
  dsl::check(*parsed.policy);
  auto compiled = compile(*parsed.policy);
  ASSERT_TRUE(compiled.policy);
  const CompiledPolicy& p = *compiled.policy;
  Case c;
  c.id = "c";
  c.facts["eligible"] = FactValue{Value::of_bool(true), SourceLoc{"c.yaml", 0, 4, 3, 1}, "", Certainty::Unstated, "", false, ""};
  c.facts["name"] = FactValue{Value::of_text("x"), SourceLoc{"c.yaml", 0, 5, 3, 1}, "", Certainty::Unstated, "", false, ""};
  EvalOptions options;
  options.trace = true;
  const CaseEvaluation ev = evaluate_case(p, c, options);
  const std::string whole = case_json_text(p, ev, false);
  EXPECT_NE(whole.find("\"title\":" + rapidjson_string("The \"decision\"") + ","), std::string::npos) << whole;
  EXPECT_NE(whole.find("\"title\":" + rapidjson_string("Grant \"it\"") + ","), std::string::npos) << whole;
  EXPECT_NE(whole.find("{\"text\":" + rapidjson_string("name = \"x\"") + ","), std::string::npos) << whole;
  TraceWriter json(p, false, false);
  std::string streamed(json.open());
  streamed += json.next(ev);
  streamed += json.close();
  const auto doc = nlohmann::json::parse(streamed);
  EXPECT_EQ(doc["cases"][0]["decisions"][0]["title"], "The \"decision\"");
  EXPECT_EQ(doc["cases"][0]["decisions"][0]["rules"][0]["title"], "Grant \"it\"");
  EXPECT_EQ(doc["cases"][0]["decisions"][0]["rules"][0]["conditions"][1]["text"], "name = \"x\"");
  JsonlWriter jsonl(p, false);
  const auto line = nlohmann::json::parse(jsonl.line(ev));
  EXPECT_EQ(line["decisions"][0]["rules"][0]["conditions"][1]["text"], "name = \"x\"");
  EXPECT_NE(line["decisions"][0]["because"][0].get<std::string>().find("so \"Grant \"it\"\" (grant) applies"), std::string::npos)
      << line["decisions"][0]["because"][0];
}

}  // namespace
}  // namespace decree::engine

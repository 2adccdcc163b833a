// The JSON trace writer's strings: those that need no escaping are copied whole, the others are
// escaped by RapidJSON; either way each string reads exactly as RapidJSON's own Writer writes it,
// whatever its length and wherever in it a byte to escape stands.
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "dsl/check.hpp"
#include "dsl/load.hpp"
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
  // Out of order, the writer says so rather than write a document that is not JSON.
  EXPECT_THROW(json.next(ev), std::logic_error) << "after close()";
  EXPECT_THROW(json.close(), std::logic_error) << "twice";
  EXPECT_THROW(json.open(), std::logic_error) << "after close()";
  TraceWriter unopened(p, true, false);
  EXPECT_THROW(unopened.next(ev), std::logic_error);
  EXPECT_THROW(unopened.close(), std::logic_error);
  std::string brief(unopened.open());
  EXPECT_THROW(unopened.open(), std::logic_error);
  brief += unopened.next(ev);
  brief += unopened.close();
  EXPECT_EQ(nlohmann::json::parse(brief)["cases"].size(), 1u);
  JsonlWriter jsonl(p, false);
  const auto line = nlohmann::json::parse(jsonl.line(ev));
  EXPECT_EQ(line["decisions"][0]["rules"][0]["conditions"][1]["text"], "name = \"x\"");
  EXPECT_NE(line["decisions"][0]["because"][0].get<std::string>().find("so \"Grant \"it\"\" (grant) applies"), std::string::npos)
      << line["decisions"][0]["because"][0];
}

// `text` read by RapidJSON and written again by its own Writer: the same bytes when `text` is
// written as RapidJSON writes JSON.
std::string rapidjson_rewritten(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

// Cases drawn for `p`: each fact absent, unknown or one of the values the searches try, stated
// with a certainty, a source and a note drawn too (some with quotes to escape), on lines of two
// files; so the cases of one run reach every outcome and repeat their facts' places.
std::vector<Case> drawn_cases(const CompiledPolicy& p, std::mt19937& random, int count) {
  auto pick = [&random](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
  const std::vector<std::string> texts = {"", "memo p4", "telegram \"s2\"", "a note\nover two lines"};
  const Certainty certainties[] = {Certainty::Unstated, Certainty::Documented, Certainty::Inferred, Certainty::Contested};
  std::vector<Case> out;
  for (int i = 0; i < count; ++i) {
    Case c;
    c.id = "case-" + std::to_string(i);
    c.title = i % 3 == 0 ? "" : "A \"titled\" case";
    const std::string file = i % 2 == 0 ? "a.jsonl" : "b/c.yaml";
    c.loc = SourceLoc{file, 0, static_cast<std::uint32_t>(i + 1), 1, 1};
    for (const auto& f : p.facts) {
      const std::size_t k = pick(f.probes.size() + 2);
      if (k == f.probes.size()) continue;  // absent
      FactValue v;
      if (k < f.probes.size()) v.value = f.probes[k];
      v.loc = SourceLoc{file, 0, static_cast<std::uint32_t>(i + 1 + pick(3)), 1, 1};
      v.certainty = certainties[pick(4)];
      v.source = texts[pick(texts.size())];
      v.note = texts[pick(texts.size())];
      c.facts[f.name] = std::move(v);
    }
    out.push_back(std::move(c));
  }
  return out;
}

// The writers of case after case keep the outcome texts they have made, and copy a fact's
// object from where the case first wrote it: line by line and case by case, what they write is
// what each case written alone gives, on every policy of the project.
TEST(RenderJsonl, CaseAfterCaseReadsAsEachCaseAlone) {
  std::vector<std::string> paths;
  for (const char* folder : {"/policies", "/scenarios/counterfactual"})
    for (const auto& e : std::filesystem::directory_iterator(std::string(DECREE_SOURCE_DIR) + folder))
      if (e.path().extension() == ".decree") paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  ASSERT_GE(paths.size(), 20u);
  std::size_t repeated_facts = 0;
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    SourceSet sources;
    auto loaded = dsl::load_policy(path, sources);
    ASSERT_TRUE(loaded.effective.has_value());
    auto compiled = compile(*loaded.effective);
    ASSERT_TRUE(compiled.policy.has_value());
    const CompiledPolicy& p = *compiled.policy;
    std::mt19937 random(1956);
    const std::vector<Case> cases = drawn_cases(p, random, 60);
    JsonlWriter jsonl(p, false);
    TraceWriter json(p, false, false);
    std::string document(json.open()), alone = document;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const CaseEvaluation ev = evaluate_case(p, cases[i], EvalOptions{});
      const std::string expected = case_jsonl_text(p, ev);
      EXPECT_EQ(std::string(jsonl.line(ev)), expected + "\n") << cases[i].id;
      document += json.next(ev);
      const std::string whole = case_json_text(p, ev, false);
      alone += (i == 0 ? "" : ",") + whole;
      // Byte for byte as RapidJSON's own Writer writes the same values.
      EXPECT_EQ(rapidjson_rewritten(expected), expected);
      EXPECT_EQ(rapidjson_rewritten(whole), whole);
      for (const auto& f : p.facts) {  // a fact written twice or more in the line
        const std::string object = "{\"fact\":\"" + f.name + "\",";
        const auto first = expected.find(object);
        if (first != std::string::npos && expected.find(object, first + 1) != std::string::npos) ++repeated_facts;
      }
    }
    const std::string end(json.close());
    document += end;
    alone += end;
    EXPECT_EQ(document, alone);
    EXPECT_EQ(rapidjson_rewritten(document) + "\n", document);
  }
  EXPECT_GT(repeated_facts, 1000u);
}

}  // namespace
}  // namespace decree::engine

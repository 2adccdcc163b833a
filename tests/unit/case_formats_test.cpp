// JSON Lines and CSV case files, and `decree convert`'s writers: every format loads the same
// cases with the same checks, and a round trip through each format loses nothing a case says.
#include <string>

#include <gtest/gtest.h>

#include "dsl/diagnostic.hpp"
#include "dsl/parse.hpp"
#include "engine/case_load.hpp"
#include "engine/formats/case_write.hpp"

namespace decree::engine {
namespace {

using formats::CaseFormat;

constexpr const char* kPolicy = R"(policy unit_formats "Policy for the case format tests"
  source memo "CPSU CC memorandum No. 25-S-207, 2 Feb 1956"
fact soviet_citizen: bool
fact request: return_to_ussr | convert_to_dprk | none
fact misdemeanor: bool
fact years_in_dprk: int
fact requested_on: date
fact post: text
authority embassy "The embassy"
obligation report_to_moscow "A report to Moscow"
flag reason_mismatch "Reasons differ"
decision return "Return to the USSR": granted | refused
  default refused
rule grant_return "Grant":
  when soviet_citizen and request is return_to_ussr
  then return = granted by embassy,
       owe report_to_moscow "reasons"
  cites memo p4
)";

const ast::Policy& policy() {
  static const ast::Policy p = [] {
    auto parsed = dsl::parse(kPolicy, "unit.decree");
    EXPECT_TRUE(parsed.ok()) << render_all(parsed.diagnostics, SourceSet{});
    return *parsed.policy;
  }();
  return p;
}

const std::vector<std::string> kFacts = {"soviet_citizen", "request", "misdemeanor", "years_in_dprk", "requested_on", "post"};

CaseLoadResult load(const std::string& text, const std::string& name) {
  SourceSet sources;
  auto r = load_cases(text, name, policy(), sources);
  EXPECT_TRUE(r.diagnostics.empty()) << render_all(r.diagnostics, sources);
  return r;
}

// Everything a case says, places aside.
void expect_same(const Case& a, const Case& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.date.has_value(), b.date.has_value());
  if (a.date && b.date) {
    EXPECT_EQ(*a.date, *b.date);
  }
  ASSERT_EQ(a.facts.size(), b.facts.size()) << a.id;
  for (const auto& [name, f] : a.facts) {
    auto it = b.facts.find(name);
    ASSERT_NE(it, b.facts.end()) << a.id << " " << name;
    EXPECT_EQ(f.value, it->second.value) << a.id << " " << name;
    EXPECT_EQ(f.source, it->second.source) << a.id << " " << name;
    EXPECT_EQ(f.certainty, it->second.certainty) << a.id << " " << name;
    EXPECT_EQ(f.note, it->second.note) << a.id << " " << name;
  }
  ASSERT_EQ(a.expect.size(), b.expect.size()) << a.id;
  for (std::size_t i = 0; i < a.expect.size(); ++i) {
    EXPECT_EQ(a.expect[i].policy, b.expect[i].policy);
    EXPECT_EQ(a.expect[i].obligations, b.expect[i].obligations);
    EXPECT_EQ(a.expect[i].flags, b.expect[i].flags);
    EXPECT_EQ(a.expect[i].comment, b.expect[i].comment);
    ASSERT_EQ(a.expect[i].decisions.size(), b.expect[i].decisions.size());
    for (const auto& [d, e] : a.expect[i].decisions) {
      ASSERT_TRUE(b.expect[i].decisions.contains(d));
      EXPECT_EQ(e.value, b.expect[i].decisions.at(d).value);
      EXPECT_EQ(e.by, b.expect[i].decisions.at(d).by);
    }
  }
  EXPECT_EQ(a.history.has_value(), b.history.has_value());
  if (a.history && b.history) {
    EXPECT_EQ(a.history->summary, b.history->summary);
    EXPECT_EQ(a.history->decisions, b.history->decisions);
    EXPECT_EQ(a.history->source, b.history->source);
  }
}

void expect_same(const std::vector<Case>& a, const std::vector<Case>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
}

// Facts of every type, provenance, an explicit unknown with and without provenance, text that
// needs quoting or escaping in every format, a date range, expectations and history.
constexpr const char* kFull = R"(cases:
  - id: pt-kim
    title: "P. T. Kim, \"trader\""
    date: 1956-02 .. 1957
    source: "memo p2, p4"
    facts:
      soviet_citizen: true
      request: return_to_ussr
      misdemeanor: {value: unknown, source: memo p4, certainty: contested, note: "removed from [his] post"}
      years_in_dprk: -3
      requested_on: 1956-01-15
      post: "Deputy Minister of Trade\nand, later, \u00e9migré ✓"
    expect:
      unit_formats:
        return: {value: granted, by: embassy}
        obligations: [report_to_moscow]
        flags: []
        why: "the rule applies"
      other_policy: {return: maybe}
    history:
      summary: returned in 1957
      decisions: {return: granted}
      source: cases.md
  - id: ay-ligay
    facts:
      misdemeanor: unknown
  - id: bare
)";

constexpr const char* kCsvable = R"(cases:
  - id: pt-kim
    title: "P. T. Kim, \"trader\""
    date: "1957 .. 1958"
    facts:
      soviet_citizen: true
      request: return_to_ussr
      misdemeanor: {value: unknown, source: memo p4, certainty: contested, note: "removed, later"}
      years_in_dprk: 12
      post: "  two\nlines  "
  - id: ay-ligay
    facts:
      misdemeanor: unknown
      requested_on: {value: 1956-02-10, certainty: inferred}
  - id: bare
)";

TEST(CaseFormats, YamlToJsonLinesAndBackLosesNothing) {
  auto yaml = load(kFull, "full.yaml");
  ASSERT_EQ(yaml.cases.size(), 3u);
  std::string jsonl = formats::write_cases(yaml.cases, kFacts, CaseFormat::JsonLines);
  auto from_jsonl = load(jsonl, "full.jsonl");
  expect_same(yaml.cases, from_jsonl.cases);
  std::string yaml_again = formats::write_cases(from_jsonl.cases, kFacts, CaseFormat::Yaml);
  auto back = load(yaml_again, "again.yaml");
  expect_same(yaml.cases, back.cases);
  // The explicit unknown is kept as such, not dropped as if the fact were left out.
  ASSERT_TRUE(back.cases[1].facts.contains("misdemeanor"));
  EXPECT_FALSE(back.cases[1].facts.at("misdemeanor").value.known());
}

TEST(CaseFormats, YamlToCsvAndBackLosesNothing) {
  auto yaml = load(kCsvable, "csvable.yaml");
  for (const auto& c : yaml.cases) EXPECT_EQ(formats::csv_cannot_hold(c), "") << c.id;
  std::string csv = formats::write_cases(yaml.cases, kFacts, CaseFormat::Csv);
  auto from_csv = load(csv, "cases.csv");
  expect_same(yaml.cases, from_csv.cases);
  auto back = load(formats::write_cases(from_csv.cases, kFacts, CaseFormat::Yaml), "back.yaml");
  expect_same(yaml.cases, back.cases);
  auto jsonl = load(formats::write_cases(from_csv.cases, kFacts, CaseFormat::JsonLines), "back.jsonl");
  expect_same(yaml.cases, jsonl.cases);
}

TEST(CaseFormats, CsvSaysWhatItCannotHold) {
  auto yaml = load(kFull, "full.yaml");
  EXPECT_NE(formats::csv_cannot_hold(yaml.cases[0]).find("expectations"), std::string::npos);
  EXPECT_NE(formats::csv_cannot_hold(yaml.cases[0]).find("history"), std::string::npos);
  EXPECT_EQ(formats::csv_cannot_hold(yaml.cases[1]), "");
}

TEST(CaseFormats, SameCaseSameValuesInEveryFormat) {
  auto yaml = load("id: a\nfacts: {soviet_citizen: true, years_in_dprk: 7, post: x}\n", "a.yaml");
  auto jsonl = load(R"({"id": "a", "facts": {"soviet_citizen": true, "years_in_dprk": 7, "post": "x"}})", "a.jsonl");
  auto csv = load("id,soviet_citizen,years_in_dprk,post\na,true,7,x\n", "a.csv");
  expect_same(yaml.cases, jsonl.cases);
  expect_same(yaml.cases, csv.cases);
}

TEST(CaseFormats, PlacesPointIntoTheRecord) {
  SourceSet sources;
  auto r = load_cases("{\"id\": \"a\"}\n\n{\"id\": \"b\", \"facts\": {\"years_in_dprk\": 4.5}}\n", "p.jsonl", policy(), sources);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(to_string(r.diagnostics[0].loc), "p.jsonl:3:40");
  EXPECT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.rejected, 1u);
  auto c = load_cases("id,post\na,\"two\nlines\"\nb,x,y\n", "p.csv", policy(), sources);
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].code, "case.csv-columns");
  EXPECT_EQ(to_string(c.diagnostics[0].loc), "p.csv:4:1");
  ASSERT_EQ(c.cases.size(), 1u);
  EXPECT_EQ(c.cases[0].facts.at("post").value.text, "two\nlines");
}

// What the archive's cases added: a set (whole, and known in part), a household with a fact
// stated for it, and a request's date beside the decision's. JSON Lines and YAML carry them all;
// CSV refuses them by name rather than lose them.
constexpr const char* kHouseholdPolicy = R"(policy unit_households "Households and sets"
type reason: illness | family | schooling
fact stated_reasons: set of reason
fact soviet_citizen: bool
decision return "Return": granted | refused
  default refused
)";

constexpr const char* kHousehold = R"(cases:
  - id: head
    requested: 1958-03
    decided: 1958 .. 1959
    facts:
      soviet_citizen: false
      stated_reasons: {value: [schooling, family], for: household, source: a letter, certainty: documented}
  - id: wife
    household: {head: head, relation: "wife and \"children\""}
    facts:
      soviet_citizen: true
  - id: in-part
    date: 1957
    facts:
      stated_reasons: {includes: [family], excludes: [illness]}
  - id: not-known
    facts:
      stated_reasons: unknown
)";

TEST(CaseFormats, SetsHouseholdsAndRequestDatesSurviveARoundTrip) {
  auto parsed = dsl::parse(kHouseholdPolicy, "households.decree");
  ASSERT_TRUE(parsed.ok()) << render_all(parsed.diagnostics, SourceSet{});
  const std::vector<std::string> order = {"stated_reasons", "soviet_citizen"};
  auto read = [&](const std::string& text, const std::string& name) {
    SourceSet sources;
    auto r = load_cases(text, name, *parsed.policy, sources);
    EXPECT_TRUE(r.diagnostics.empty()) << name << "\n" << render_all(r.diagnostics, sources) << "\n" << text;
    return r;
  };
  auto yaml = read(kHousehold, "h.yaml");
  ASSERT_EQ(yaml.cases.size(), 4u);
  ASSERT_EQ(yaml.cases[1].facts.at("stated_reasons").household_of, "head");  // the loader gave it to her
  for (CaseFormat f : {CaseFormat::JsonLines, CaseFormat::Yaml}) {
    const std::string text = formats::write_cases(yaml.cases, order, f);
    auto back = read(text, f == CaseFormat::Yaml ? "again.yaml" : "again.jsonl");
    ASSERT_EQ(back.cases.size(), 4u) << text;
    for (std::size_t i = 0; i < 4; ++i) {
      const Case& a = yaml.cases[i];
      const Case& b = back.cases[i];
      expect_same(a, b);
      EXPECT_EQ(a.requested.has_value(), b.requested.has_value()) << a.id;
      if (a.requested && b.requested) EXPECT_EQ(*a.requested, *b.requested) << a.id;
      EXPECT_EQ(a.decided_written, b.decided_written) << a.id;
      EXPECT_EQ(a.household.has_value(), b.household.has_value()) << a.id;
      if (a.household && b.household) {
        EXPECT_EQ(a.household->head, b.household->head);
        EXPECT_EQ(a.household->relation, b.household->relation);
      }
      for (const auto& [name, fact] : a.facts) {
        EXPECT_EQ(fact.for_household, b.facts.at(name).for_household) << a.id << " " << name;
        EXPECT_EQ(fact.household_of, b.facts.at(name).household_of) << a.id << " " << name;
      }
    }
  }
  EXPECT_NE(formats::csv_cannot_hold(yaml.cases[0]).find("the set `stated_reasons`"), std::string::npos);
  EXPECT_NE(formats::csv_cannot_hold(yaml.cases[0]).find("`requested:`"), std::string::npos);
  EXPECT_NE(formats::csv_cannot_hold(yaml.cases[1]).find("household"), std::string::npos);
}

}  // namespace
}  // namespace decree::engine

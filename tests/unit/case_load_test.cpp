// Loading case files: values with provenance, several cases, folders, duplicate ids, and YAML
// that must be refused without a crash (100 MB, 10,000 levels, a billion laughs, ...).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "dsl/diagnostic.hpp"
#include "dsl/parse.hpp"
#include "engine/case_load.hpp"

namespace decree::engine {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPolicy = R"(policy unit_cases "Policy for the case loader's tests"
  source memo "CPSU CC memorandum No. 25-S-207, 2 Feb 1956"
type reason: illness | other_reasons | misdemeanors
fact soviet_citizen: bool "Holds USSR citizenship"
fact ethnicity: korean | other
fact request: return_to_ussr | convert_to_dprk | none
fact friends_agree: bool
fact misdemeanor: bool
fact justified: bool
fact stated_reason: reason
fact years_in_dprk: int
fact requested_on: date
fact post: text
authority embassy "The embassy"
obligation report_to_moscow "A report to Moscow"
flag reason_mismatch "Reasons differ"
decision return "Return to the USSR": granted | refused
  default refused
rule grant_return "Grant":
  when soviet_citizen and ethnicity is korean and request is return_to_ussr and friends_agree and justified
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

CaseLoadResult load(std::string_view text, CaseLimits limits = {}) {
  SourceSet sources;
  return load_cases(text, "case.yaml", policy(), sources, limits);
}

std::vector<std::string> codes(const CaseLoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.code);
  return out;
}

bool has_code(const CaseLoadResult& r, const std::string& code) {
  for (const auto& d : r.diagnostics)
    if (d.code == code) return true;
  return false;
}

// A folder under the test's temporary directory, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("decree-case-load-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.generic_string();
  }
  std::string path() const { return path_.generic_string(); }

 private:
  fs::path path_;
};

TEST(CaseLoad, ValidCaseWithProvenance) {
  auto r = load(R"(id: ly-kim
title: "L. Yu. Kim"
date: 1956-02-10
source: "memo p2, p4"
facts:
  soviet_citizen: true
  ethnicity: korean
  request: return_to_ussr
  justified: unknown
  misdemeanor:
    value: true
    source: memo p4
    certainty: documented
    note: "removed from [his] post for misdemeanors"
  stated_reason: {value: illness, certainty: contested}
  years_in_dprk: 12
  requested_on: 1956-01-15
  post: Deputy Minister
expect:
  unit_cases:
    return: {value: refused, by: embassy}
    obligations: []
    why: "misdemeanors"
  other_policy:
    conversion: not_applicable
history:
  summary: "Outcome not in the document"
  decisions: {return: refused}
  source: cases.md
)");
  ASSERT_TRUE(r.diagnostics.empty()) << render_all(r.diagnostics, SourceSet{});
  ASSERT_EQ(r.cases.size(), 1u);
  const Case& c = r.cases[0];
  EXPECT_EQ(c.id, "ly-kim");
  EXPECT_EQ(c.title, "L. Yu. Kim");
  ASSERT_TRUE(c.date.has_value());
  EXPECT_EQ(c.date->written, "1956-02-10");
  EXPECT_EQ(c.date->first, (ast::Date{1956, 2, 10}));
  EXPECT_TRUE(c.date->exact());
  EXPECT_EQ(c.source, "memo p2, p4");
  EXPECT_EQ(c.loc.line, 1u);

  EXPECT_EQ(c.facts.at("soviet_citizen").value, Value::of_bool(true));
  EXPECT_EQ(c.facts.at("soviet_citizen").loc.line, 6u);
  EXPECT_EQ(c.facts.at("soviet_citizen").loc.column, 19u);
  EXPECT_EQ(c.facts.at("soviet_citizen").loc.length, 4u);
  EXPECT_EQ(c.facts.at("soviet_citizen").certainty, Certainty::Unstated);
  EXPECT_EQ(c.facts.at("ethnicity").value, Value::of_enum(0, "korean"));
  EXPECT_EQ(c.facts.at("request").value, Value::of_enum(0, "return_to_ussr"));
  EXPECT_FALSE(c.facts.at("justified").value.known());
  EXPECT_EQ(c.facts.at("justified").loc.line, 9u);
  EXPECT_EQ(c.facts.count("friends_agree"), 0u);  // absent: unknown

  const FactValue& m = c.facts.at("misdemeanor");
  EXPECT_EQ(m.value, Value::of_bool(true));
  EXPECT_EQ(m.loc.line, 11u);
  EXPECT_EQ(m.loc.column, 12u);
  EXPECT_EQ(m.source, "memo p4");
  EXPECT_EQ(m.certainty, Certainty::Documented);
  EXPECT_EQ(m.note, "removed from [his] post for misdemeanors");
  EXPECT_EQ(c.facts.at("stated_reason").value, Value::of_enum(0, "illness"));
  EXPECT_EQ(c.facts.at("stated_reason").certainty, Certainty::Contested);
  EXPECT_EQ(c.facts.at("years_in_dprk").value, Value::of_int(12));
  EXPECT_EQ(c.facts.at("requested_on").value, Value::of_date(ast::days_since_epoch({1956, 1, 15})));
  EXPECT_EQ(c.facts.at("post").value, Value::of_text("Deputy Minister"));

  ASSERT_EQ(c.expect.size(), 2u);
  const Expectation& e = c.expect[0];
  EXPECT_EQ(e.policy, "unit_cases");
  EXPECT_EQ(e.decisions.at("return").value, "refused");
  EXPECT_EQ(e.decisions.at("return").by, "embassy");
  EXPECT_EQ(e.decisions.at("return").loc.line, 21u);
  ASSERT_TRUE(e.obligations.has_value());
  EXPECT_TRUE(e.obligations->empty());
  EXPECT_FALSE(e.flags.has_value());  // not listed: not compared
  EXPECT_EQ(e.comment, "misdemeanors");
  EXPECT_EQ(c.expect[1].policy, "other_policy");  // kept, unchecked
  EXPECT_EQ(c.expect[1].decisions.at("conversion").value, "not_applicable");

  ASSERT_TRUE(c.history.has_value());
  EXPECT_EQ(c.history->summary, "Outcome not in the document");
  EXPECT_EQ(c.history->decisions.at("return"), "refused");
  EXPECT_EQ(c.history->source, "cases.md");
}

TEST(CaseLoad, SeveralCasesInFileOrder) {
  auto r = load(R"(cases:
  - id: c
    facts: {soviet_citizen: true}
  - id: a
    facts: {soviet_citizen: false}
  - id: b
)");
  ASSERT_TRUE(r.diagnostics.empty()) << render_all(r.diagnostics, SourceSet{});
  ASSERT_EQ(r.cases.size(), 3u);
  EXPECT_EQ(r.cases[0].id, "c");
  EXPECT_EQ(r.cases[1].id, "a");
  EXPECT_EQ(r.cases[2].id, "b");
  EXPECT_EQ(r.cases[1].loc.line, 4u);
  EXPECT_TRUE(r.cases[2].facts.empty());
}

TEST(CaseLoad, CaseWithErrorsIsDroppedOthersKept) {
  auto r = load(R"(cases:
  - id: good
    facts: {soviet_citizen: true}
  - id: bad
    facts: {soviet_citizen: yes, ethnicity: russian}
)");
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].id, "good");
  EXPECT_EQ(r.rejected, 1u);
  EXPECT_EQ(codes(r), (std::vector<std::string>{"case.wrong-type", "case.not-in-enum"}));
  EXPECT_EQ(r.diagnostics[0].message, "expected a bool (true or false) for `soviet_citizen`, found `yes`");
  EXPECT_EQ(r.diagnostics[0].loc.line, 5u);
  EXPECT_EQ(r.diagnostics[0].loc.column, 29u);
}

TEST(CaseLoad, EveryProblemHasAPlaceAndAHint) {
  auto r = load(R"(id: x
facts:
  friends_agre: true
  request: return
expect:
  unit_cases:
    retrun: granted
)");
  ASSERT_EQ(r.diagnostics.size(), 3u);
  EXPECT_EQ(r.diagnostics[0].code, "case.unknown-fact");
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean `friends_agree`?");
  EXPECT_EQ(r.diagnostics[1].code, "case.not-in-enum");
  EXPECT_NE(r.diagnostics[1].hint.find("return_to_ussr | convert_to_dprk | none"), std::string::npos);
  EXPECT_EQ(r.diagnostics[2].code, "case.unknown-decision");
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.loc.file, "case.yaml");
    EXPECT_TRUE(d.loc.known());
  }
  EXPECT_TRUE(r.cases.empty());
}

TEST(CaseLoad, DatesAreRealCalendarDays) {
  auto r = load("id: x\nfacts:\n  requested_on: 1955-02-29\n");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "`1955-02-29` is not a real calendar day: February 1955 has 28 days");
  EXPECT_TRUE(load("id: x\nfacts:\n  requested_on: 1956-02-29\n").diagnostics.empty());
  EXPECT_TRUE(has_code(load("id: x\ndate: 56-2-1\n"), "case.bad-date"));
}

TEST(CaseLoad, ACaseDateMayBeAMonthAYearOrARange) {
  auto r = load("cases:\n  - id: a\n    date: 1957\n  - id: b\n    date: 1956-02\n  - id: c\n    date: 1957 .. 1958\n"
                "  - id: d\n    date: \"1956-02-02 .. 1956-02-10\"\n");
  ASSERT_TRUE(r.diagnostics.empty()) << render_all(r.diagnostics, SourceSet{});
  ASSERT_EQ(r.cases.size(), 4u);
  EXPECT_EQ(*r.cases[0].date, (CaseDate{"1957", {1957, 1, 1}, {1957, 12, 31}}));
  EXPECT_EQ(*r.cases[1].date, (CaseDate{"1956-02", {1956, 2, 1}, {1956, 2, 29}}));
  EXPECT_EQ(*r.cases[2].date, (CaseDate{"1957 .. 1958", {1957, 1, 1}, {1958, 12, 31}}));
  EXPECT_EQ(*r.cases[3].date, (CaseDate{"1956-02-02 .. 1956-02-10", {1956, 2, 2}, {1956, 2, 10}}));
}

TEST(CaseLoad, ACaseDateErrorPointsAtTheWrongEnd) {
  auto r = load("id: x\ndate: 1956-02-02 .. 1956-2\n");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "case.bad-date");
  EXPECT_EQ(r.diagnostics[0].message, "`1956-2` is not a date: a month is written with two digits, as in 1956-02");
  EXPECT_EQ(r.diagnostics[0].loc.line, 2u);
  EXPECT_EQ(r.diagnostics[0].loc.column, 26u);
  EXPECT_EQ(r.diagnostics[0].loc.length, 1u);
  EXPECT_TRUE(r.cases.empty());
  // In quotes the text is not the file's as is: the whole value is shown.
  auto quoted = load("id: x\ndate: \"1958 .. 1957\"\n");
  ASSERT_EQ(quoted.diagnostics.size(), 1u);
  EXPECT_EQ(quoted.diagnostics[0].loc.column, 7u);
  // A fact of type date is still one day.
  EXPECT_TRUE(has_code(load("id: x\nfacts:\n  requested_on: 1956\n"), "case.bad-date"));
}

TEST(CaseLoad, PlacesCountCharactersAndSurviveCrlfAndByteOrderMark) {
  auto r = load("\xEF\xBB\xBFid: x\r\ntitle: \"\xD0\x9A\xD0\xB8\xD0\xBC\"\r\nfacts:\r\n  ethnicity: \xD0\xBA\xD0\xBE\xD1\x80\r\n");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].loc.line, 4u);
  EXPECT_EQ(r.diagnostics[0].loc.column, 14u);
  EXPECT_EQ(r.diagnostics[0].loc.length, 3u);  // three Cyrillic letters, not six bytes
}

TEST(CaseLoad, AliasesShareValuesWithinTheBudget) {
  auto r = load(R"(cases:
  - id: one
    facts: &common
      soviet_citizen: true
      ethnicity: korean
  - id: two
    facts: *common
)");
  ASSERT_TRUE(r.diagnostics.empty()) << render_all(r.diagnostics, SourceSet{});
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[1].facts.at("ethnicity").value, Value::of_enum(0, "korean"));
  EXPECT_EQ(r.cases[1].facts.at("ethnicity").loc.line, 5u);  // where the value is written
}

TEST(CaseLoad, BillionLaughsIsRefusedQuickly) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    text += fmt::format("{}: &{} [", c, c);
    for (int i = 0; i < 10; ++i) text += fmt::format("{}*{}", i ? ", " : "", static_cast<char>(c - 1));
    text += "]\n";
  }
  auto start = std::chrono::steady_clock::now();
  auto r = load(text);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  EXPECT_EQ(codes(r), (std::vector<std::string>{"case.alias-limit"}));
  EXPECT_NE(r.diagnostics[0].message.find("1,000,000"), std::string::npos);
  EXPECT_TRUE(r.cases.empty());
}

TEST(CaseLoad, AliasInsideWhatItNamesIsRefused) {
  auto r = load("id: x\nfacts: &loop\n  post: *loop\n");
  EXPECT_EQ(codes(r), (std::vector<std::string>{"case.alias-cycle"}));
}

TEST(CaseLoad, TenThousandLevelsOfNestingAreRefused) {
  const int levels = 10'000;
  std::string flow_lists = "id: x\nfacts:\n  post: " + std::string(levels, '[') + std::string(levels, ']') + "\n";
  std::string block_lists;  // `- - - ... x`: lists in lists, on one line
  for (int i = 0; i < levels; ++i) block_lists += "- ";
  block_lists += "x\n";
  std::string flow_maps = "id: x\nfacts: ";
  for (int i = 0; i < levels; ++i) flow_maps += "{a: ";
  flow_maps += "x" + std::string(levels, '}') + "\n";
  std::string block_maps;  // indentation grows: 10,000 levels is 50 MB, so 2,000 here
  for (int i = 0; i < 2'000; ++i) block_maps += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  for (const std::string* text : {&flow_lists, &block_lists, &flow_maps, &block_maps}) {
    auto r = load(*text);
    ASSERT_EQ(codes(r), (std::vector<std::string>{"case.too-deep"}));
    EXPECT_NE(r.diagnostics[0].message.find("64 levels"), std::string::npos);
    EXPECT_TRUE(r.diagnostics[0].loc.known());
  }
}

TEST(CaseLoad, HundredMegabyteFileIsRefusedWithoutReadingIt) {
  TempDir dir;
  std::string path = dir.path() + "/huge.yaml";
  { std::ofstream(path) << "id: huge\n"; }
  fs::resize_file(path, 100u << 20);  // sparse: no 100 MB written to disk
  SourceSet sources;
  auto start = std::chrono::steady_clock::now();
  auto r = load_cases(path, policy(), sources);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  ASSERT_EQ(codes(r), (std::vector<std::string>{"case.too-large"}));
  EXPECT_NE(r.diagnostics[0].message.find("104857600 bytes"), std::string::npos);
  EXPECT_NE(r.diagnostics[0].message.find("64 MiB"), std::string::npos);

  // The same limit holds for text already in memory.
  std::string text = "id: huge\npost: \"" + std::string(100u << 20, 'x') + "\"\n";
  auto in_memory = load(text);
  EXPECT_EQ(codes(in_memory), (std::vector<std::string>{"case.too-large"}));
}

TEST(CaseLoad, EmptyBinaryAndNonUtf8FilesAreRefused) {
  EXPECT_EQ(codes(load("")), (std::vector<std::string>{"case.empty"}));
  EXPECT_EQ(codes(load("# only a comment\n\n")), (std::vector<std::string>{"case.empty"}));
  EXPECT_EQ(codes(load("---\n")), (std::vector<std::string>{"case.empty"}));
  EXPECT_EQ(codes(load(std::string("id: x\0y\n", 8))), (std::vector<std::string>{"case.binary"}));
  EXPECT_EQ(codes(load("id: caf\xE9\n")), (std::vector<std::string>{"case.not-utf8"}));
  EXPECT_EQ(codes(load("\xFF\xFEi\0d\0")), (std::vector<std::string>{"case.not-utf8"}));
}

TEST(CaseLoad, TabsAndBadSyntaxAreReportedNotThrown) {
  auto tabs = load("id: x\nfacts:\n\tsoviet_citizen: true\n");
  ASSERT_EQ(codes(tabs), (std::vector<std::string>{"case.tab-indent"}));
  EXPECT_EQ(tabs.diagnostics[0].message, "a tab in the indentation: YAML forbids tabs for indentation");
  EXPECT_EQ(tabs.diagnostics[0].loc.line, 3u);
  for (const char* text : {"id: [x\n", "id: \"x\n", "a: b: c\n", "- x\ny: 1\n", "id: *nothing\n", "{a: 1]\n",
                           "id: x\n - y\nz: 1\n", "? [a]\n: b\n", "%YAML 9.9\n---\na: 1\n", "!<x> a\n"}) {
    auto r = load(text);
    EXPECT_TRUE(has_errors(r.diagnostics)) << text;
    EXPECT_TRUE(r.cases.empty()) << text;
  }
}

TEST(CaseLoad, DuplicateKeysAndIdsShowBothPlaces) {
  auto keys = load("id: x\nfacts:\n  misdemeanor: true\n  misdemeanor: false\n");
  ASSERT_EQ(codes(keys), (std::vector<std::string>{"case.duplicate-key"}));
  EXPECT_EQ(keys.diagnostics[0].loc.line, 4u);
  ASSERT_EQ(keys.diagnostics[0].notes.size(), 1u);
  EXPECT_EQ(keys.diagnostics[0].notes[0].loc.line, 3u);
  EXPECT_TRUE(keys.cases.empty());

  auto ids = load("cases:\n  - id: a\n  - id: b\n  - id: a\n");
  ASSERT_EQ(codes(ids), (std::vector<std::string>{"case.duplicate-id"}));
  EXPECT_EQ(ids.diagnostics[0].loc.line, 4u);
  EXPECT_EQ(ids.diagnostics[0].notes.at(0).loc.line, 2u);
  ASSERT_EQ(ids.cases.size(), 1u);  // both cases named `a` are dropped
  EXPECT_EQ(ids.cases[0].id, "b");
  EXPECT_EQ(ids.rejected, 2u);
}

TEST(CaseLoad, FoldersAreSearchedInSortedOrderAndIdsCheckedAcrossFiles) {
  TempDir dir;
  dir.write("b.yaml", "id: b1\n");
  dir.write("a.yml", "cases:\n  - id: a1\n  - id: a2\n");
  dir.write("sub/c.yaml", "id: c1\n");
  dir.write("sub/notes.txt", "not a case file\n");
  dir.write("z/a.yaml", "id: za\n");
  std::vector<std::string> expected = {dir.path() + "/a.yml", dir.path() + "/b.yaml", dir.path() + "/sub/c.yaml",
                                       dir.path() + "/z/a.yaml"};
  EXPECT_EQ(case_files({dir.path()}), expected);

  SourceSet sources;
  auto r = load_case_paths({dir.path()}, policy(), sources);
  ASSERT_TRUE(r.diagnostics.empty()) << render_all(r.diagnostics, sources);
  std::vector<std::string> ids;
  for (const auto& c : r.cases) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a2", "b1", "c1", "za"}));

  // A file named again beside its folder is read once; an id in two files is reported at both.
  std::string dup = dir.write("other/dup.yaml", "id: b1\n");
  auto again = load_case_paths({dir.path() + "/b.yaml", dir.path(), dup}, policy(), sources);
  ASSERT_EQ(codes(again), (std::vector<std::string>{"case.duplicate-id"}));
  EXPECT_EQ(again.diagnostics[0].loc.file, dup);
  EXPECT_EQ(again.diagnostics[0].notes.at(0).loc.file, dir.path() + "/b.yaml");

  auto missing = load_case_paths({dir.path() + "/nope.yaml"}, policy(), sources);
  EXPECT_EQ(codes(missing), (std::vector<std::string>{"case.missing-file"}));
  fs::create_directories(dir.path() + "/empty");
  auto empty = load_case_paths({dir.path() + "/empty"}, policy(), sources);
  EXPECT_EQ(codes(empty), (std::vector<std::string>{"case.empty-directory"}));
}

TEST(CaseLoad, LoadingIsDeterministic) {
  std::string text = R"(cases:
  - id: a
    facts: {soviet_citizen: maybe, ethnicity: korean}
  - id: b
    facts: {frends_agree: true, misdemeanor: true, misdemeanor: false}
  - id: a
)";
  SourceSet s1;
  SourceSet s2;
  auto r1 = load_cases(text, "case.yaml", policy(), s1);
  auto r2 = load_cases(text, "case.yaml", policy(), s2);
  EXPECT_EQ(render_all(r1.diagnostics, s1), render_all(r2.diagnostics, s2));
  EXPECT_EQ(r1.diagnostics.size(), 4u);
}

TEST(CaseLoad, LimitsOnCasesAndErrorsNameThemselves) {
  CaseLimits limits;
  limits.max_cases_per_file = 2;
  auto many = load("cases:\n  - id: a\n  - id: b\n  - id: c\n", limits);
  ASSERT_EQ(codes(many), (std::vector<std::string>{"case.too-many-cases"}));
  EXPECT_EQ(many.diagnostics[0].message, "more than 2 cases in one file, the limit for a case file");
  EXPECT_EQ(many.cases.size(), 2u);

  limits = {};
  limits.max_errors_per_file = 3;
  std::string text = "cases:\n";
  for (int i = 0; i < 10; ++i) text += fmt::format("  - id: c{}\n    facts: {{soviet_citizen: maybe}}\n", i);
  auto errors = load(text, limits);
  ASSERT_EQ(errors.diagnostics.size(), 4u);
  EXPECT_EQ(errors.diagnostics[3].code, "case.too-many-errors");
  EXPECT_EQ(errors.rejected, 10u);
}

}  // namespace
}  // namespace decree::engine

// ---- sets, households, the request's and the decision's dates -----------------------------

namespace decree::engine {
namespace {

constexpr const char* kHouseholdPolicy = R"(policy household_cases "Sets and households"
type reason: illness | schooling | employment
fact soviet_citizen: bool "Holds USSR citizenship"
fact reasons: set of reason "Reasons given"
)";

CaseLoadResult load_household(std::string_view text) {
  static const ast::Policy p = *dsl::parse(kHouseholdPolicy, "household.decree").policy;
  SourceSet sources;
  return load_cases(text, "case.yaml", p, sources, {});
}

TEST(CaseLoadSets, WholePartAndEmpty) {
  auto r = load_household(R"(cases:
  - id: whole
    facts: {reasons: [schooling, employment]}
  - id: part
    facts: {reasons: {includes: [illness], excludes: [employment]}}
  - id: empty
    facts: {reasons: []}
)");
  ASSERT_EQ(r.cases.size(), 3u) << r.diagnostics.size();
  EXPECT_EQ(to_string(r.cases[0].facts.at("reasons").value), "[schooling, employment]");
  EXPECT_EQ(to_string(r.cases[1].facts.at("reasons").value), "[illness, …] without employment");
  EXPECT_EQ(to_string(r.cases[2].facts.at("reasons").value), "[]");
}

TEST(CaseLoadHouseholds, MembersTakeTheHouseholdsFactsUnlessTheyStateThem) {
  auto r = load_household(R"(cases:
  - id: head
    requested: 1958-03-12
    facts:
      soviet_citizen: false
      reasons: {value: [schooling], for: household}
  - id: wife
    household: {head: head, relation: wife}
    requested: 1958-03
    decided: 1958
    facts: {soviet_citizen: true}
  - id: son
    household: {head: head, relation: son}
    facts: {reasons: [illness]}
)");
  ASSERT_EQ(r.cases.size(), 3u);
  const auto& wife = r.cases[1];
  EXPECT_EQ(wife.facts.at("reasons").household_of, "head");
  EXPECT_EQ(to_string(wife.facts.at("reasons").value), "[schooling]");
  EXPECT_FALSE(wife.facts.count("soviet_citizen") && !wife.facts.at("soviet_citizen").household_of.empty());
  EXPECT_EQ(to_string(r.cases[2].facts.at("reasons").value), "[illness]");  // its own, not the household's
  EXPECT_STREQ(date_for_versions(wife).which, "decided");
  EXPECT_STREQ(date_for_versions(r.cases[0]).which, "requested");
  EXPECT_EQ(date_for_versions(r.cases[2]).date, nullptr);
}

TEST(CaseLoadHouseholds, AMissingHeadRejectsTheMember) {
  auto r = load_household(R"(id: wife
household: {head: nobody, relation: wife}
)");
  EXPECT_TRUE(r.cases.empty());
  ASSERT_EQ(codes(r).size(), 1u);
  EXPECT_EQ(codes(r)[0], "case.household-head-missing");
}

}  // namespace
}  // namespace decree::engine

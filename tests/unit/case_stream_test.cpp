// Case files read a case at a time (engine/case_stream.hpp): the same cases and the same
// messages at the same places as the loader that reads a file whole, ids used twice refused
// after the first, and the pieces of a file that places are counted in.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "dsl/diagnostic.hpp"
#include "dsl/load.hpp"
#include "dsl/source.hpp"
#include "engine/case_load.hpp"
#include "engine/case_stream.hpp"
#include "engine/formats/json_record.hpp"
#include "engine/formats/plain_record.hpp"

namespace decree::engine {
namespace {

namespace fs = std::filesystem;

const ast::Policy& golden_policy() {
  static const ast::Policy p = [] {
    SourceSet sources;
    auto loaded = dsl::load_policy(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases/policy.decree", sources);
    EXPECT_TRUE(loaded.effective.has_value());
    return *loaded.effective;
  }();
  return p;
}

using Place = std::tuple<std::string, std::uint32_t, std::uint32_t>;  // code, line, column

struct Streamed {
  std::vector<std::string> ids;
  std::vector<Place> places;
  std::vector<std::string> excerpts;  // each problem rendered with the text it points into
  StreamedFile result;
};

Streamed stream(const std::string& path, SeenIds& ids) {
  Streamed out;
  out.result = stream_jsonl_cases(
      path, golden_policy(), ids, [&](const Case& c) { out.ids.push_back(c.id); },
      [&](const std::vector<Diagnostic>& ds, const SourceSet& sources) {
        for (const auto& d : ds) {
          out.places.emplace_back(d.code, d.loc.line, d.loc.column);
          out.excerpts.push_back(render_all({d}, sources));
        }
      });
  return out;
}

Streamed stream(const std::string& path) {
  SeenIds ids;
  return stream(path, ids);
}

TEST(CaseStream, SameCasesAndPlacesAsTheWholeFileLoader) {
  const std::string dir = std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (entry.path().extension() != ".jsonl") continue;
    const std::string stem = entry.path().stem().string();
    // Two differ by design: a file with bytes that are not UTF-8 is refused whole when read whole
    // and line by line when streamed; of two cases with one id, the whole-file loader keeps
    // neither and the stream keeps the first (already written). Both are tested below.
    if (stem == "not-utf8" || stem == "duplicate-id") continue;
    ++files;
    SourceSet sources;
    auto whole = load_cases(path, golden_policy(), sources);
    std::vector<std::string> ids;
    for (const auto& c : whole.cases) ids.push_back(c.id);
    std::vector<Place> places;
    for (const auto& d : whole.diagnostics) places.emplace_back(d.code, d.loc.line, d.loc.column);
    auto streamed = stream(path);
    EXPECT_EQ(streamed.ids, ids) << stem;
    std::sort(places.begin(), places.end());
    std::sort(streamed.places.begin(), streamed.places.end());
    EXPECT_EQ(streamed.places, places) << stem;
    EXPECT_EQ(streamed.result.cases, whole.cases.size()) << stem;
    EXPECT_EQ(streamed.result.rejected, whole.rejected) << stem;
    EXPECT_EQ(streamed.result.errors, has_errors(whole.diagnostics)) << stem;
  }
  EXPECT_GE(files, 15);
}

TEST(CaseStream, TheExcerptShowsTheLineOfTheFile) {
  auto s = stream(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl/bad-middle.jsonl");
  ASSERT_EQ(s.excerpts.size(), 1u);
  EXPECT_NE(s.excerpts[0].find("bad-middle.jsonl:2:43: error[case.wrong-type]"), std::string::npos) << s.excerpts[0];
  EXPECT_NE(s.excerpts[0].find("    2 | {\"id\": \"second\", \"facts\": {\"misdemeanor\": \"maybe\"}}"), std::string::npos)
      << s.excerpts[0];
  EXPECT_EQ(s.ids, (std::vector<std::string>{"first", "third"}));
}

TEST(CaseStream, AnIdUsedAgainIsRefusedAfterTheFirst) {
  auto s = stream(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl/duplicate-id.jsonl");
  EXPECT_EQ(s.ids, (std::vector<std::string>{"a"}));
  ASSERT_EQ(s.places.size(), 1u);
  EXPECT_EQ(s.places[0], Place("case.duplicate-id", 2, 8));
  EXPECT_EQ(s.result.rejected, 1u);
  EXPECT_TRUE(s.result.errors);
}

TEST(CaseStream, IdsAreComparedAcrossFiles) {
  SeenIds ids;
  const std::string valid = std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl/valid.jsonl";
  auto first = stream(valid, ids);
  EXPECT_FALSE(first.result.errors);
  ASSERT_FALSE(first.ids.empty());
  auto again = stream(valid, ids);
  EXPECT_TRUE(again.ids.empty());
  EXPECT_EQ(again.result.rejected, first.ids.size());
}

TEST(CaseStream, NotUtf8IsRefusedLineByLine) {
  auto s = stream(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl/not-utf8.jsonl");
  EXPECT_TRUE(s.result.errors);
  ASSERT_FALSE(s.places.empty());
  EXPECT_EQ(std::get<0>(s.places[0]), "case.not-utf8");
}

TEST(CaseStream, MissingFolderAndEmpty) {
  auto missing = stream(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl/no-such-file.jsonl");
  ASSERT_EQ(missing.places.size(), 1u);
  EXPECT_EQ(std::get<0>(missing.places[0]), "case.missing-file");
  auto folder = stream(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl");
  ASSERT_EQ(folder.places.size(), 1u);
  EXPECT_EQ(std::get<0>(folder.places[0]), "case.directory");
  auto empty = stream(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases-jsonl/empty.jsonl");
  ASSERT_EQ(empty.places.size(), 1u);
  EXPECT_EQ(std::get<0>(empty.places[0]), "case.empty");
}

const ast::Policy& policy_at(const std::string& relative) {
  static std::map<std::string, ast::Policy> policies;
  auto it = policies.find(relative);
  if (it == policies.end()) {
    SourceSet sources;
    auto loaded = dsl::load_policy(std::string(DECREE_SOURCE_DIR) + "/" + relative, sources);
    EXPECT_TRUE(loaded.effective.has_value()) << relative;
    it = policies.emplace(relative, *loaded.effective).first;
  }
  return it->second;
}

// A case as the comparison sees it: its id, and each fact with its place and the household it came from.
std::string described(const Case& c) {
  std::string out = c.id;
  for (const auto& [name, fact] : c.facts)
    out += " " + name + "@" + std::to_string(fact.loc.line) + ":" + std::to_string(fact.loc.column) +
           (fact.household_of.empty() ? "" : "<" + fact.household_of);
  return out;
}

// A place as a reader sees it: file, line, column and length. (Its offset is counted from the
// start of the piece of the file read, which differs when read a case at a time.)
std::string whole_place(const SourceLoc& loc) {
  return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + "+" + std::to_string(loc.length);
}

// Everything a case holds besides: each fact's value, provenance and place with its length,
// where the case is written, its title, source, dates, household and how many expectations.
std::string described_fully(const Case& c) {
  std::string out = described(c) + " | case " + whole_place(c.loc) + " title `" + c.title + "` source `" + c.source +
                    "`" + (c.date ? " date " + c.date->written : "") +
                    (c.requested ? " requested " + c.requested->written : "") +
                    (c.household ? " household " + c.household->head : "") + " expect " +
                    std::to_string(c.expect.size()) + (c.history ? " history" : "");
  for (const auto& [name, fact] : c.facts)
    out += " " + name + "=" + std::to_string(static_cast<int>(fact.value.kind)) + "," +
           std::to_string(fact.value.boolean) + "," + std::to_string(fact.value.integer) + ",`" + fact.value.text + "`@" +
           whole_place(fact.loc) + " source `" + fact.source + "` " + to_string(fact.certainty) + " note `" + fact.note +
           "`" + (fact.for_household ? " for household" : "");
  return out;
}

struct Compared {
  std::vector<std::string> cases;
  std::vector<std::string> full;  // the cases described fully
  std::vector<Place> places;
  std::vector<std::string> messages;  // each problem's place, code and message, sorted
  std::size_t rejected = 0;
  bool errors = false;
};

Compared whole_load(const std::string& path, const ast::Policy& policy) {
  SourceSet sources;
  auto whole = load_case_paths({path}, policy, sources);
  Compared out;
  for (const auto& c : whole.cases) {
    out.cases.push_back(described(c));
    out.full.push_back(described_fully(c));
  }
  for (const auto& d : whole.diagnostics) {
    out.places.emplace_back(d.code, d.loc.line, d.loc.column);
    out.messages.push_back(to_string(d.loc) + " " + d.code + " " + d.message);
  }
  std::sort(out.messages.begin(), out.messages.end());
  out.rejected = whole.rejected;
  out.errors = has_errors(whole.diagnostics);
  return out;
}

Compared streamed(const std::string& path, const ast::Policy& policy, SeenIds& ids, const CaseLimits& limits = {}) {
  Compared out;
  auto r = stream_cases(
      path, policy, ids,
      [&](const Case& c) {
        out.cases.push_back(described(c));
        out.full.push_back(described_fully(c));
      },
      [&](const std::vector<Diagnostic>& ds, const SourceSet&) {
        for (const auto& d : ds) {
          out.places.emplace_back(d.code, d.loc.line, d.loc.column);
          out.messages.push_back(to_string(d.loc) + " " + d.code + " " + d.message);
        }
      },
      limits);
  std::sort(out.messages.begin(), out.messages.end());
  EXPECT_EQ(r.cases, out.cases.size()) << path;
  out.rejected = r.rejected;
  out.errors = r.errors;
  return out;
}

Compared streamed(const std::string& path, const ast::Policy& policy) {
  SeenIds ids;
  return streamed(path, policy, ids);
}

// Every golden case file, in every format, with the policy its suite loads it with.
TEST(StreamCases, EveryGoldenCaseFileGivesWhatLoadingItWholeGives) {
  const std::vector<std::pair<std::string, std::string>> suites = {
      {"tests/golden/cases", "tests/golden/cases/policy.decree"},
      {"tests/golden/cases-jsonl", "tests/golden/cases/policy.decree"},
      {"tests/golden/cases-csv", "tests/golden/cases/policy.decree"},
      {"tests/golden/run", "tests/golden/run/policy.decree"},
      {"tests/golden/scope", "tests/golden/scope/policy.decree"},
      {"tests/golden/sets", "tests/golden/sets/policy.decree"},
      {"tests/golden/household", "policies/telegram-1956.decree"},
  };
  std::map<std::string, int> by_format;
  for (const auto& [dir, policy_file] : suites) {
    const ast::Policy& policy = policy_at(policy_file);
    for (const auto& path : case_files({std::string(DECREE_SOURCE_DIR) + "/" + dir})) {
      const std::string stem = fs::path(path).stem().string();
      // By design: of two cases with one id, the whole load keeps neither and the stream keeps the
      // first (already handed on); bytes that are not UTF-8 refuse a JSON Lines file whole when it
      // is read whole, a line when it is streamed. Both are tested on their own.
      if (stem == "duplicate-id" || (stem == "not-utf8" && path.ends_with(".jsonl"))) continue;
      ++by_format[fs::path(path).extension().string()];
      Compared whole = whole_load(path, policy);
      Compared stream = streamed(path, policy);
      std::sort(whole.places.begin(), whole.places.end());
      std::sort(stream.places.begin(), stream.places.end());
      EXPECT_EQ(stream.places, whole.places) << path;
      EXPECT_EQ(stream.messages, whole.messages) << path;
      EXPECT_EQ(stream.errors, whole.errors) << path;
      // YAML that cannot be read on: read whole, the file gives no case; streamed, the cases before
      // the error have been handed on, and the one being read is refused. Tested below.
      const bool stops = std::any_of(whole.places.begin(), whole.places.end(), [](const Place& p) {
        return std::get<0>(p) == "case.yaml-syntax" || std::get<0>(p) == "case.tab-indent";
      });
      if (stops) continue;
      EXPECT_EQ(stream.full, whole.full) << path;
      EXPECT_EQ(stream.rejected, whole.rejected) << path;
    }
  }
  EXPECT_GE(by_format[".yaml"], 80);
  EXPECT_GE(by_format[".jsonl"], 15);
  EXPECT_GE(by_format[".csv"], 15);
}

TEST(StreamCases, AnIdUsedAgainInAnyFormatIsRefusedAfterTheFirst) {
  const ast::Policy& policy = golden_policy();
  for (const std::string file : {"cases/duplicate-id.yaml", "cases-csv/duplicate-id.csv", "cases-jsonl/duplicate-id.jsonl"}) {
    SeenIds ids;
    Compared s = streamed(std::string(DECREE_SOURCE_DIR) + "/tests/golden/" + file, policy, ids);
    ASSERT_FALSE(s.cases.empty()) << file;
    EXPECT_EQ(s.rejected, 1u) << file;
    ASSERT_EQ(s.places.size(), 1u) << file;
    EXPECT_EQ(std::get<0>(s.places[0]), "case.duplicate-id") << file;
    EXPECT_TRUE(s.errors) << file;
  }
}

TEST(StreamCases, IdsAreComparedAcrossFilesOfEveryFormat) {
  const ast::Policy& policy = golden_policy();
  SeenIds ids;
  Compared yaml = streamed(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases/valid.yaml", policy, ids);
  ASSERT_EQ(yaml.cases.size(), 1u);
  EXPECT_FALSE(yaml.errors);
  Compared again = streamed(std::string(DECREE_SOURCE_DIR) + "/tests/golden/cases/valid.yaml", policy, ids);
  EXPECT_TRUE(again.cases.empty());
  EXPECT_EQ(again.rejected, 1u);
  ASSERT_EQ(again.places.size(), 1u);
  EXPECT_EQ(std::get<0>(again.places[0]), "case.duplicate-id");
}

// A file of its own in a temporary folder, removed with it.
struct TempFile {
  fs::path dir;
  std::string path;
  TempFile(const std::string& name, const std::string& text) {
    dir = fs::temp_directory_path() / fs::path("decree-stream-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path, ec);
    fs::remove(dir, ec);
  }
};

TEST(StreamCases, AMemberReadBeforeItsHeadWaitsForIt) {
  const ast::Policy& policy = policy_at("policies/telegram-1956.decree");
  TempFile file("household.yaml",
                "cases:\n"
                "  - id: member\n"
                "    household: {head: head, relation: wife}\n"
                "    facts: {soviet_citizen: true}\n"
                "  - id: head\n"
                "    facts:\n"
                "      soviet_citizen: false\n"
                "      stated_reasons: {value: [schooling], for: household}\n"
                "  - id: orphan\n"
                "    household: {head: nobody, relation: son}\n");
  Compared whole = whole_load(file.path, policy);
  Compared s = streamed(file.path, policy);
  // The member is handed on when its head is, after it; the rest as loading whole gives them.
  ASSERT_EQ(s.cases.size(), 2u);
  EXPECT_EQ(s.cases[0], whole.cases[1]);
  EXPECT_EQ(s.cases[1], whole.cases[0]);
  EXPECT_NE(s.cases[1].find("stated_reasons@8:31<head"), std::string::npos) << s.cases[1];
  EXPECT_EQ(s.places, whole.places);
  EXPECT_EQ(s.rejected, 1u);
}

// A member whose head is in a later file is held past the end of its own file when more files
// are to be read, and handed on after its head with the facts the head states for the household,
// as loading both files whole gives it; one whose head never comes is refused at the end of the
// last file.
TEST(StreamCases, AMemberWhoseHeadIsInALaterFileWaitsForIt) {
  const ast::Policy& policy = policy_at("policies/telegram-1956.decree");
  TempFile members("members.yaml",
                   "cases:\n"
                   "  - id: member\n"
                   "    household: {head: head, relation: wife}\n"
                   "    facts: {soviet_citizen: true}\n"
                   "  - id: orphan\n"
                   "    household: {head: nobody, relation: son}\n");
  TempFile heads("heads.jsonl",
                 "{\"id\": \"head\", \"facts\": {\"soviet_citizen\": false, "
                 "\"stated_reasons\": {\"value\": [\"schooling\"], \"for\": \"household\"}}}\n");
  SeenIds ids;
  std::vector<std::string> cases;
  std::vector<Diagnostic> problems;
  auto on_case = [&](const Case& c) { cases.push_back(described(c)); };
  auto on_problems = [&](const std::vector<Diagnostic>& ds, const SourceSet&) {
    problems.insert(problems.end(), ds.begin(), ds.end());
  };
  ids.set_more_files(true);
  const StreamedFile first = stream_cases(members.path, policy, ids, on_case, on_problems);
  EXPECT_TRUE(cases.empty());
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(first.rejected, 0u);
  ids.set_more_files(false);
  const StreamedFile second = stream_cases(heads.path, policy, ids, on_case, on_problems);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].substr(0, 5), "head ");
  EXPECT_EQ(cases[1].substr(0, 7), "member ");
  EXPECT_NE(cases[1].find("stated_reasons@1:"), std::string::npos) << cases[1];
  EXPECT_NE(cases[1].find("<head"), std::string::npos) << cases[1];
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "case.household-head-missing");
  EXPECT_EQ(problems[0].loc.line, 6u);  // the orphan's, in the first file
  EXPECT_EQ(second.rejected, 1u);
  EXPECT_FALSE(second.errors) << "the error is the first file's";
  EXPECT_EQ(second.errors_in_earlier_files, std::vector<std::string>{problems[0].loc.file});
  // Loaded whole, the two files give the same cases.
  SourceSet sources;
  auto whole = load_case_paths({members.path, heads.path}, policy, sources);
  std::vector<std::string> loaded;
  for (const auto& c : whole.cases) loaded.push_back(described(c));
  std::sort(loaded.begin(), loaded.end());
  std::sort(cases.begin(), cases.end());
  EXPECT_EQ(cases, loaded);
  EXPECT_EQ(whole.rejected, 1u);
}

// `n` cases of the golden policy, `- id: c1` and on, six lines each; `broken` replaces case
// number `at` (1-based) by its text.
std::string many_cases(int n, int at = 0, const std::string& broken = {}) {
  std::string out = "# generated\ncases:\n";
  for (int i = 1; i <= n; ++i) {
    if (i == at) {
      out += broken;
      continue;
    }
    out += "  - id: c" + std::to_string(i) + "\n    title: \"case " + std::to_string(i) +
           "\"\n    facts:\n      soviet_citizen: true\n      misdemeanor: false\n      request: return_to_ussr\n";
  }
  return out;
}

CaseLimits small_file_limit() {
  CaseLimits limits;
  limits.max_file_bytes = 4096;  // read whole, every file below would be refused
  return limits;
}

TEST(StreamCases, AYamlListOverTheWholeFileLimitIsReadACaseAtATime) {
  const std::string text = many_cases(2000, 1000, "  - id: c1000\n    facts:\n      misdemeanor: maybe\n");
  ASSERT_GT(text.size(), 100'000u);
  TempFile file("many.yaml", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  ASSERT_EQ(s.cases.size(), 1999u);
  EXPECT_EQ(s.cases.front().substr(0, 3), "c1 ");
  EXPECT_EQ(s.cases.back().substr(0, 6), "c2000 ");
  EXPECT_NE(s.cases[1000].find("soviet_citizen@" + std::to_string(2 + 6 * 1000 + 3 + 4) + ":23"), std::string::npos)
      << s.cases[1000];
  // The broken case's problem at its line in the file: 2 lines of head, 999 cases of 6 lines, then its third line.
  ASSERT_EQ(s.places.size(), 1u);
  EXPECT_EQ(s.places[0], Place("case.wrong-type", 2 + 6 * 999 + 3, 20));
  EXPECT_EQ(s.rejected, 1u);
  // Read whole (with the limit raised), the same cases and the same message.
  Compared whole = whole_load(file.path, golden_policy());
  EXPECT_EQ(s.cases, whole.cases);
  EXPECT_EQ(s.messages, whole.messages);
}

// Many generated records, each read into what the one before it left (its line's text, its
// facts' nodes, its tree): every case, fact place and message is what loading the file whole gives.
// Facts in any order, some written twice, unknown or with a wrong value, some with provenance,
// `facts` written twice, lines longer than the reader's buffer, blank lines and CRLF endings.
TEST(StreamCases, ManyGeneratedRecordsGiveWhatLoadingThemWholeGives) {
  std::uint64_t seed = 1956;
  auto next = [&](std::uint64_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> facts = {
      {"soviet_citizen", {"true", "false", "\"true\"", "null"}},
      {"ethnicity", {"\"korean\"", "\"other\"", "\"martian\"", "\"unknown\""}},
      {"request", {"\"return_to_ussr\"", "\"convert_to_dprk\"", "\"none\"", "3"}},
      {"friends_agree", {"true", "false"}},
      {"misdemeanor", {"false", "true", "\"yes\""}},
      {"years_in_dprk", {"4", "12", "\"x\"", "99999999999999999999"}},
      {"requested_on", {"\"1956-02-10\"", "\"1956-02-30\"", "\"1957-11-01\""}},
      {"post", {"\"clerk\"", "\"a \\\"quoted\\\" post\"", "\"\\u00e9l\\u00e8ve\""}},
      {"nonesuch", {"true"}},
  };
  std::string jsonl;
  for (int i = 0; i < 1500; ++i) {
    if (next(40) == 0) jsonl += "\n";
    std::string line = "{\"id\": \"case-" + std::to_string(i) + "\"";
    if (next(50) == 0) line += ", \"title\": \"" + std::string(70'000 + next(1000), 't') + "\"";
    const int blocks = next(30) == 0 ? 2 : 1;
    for (int b = 0; b < blocks; ++b) {
      line += ", \"facts\": {";
      bool first = true;
      for (std::size_t n = next(12); n > 0; --n) {
        const auto& [name, values] = facts[next(facts.size())];
        std::string value = values[next(values.size())];
        if (next(8) == 0) value = "{\"value\": " + value + ", \"source\": \"memo p" + std::to_string(next(9)) + "\"}";
        line += (first ? "" : ", ") + ("\"" + name + "\": ") + value;
        first = false;
      }
      line += "}";
    }
    line += "}";
    jsonl += line + (next(10) == 0 ? "\r\n" : "\n");
  }
  std::string csv = "id,soviet_citizen,ethnicity,request,years_in_dprk,post,post.source\n";
  const std::vector<std::vector<std::string>> cells = {
      {"true", "false", "", "maybe"}, {"korean", "other", "", "martian"}, {"none", "return_to_ussr", ""},
      {"4", "", "x"}, {"clerk", "\"a, b\"", "", "\"two\nlines\""}, {"", "memo p4"}};
  for (int i = 0; i < 1500; ++i) {
    csv += "row-" + std::to_string(i);
    for (const auto& column : cells) csv += "," + column[next(column.size())];
    csv += "\n";
  }
  const ast::Policy& policy = golden_policy();
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"many-generated-records.jsonl", jsonl},
                                  std::pair<std::string, std::string>{"many-generated-records.csv", csv}}) {
    TempFile file(name, text);
    Compared whole = whole_load(file.path, policy);
    Compared stream = streamed(file.path, policy);
    EXPECT_GT(whole.cases.size(), 30u) << name;
    EXPECT_GT(whole.messages.size(), 100u) << name;
    EXPECT_EQ(stream.cases, whole.cases) << name;
    EXPECT_EQ(stream.messages, whole.messages) << name;
    EXPECT_EQ(stream.rejected, whole.rejected) << name;
  }
}

// Numbers drawn from a seed (a linear congruential generator): the same files on every run.
struct Drawn {
  std::uint64_t seed;
  std::uint64_t operator()(std::uint64_t n) {  // one of 0 .. n-1
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  }
  std::string pick(const std::vector<std::string>& from) { return from[(*this)(from.size())]; }
};

// Records and YAML items of the plain shape (an id and facts), read without the loader's walk
// of their tree, and others a letter away from it (an escape, a number, a title, a quote, a tag,
// a duplicate, text after the case, a cell starting with `&` or `!`, characters before a value
// that are not ASCII), read through their tree: every case, with every byte of its places, and
// every message is what loading the file whole, always through the tree, gives.
TEST(StreamCases, PlainRecordsGiveWhatTheirTreesGive) {
  Drawn next{1945};
  auto pick = [&](const std::vector<std::string>& from) { return next.pick(from); };
  // Each fact's values: mostly the plain ones, now and then one a letter away.
  struct Written {
    std::string name;
    std::vector<std::string> plain, other;
  };
  const std::vector<Written> facts = {
      {"soviet_citizen", {"true", "false", "null"}, {"\"true\"", "\"unknown\"", "1", "true ", "false\t"}},
      {"ethnicity", {"\"korean\"", "\"other\"", "null"}, {"\"unknown\"", "\"kor\\u0065an\"", "\"martian\"", "true"}},
      {"request", {"\"return_to_ussr\"", "\"convert_to_dprk\"", "\"none\""}, {"[\"none\"]", "false", "{\"value\": \"none\"}"}},
      {"friends_agree", {"true", "false"}, {"\"false\""}},
      {"post", {"\"clerk\"", "\"\xC3\xA9l\xC3\xA8ve\"", "\"unknown\"", "\"\"", "true", "null"}, {"\"a \\\"quoted\\\" post\""}},
      {"years_in_dprk", {"null"}, {"4", "\"4\""}},
  };
  const std::vector<std::string> ids = {"p-{}", "p-{}", "p-{}", "p-{}", "p-{}", "p-{}", "p-{}", "p-{}",
                                        "\xC3\xA9t\xC3\xA9-{}", "&p-{}", "p\\u002d{}", ""};
  const std::vector<std::string> gaps = {"", " ", "  ", "\t"};
  std::string jsonl = "\xEF\xBB\xBF";
  for (int i = 0; i < 2000; ++i) {
    std::string id = pick(ids);
    if (auto at = id.find("{}"); at != std::string::npos) id.replace(at, 2, std::to_string(i));
    const std::string g = pick(gaps);
    std::string facts_part = "\"facts\":" + g + "{";
    bool first = true;
    std::vector<std::size_t> order(facts.size());  // the facts in an order of their own, now and then one twice
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[next(k)]);
    if (next(30) == 0) order.push_back(order.front());
    for (std::size_t n = next(order.size() + 1); n > 0; --n) {
      const auto& fact = facts[order[n - 1]];
      facts_part += (first ? "" : "," + g) + ("\"" + fact.name + "\":" + g) + pick(next(30) == 0 ? fact.other : fact.plain);
      first = false;
    }
    facts_part += "}";
    std::string id_part = next(25) == 0 ? "\"id\":" + g + std::to_string(i) : "\"id\":" + g + "\"" + id + "\"";
    std::string line = g + "{" + g;
    switch (next(40)) {
      case 0: line += facts_part + "," + g + id_part; break;
      case 1: line += id_part; break;
      case 2: line += id_part + ", \"title\": \"t\", " + facts_part; break;
      case 3: line += id_part + ", " + facts_part + ", " + facts_part; break;
      default: line += id_part + "," + g + facts_part; break;
    }
    line += g + "}" + (next(60) == 0 ? " x" : "") + pick(gaps);
    jsonl += line + (next(10) == 0 ? "\r\n" : "\n");
  }
  std::string csv = "\xEF\xBB\xBFid,title,soviet_citizen,ethnicity,request,years_in_dprk,post,post.source\n";
  // Each column's cells: mostly plain, now and then not.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cells = {
      {{""}, {"a title"}},
      {{"true", "false", "", "unknown"}, {"TRUE", "\"true\"", " true"}},
      {{"korean", "other", ""}, {"\"korean\"", "martian", "unknown", "'korean'", "&korean", "!korean"}},
      {{"none", "return_to_ussr", ""}, {"|none", ">none", "none ", "\"no\"\"ne\""}},
      {{""}, {"4", "x"}},
      {{"clerk", "\xC3\xA9l\xC3\xA8ve", "", "null", "!clerk", "'clerk", "|", ">", "&"}, {"\"a, b\"", "\"a \"\"b\"\"\"", "a\\\"b"}},
      {{""}, {"memo p4"}}};
  const std::vector<std::string> row_ids = {"r-{}", "r-{}", "r-{}", "r-{}", "r-{}", "r-{}", "\"r-{}\"",
                                            "'r-{}'", "&r-{}", "\xC3\xA9-{}"};
  for (int i = 0; i < 2000; ++i) {
    std::string id = next(150) == 0 ? "" : pick(row_ids);
    if (auto at = id.find("{}"); at != std::string::npos) id.replace(at, 2, std::to_string(i));
    csv += id;
    for (const auto& [plain, other] : cells) csv += "," + pick(next(150) == 0 ? other : plain);
    csv += next(10) == 0 ? "\r\n" : "\n";
  }
  // YAML: the facts block style or flow style, values plain, quoted, tagged, or a letter away.
  const std::vector<Written> yaml_facts = {
      {"soviet_citizen", {"true", "false", "unknown"}, {"\"true\"", "yes", "True", "", "[true]"}},
      {"ethnicity", {"korean", "\"other\"", "'korean'", "!!str other", "unknown"}, {"martian", "\"unknown\"", "~"}},
      {"request", {"none", "return_to_ussr", "  convert_to_dprk"}, {"{value: none}", "{value: none, source: memo p1}"}},
      {"friends_agree", {"false", "true   # a comment"}, {"false false"}},
      {"post", {"clerk", "\"a: b\"", "\xC3\xA9l\xC3\xA8ve", "'it''s'", "\"\\u00e9\"", "!!str 12"}, {"[a]"}},
      {"years_in_dprk", {"unknown"}, {"4", "x"}},
  };
  std::string yaml = "# generated\ncases:\n";
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::size_t> order(yaml_facts.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[next(k)]);
    if (next(40) == 0) order.push_back(order.front());
    std::vector<std::pair<std::string, std::string>> written;
    for (std::size_t n = next(order.size() + 1); n > 0; --n) {
      const auto& fact = yaml_facts[order[n - 1]];
      written.emplace_back(fact.name, pick(next(40) == 0 ? fact.other : fact.plain));
    }
    const std::vector<std::string> id_forms = {"y-{}", "y-{}", "y-{}", "\"y-{}\"", "'y-{}'", "!!str y-{}", "y-{}  # its id"};
    std::string id = pick(id_forms);
    id.replace(id.find("{}"), 2, std::to_string(i));
    if (next(100) == 0) id = next(2) == 0 ? "" : "[y]";
    const bool flow = next(6) == 0;
    if (flow) {
      std::string facts_part = "{";
      for (std::size_t k = 0; k < written.size(); ++k) {
        std::string value = written[k].second;
        if (auto hash = value.find(" #"); hash != std::string::npos) value.resize(hash);  // no comments in a flow
        facts_part += (k == 0 ? "" : ", ") + written[k].first + ": " + value;
      }
      facts_part += "}";
      yaml += "  - {id: " + (id.find('#') == std::string::npos ? id : id.substr(0, id.find(' '))) + ", facts: " + facts_part + "}\n";
      continue;
    }
    std::string facts_part = written.empty() && next(2) == 0 ? "    facts:\n" : "    facts:\n";
    for (const auto& [name, value] : written) facts_part += "      " + name + ": " + value + "\n";
    std::string id_part = "id: " + id + "\n";
    switch (next(30)) {
      case 0: yaml += "  - " + facts_part.substr(4) + "    " + id_part; break;
      case 1: yaml += "  - " + id_part + "    title: a title\n" + facts_part; break;
      case 2: yaml += "  - " + id_part; break;
      default: yaml += "  - " + id_part + facts_part; break;
    }
  }
  const ast::Policy& policy = golden_policy();
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"plain-records.jsonl", jsonl},
                                  std::pair<std::string, std::string>{"plain-records.csv", csv},
                                  std::pair<std::string, std::string>{"plain-records.yaml", yaml}}) {
    TempFile file(name, text);
    Compared whole = whole_load(file.path, policy);
    Compared stream = streamed(file.path, policy);
    EXPECT_GT(whole.cases.size(), 1000u) << name;
    EXPECT_GT(whole.messages.size(), 15u) << name;
    ASSERT_EQ(stream.full.size(), whole.full.size()) << name;
    for (std::size_t i = 0; i < whole.full.size(); ++i) EXPECT_EQ(stream.full[i], whole.full[i]) << name;
    EXPECT_EQ(stream.messages, whole.messages) << name;
    EXPECT_EQ(stream.rejected, whole.rejected) << name;
  }
}

// YAML items of the shape generated files have are read without libyaml until the first line
// of another shape; libyaml then reads the file from its start, passing over the items read.
// Files of that shape with now and then a line of another (a comment, a blank line, a quote, a
// value no fact takes, another indentation, a tab, a title, a key after the list, ...) anywhere,
// read a case at a time: every case, with every byte of its places, and every message is what
// reading it with libyaml alone gives.
TEST(StreamCases, YamlItemsOfTheGeneratedShapeGiveWhatLibyamlGives) {
  Drawn next{1956};
  auto pick = [&](const std::vector<std::string>& from) { return next.pick(from); };
  const std::vector<std::pair<std::string, std::vector<std::string>>> facts = {
      {"soviet_citizen", {"true", "false", "unknown"}}, {"ethnicity", {"korean", "other", "unknown"}},
      {"request", {"none", "return_to_ussr", "convert_to_dprk"}}, {"friends_agree", {"true", "false"}},
      {"post", {"clerk", "x.y-z_1", "unknown", "true"}}, {"misdemeanor", {"false", "true"}}};
  // A line of another shape, in place of a fact's line or between items ({} is the indentation).
  const std::vector<std::string> others = {
      "{}# a comment", "", "{}post: \"a clerk\"", "{}post: 'clerk'", "{}misdemeanor: true ", "{}ethnicity: ~",
      "{}ethnicity: null", "{}ethnicity: martian", "{}eyes: blue", "{}years_in_dprk: 4", "  {}post: clerk",
      "{}\tpost: clerk", "{}post: clerk # a comment", "{}post: \xC3\xA9l\xC3\xA8ve", "{}post: a clerk",
      "{}requested_on: 1956-02-10", "{}post: -clerk", "{}post: !!str clerk", "{}post: &p clerk", "{}post:"};
  const ast::Policy& policy = golden_policy();
  std::size_t files_with_others = 0;
  for (int file = 0; file < 40; ++file) {
    const std::string dash(next(2) == 0 ? 0 : 2 + next(2) * 2, ' ');
    const std::string in = dash + "  ", fact_in = in + std::string(2 + next(2) * 2, ' ');
    const std::size_t items = 20 + next(200);
    std::set<std::size_t> other_at;  // items with a line of another shape
    for (std::size_t k = next(4); k > 0; --k) other_at.insert(next(items));
    if (file == 0) other_at.clear();
    if (!other_at.empty()) ++files_with_others;
    std::string yaml = "cases:\n";
    for (std::size_t i = 0; i < items; ++i) {
      std::vector<std::string> lines = {dash + "- id: c-" + std::to_string(i) + (next(3) == 0 ? ".x_" : ""), in + "facts:"};
      std::vector<std::size_t> order(facts.size());
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
      for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[next(k)]);
      for (std::size_t n = 1 + next(order.size()); n > 0; --n)
        lines.push_back(fact_in + facts[order[n - 1]].first + ": " + pick(facts[order[n - 1]].second));
      if (other_at.contains(i)) {
        switch (next(8)) {
          case 0: lines.insert(lines.begin() + 1, in + "title: a title"); break;
          case 1: std::swap(lines[0], lines[1]), lines[0] = dash + "- facts:", lines[1] = in + lines[1].substr(dash.size() + 2); break;
          case 2: lines.resize(2); break;  // `facts:` with nothing under it
          case 3: lines.back() += "\r"; break;
          case 4: lines.insert(lines.begin(), dash + "- id: c-" + std::to_string(i) + "-x"), lines.resize(1); break;
          default: {
            std::string other = pick(others);
            other.replace(other.find("{}") == std::string::npos ? 0 : other.find("{}"), other.find("{}") == std::string::npos ? 0 : 2, fact_in);
            lines.insert(lines.begin() + 2 + next(lines.size() - 1), other);
          }
        }
      }
      for (const auto& l : lines) yaml += l + "\n";
    }
    if (next(8) == 0) yaml += "other: 1\n";      // a key beside the list
    if (next(4) == 0) yaml.pop_back();          // no line break at the end
    TempFile f("generated-" + std::to_string(file) + ".yaml", yaml);
    // The same lines, but for a comment on the first, which has libyaml read every item.
    TempFile g("generated-" + std::to_string(file) + "-libyaml.yaml", "cases:  # libyaml" + yaml.substr(6));
    Compared whole = streamed(g.path, policy);
    auto unnamed = [](std::vector<std::string>& texts) {  // the two files' names made one
      for (auto& t : texts)
        for (auto at = t.find("-libyaml.yaml"); at != std::string::npos; at = t.find("-libyaml.yaml")) t.replace(at, 13, ".yaml");
    };
    unnamed(whole.full);
    unnamed(whole.messages);
    Compared stream = streamed(f.path, policy);
    if (other_at.empty()) EXPECT_EQ(whole.cases.size(), items) << f.path;
    ASSERT_EQ(stream.full.size(), whole.full.size()) << f.path << "\n" << yaml;
    for (std::size_t i = 0; i < whole.full.size(); ++i) EXPECT_EQ(stream.full[i], whole.full[i]) << f.path;
    EXPECT_EQ(stream.messages, whole.messages) << f.path << "\n" << yaml;
    EXPECT_EQ(stream.rejected, whole.rejected) << f.path;
    EXPECT_EQ(stream.errors, whole.errors) << f.path;
  }
  EXPECT_GT(files_with_others, 20u);
}

// Ids used twice and the cases-per-file limit, across the items read without libyaml and those
// read with it: the first use of an id stands and a later one is refused at its place; the items
// past the limit are refused, the first of them at its line, as when libyaml reads every item.
TEST(StreamCases, YamlItemsOfTheGeneratedShapeKeepTheFileRules) {
  const std::string items = "  - id: a\n    facts:\n      post: clerk\n"
                            "  - id: b\n    facts:\n      post: clerk\n"
                            "  - id: a\n    facts:\n      post: clerk\n";
  const std::string other = "  - id: c\n    facts:\n      post: \"a clerk\"\n"
                            "  - id: b\n    facts:\n      post: clerk\n";
  for (const std::string& head : {std::string("cases:\n"), std::string("# libyaml reads all of it\ncases:\n")}) {
    const std::uint32_t shift = head.front() == '#' ? 1 : 0;
    TempFile f("twice.yaml", head + items + other);
    SeenIds ids;
    Compared got = streamed(f.path, golden_policy(), ids);
    ASSERT_EQ(got.cases.size(), 3u) << head;
    EXPECT_EQ(got.rejected, 2u) << head;
    ASSERT_EQ(got.places.size(), 2u) << head;
    EXPECT_EQ(got.places[0], Place("case.duplicate-id", 8 + shift, 9)) << head;
    EXPECT_EQ(got.places[1], Place("case.duplicate-id", 14 + shift, 9)) << head;

    CaseLimits limits;
    limits.max_cases_per_file = 2;
    TempFile g("limit.yaml", head + items + other);
    SeenIds more;
    Compared limited = streamed(g.path, golden_policy(), more, limits);
    EXPECT_EQ(limited.cases.size(), 2u) << head;
    EXPECT_EQ(limited.rejected, 3u) << head;
    ASSERT_EQ(limited.places.size(), 1u) << head;
    EXPECT_EQ(limited.places[0], Place("case.too-many-cases", 8 + shift, 5)) << head;

    limits.max_cases_per_file = 3;  // as many as the file holds
    TempFile h("as-many.yaml", head + items);
    SeenIds again;
    Compared exact = streamed(h.path, golden_policy(), again, limits);
    EXPECT_EQ(exact.cases.size(), 2u) << head;  // the third is `a` again
    EXPECT_EQ(exact.rejected, 1u) << head;
    ASSERT_EQ(exact.places.size(), 1u) << head;
    EXPECT_EQ(std::get<0>(exact.places[0]), "case.duplicate-id") << head;
  }
}

// A CSV cell is placed where it is written, whatever its first letter: `!` and `&` begin a tag
// and an anchor in YAML only, and a doubled quote does not end a quoted cell.
TEST(StreamCases, ACsvCellIsPlacedWhereItIsWritten) {
  TempFile file("places.csv", "id,years_in_dprk,ethnicity\nr1,!4,korean\nr2,4,\"kor \"\"x\"\" ean\"\n");
  Compared whole = whole_load(file.path, golden_policy());
  std::vector<Diagnostic> seen;
  SeenIds ids;
  stream_cases(file.path, golden_policy(), ids, [](const Case&) {},
               [&](const std::vector<Diagnostic>& ds, const SourceSet&) { seen.insert(seen.end(), ds.begin(), ds.end()); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].code, "case.wrong-type");
  EXPECT_EQ(to_string(seen[0].loc), file.path + ":2:4");
  EXPECT_EQ(seen[0].loc.length, 2u);
  EXPECT_EQ(seen[1].code, "case.not-in-enum");
  EXPECT_EQ(to_string(seen[1].loc), file.path + ":3:6");
  EXPECT_EQ(seen[1].loc.length, 15u);  // the whole quoted cell
  EXPECT_EQ(whole.places, (std::vector<Place>{Place("case.wrong-type", 2, 4), Place("case.not-in-enum", 3, 6)}));
}

// What a JSON Lines record read as plain holds, and the records a letter away that are not.
TEST(PlainRecord, AJsonLinesRecordOfAnIdAndFacts) {
  const std::string line = "  {\"facts\": {\"ethnicity\": \"korean\", \"misdemeanor\": true, \"post\": null}, \"id\": \"pt-kim\"}";
  SourceFile file("plain.jsonl", line, 4);
  formats::JsonRecordReader reader;
  formats::PlainRecord plain;
  ASSERT_TRUE(reader.read_plain(file, 0, line.size(), 8, plain));
  EXPECT_EQ(plain.at, 2u);
  EXPECT_EQ(plain.id, "pt-kim");
  EXPECT_EQ(line.substr(plain.id_at, plain.id_length), "\"pt-kim\"");
  ASSERT_EQ(plain.facts.size(), 3u);
  EXPECT_EQ(plain.facts[0].name, "ethnicity");
  EXPECT_EQ(plain.facts[0].text, "korean");
  EXPECT_EQ(plain.facts[0].kind, formats::PlainFact::Kind::Quoted);
  EXPECT_EQ(line.substr(plain.facts[0].at, plain.facts[0].length), "\"korean\"");
  EXPECT_EQ(plain.facts[1].text, "true");
  EXPECT_EQ(plain.facts[1].kind, formats::PlainFact::Kind::Word);
  EXPECT_EQ(line.substr(plain.facts[1].at, plain.facts[1].length), "true");
  EXPECT_EQ(plain.facts[2].kind, formats::PlainFact::Kind::Null);
  EXPECT_EQ(line.substr(plain.facts[2].at, 4), "null");
  EXPECT_EQ(plain.facts[2].length, 1u);  // as the tree places a null
  EXPECT_FALSE(reader.read_plain(file, 0, line.size(), 1, plain)) << "deeper than the limit";
  for (const std::string other : {
           "{\"id\": \"pt\\u002dkim\", \"facts\": {}}",             // an escape in the id
           "{\"id\": \"pt-kim\", \"facts\": {\"p\\u006fst\": true}}",  // in a key
           "{\"id\": \"pt-kim\", \"facts\": {\"post\": \"a \\\"b\\\"\"}}",  // in a value
           "{\"id\": 7, \"facts\": {}}",                             // an id not a string
           "{\"id\": \"\", \"facts\": {}}",                          // an empty id
           "{\"facts\": {}}",                                        // no id
           "{\"id\": \"a\", \"id\": \"b\"}",                          // an id twice
           "{\"id\": \"a\", \"title\": \"t\"}",                       // another key
           "{\"id\": \"a\", \"facts\": {\"years\": 4}}",              // a number
           "{\"id\": \"a\", \"facts\": {\"m\": {\"value\": true}}}",  // provenance
           "{\"id\": \"a\", \"facts\": {\"m\": [true]}}",             // a list
           "{\"id\": \"a\", \"facts\": null}",                        // facts not a mapping
           "{\"id\": \"a\"} x",                                       // more after the case
           "{\"id\": \"a\", \"facts\": {\"m\": tru}}",                // not JSON
           "[\"a\"]",                                                 // not an object
       }) {
    SourceFile f("other.jsonl", other, 1);
    EXPECT_FALSE(reader.read_plain(f, 0, other.size(), 8, plain)) << other;
  }
}

// A string's text is read eight bytes at a time: a quote, a backslash or a control byte at any
// place in a long string, and a string ending at any place, are found where they are.
TEST(PlainRecord, AStringEndsOrIsRefusedAtEveryPlace) {
  formats::JsonRecordReader reader;
  formats::PlainRecord plain;
  for (std::size_t n = 0; n < 40; ++n) {
    const std::string text = std::string(n, 'a') + "\u00e9b";  // multibyte letters too
    const std::string line = "{\"id\": \"c\", \"facts\": {\"post\": \"" + text + "\"}}";
    SourceFile file("plain.jsonl", line, 1);
    ASSERT_TRUE(reader.read_plain(file, 0, line.size(), 8, plain)) << line;
    ASSERT_EQ(plain.facts.size(), 1u);
    EXPECT_EQ(plain.facts[0].text, text);
    EXPECT_EQ(plain.facts[0].length, text.size() + 2);
    for (const std::string& stop : std::vector<std::string>{"\\\"", "\\n", "\\\\", "\t", std::string(1, '\x01'), std::string(1, '\x1f')}) {
      std::string inner = text;
      inner.insert(n, stop);
      const std::string other = "{\"id\": \"c\", \"facts\": {\"post\": \"" + inner + "\"}}";
      SourceFile f("other.jsonl", other, 1);
      EXPECT_FALSE(reader.read_plain(f, 0, other.size(), 8, plain)) << "at " << n << ": " << other;
    }
  }
}

TEST(SourceFile, APieceReadIntoAgainIsTheNewPiece) {
  SourceFile piece("a-file-with-a-long-name.jsonl", "{\"id\": \"\u00e9t\u00e9\"}\nsecond line", 41);
  piece.assign_piece("{\"id\": 2}", 7);
  EXPECT_EQ(piece.text(), "{\"id\": 2}");
  EXPECT_EQ(piece.line_count(), 1u);
  EXPECT_TRUE(piece.has_line(7));
  EXPECT_FALSE(piece.has_line(8));
  SourceLoc loc;
  loc.file = "something else";
  piece.locate(loc, 8, 1);
  EXPECT_EQ(loc, piece.locate(8, 1));
  EXPECT_EQ(loc.file, "a-file-with-a-long-name.jsonl");
  EXPECT_EQ(loc.line, 7u);
  EXPECT_EQ(loc.column, 9u);
  piece.assign_piece("\u00e9\u00e9 x", 3);  // columns count characters again, not bytes
  EXPECT_EQ(piece.locate(5).column, 4u);
  EXPECT_FALSE(piece.ascii());
  std::string taken = "{\"id\": 3}\n{\"id\": 4}";
  piece.take_piece(taken, 9);  // the text is taken, and `taken` given the old storage
  EXPECT_EQ(piece.text(), "{\"id\": 3}\n{\"id\": 4}");
  EXPECT_EQ(taken, "\u00e9\u00e9 x");
  EXPECT_TRUE(piece.ascii());
  EXPECT_EQ(piece.line_count(), 2u);
  EXPECT_EQ(piece.locate(12).line, 10u);
  EXPECT_EQ(piece.locate(12).column, 3u);
  EXPECT_EQ(piece.locate(2).line, 9u);
}

struct Rendered {
  std::vector<std::string> ids;
  std::vector<std::string> problems;  // each batch of problems as printed
  StreamedFile result;
};

Rendered stream_rendered(const std::string& path, const CaseLimits& limits) {
  Rendered out;
  SeenIds ids;
  out.result = stream_cases(
      path, golden_policy(), ids, [&](const Case& c) { out.ids.push_back(c.id); },
      [&](const std::vector<Diagnostic>& ds, const SourceSet& sources) { out.problems.push_back(render_all(ds, sources)); },
      limits);
  return out;
}

TEST(StreamCases, AYamlErrorInTheMiddleIsReportedAtItsPlaceAndReadingResumesAtTheNextCase) {
  // A quote left open in case 500 runs on to the next quote, in case 501's title, where libyaml
  // stops; a new parser reads on from case 501, the next line after case 500's first that starts
  // an item of the list.
  const std::string text = many_cases(1000, 500, "  - id: c500\n    title: \"not closed\n    facts: {soviet_citizen: true}\n");
  TempFile file("broken.yaml", text);
  Rendered r = stream_rendered(file.path, small_file_limit());
  ASSERT_EQ(r.ids.size(), 999u);
  EXPECT_EQ(r.ids[498], "c499");
  EXPECT_EQ(r.ids[499], "c501");
  EXPECT_EQ(r.ids.back(), "c1000");
  EXPECT_TRUE(r.result.errors);
  EXPECT_EQ(r.result.rejected, 1u);  // case 500, being read
  ASSERT_EQ(r.problems.size(), 1u);
  const std::string& shown = r.problems[0];
  const std::string line = std::to_string(2 + 6 * 499 + 3 + 2);  // case 501's title
  EXPECT_NE(shown.find("broken.yaml:" + line + ":13: error[case.yaml-syntax]"), std::string::npos) << shown;
  EXPECT_NE(shown.find(line + " |     title: \"case 501\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("broken.yaml:" + std::to_string(2 + 6 * 499 + 1) + ":5: note: the mapping starts here"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("note: YAML cannot be read on from here: reading resumes at line " +
                       std::to_string(2 + 6 * 499 + 3 + 1) + ", with the item of the `cases:` list after the one being read"),
            std::string::npos)
      << shown;
  // Read whole, the same error at the same place (and no case).
  Compared whole = whole_load(file.path, golden_policy());
  EXPECT_TRUE(whole.cases.empty());
  ASSERT_EQ(whole.places.size(), 1u);
  EXPECT_EQ(whole.places[0], Place("case.yaml-syntax", 2 + 6 * 499 + 3 + 2, 13));
}

TEST(StreamCases, AYamlErrorWithNoCaseAfterItEndsTheReadingAndSaysSo) {
  const std::string text = many_cases(100, 100, "  - id: c100\n    title: \"not closed\n");
  TempFile file("last.yaml", text);
  Rendered r = stream_rendered(file.path, small_file_limit());
  EXPECT_EQ(r.ids.size(), 99u);
  EXPECT_EQ(r.result.rejected, 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("last.yaml:" + std::to_string(2 + 6 * 99 + 2) + ":12: error[case.yaml-syntax]: invalid "
                               "YAML: the quoted text that starts here is not closed"),
            std::string::npos)
      << r.problems[0];
  EXPECT_NE(r.problems[0].find("note: the file is read no further: YAML cannot be read on past this error; 99 cases "
                               "before it were read"),
            std::string::npos)
      << r.problems[0];
}

TEST(StreamCases, SeveralYamlErrorsAreEachReportedAndTheCasesBetweenRead) {
  std::string text = many_cases(300, 100, "  - id: c100\n\tfacts: {}\n");
  const std::string again = "  - id: c200\n    facts: [\n";
  text.replace(text.find("  - id: c200\n"), text.find("  - id: c201\n") - text.find("  - id: c200\n"), again);
  TempFile file("two.yaml", text);
  Rendered r = stream_rendered(file.path, small_file_limit());
  EXPECT_EQ(r.ids.size(), 298u);
  EXPECT_EQ(r.result.rejected, 2u);
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_NE(r.problems[0].find("two.yaml:" + std::to_string(2 + 6 * 99 + 2) + ":1: error[case.tab-indent]"),
            std::string::npos)
      << r.problems[0];
  EXPECT_NE(r.problems[1].find("error[case.yaml-syntax]"), std::string::npos) << r.problems[1];
  // The `[` left open is found at case 201's `- `: reading resumes there, and case 201 is read.
  EXPECT_NE(r.problems[1].find("two.yaml:" + std::to_string(2 + 6 * 99 + 2 + 6 * 99 + 3) + ":3: error[case.yaml-syntax]"),
            std::string::npos)
      << r.problems[1];
  EXPECT_NE(r.problems[1].find("reading resumes at the item of the `cases:` list that starts here"), std::string::npos)
      << r.problems[1];
  EXPECT_NE(std::find(r.ids.begin(), r.ids.end(), "c201"), r.ids.end());
  EXPECT_NE(r.problems[0].find("reading resumes at line " + std::to_string(2 + 6 * 99 + 3) + ", with the next item"),
            std::string::npos)
      << r.problems[0];
}

TEST(StreamCases, AMisalignedKeyInTheMiddleIsReportedAsWhenReadWhole) {
  const std::string text = many_cases(300, 150, "  - id: c150\n    facts:\n      soviet_citizen: true\n   request: return_to_ussr\n");
  TempFile file("misaligned.yaml", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  Compared whole = whole_load(file.path, golden_policy());
  // Case 150 ends where the key out of line starts, so it is read before the error is found;
  // reading resumes at case 151.
  EXPECT_EQ(s.cases.size(), 300u);
  EXPECT_TRUE(whole.cases.empty());
  EXPECT_EQ(s.messages, whole.messages);
  ASSERT_FALSE(s.places.empty());
  EXPECT_EQ(std::get<1>(s.places[0]), static_cast<std::uint32_t>(2 + 6 * 149 + 4));
}

TEST(StreamCases, KeysAfterTheListAndASecondListAreReported) {
  const std::string text = many_cases(400) + "title: stray\ncases:\n  - id: other\n";
  TempFile file("after.yaml", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  EXPECT_EQ(s.cases.size(), 400u);
  const std::uint32_t after = 2 + 6 * 400 + 1;
  EXPECT_EQ(s.places, (std::vector<Place>{{"case.unknown-key", after, 1}, {"case.duplicate-key", after + 1, 1}}));
  EXPECT_TRUE(s.errors);
}

TEST(StreamCases, AnAliasOfAnEarlierCaseIsRefusedByNameWhenTheFileIsReadACaseAtATime) {
  std::string text = "cases:\n  - id: one\n    facts: &common {soviet_citizen: true}\n";
  for (int i = 0; i < 200; ++i) text += "  - id: n" + std::to_string(i) + "\n    facts: {soviet_citizen: false}\n";
  text += "  - id: two\n    facts: *common\n";
  TempFile file("alias.yaml", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  EXPECT_EQ(s.cases.size(), 201u);
  EXPECT_EQ(s.places, (std::vector<Place>{{"case.alias-across-cases", 2 + 1 + 2 * 200 + 2, 12}}));
  // Small enough to be read whole, the file is: the alias repeats case one's facts.
  SeenIds again;
  Compared whole = streamed(file.path, golden_policy(), again);
  EXPECT_TRUE(whole.places.empty());
  EXPECT_EQ(whole.cases.back(), "two soviet_citizen@3:37");
}

TEST(StreamCases, BytesThatAreNotUtf8InALargeFileAreRefusedAtTheirPlace) {
  std::string text = many_cases(12000);  // over a MiB: the bad byte is in the second MiB looked over
  ASSERT_GT(text.size(), 1u << 20);
  const std::size_t at = text.find("case 11700\"");
  text[at + 2] = '\xff';
  TempFile file("latin.yaml", text);
  SeenIds ids;
  std::string rendered;
  auto r = stream_cases(
      file.path, golden_policy(), ids, [&](const Case&) { FAIL() << "no case is read from a file that is not UTF-8"; },
      [&](const std::vector<Diagnostic>& ds, const SourceSet& sources) { rendered += render_all(ds, sources); },
      small_file_limit());
  EXPECT_TRUE(r.errors);
  const std::string line = std::to_string(2 + 6 * 11699 + 2);
  EXPECT_NE(rendered.find("latin.yaml:" + line + ":15: error[case.not-utf8]"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find(line + " |     title: \"ca?e 11700\""), std::string::npos) << rendered;
}

TEST(StreamCases, ACsvFileOverTheWholeFileLimitIsReadARowAtATime) {
  std::string text = "\xEF\xBB\xBFid,title,misdemeanor,misdemeanor.source\n";
  for (int i = 1; i <= 3000; ++i) {
    if (i == 1000) text += "r1000,\"a title\non two lines\",true,\"memo, p4\"\n";  // a quoted cell holds a line break
    else if (i == 1500) text += "r1500,one too many,true,memo,x\n";
    else if (i == 2000) text += "r2000,x,maybe,memo\n";
    else if (i == 2500) text += "r2500,a\"b\"c,true,memo\n";
    else text += "r" + std::to_string(i) + ",\"case " + std::to_string(i) + "\",false,\n";
  }
  TempFile file("many.csv", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  Compared whole = whole_load(file.path, golden_policy());
  ASSERT_EQ(whole.cases.size(), 2997u);
  EXPECT_EQ(s.cases, whole.cases);
  EXPECT_EQ(s.messages, whole.messages);
  EXPECT_EQ(s.rejected, whole.rejected);
  EXPECT_EQ(s.places, (std::vector<Place>{{"case.csv-columns", 1502, 1}, {"case.wrong-type", 2002, 9}, {"case.csv-syntax", 2502, 8}}));
  // The row after the one with a line break in a cell, at its line.
  EXPECT_NE(std::find_if(s.cases.begin(), s.cases.end(),
                         [](const std::string& c) { return c.starts_with("r1001 misdemeanor@1003:"); }),
            s.cases.end());
}

TEST(StreamCases, ACsvFileWithAHeaderAndNoRowIsEmpty) {
  TempFile file("header.csv", "  \n\nid,misdemeanor\n\n");
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  EXPECT_EQ(s.places, (std::vector<Place>{{"case.empty", 1, 1}}));
  EXPECT_EQ(s.messages, whole_load(file.path, golden_policy()).messages);
}

TEST(StreamCases, ACsvRowOverTheLimitIsRefusedOnItsOwn) {
  TempFile file("long.csv", "id,title\na,short\nb," + std::string(5000, 'x') + "\nc,short\n");
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  EXPECT_EQ(s.cases, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(s.messages, (std::vector<std::string>{std::string("") + file.path +
                                                  ":3:1 case.too-large this row is 5002 bytes, more than the 4096 bytes "
                                                  "a row of a case file may hold"}));
  EXPECT_EQ(s.rejected, 1u);
}

TEST(StreamCases, AJsonLinesLineOverTheLimitIsRefusedOnItsOwn) {
  TempFile file("long.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\", \"title\": \"" + std::string(5000, 'x') +
                                  "\"}\n{\"id\": \"c\"}\n");
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids, small_file_limit());
  EXPECT_EQ(s.cases, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(s.messages, (std::vector<std::string>{std::string("") + file.path +
                                                  ":2:1 case.too-large this line is 5024 bytes, more than the 4096 bytes "
                                                  "a line of a case file may hold"}));
  EXPECT_EQ(s.rejected, 1u);
}

TEST(StreamCases, AFileThatMayHoldAnAliasIsReadWholeWhenItIsSmallEnough) {
  // The alias is in the second MiB looked over; texts with `&` and `*` that YAML reads as text are not taken for one.
  std::string text = "cases:\n  - id: one\n    title: \"R&D, a * b\"\n    facts: &common {soviet_citizen: true}\n";
  for (int i = 0; i < 20000; ++i) text += "  - id: n" + std::to_string(i) + "\n    title: R&D\n    facts: {soviet_citizen: false}\n";
  text += "  - id: two\n    facts: *common\n";
  ASSERT_GT(text.size(), 1u << 20);
  TempFile file("alias.yaml", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids);
  EXPECT_TRUE(s.places.empty());
  ASSERT_EQ(s.cases.size(), 20002u);
  EXPECT_EQ(s.cases.back(), "two soviet_citizen@4:37");
}

TEST(StreamCases, TextWithStarsAndAmpersandsIsNotTakenForAnAlias) {
  // Streamed, not read whole: the cases before the error are handed on.
  std::string text = "cases:\n";
  for (int i = 0; i < 20; ++i)
    text += "  - id: n" + std::to_string(i) + "\n    title: see *chapter* 3, R&D & co, a*b\n    source: \"memo *p4*\"\n";
  text += "  - id: broken\n\ttitle: x\n";
  TempFile file("stars.yaml", text);
  SeenIds ids;
  Compared s = streamed(file.path, golden_policy(), ids);
  EXPECT_EQ(s.cases.size(), 20u);
  EXPECT_EQ(s.places, (std::vector<Place>{{"case.tab-indent", 2 + 3 * 20 + 1, 1}}));
}

TEST(SeenIds, RemembersEachIdWithItsFirstPlace) {
  SeenIds ids;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    SourceLoc at;
    at.file = i < n / 2 ? "a.jsonl" : "b.jsonl";
    at.line = static_cast<std::uint32_t>(i + 1);
    at.column = 8;
    at.length = 3;
    EXPECT_FALSE(ids.first_or_add("case-" + std::to_string(i), at).has_value()) << i;
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
  for (int i : {0, 1, n / 2 - 1, n / 2, n - 1}) {
    SourceLoc again;
    again.file = "c.jsonl";
    again.line = 1;
    auto first = ids.first_or_add("case-" + std::to_string(i), again);
    ASSERT_TRUE(first.has_value()) << i;
    EXPECT_EQ(first->file, i < n / 2 ? "a.jsonl" : "b.jsonl");
    EXPECT_EQ(first->line, static_cast<std::uint32_t>(i + 1));
    EXPECT_EQ(first->column, 8u);
    EXPECT_EQ(first->length, 3u);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
  // An id longer than the blocks the ids are kept in.
  const std::string long_id(3u << 20, 'x');
  EXPECT_FALSE(ids.first_or_add(long_id, SourceLoc{}).has_value());
  EXPECT_TRUE(ids.first_or_add(long_id, SourceLoc{}).has_value());
  EXPECT_FALSE(ids.first_or_add(long_id + "y", SourceLoc{}).has_value());
  EXPECT_TRUE(ids.first_or_add("case-7", SourceLoc{}).has_value());
}

TEST(SourceFile, APieceCountsLinesFromItsPlaceInTheFile) {
  SourceFile piece("big.jsonl", "{\"id\": 1}\nsecond", 41);
  SourceLoc loc = piece.locate(8, 1);
  EXPECT_EQ(loc.line, 41u);
  EXPECT_EQ(loc.column, 9u);
  EXPECT_EQ(piece.locate(12).line, 42u);
  EXPECT_EQ(piece.line_text(41), "{\"id\": 1}");
  EXPECT_EQ(piece.line_text(42), "second");
  EXPECT_EQ(piece.line_text(40), "");
  EXPECT_EQ(piece.line_text(43), "");
  EXPECT_EQ(piece.line_text(1), "");
}

}  // namespace
}  // namespace decree::engine

// Case files read a case at a time (engine/case_stream.hpp): the same cases and the same
// messages at the same places as the loader that reads a file whole, ids used twice refused
// after the first, and the pieces of a file that places are counted in.
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/diagnostic.hpp"
#include "dsl/load.hpp"
#include "dsl/source.hpp"
#include "engine/case_load.hpp"
#include "engine/case_stream.hpp"

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

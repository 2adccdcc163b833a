// The source texts in sources/: read as the engine reads them, checked against the record they
// were cut from, and the quote matching that `decree check` uses.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "dsl/parse.hpp"
#include "engine/source_text.hpp"

namespace decree::engine {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const fs::path kSources = fs::path(DECREE_SOURCE_DIR) / "sources";

TEST(SourceText, TheMemoAndTheTelegramHaveTheirCitationKeys) {
  SourceSet files;
  auto memo = read_source_text((kSources / "memo-1956-02-02.yaml").string(), files);
  ASSERT_TRUE(memo.text) << (memo.diagnostics.empty() ? "" : memo.diagnostics[0].message);
  EXPECT_EQ(memo.text->document, "memo");
  EXPECT_EQ(memo.text->section_keys(), (std::vector<std::string>{"p1", "p2", "p3", "p4", "p5", "note"}));
  auto telegram = read_source_text((kSources / "telegram-1956-02.yaml").string(), files);
  ASSERT_TRUE(telegram.text);
  EXPECT_EQ(telegram.text->section_keys(), (std::vector<std::string>{"s1", "s2", "s3", "s4", "s5"}));
  // Folded: one paragraph is one line of words.
  EXPECT_EQ(telegram.text->section("s3")->text,
            "As a rule, these people should answer for their actions locally in the DPRK and justify the trust place in them.");
  bool archive = false;
  for (const auto& [key, value] : memo.text->provenance)
    if (key == "archive") archive = value == "RGANI Fond 5, Opis 28, Delo 412";
  EXPECT_TRUE(archive);
}

TEST(SourceText, EverySectionIsWordForWordInThePublishedRecord) {
  const std::string record = fold_quote(read(kSources / "memo-and-telegram-1956-02.txt"));
  ASSERT_FALSE(record.empty());
  for (const char* name : {"memo-1956-02-02.yaml", "telegram-1956-02.yaml"}) {
    SourceSet files;
    auto text = read_source_text((kSources / name).string(), files);
    ASSERT_TRUE(text.text) << name;
    for (const auto& s : text.text->sections) {
      SCOPED_TRACE(std::string(name) + " " + s.key);
      EXPECT_NE(record.find(fold_quote(s.text)), std::string::npos);
    }
  }
}

TEST(SourceText, QuotesMatchModuloSpacingAndTypographicQuotes) {
  const std::string text = "the Soviet ambassador\xE2\x80\x99s telegram, \xE2\x80\x9C" "as sent\xE2\x80\x9D.";
  EXPECT_TRUE(quote_in("ambassador's   telegram", text));
  EXPECT_TRUE(quote_in("telegram, \"as sent\"", text));
  EXPECT_TRUE(quote_in("the Soviet\nambassador", text));
  EXPECT_FALSE(quote_in("the ambassador's telegram", text));
  EXPECT_FALSE(quote_in("The Soviet", text));  // case counts
  // An ellipsis leaves words out; the parts must come in the text's order.
  EXPECT_TRUE(quote_in("the Soviet ... telegram", text));
  EXPECT_TRUE(quote_in("the Soviet \xE2\x80\xA6 telegram", text));
  EXPECT_FALSE(quote_in("telegram ... the Soviet", text));
}

TEST(SourceText, TheNearestPassageIsTheOneWithTheQuotesWords) {
  const std::string text = "You are permitted in individual, justified cases and with the agreement of the friends to grant requests.";
  EXPECT_EQ(nearest_passage("justified cases and with the consent of the friends", text),
            "…justified cases and with the agreement of the friends…");
  EXPECT_EQ(nearest_passage("You are allowed", text), "You are permitted…");
}

TEST(SourceText, AMalformedTextIsAnErrorWithItsPlace) {
  fs::path dir = fs::temp_directory_path() / "decree_source_text_test";
  fs::create_directories(dir);
  std::ofstream((dir / "bad.yaml").string()) << "document: memo\nsections:\n  - key: p1\n    text: one\n  - key: p1\n    text: two\n  - text: three\n";
  SourceSet files;
  auto read = read_source_text((dir / "bad.yaml").string(), files);
  EXPECT_FALSE(read.text);
  ASSERT_EQ(read.diagnostics.size(), 2u);
  EXPECT_EQ(read.diagnostics[0].message, "section `p1` is listed twice");
  EXPECT_EQ(read.diagnostics[0].loc.line, 5u);
  EXPECT_EQ(read.diagnostics[1].message, "this section has no `key:`");
  fs::remove_all(dir);
}

TEST(SourceText, EachShippedPolicyCitationIsChecked) {
  // A citation of a section the text lacks is an error; one with a true quote is not.
  const std::string dir = (fs::path(DECREE_SOURCE_DIR) / "policies").string();
  auto parsed = dsl::parse(
      "policy p \"P\"\n  source telegram \"T\" in \"../sources/telegram-1956-02.yaml\"\n"
      "fact a: bool\ndecision d: x | y\n  default x\n"
      "rule r \"R\":\n  when a\n  then d = y\n  cites telegram s3 \"As a rule\"\n  cites telegram s9\n",
      dir + "/p.decree");
  ASSERT_TRUE(parsed.ok());
  SourceSet files;
  auto check = check_citations(*parsed.policy, files);
  ASSERT_EQ(check.diagnostics.size(), 1u);
  EXPECT_EQ(check.diagnostics[0].code, "check.unknown-section");
  EXPECT_EQ(check.diagnostics[0].loc.line, 10u);
  ASSERT_NE(check.library.section("telegram", "s3"), nullptr);
}

}  // namespace
}  // namespace decree::engine

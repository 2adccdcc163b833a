// The documentation of diagnostic codes: every code the program can emit is documented, and
// `describe_code` finds a code in a table row and in a paragraph that lists codes in prose.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "dsl/diagnostic_codes.hpp"

namespace decree {
namespace {

// Every string literal in the sources that reads as a code (`"parse.expected"`).
std::set<std::string> codes_in_sources() {
  const std::regex literal(R"re("((parse|check|amend|load|case|population)\.[a-z0-9-]+)")re");
  std::set<std::string> out;
  for (const char* folder : {"dsl", "engine", "cli"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(DECREE_SOURCE_DIR) / folder)) {
      auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), literal), end; it != end; ++it) out.insert((*it)[1]);
    }
  }
  return out;
}

TEST(DiagnosticCodes, EveryCodeInTheSourcesIsDocumented) {
  auto codes = codes_in_sources();
  ASSERT_GT(codes.size(), 50u);  // the scan found the sources
  auto documented = documented_codes();
  std::set<std::string> known(documented.begin(), documented.end());
  for (const auto& code : codes)
    EXPECT_TRUE(known.count(code)) << "`" << code << "` is emitted but not documented in docs/language.md, "
                                   << "docs/case-files.md or docs/counterfactuals.md";
}

TEST(DiagnosticCodes, TableRowGivesEachCellUnderItsHeading) {
  std::vector<DocumentText> docs = {{"docs/x.md",
                                     "# X\n\n## Checks\n\n| code | what is wrong |\n|---|---|\n"
                                     "| `parse.a`, `parse.b` | a thing \\| another |\n"
                                     "| `check.c` (warning) | unused |\n"}};
  auto doc = describe_code("parse.b", docs);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->section, "Checks");
  EXPECT_EQ(doc->document, "docs/x.md");
  ASSERT_EQ(doc->cells.size(), 1u);
  EXPECT_EQ(doc->cells[0].first, "what is wrong");
  EXPECT_EQ(doc->cells[0].second, "a thing | another");
  EXPECT_EQ(doc->also, std::vector<std::string>{"parse.a"});
  auto warning = describe_code("check.c", docs);
  ASSERT_TRUE(warning);
  ASSERT_EQ(warning->cells.size(), 1u);
  EXPECT_EQ(warning->remark, "(warning)");
  EXPECT_FALSE(describe_code("parse.c", docs));
}

TEST(DiagnosticCodes, ProseListGivesItsParagraph) {
  std::vector<DocumentText> docs = {{"docs/y.md",
                                     "## Populations\n\nThe codes are `population.*`: `empty`,\n`bad-share`.\n\n"
                                     "Other text with `bad-name`.\n"}};
  auto doc = describe_code("population.bad-share", docs);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->cells.size(), 1u);
  EXPECT_EQ(doc->cells[0].second, "The codes are `population.*`: `empty`, `bad-share`.");
  EXPECT_TRUE(doc->also.empty());
  EXPECT_FALSE(describe_code("population.bad-name", docs));
}

TEST(DiagnosticCodes, CodeBlocksAreNotRead) {
  std::vector<DocumentText> docs = {{"docs/z.md", "```\n| code | what |\n|---|---|\n| `parse.x` | no |\n```\n"}};
  EXPECT_FALSE(describe_code("parse.x", docs));
}

}  // namespace
}  // namespace decree

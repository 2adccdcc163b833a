// Places in source text: columns count characters (UTF-8 code points), whether the text is
// ASCII (counted as bytes) or not (counted character by character).
#include <gtest/gtest.h>

#include <string>

#include "dsl/source.hpp"

namespace decree {
namespace {

// utf8_length as the definition says: bytes that are not continuation bytes (10xxxxxx).
std::size_t slow_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TEST(Utf8Length, CountsCharactersAtEveryLengthAndAlignment) {
  const std::string text = "ab\xC3\xA9" "cd\xE2\x80\x94" "efgh\xF0\x9F\x98\x80" "ijklmnop\xD0\x96\xD0\x96q";
  for (std::size_t from = 0; from <= text.size(); ++from)
    for (std::size_t n = 0; from + n <= text.size(); ++n) {
      std::string_view s = std::string_view(text).substr(from, n);
      EXPECT_EQ(utf8_length(s), slow_length(s)) << from << "+" << n;
    }
  EXPECT_EQ(utf8_length("Ким Ли Ён"), 9u);
  EXPECT_EQ(utf8_length(""), 0u);
}

TEST(SourceFile, AsciiTextPlacesByBytes) {
  SourceFile f("a.yaml", "id: kim\nfacts:\n  misdemeanor: true\n");
  SourceLoc loc = f.locate(17, 11);
  EXPECT_EQ(loc.file, "a.yaml");
  EXPECT_EQ(loc.line, 3u);
  EXPECT_EQ(loc.column, 3u);
  EXPECT_EQ(loc.length, 11u);
  EXPECT_EQ(loc.offset, 17u);
  EXPECT_EQ(f.locate(0).column, 1u);
  EXPECT_EQ(f.locate(1000).line, 4u);  // past the end: the end
  EXPECT_EQ(f.line_count(), 4u);
}

TEST(SourceFile, TextWithOtherCharactersPlacesByCharacters) {
  // "title: Ким\nid: x\n": the second line is ASCII, the first is not.
  const std::string text = "title: \xD0\x9A\xD0\xB8\xD0\xBC x\nid: x\n";
  SourceFile f("b.yaml", text);
  SourceLoc x = f.locate(text.find(" x") + 1);
  EXPECT_EQ(x.line, 1u);
  EXPECT_EQ(x.column, 12u);  // "title: " is 7, "Ким" 3, the space 1
  SourceLoc name = f.locate(7, 6);
  EXPECT_EQ(name.column, 8u);
  EXPECT_EQ(name.length, 3u);
  SourceLoc id = f.locate(text.find("id"), 2);
  EXPECT_EQ(id.line, 2u);
  EXPECT_EQ(id.column, 1u);
  EXPECT_EQ(id.length, 2u);
}

TEST(SourceFile, AByteOrderMarkIsNotAColumn) {
  SourceFile f("c.yaml", "\xEF\xBB\xBFid: x\n");
  EXPECT_EQ(f.locate(3).column, 1u);
  EXPECT_EQ(f.locate(7).column, 5u);
  EXPECT_EQ(f.line_text(1), "id: x");
}

}  // namespace
}  // namespace decree

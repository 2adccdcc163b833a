// The cells of a CSV record as engine/formats/csv_record.hpp reads them with libcsv: each cell's
// text and where it is written, the same whether the record's cells are placed from the file's
// text (a record without a quote or a line break) or from their copies (any record).
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/diagnostic.hpp"
#include "dsl/source.hpp"
#include "engine/formats/csv_record.hpp"

namespace decree::engine::formats {
namespace {

struct Read {
  bool ok = false;
  std::vector<std::string> texts;
  std::vector<std::size_t> offsets;
  std::vector<bool> as_written, bare;
  std::vector<std::string> messages;
};

Read read(CsvRecordReader& reader, const SourceFile& file, std::size_t begin, std::size_t end) {
  Read out;
  std::vector<Diagnostic> ds;
  const std::vector<CsvCell>* cells = reader.read(file, begin, end, ds);
  out.ok = cells != nullptr;
  for (const auto& d : ds) out.messages.push_back(to_string(d.loc) + " " + d.code + " " + d.message);
  if (cells == nullptr) return out;
  for (const CsvCell& cell : *cells) {
    out.texts.emplace_back(cell.text);
    out.offsets.push_back(cell.offset);
    out.as_written.push_back(cell.as_written);
    out.bare.push_back(cell.bare);
  }
  return out;
}

TEST(CsvRecord, CellsOfARecordWithoutQuotesArePlacedWhereTheyAreWritten) {
  const std::string text = "x\n  ab , ,c\t,d e,\n";
  SourceFile file("cells.csv", text);
  CsvRecordReader reader;
  Read r = read(reader, file, 2, text.size());
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.texts, (std::vector<std::string>{"ab", "", "c", "d e", ""}));
  EXPECT_EQ(r.offsets, (std::vector<std::size_t>{4, 8, 10, 13, 17}));
  EXPECT_EQ(r.as_written, (std::vector<bool>{true, true, true, true, true}));
  for (std::size_t i = 0; i < r.texts.size(); ++i)
    EXPECT_EQ(text.substr(r.offsets[i], r.texts[i].size()), r.texts[i]) << i;
}

TEST(CsvRecord, AQuotedCellIsPlacedAtItsQuote) {
  const std::string text = "a,\"b \"\"c\"\"\", d\r\n";
  SourceFile file("quoted.csv", text);
  CsvRecordReader reader;
  Read r = read(reader, file, 0, text.size());
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.texts, (std::vector<std::string>{"a", "b \"c\"", "d"}));
  EXPECT_EQ(r.offsets, (std::vector<std::size_t>{0, 2, 13}));
  EXPECT_EQ(r.as_written, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(r.bare, (std::vector<bool>{true, false, true}));
}

TEST(CsvRecord, AMalformedRecordIsRefusedAndTheNextIsRead) {
  const std::string text = "a,b\"c,d\ne,f\n";
  SourceFile file("bad.csv", text);
  CsvRecordReader reader;
  Read bad = read(reader, file, 0, 8);
  EXPECT_FALSE(bad.ok);
  ASSERT_EQ(bad.messages.size(), 1u);
  EXPECT_EQ(bad.messages[0].substr(0, 26), "bad.csv:1:4 case.csv-synta");
  Read next = read(reader, file, 8, text.size());
  ASSERT_TRUE(next.ok);
  EXPECT_EQ(next.texts, (std::vector<std::string>{"e", "f"}));
  EXPECT_EQ(next.offsets, (std::vector<std::size_t>{8, 10}));
}

// Records of commas, blanks, words, quotes and line breaks, each read by a reader that places an
// unquoted record's cells from the file's text and by one that copies every record's cells.
TEST(CsvRecord, PlacingFromTheTextAndFromCopiesAgree) {
  std::mt19937 random(20261201);
  const std::vector<std::string> pieces = {"a", "bc", "true", " ", "\t", ",", ",", "x y", "\xC3\xA9", "\"", "\r", ""};
  CsvRecordReader placed, copied(true);
  std::size_t unquoted = 0, unquoted_cr = 0;  // records without a quote, without and with a CR inside
  for (int n = 0; n < 4000; ++n) {
    std::string record;
    const bool quotes = n % 4 == 0;
    const std::size_t length = random() % 12;
    for (std::size_t i = 0; i < length; ++i) {
      const std::string& piece = pieces[random() % pieces.size()];
      if (!quotes && (piece == "\"" || (piece == "\r" && n % 3 != 0))) continue;
      record += piece;
    }
    if (record.find_first_not_of(" \t\r") == std::string::npos) continue;  // a blank record is skipped before
    if (record.find('"') == std::string::npos) ++(record.find('\r') == std::string::npos ? unquoted : unquoted_cr);
    const std::string prefix = n % 2 == 0 ? "" : "id,x\n";
    const std::string text = prefix + record + (n % 5 == 0 ? "\r\n" : "\n");
    SourceFile file("random.csv", text);
    Read a = read(placed, file, prefix.size(), text.size());
    Read b = read(copied, file, prefix.size(), text.size());
    ASSERT_EQ(a.ok, b.ok) << record;
    EXPECT_EQ(a.messages, b.messages) << record;
    EXPECT_EQ(a.texts, b.texts) << record;
    EXPECT_EQ(a.offsets, b.offsets) << record;
    EXPECT_EQ(a.as_written, b.as_written) << record;
    EXPECT_EQ(a.bare, b.bare) << record;
  }
  EXPECT_GT(unquoted, 1500u);
  EXPECT_GT(unquoted_cr, 200u);
}

}  // namespace
}  // namespace decree::engine::formats

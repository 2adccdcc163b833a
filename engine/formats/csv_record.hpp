// The rows of a CSV case file, read with libcsv: where each record ends (a quoted cell may hold
// line breaks), each cell's text and where it is written. No libcsv type crosses this header.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "dsl/source.hpp"

namespace decree::engine::formats {

struct CsvCell {
  // As libcsv reads it: quotes removed, "" made ", blanks around an unquoted cell trimmed. Points
  // into the file's text when the cell is written as it reads, else into the reader's storage;
  // valid until the reader reads again.
  std::string_view text;
  std::size_t offset = 0;   // where the cell is written (at its opening quote when quoted)
  bool as_written = false;  // the file holds `text` as is at `offset` (unquoted, untrimmed)
  bool bare = false;        // as_written, on one line (no CR or LF), and not starting with a quote
};

// Where the record starting at `begin` ends: one past its line break, or the end of `text`.
// A line break inside quotes belongs to the cell.
std::size_t csv_record_end(std::string_view text, std::size_t begin);

// True when the record holds nothing but blanks (skipped, as libcsv skips empty lines).
bool csv_blank_record(std::string_view record);

// Reads the records of a file one after another with one libcsv parser, keeping the cells'
// storage from one record to the next.
class CsvRecordReader {
 public:
  // A record without a quote has its cells placed from the lengths libcsv gives, their texts
  // being the file's; `copy_every_record` has every record's cells copied and placed
  // as a quoted record's are instead (the tests compare the two).
  explicit CsvRecordReader(bool copy_every_record = false);
  ~CsvRecordReader();
  CsvRecordReader(const CsvRecordReader&) = delete;
  CsvRecordReader& operator=(const CsvRecordReader&) = delete;

  // The cells of the record in bytes [begin, end) of `file` (its line break included or not),
  // valid until the next read and while `file` lives; null with a diagnostic when libcsv finds
  // it malformed (a quote inside an unquoted cell, a quoted cell left open).
  const std::vector<CsvCell>* read(const SourceFile& file, std::size_t begin, std::size_t end,
                                   std::vector<Diagnostic>& diagnostics);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decree::engine::formats

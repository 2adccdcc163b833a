// The rows of a CSV case file, read with libcsv: where each record ends (a quoted cell may hold
// line breaks), each cell's text and where it is written. No libcsv type crosses this header.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "dsl/source.hpp"

namespace decree::engine::formats {

struct CsvCell {
  std::string text;         // as libcsv reads it: quotes removed, "" made ", blanks around an unquoted cell trimmed
  std::size_t offset = 0;   // where the cell is written (at its opening quote when quoted)
  bool as_written = false;  // the file holds `text` as is at `offset` (unquoted, untrimmed)
};

// Where the record starting at `begin` ends: one past its line break, or the end of `text`.
// A line break inside quotes belongs to the cell.
std::size_t csv_record_end(std::string_view text, std::size_t begin);

// True when the record holds nothing but blanks (skipped, as libcsv skips empty lines).
bool csv_blank_record(std::string_view record);

// The cells of the record in bytes [begin, end) of `file`, or nullopt with a diagnostic when
// libcsv finds it malformed (a quote inside an unquoted cell, a quoted cell left open).
std::optional<std::vector<CsvCell>> read_csv_record(const SourceFile& file, std::size_t begin, std::size_t end,
                                                    std::vector<Diagnostic>& diagnostics);

// Reads records one after another as read_csv_record does, keeping libcsv's parser and the cells'
// storage from one record to the next.
class CsvRecordReader {
 public:
  CsvRecordReader();
  ~CsvRecordReader();
  CsvRecordReader(const CsvRecordReader&) = delete;
  CsvRecordReader& operator=(const CsvRecordReader&) = delete;

  // The cells of the record, valid until the next read; null with a diagnostic when malformed.
  const std::vector<CsvCell>* read(const SourceFile& file, std::size_t begin, std::size_t end,
                                   std::vector<Diagnostic>& diagnostics);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decree::engine::formats

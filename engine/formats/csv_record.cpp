#include "engine/formats/csv_record.hpp"

#include <fmt/format.h>
#include <csv.h>

namespace decree::engine::formats {

std::size_t csv_record_end(std::string_view text, std::size_t begin) {
  bool quoted = false;
  for (std::size_t i = begin; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') quoted = !quoted;
    else if (c == '\n' && !quoted) return i + 1;
  }
  return text.size();
}

bool csv_blank_record(std::string_view record) {
  return record.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

namespace {

struct Collect {
  std::vector<CsvCell> cells;  // cells[0, count) are this record's; those past it keep their storage
  std::size_t count = 0;
  std::size_t rows = 0;
};

void on_field(void* s, std::size_t len, void* data) {
  auto* c = static_cast<Collect*>(data);
  if (c->count == c->cells.size()) c->cells.emplace_back();
  CsvCell& cell = c->cells[c->count++];
  cell.offset = 0;
  cell.as_written = false;
  if (s != nullptr) cell.text.assign(static_cast<const char*>(s), len);
  else cell.text.clear();
}

void on_row(int, void* data) { ++static_cast<Collect*>(data)->rows; }

}  // namespace

struct CsvRecordReader::Impl {
  csv_parser parser;
  Collect collect;
  std::vector<std::size_t> starts;
  Impl() { csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI); }
  ~Impl() { csv_free(&parser); }
};

CsvRecordReader::CsvRecordReader() : impl_(std::make_unique<Impl>()) {}
CsvRecordReader::~CsvRecordReader() = default;

const std::vector<CsvCell>* CsvRecordReader::read(const SourceFile& file, std::size_t begin, std::size_t end,
                                                  std::vector<Diagnostic>& diagnostics) {
  std::string_view record = std::string_view(file.text()).substr(begin, end - begin);
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
  csv_parser& parser = impl_->parser;
  Collect& collect = impl_->collect;
  collect.count = 0;
  collect.rows = 0;
  std::size_t read = csv_parse(&parser, record.data(), record.size(), on_field, on_row, &collect);
  int status = read == record.size() ? csv_fini(&parser, on_field, on_row, &collect) : csv_error(&parser);
  if (read != record.size() || status != 0) {
    int error = csv_error(&parser);
    // A parser stopped by an error is not reset by libcsv: the next record gets a new one.
    csv_free(&parser);
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
    std::size_t at = begin + std::min(read, record.size());
    std::string why = error != CSV_EPARSE       ? std::string(csv_strerror(error))
                      : read == record.size() ? "a quoted cell is not closed: the file ends before its closing quote"
                                              : "a quote inside a cell that does not start with one, or something "
                                                "after a quoted cell's closing quote";
    diagnostics.push_back(make_error("case.csv-syntax", file.locate(at), fmt::format("malformed CSV: {}", why),
                                     "quote a cell that holds a comma, a quote or a line break, and write a quote "
                                     "inside it twice: \"said \"\"no\"\"\""));
    return nullptr;
  }
  // csv_fini has reset the parser for the next record.
  std::vector<std::size_t>& starts = impl_->starts;  // where each cell starts: after each comma outside quotes
  starts.assign(1, 0);
  bool quoted = false;
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (record[i] == '"') quoted = !quoted;
    else if (record[i] == ',' && !quoted) starts.push_back(i + 1);
  }
  collect.cells.resize(collect.count);  // what is past it is dropped: the cells are these
  for (std::size_t i = 0; i < collect.cells.size(); ++i) {
    CsvCell& cell = collect.cells[i];
    std::size_t start = i < starts.size() ? starts[i] : 0;
    cell.offset = begin + start;
    cell.as_written = record.substr(start, cell.text.size()) == cell.text;
    if (!cell.as_written && start < record.size() && record[start] != '"') {
      // Blanks trimmed before an unquoted cell: it starts at its first character.
      std::size_t first = record.find_first_not_of(" \t", start);
      if (first != std::string_view::npos && record.substr(first, cell.text.size()) == cell.text) {
        cell.offset = begin + first;
        cell.as_written = true;
      }
    }
  }
  return &collect.cells;
}

std::optional<std::vector<CsvCell>> read_csv_record(const SourceFile& file, std::size_t begin, std::size_t end,
                                                    std::vector<Diagnostic>& diagnostics) {
  CsvRecordReader reader;
  const std::vector<CsvCell>* cells = reader.read(file, begin, end, diagnostics);
  if (cells == nullptr) return std::nullopt;
  return *cells;
}

}  // namespace decree::engine::formats

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
  std::vector<CsvCell> cells;
  std::size_t rows = 0;
};

void on_field(void* s, std::size_t len, void* data) {
  auto* c = static_cast<Collect*>(data);
  CsvCell cell;
  if (s != nullptr) cell.text.assign(static_cast<const char*>(s), len);
  c->cells.push_back(std::move(cell));
}

void on_row(int, void* data) { ++static_cast<Collect*>(data)->rows; }

// Where each cell of the record starts: after the start and after each comma outside quotes.
std::vector<std::size_t> cell_starts(std::string_view record) {
  std::vector<std::size_t> out{0};
  bool quoted = false;
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (record[i] == '"') quoted = !quoted;
    else if (record[i] == ',' && !quoted) out.push_back(i + 1);
  }
  return out;
}

}  // namespace

std::optional<std::vector<CsvCell>> read_csv_record(const SourceFile& file, std::size_t begin, std::size_t end,
                                                    std::vector<Diagnostic>& diagnostics) {
  std::string_view record = std::string_view(file.text()).substr(begin, end - begin);
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
  csv_parser parser;
  csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
  Collect collect;
  std::size_t read = csv_parse(&parser, record.data(), record.size(), on_field, on_row, &collect);
  int status = read == record.size() ? csv_fini(&parser, on_field, on_row, &collect) : csv_error(&parser);
  if (read != record.size() || status != 0) {
    int error = csv_error(&parser);
    csv_free(&parser);
    std::size_t at = begin + std::min(read, record.size());
    std::string why = error != CSV_EPARSE       ? std::string(csv_strerror(error))
                      : read == record.size() ? "a quoted cell is not closed: the file ends before its closing quote"
                                              : "a quote inside a cell that does not start with one, or something "
                                                "after a quoted cell's closing quote";
    diagnostics.push_back(make_error("case.csv-syntax", file.locate(at), fmt::format("malformed CSV: {}", why),
                                     "quote a cell that holds a comma, a quote or a line break, and write a quote "
                                     "inside it twice: \"said \"\"no\"\"\""));
    return std::nullopt;
  }
  csv_free(&parser);
  auto starts = cell_starts(record);
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
  return std::move(collect.cells);
}

}  // namespace decree::engine::formats

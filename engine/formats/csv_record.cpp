#include "engine/formats/csv_record.hpp"

#include <cstring>
#include <string>

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

// What libcsv hands over for one record: each cell's length, and its text when asked to copy it
// (libcsv reuses its buffer for the next cell).
struct Collect {
  std::vector<std::size_t> lengths;  // lengths[0, count) are this record's
  std::size_t count = 0;
  std::string texts;  // the cells' texts one after another, when copied
  bool copy = false;
};

// Out of on_field's way: a record with more cells than any before it, and cells copied.
[[gnu::noinline]] void grow(Collect& c) { c.lengths.resize(c.lengths.size() * 2 + 32); }
[[gnu::noinline]] void copy_text(Collect& c, const void* s, std::size_t len) {
  c.texts.append(static_cast<const char*>(s), len);
}

void on_field(void* s, std::size_t len, void* data) {
  auto& c = *static_cast<Collect*>(data);
  if (s == nullptr) len = 0;
  if (c.count == c.lengths.size()) grow(c);
  c.lengths[c.count++] = len;
  if (c.copy) copy_text(c, s, len);
}

void on_row(int, void*) {}

bool blank(char c) { return c == ' ' || c == '\t'; }

bool holds(std::string_view text, char c) { return std::memchr(text.data(), c, text.size()) != nullptr; }

}  // namespace

struct CsvRecordReader::Impl {
  csv_parser parser;
  Collect collect;
  std::vector<CsvCell> cells;
  std::vector<std::size_t> starts;
  bool copy_every_record = false;
  Impl() { csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI); }
  ~Impl() { csv_free(&parser); }

  // Hands the record to libcsv; how far it read, and its status (0: the record is whole).
  std::pair<std::size_t, int> parse(std::string_view record, bool copy) {
    collect.count = 0;
    collect.texts.clear();
    collect.copy = copy;
    std::size_t read = csv_parse(&parser, record.data(), record.size(), on_field, on_row, &collect);
    // csv_fini resets the parser for the next record.
    int status = read == record.size() ? csv_fini(&parser, on_field, on_row, &collect) : csv_error(&parser);
    return {read, status};
  }

  // Places the cells of a record without a quote: each cell is the text between two commas,
  // blanks around it trimmed, so its text is the file's. False when the lengths libcsv gave do
  // not fit the record so (a CR or LF inside it).
  bool place_unquoted(std::string_view record, std::size_t begin) {
    const std::size_t* lengths = collect.lengths.data();
    const std::size_t count = collect.count;
    cells.resize(count);
    const char* const first = record.data();
    const char* const last = first + record.size();
    const char* at = first;  // where the cell starts: the record's start, or past a comma
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t len = lengths[i];
      const char* p = at;
      if (len > 0)
        while (p != last && blank(*p)) ++p;
      if (len > static_cast<std::size_t>(last - p)) return false;
      const char* q = p + len;
      while (q != last && blank(*q)) ++q;
      if (i + 1 == count ? q != last : q == last || *q != ',') return false;
      CsvCell& cell = cells[i];
      cell.text = std::string_view(p, len);
      cell.offset = begin + static_cast<std::size_t>(p - first);
      cell.as_written = true;
      cell.bare = true;
      at = q + 1;
    }
    return true;
  }

  // Places the cells of any record from their copied texts.
  void place_copied(std::string_view record, std::size_t begin) {
    starts.assign(1, 0);  // where each cell starts: after each comma outside quotes
    bool quoted = false;
    for (std::size_t i = 0; i < record.size(); ++i) {
      if (record[i] == '"') quoted = !quoted;
      else if (record[i] == ',' && !quoted) starts.push_back(i + 1);
    }
    const std::size_t* lengths = collect.lengths.data();
    cells.resize(collect.count);
    std::size_t from = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      CsvCell& cell = cells[i];
      cell.text = std::string_view(collect.texts).substr(from, lengths[i]);
      from += lengths[i];
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
      cell.bare = cell.as_written && (cell.text.empty() || cell.text.front() != '"') && !holds(cell.text, '\r') &&
                  !holds(cell.text, '\n');
    }
  }
};

CsvRecordReader::CsvRecordReader(bool copy_every_record) : impl_(std::make_unique<Impl>()) {
  impl_->copy_every_record = copy_every_record;
}
CsvRecordReader::~CsvRecordReader() = default;

const std::vector<CsvCell>* CsvRecordReader::read(const SourceFile& file, std::size_t begin, std::size_t end,
                                                  std::vector<Diagnostic>& diagnostics) {
  std::string_view record = std::string_view(file.text()).substr(begin, end - begin);
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
  Impl& m = *impl_;
  // A record without a quote (the commonest) is read without copying its cells. One with a CR or
  // LF inside, where libcsv ends a row, is not placed so: the first of them is neither a blank,
  // a comma nor in a cell's text as libcsv gives it, and place_unquoted refuses it.
  const bool unquoted = !m.copy_every_record && !holds(record, '"');
  auto [read, status] = m.parse(record, !unquoted);
  if (read != record.size() || status != 0) {
    int error = csv_error(&m.parser);
    // A parser stopped by an error is not reset by libcsv: the next record gets a new one.
    csv_free(&m.parser);
    csv_init(&m.parser, CSV_STRICT | CSV_STRICT_FINI);
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
  if (unquoted && !m.place_unquoted(record, begin)) {
    m.parse(record, true);  // read again, the cells copied, and placed as any record is
    m.place_copied(record, begin);
  } else if (!unquoted) {
    m.place_copied(record, begin);
  }
  return &m.cells;
}

}  // namespace decree::engine::formats

#include "dsl/diagnostic_codes.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace decree {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto eol = text.find('\n');
    out.push_back(text.substr(0, eol));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return out;
}

// The cells of a Markdown table row; `\|` is a pipe inside a cell.
std::vector<std::string> cells_of(std::string_view row) {
  std::vector<std::string> cells;
  row = trim(row);
  if (!row.empty() && row.front() == '|') row.remove_prefix(1);
  if (!row.empty() && row.back() == '|' && !(row.size() >= 2 && row[row.size() - 2] == '\\')) row.remove_suffix(1);
  std::string cell;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      cells.emplace_back(trim(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  cells.emplace_back(trim(cell));
  return cells;
}

bool is_code_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// The `backticked` spans of a text.
std::vector<std::string> spans_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = text.find('`', at)) != std::string_view::npos) {
    auto end = text.find('`', at + 1);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return out;
}

bool looks_like_code(const std::string& s) {
  auto dot = s.find('.');
  return dot != std::string::npos && dot > 0 && dot + 1 < s.size() &&
         std::all_of(s.begin(), s.end(), is_code_char) && s.find('.', dot + 1) == std::string::npos;
}

struct Entry {
  std::vector<std::string> codes;
  CodeDoc doc;
  bool prose = false;  // a paragraph listing many codes, rather than a table row
};

void read_table(const std::vector<std::string_view>& lines, std::size_t& i, const DocumentText& document,
                const std::string& section, std::vector<Entry>& out) {
  auto headings = cells_of(lines[i]);
  std::size_t code_column = headings.size();
  for (std::size_t c = 0; c < headings.size(); ++c)
    if (headings[c] == "code") code_column = c;
  ++i;
  if (i < lines.size() && trim(lines[i]).rfind("|-", 0) == 0) ++i;
  for (; i < lines.size() && !trim(lines[i]).empty() && trim(lines[i]).front() == '|'; ++i) {
    if (code_column == headings.size()) continue;
    auto cells = cells_of(lines[i]);
    if (cells.size() <= code_column) continue;
    Entry entry;
    for (auto& span : spans_of(cells[code_column]))
      if (looks_like_code(span)) entry.codes.push_back(span);
    if (entry.codes.empty()) continue;
    entry.doc.document = std::string(document.path);
    entry.doc.section = section;
    // Words beside the codes in their cell ("(warning)") belong to the description.
    std::string remark = cells[code_column];
    for (auto& code : entry.codes) {
      auto at = remark.find("`" + code + "`");
      if (at != std::string::npos) remark.erase(at, code.size() + 2);
    }
    remark.erase(std::remove(remark.begin(), remark.end(), ','), remark.end());
    auto kept = std::string(trim(remark));
    entry.doc.remark = kept;
    for (std::size_t c = 0; c < cells.size() && c < headings.size(); ++c)
      if (c != code_column && !cells[c].empty()) entry.doc.cells.emplace_back(headings[c], cells[c]);
    out.push_back(std::move(entry));
  }
}

// A paragraph that lists codes in prose: "The codes are `population.*`: `unknown-fact`, ...".
void read_paragraph(const std::string& paragraph, const DocumentText& document, const std::string& section,
                    std::vector<Entry>& out) {
  auto spans = spans_of(paragraph);
  std::string prefix;
  Entry entry;
  for (auto& span : spans) {
    if (span.size() > 2 && span.compare(span.size() - 2, 2, ".*") == 0) {
      prefix = span.substr(0, span.size() - 1);
    } else if (!prefix.empty() && looks_like_code(prefix + span)) {
      entry.codes.push_back(prefix + span);
    }
  }
  if (entry.codes.empty()) return;
  entry.doc.document = std::string(document.path);
  entry.doc.section = section;
  entry.doc.cells.emplace_back("", paragraph);
  entry.prose = true;
  out.push_back(std::move(entry));
}

std::vector<Entry> entries(const std::vector<DocumentText>& docs) {
  std::vector<Entry> out;
  for (const auto& document : docs) {
    auto lines = lines_of(document.text);
    std::string section;
    std::string paragraph;
    bool in_fence = false;
    for (std::size_t i = 0; i < lines.size();) {
      auto line = trim(lines[i]);
      if (line.rfind("```", 0) == 0) in_fence = !in_fence;
      if (in_fence || line.rfind("```", 0) == 0) {
        ++i;
        continue;
      }
      if (line.empty() || line.front() == '#' || line.front() == '|') {
        if (!paragraph.empty()) read_paragraph(paragraph, document, section, out);
        paragraph.clear();
      }
      if (!line.empty() && line.front() == '#') {
        section = std::string(trim(line.substr(line.find_first_not_of('#'))));
      } else if (!line.empty() && line.front() == '|') {
        read_table(lines, i, document, section, out);
        continue;
      } else if (!line.empty()) {
        if (!paragraph.empty()) paragraph += ' ';
        paragraph += line;
      }
      ++i;
    }
    if (!paragraph.empty()) read_paragraph(paragraph, document, section, out);
  }
  return out;
}

void wrap(std::string& out, std::string_view text, std::size_t indent, std::size_t width) {
  std::string line(indent, ' ');
  std::size_t used = indent;
  bool first = true;
  while (!text.empty()) {
    auto space = text.find(' ');
    auto word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    if (word.empty()) continue;
    if (!first && used + 1 + word.size() > width) {
      out += line + "\n";
      line.assign(indent, ' ');
      used = indent;
      first = true;
    }
    if (!first) {
      line += ' ';
      ++used;
    }
    line += word;
    used += word.size();
    first = false;
  }
  out += line + "\n";
}

}  // namespace

std::optional<CodeDoc> describe_code(std::string_view code, const std::vector<DocumentText>& docs) {
  for (auto& entry : entries(docs)) {
    if (std::find(entry.codes.begin(), entry.codes.end(), code) == entry.codes.end()) continue;
    CodeDoc doc = std::move(entry.doc);
    doc.code = std::string(code);
    // Listed in prose, a code shares its paragraph with many others: do not name them all.
    if (!entry.prose)
      for (auto& other : entry.codes)
        if (other != code) doc.also.push_back(other);
    return doc;
  }
  return std::nullopt;
}

std::vector<std::string> documented_codes(const std::vector<DocumentText>& docs) {
  std::vector<std::string> out;
  for (auto& entry : entries(docs))
    for (auto& code : entry.codes)
      if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(code);
  return out;
}

std::string render_code_doc(const CodeDoc& doc, std::size_t width) {
  std::string out = fmt::format("{}{}  ({}, \"{}\")\n", doc.code, doc.remark.empty() ? "" : " " + doc.remark,
                                doc.document, doc.section);
  for (const auto& [heading, text] : doc.cells) {
    if (heading.empty()) wrap(out, text, 2, width);
    else wrap(out, heading + ": " + text, 2, width);
  }
  if (!doc.also.empty()) {
    std::string also = "documented with";
    for (std::size_t i = 0; i < doc.also.size(); ++i) also += (i == 0 ? " " : ", ") + doc.also[i];
    wrap(out, also, 2, width);
  }
  return out;
}

}  // namespace decree

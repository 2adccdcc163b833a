#include "engine/formats/yaml_plain.hpp"

#include <algorithm>
#include <cstring>

#include "dsl/input_file.hpp"

namespace decree::engine::formats {

namespace {

constexpr std::size_t kPiece = 1u << 20;

bool letter_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// How long the word at the start of `s` is: a letter, digit or `_`, then any of those, `-` and
// `.` (0 when `s` does not start with one). Such a word is a plain scalar in every YAML, with no
// indicator, escape, comment or space to read.
std::size_t word(std::string_view s) {
  if (s.empty() || !(letter_or_digit(s[0]) || s[0] == '_')) return 0;
  std::size_t n = 1;
  while (n < s.size() && (letter_or_digit(s[n]) || s[n] == '_' || s[n] == '-' || s[n] == '.')) ++n;
  return n;
}

// The words YAML reads as null (the tree makes them a null node, not a scalar).
bool null_word(std::string_view w) { return w == "null" || w == "Null" || w == "NULL"; }

std::size_t indent(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

}  // namespace

bool PlainYamlList::more() {
  if (eof_) return false;
  eof_ = !dsl::read_more(f_, buf_, kPiece);
  return !eof_;
}

bool PlainYamlList::line(std::size_t at, std::string_view& out) {
  for (;;) {
    if (at < buf_.size()) {
      const void* nl = std::memchr(buf_.data() + at, '\n', buf_.size() - at);
      if (nl != nullptr) {
        out = std::string_view(buf_.data() + at, static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) - at);
        return true;
      }
    }
    if (!more()) break;
  }
  if (at >= buf_.size()) return false;
  out = std::string_view(buf_).substr(at);  // the last line, without a line break
  return true;
}

bool PlainYamlList::start() {
  std::string_view first;
  if (!line(0, first) || first != "cases:") return false;
  pos_ = first.size() + 1;
  line_no_ = 2;
  return true;
}

bool PlainYamlList::finished() {
  std::string_view rest;
  if (!ended_ && !line(pos_, rest)) ended_ = true;
  return ended_;
}

bool PlainYamlList::next(std::string_view& text, std::uint32_t& first_line, PlainRecord& record, std::size_t max_bytes) {
  if (ended_) return false;
  if (pos_ >= kPiece) {  // what was read before is done with
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  const std::size_t start = pos_;
  std::string_view l;
  if (!line(start, l)) {
    ended_ = true;
    return false;
  }
  // `- id: WORD`, its `-` as far in as every item's. Offsets, not views: reading on moves the text.
  const std::size_t d = indent(l);
  if (!dash_known_) {
    dash_ = d;
    dash_known_ = true;
  }
  constexpr std::string_view kId = "- id: ";
  if (d != dash_ || l.substr(d, kId.size()) != kId) return false;
  const std::size_t id_at = start + d + kId.size();
  const std::size_t id_length = word(l.substr(d + kId.size()));
  if (id_length == 0 || d + kId.size() + id_length != l.size() || null_word(l.substr(d + kId.size()))) return false;
  std::size_t at = start + l.size() + 1;
  // `facts:`, as far in as `id`.
  if (!line(at, l) || indent(l) != dash_ + 2 || l.substr(dash_ + 2) != "facts:") return false;
  at += l.size() + 1;
  // `NAME: WORD`, each as far in as the first, further than `facts:`; up to the next item or the end.
  auto& facts = written_;
  facts.clear();
  std::size_t facts_indent = 0, end = at;
  std::uint32_t lines = 2;
  while (line(at, l)) {
    const std::size_t i = indent(l);
    if (i == dash_ && l.size() > i + 1 && l[i] == '-' && l[i + 1] == ' ') break;  // the next item
    if (i <= dash_ + 2 || (facts_indent != 0 && i != facts_indent)) return false;
    facts_indent = i;
    const std::size_t n = word(l.substr(i));
    if (n == 0 || l.substr(i + n, 2) != ": ") return false;
    const std::size_t v = word(l.substr(i + n + 2));
    if (v == 0 || i + n + 2 + v != l.size() || null_word(l.substr(i + n + 2, v))) return false;
    facts.push_back({at + i, n, at + i + n + 2, v});
    end = at + l.size();
    at += l.size() + 1;
    ++lines;
    if (end - start > max_bytes) return false;
  }
  if (facts.empty()) return false;  // `facts:` with nothing under it is read by libyaml
  const std::string_view all(buf_);
  text = all.substr(start, end - start);
  first_line = line_no_;
  record.clear();
  record.at = d + 2;  // where the item's mapping starts: at `id`
  record.id = all.substr(id_at, id_length);
  record.id_at = id_at - start;
  record.id_length = id_length;
  for (const Written& w : facts) {
    PlainFact fact;
    fact.name = all.substr(w.name_at, w.name_length);
    fact.text = all.substr(w.value_at, w.value_length);
    fact.at = w.value_at - start;
    fact.length = w.value_length;
    fact.kind = PlainFact::Kind::Word;
    record.facts.push_back(fact);
  }
  pos_ = std::min(at, buf_.size());
  line_no_ += lines;
  return true;
}

}  // namespace decree::engine::formats

#include "engine/case_date.hpp"
#include "engine/words.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace decree::engine {

namespace {

constexpr const char* kForms = "a day (1956-02-10), a month (1956-02), a year (1957), or a range of them (1957 .. 1958)";

const char* month_name(int m) {
  static const char* names[] = {"January", "February", "March",     "April",   "May",      "June",
                                "July",    "August",   "September", "October", "November", "December"};
  return names[m - 1];
}

int last_day_of(int year, int month) {
  int last = 28;
  while (last < 31 && ast::is_valid(ast::Date{year, month, last + 1})) ++last;
  return last;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

int number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// The days one end of a date stands for: a single day, or a whole month or year.
struct Span {
  ast::Date first;
  ast::Date last;
};

CaseDateError at(std::size_t offset, std::size_t length, std::string message, std::string hint = {}) {
  return CaseDateError{offset, std::max<std::size_t>(length, 1), std::move(message), std::move(hint)};
}

// What the writer of text that is no date at all may have meant.
std::string hint_for(std::string_view text) {
  bool letters = false;
  bool slash_or_dash = false;  // 1957/58, or 1957–58 with an en or em dash
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '?' || c == '~') letters = true;
    if (c == '/' || (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                     (static_cast<unsigned char>(text[i + 2]) == 0x93 || static_cast<unsigned char>(text[i + 2]) == 0x94)))
      slash_or_dash = true;
  }
  if (letters)
    return "a date known only roughly is written as the span the sources allow, e.g. 1957 or 1957 .. 1958; "
           "say in a comment how the sources put it";
  if (slash_or_dash) return "a range is written with `..` between its ends, e.g. 1957 .. 1958";
  std::size_t dots = 0;
  for (char c : text) dots += c == '.';
  if (dots == 2) return "write the year first, with `-`: YYYY-MM-DD, e.g. 1956-02-10";
  return {};
}

// One end of a date, `piece`, which starts `base` bytes into the date's text.
std::variant<Span, CaseDateError> parse_end(std::string_view piece, std::size_t base) {
  auto not_a_date = [&] {
    return at(base, piece.size(), fmt::format("`{}` is not a date: expected {}", shown(piece), kForms), hint_for(piece));
  };
  for (char c : piece)
    if (!is_digit(c) && c != '-') return not_a_date();
  std::string_view parts[3];
  std::size_t starts[3] = {0, 0, 0};
  std::size_t n = 0;
  for (std::size_t from = 0;;) {
    std::size_t dash = piece.find('-', from);
    std::string_view part = piece.substr(from, dash == std::string_view::npos ? std::string_view::npos : dash - from);
    if (n == 3 || part.empty()) return not_a_date();
    starts[n] = from;
    parts[n++] = part;
    if (dash == std::string_view::npos) break;
    from = dash + 1;
  }
  auto error_in = [&](std::size_t k, std::string message, std::string hint = {}) {
    return at(base + starts[k], parts[k].size(), fmt::format("`{}` is not a date: {}", shown(piece), message), std::move(hint));
  };
  if (parts[0].size() != 4) return error_in(0, "a year is written with four digits, as in 1957");
  const int year = number(parts[0]);
  if (n == 2 && parts[1].size() == 4)
    return at(base, piece.size(), fmt::format("`{}` is not a date: a range is written with `..` between its ends", shown(piece)),
              fmt::format("write `{} .. {}`", parts[0], parts[1]));
  if (n >= 2 && parts[1].size() != 2)
    return error_in(1, parts[1].size() == 1 ? fmt::format("a month is written with two digits, as in {}-0{}", parts[0], parts[1])
                                            : fmt::format("a month is written with two digits, as in {}-02", parts[0]));
  if (n == 3 && parts[2].size() != 2)
    return error_in(2, parts[2].size() == 1
                           ? fmt::format("a day is written with two digits, as in {}-{}-0{}", parts[0], parts[1], parts[2])
                           : fmt::format("a day is written with two digits, as in {}-{}-01", parts[0], parts[1]));
  const int month = n >= 2 ? number(parts[1]) : 1;
  const char* what = n == 3 ? "calendar day" : n == 2 ? "month" : "year";
  auto not_real = [&](std::string why, std::string hint = {}) {
    return at(base, piece.size(), fmt::format("`{}` is not a real {}: {}", shown(piece), what, why), std::move(hint));
  };
  if (year < 1) return not_real("there is no year 0");
  if (month < 1 || month > 12) {
    // `1957-58` is most likely two years, the second shortened.
    const int later_year = year / 100 * 100 + month;
    std::string hint;
    if (n == 2 && later_year > year)
      hint = fmt::format("if it means the years {} to {}, write `{} .. {}`", year, later_year, year, later_year);
    return not_real(fmt::format("there is no month {}", month), hint);
  }
  if (n == 1) return Span{{year, 1, 1}, {year, 12, 31}};
  if (n == 2) return Span{{year, month, 1}, {year, month, last_day_of(year, month)}};
  ast::Date day{year, month, number(parts[2])};
  if (std::string why = why_not_a_day(day); !why.empty()) return not_real(why);
  return Span{day, day};
}

}  // namespace

CaseDate exact_day(const ast::Date& day) { return CaseDate{ast::to_string(day), day, day}; }

std::string why_not_a_day(const ast::Date& d) {
  if (ast::is_valid(d)) return {};
  if (d.year < 1) return "there is no year 0";
  if (d.year > 9999) return "years run from 1 to 9999";
  if (d.month < 1 || d.month > 12) return fmt::format("there is no month {}", d.month);
  if (d.day < 1) return "there is no day 0";
  return fmt::format("{} {} has {} days", month_name(d.month), d.year, last_day_of(d.year, d.month));
}

std::variant<CaseDate, CaseDateError> parse_case_date(std::string_view text) {
  if (text.empty()) return at(0, 1, fmt::format("the date is empty: expected {}", kForms));
  const std::size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    auto end = parse_end(text, 0);
    if (auto* e = std::get_if<CaseDateError>(&end)) return *e;
    const Span& s = std::get<Span>(end);
    return CaseDate{std::string(text), s.first, s.last};
  }
  constexpr const char* kRangeHint = "a range is its first end, `..`, and its last end, e.g. 1957 .. 1958";
  if (std::size_t again = text.find("..", dots + 2); again != std::string_view::npos)
    return at(again, 2, fmt::format("`{}` has more than one `..`: a range has two ends", shown(text)), kRangeHint);
  // The ends, without the spaces around `..`.
  std::size_t first_begin = 0;
  std::size_t first_end = dots;
  while (first_end > first_begin && is_space(text[first_end - 1])) --first_end;
  std::size_t last_begin = dots + 2;
  while (last_begin < text.size() && is_space(text[last_begin])) ++last_begin;
  const std::size_t last_end = text.size();
  if (first_end == first_begin)
    return at(dots, 2, fmt::format("the range `{}` has no first end before `..`", shown(text)),
              "write both ends, e.g. 1957 .. 1958; a single year is written 1957");
  if (last_end == last_begin)
    return at(dots, 2, fmt::format("the range `{}` has no last end after `..`", shown(text)),
              "write both ends, e.g. 1957 .. 1958; a single year is written 1957");
  std::string_view first_text = text.substr(first_begin, first_end - first_begin);
  std::string_view last_text = text.substr(last_begin, last_end - last_begin);
  auto first = parse_end(first_text, first_begin);
  if (auto* e = std::get_if<CaseDateError>(&first)) return *e;
  auto last = parse_end(last_text, last_begin);
  if (auto* e = std::get_if<CaseDateError>(&last)) return *e;
  const Span& a = std::get<Span>(first);
  const Span& b = std::get<Span>(last);
  if (b.last < a.first)
    return at(0, text.size(),
              fmt::format("the range `{}` is reversed: its first end begins on {}, after its last end ends on {}",
                          shown(text), ast::to_string(a.first), ast::to_string(b.last)),
              fmt::format("write the earlier end first: `{} .. {}`", last_text, first_text));
  return CaseDate{std::string(text), a.first, b.last};
}

}  // namespace decree::engine

// A case's date as a historian writes it: a day, a month, a year, or a range of them, read as
// the span of days it may be. The forms are described in docs/case-files.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "dsl/ast.hpp"

namespace decree::engine {

// The day a case's request was decided, known exactly or only to lie within a span.
struct CaseDate {
  std::string written;  // as the case file writes it ("1957 .. 1958"); shown as is, never rounded to a day
  ast::Date first;      // the earliest day it may be
  ast::Date last;       // the latest day it may be; first == last when the day is known exactly
  bool exact() const { return first == last; }
  friend bool operator==(const CaseDate&, const CaseDate&) = default;
};

// A day known exactly, written as `day` is.
CaseDate exact_day(const ast::Date& day);

// What is wrong with a date's text, and where in the text (bytes from its start).
struct CaseDateError {
  std::size_t offset = 0;
  std::size_t length = 1;
  std::string message;  // what is wrong and what is expected
  std::string hint;     // optional
};

// Reads `1956-02-10` (a day), `1956-02` (a month), `1957` (a year), or two of these joined by
// `..` (`1957 .. 1958`: the first day of the first to the last day of the second; spaces around
// `..` are optional). A range that ends before it starts is an error.
std::variant<CaseDate, CaseDateError> parse_case_date(std::string_view text);

// Why `d` is not a real calendar day ("February 1955 has 28 days"), or "" when it is one.
std::string why_not_a_day(const ast::Date& d);

}  // namespace decree::engine

// A case's date as a historian writes it: a day, a month, a year or a range, read as the span of
// days it may be; and each way of writing it wrongly, with where and why.
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "engine/case_date.hpp"

namespace decree::engine {
namespace {

struct Span {
  const char* text;
  ast::Date first;
  ast::Date last;
};

void PrintTo(const Span& row, std::ostream* os) { *os << row.text; }

class CaseDateSpans : public ::testing::TestWithParam<Span> {};

TEST_P(CaseDateSpans, ReadsTheDaysItMayBe) {
  const Span& row = GetParam();
  auto parsed = parse_case_date(row.text);
  ASSERT_TRUE(std::holds_alternative<CaseDate>(parsed)) << std::get<CaseDateError>(parsed).message;
  const CaseDate& d = std::get<CaseDate>(parsed);
  EXPECT_EQ(d.written, row.text);  // kept as written, never rounded to a day
  EXPECT_EQ(d.first, row.first);
  EXPECT_EQ(d.last, row.last);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, CaseDateSpans,
    ::testing::Values(Span{"1956-02-10", {1956, 2, 10}, {1956, 2, 10}},            // a day
                      Span{"1956-02", {1956, 2, 1}, {1956, 2, 29}},                // a month, in a leap year
                      Span{"1955-02", {1955, 2, 1}, {1955, 2, 28}},                //
                      Span{"1956-04", {1956, 4, 1}, {1956, 4, 30}},                //
                      Span{"1957", {1957, 1, 1}, {1957, 12, 31}},                  // a year
                      Span{"1957 .. 1958", {1957, 1, 1}, {1958, 12, 31}},          // a range of years
                      Span{"1957..1958", {1957, 1, 1}, {1958, 12, 31}},            // spaces are optional
                      Span{"1956-02-02 .. 1956-02-10", {1956, 2, 2}, {1956, 2, 10}},
                      Span{"1956-06 .. 1957", {1956, 6, 1}, {1957, 12, 31}},       // ends of different precision
                      Span{"1957-06 .. 1957", {1957, 6, 1}, {1957, 12, 31}},       // the first day of the first to the last of the last
                      Span{"1956-02-10 .. 1956-02-10", {1956, 2, 10}, {1956, 2, 10}},
                      Span{"0001", {1, 1, 1}, {1, 12, 31}},
                      Span{"9999-12", {9999, 12, 1}, {9999, 12, 31}}));

TEST(CaseDate, ExactOnlyWhenOneDay) {
  EXPECT_TRUE(std::get<CaseDate>(parse_case_date("1956-02-10")).exact());
  EXPECT_TRUE(std::get<CaseDate>(parse_case_date("1956-02-10 .. 1956-02-10")).exact());
  EXPECT_FALSE(std::get<CaseDate>(parse_case_date("1956-02")).exact());
  EXPECT_FALSE(std::get<CaseDate>(parse_case_date("1956-02-10 .. 1956-02-11")).exact());
  EXPECT_EQ(exact_day({1956, 2, 10}), std::get<CaseDate>(parse_case_date("1956-02-10")));
}

struct Wrong {
  const char* text;
  std::size_t offset;  // where the error points, in the text
  std::size_t length;
  const char* message;
  const char* hint;
};

void PrintTo(const Wrong& row, std::ostream* os) { *os << (*row.text ? row.text : "(empty)"); }

class CaseDateErrors : public ::testing::TestWithParam<Wrong> {};

TEST_P(CaseDateErrors, SaysWhatAndWhere) {
  const Wrong& row = GetParam();
  auto parsed = parse_case_date(row.text);
  ASSERT_TRUE(std::holds_alternative<CaseDateError>(parsed)) << row.text << " was accepted";
  const CaseDateError& e = std::get<CaseDateError>(parsed);
  EXPECT_EQ(e.message, row.message);
  EXPECT_EQ(e.hint, row.hint);
  EXPECT_EQ(e.offset, row.offset);
  EXPECT_EQ(e.length, row.length);
}

constexpr const char* kForms = "a day (1956-02-10), a month (1956-02), a year (1957), or a range of them (1957 .. 1958)";
const std::string kNotADate = std::string("is not a date: expected ") + kForms;
const std::string kAbout = std::string("`about 1957` ") + kNotADate;
const std::string kDayFirst = std::string("`10.02.1956` ") + kNotADate;
const std::string kSlash = std::string("`1957/58` ") + kNotADate;
const std::string kEmpty = std::string("the date is empty: expected ") + kForms;
constexpr const char* kBothEnds = "write both ends, e.g. 1957 .. 1958; a single year is written 1957";

INSTANTIATE_TEST_SUITE_P(
    Mistakes, CaseDateErrors,
    ::testing::Values(
        Wrong{"1956-2", 5, 1, "`1956-2` is not a date: a month is written with two digits, as in 1956-02", ""},
        Wrong{"1956-002", 5, 3, "`1956-002` is not a date: a month is written with two digits, as in 1956-02", ""},
        Wrong{"1956-02-1", 8, 1, "`1956-02-1` is not a date: a day is written with two digits, as in 1956-02-01", ""},
        Wrong{"56", 0, 2, "`56` is not a date: a year is written with four digits, as in 1957", ""},
        Wrong{"1957-1958", 0, 9, "`1957-1958` is not a date: a range is written with `..` between its ends",
              "write `1957 .. 1958`"},
        Wrong{"1957-58", 0, 7, "`1957-58` is not a real month: there is no month 58",
              "if it means the years 1957 to 1958, write `1957 .. 1958`"},
        Wrong{"1956-13", 0, 7, "`1956-13` is not a real month: there is no month 13", ""},
        Wrong{"1956-00", 0, 7, "`1956-00` is not a real month: there is no month 0", ""},
        Wrong{"1956-13-01", 0, 10, "`1956-13-01` is not a real calendar day: there is no month 13", ""},
        Wrong{"1955-02-29", 0, 10, "`1955-02-29` is not a real calendar day: February 1955 has 28 days", ""},
        Wrong{"0000", 0, 4, "`0000` is not a real year: there is no year 0", ""},
        Wrong{"1958 .. 1957", 0, 12,
              "the range `1958 .. 1957` is reversed: its first end begins on 1958-01-01, after its last end ends on "
              "1957-12-31",
              "write the earlier end first: `1957 .. 1958`"},
        Wrong{"1956-02-10 .. 1956-02-02", 0, 24,
              "the range `1956-02-10 .. 1956-02-02` is reversed: its first end begins on 1956-02-10, after its last "
              "end ends on 1956-02-02",
              "write the earlier end first: `1956-02-02 .. 1956-02-10`"},
        Wrong{"1957 ..", 5, 2, "the range `1957 ..` has no last end after `..`", kBothEnds},
        Wrong{".. 1958", 0, 2, "the range `.. 1958` has no first end before `..`", kBothEnds},
        Wrong{"1957 .. 1958 .. 1959", 13, 2, "`1957 .. 1958 .. 1959` has more than one `..`: a range has two ends",
              "a range is its first end, `..`, and its last end, e.g. 1957 .. 1958"},
        Wrong{"1956-02-02 .. 1956-02-30", 14, 10, "`1956-02-30` is not a real calendar day: February 1956 has 29 days", ""},
        Wrong{"1957 .. 58", 8, 2, "`58` is not a date: a year is written with four digits, as in 1957", ""},
        Wrong{"about 1957", 0, 10, kAbout.c_str(),
              "a date known only roughly is written as the span the sources allow, e.g. 1957 or 1957 .. 1958; say in "
              "a comment how the sources put it"},
        Wrong{"10.02.1956", 0, 10, kDayFirst.c_str(), "write the year first, with `-`: YYYY-MM-DD, e.g. 1956-02-10"},
        Wrong{"1957/58", 0, 7, kSlash.c_str(), "a range is written with `..` between its ends, e.g. 1957 .. 1958"},
        Wrong{"", 0, 1, kEmpty.c_str(), ""}));

TEST(CaseDate, WhyNotADay) {
  EXPECT_EQ(why_not_a_day({1956, 2, 29}), "");
  EXPECT_EQ(why_not_a_day({1955, 2, 29}), "February 1955 has 28 days");
  EXPECT_EQ(why_not_a_day({1956, 4, 31}), "April 1956 has 30 days");
  EXPECT_EQ(why_not_a_day({1956, 13, 1}), "there is no month 13");
  EXPECT_EQ(why_not_a_day({1956, 1, 0}), "there is no day 0");
  EXPECT_EQ(why_not_a_day({0, 1, 1}), "there is no year 0");
}

}  // namespace
}  // namespace decree::engine

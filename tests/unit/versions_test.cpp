// Choosing the policy version in force on a date, or over every day of an imprecise one (a month,
// a year, a range), and saying when the sources leave it open.
#include <ostream>

#include <gtest/gtest.h>

#include "engine/versions.hpp"

namespace decree::engine {
namespace {

ast::Date d(int y, int m, int day) { return ast::Date{y, m, day}; }

ast::Header header(const char* name, const char* status, std::optional<ast::DateRange> from,
                   std::optional<ast::DateRange> until = std::nullopt) {
  ast::Header h;
  h.name.text = name;
  if (status != nullptr) h.status = ast::Name{status, {}};
  h.in_force_from = from;
  h.in_force_until = until;
  return h;
}

ast::DateRange range(ast::Date a, ast::Date b) { return ast::DateRange{{}, a, b}; }

class Versions1956 : public ::testing::Test {
 protected:
  ast::Header base = header("base_1956", "common", std::nullopt);
  ast::Header practice = header("practice_before_memo", "enacted", range(d(1955, 11, 29), d(1955, 11, 29)),
                                range(d(1956, 2, 2), d(1956, 2, 10)));
  ast::Header draft = header("memo_draft_1956", "draft", range(d(1956, 2, 2), d(1956, 2, 2)));
  ast::Header telegram = header("telegram_1956", "enacted", range(d(1956, 2, 2), d(1956, 2, 10)));
  std::vector<const ast::Header*> all{&base, &practice, &draft, &telegram};
};

TEST_F(Versions1956, BeforeTheMemoThePracticeHolds) {
  auto c = choose_version(all, d(1956, 1, 15));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(c.picked, 1u);
  EXPECT_NE(c.reason.find("practice_before_memo was in force on 1956-01-15"), std::string::npos);
}

TEST_F(Versions1956, AfterTheTelegramTheTelegramHolds) {
  auto c = choose_version(all, d(1956, 3, 1));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(c.picked, 3u);
}

TEST_F(Versions1956, BetweenTheMemoAndTheNoteItIsOpen) {
  auto c = choose_version(all, d(1956, 2, 5));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Open);
  EXPECT_EQ(c.candidates, (std::vector<std::size_t>{1, 3}));
  EXPECT_NE(c.reason.find("the sources leave open"), std::string::npos);
}

TEST_F(Versions1956, OnTheDayOfTheNoteTheTelegramHadBeenSent) {
  auto c = choose_version(all, d(1956, 2, 10));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(c.picked, 3u);
}

TEST_F(Versions1956, DraftsOnlyWhenAsked) {
  auto c = choose_version(all, d(1956, 2, 5), true);
  ASSERT_EQ(c.kind, VersionChoice::Kind::Open);
  EXPECT_EQ(c.candidates, (std::vector<std::size_t>{1, 2, 3}));
}

TEST_F(Versions1956, NothingBeforeTheDecree) {
  auto c = choose_version(all, d(1950, 1, 1));
  EXPECT_EQ(c.kind, VersionChoice::Kind::None);
}

// A date known only to a span: a version is picked when every day of the span has it.
CaseDate span(ast::Date first, ast::Date last, const char* written) { return CaseDate{written, first, last}; }

TEST_F(Versions1956, EveryDayOf1957IsAfterTheTelegram) {
  auto c = choose_version(all, span(d(1957, 1, 1), d(1957, 12, 31), "1957"));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(c.picked, 3u);
  EXPECT_EQ(c.reason,
            "every day of 1957 (1957-01-01 to 1957-12-31) falls after telegram_1956 came into force (on a day between "
            "2 and 10 Feb 1956), so telegram_1956 is assumed in force throughout 1957 (no end is known)");
}

TEST_F(Versions1956, ARangeOfYearsAfterTheTelegram) {
  auto c = choose_version(all, span(d(1957, 1, 1), d(1958, 12, 31), "1957 .. 1958"));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(c.picked, 3u);
}

TEST_F(Versions1956, AMonthBeforeTheMemoIsThePractice) {
  auto c = choose_version(all, span(d(1955, 12, 1), d(1955, 12, 31), "1955-12"));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(c.picked, 1u);
  EXPECT_EQ(c.reason,
            "every day of 1955-12 (1955-12-01 to 1955-12-31) falls after practice_before_memo came into force (on "
            "29 Nov 1955) and before it ended (on a day between 2 and 10 Feb 1956), so practice_before_memo "
            "was in force throughout");
}

TEST_F(Versions1956, FebruaryStraddlesTheChange) {
  auto c = choose_version(all, span(d(1956, 2, 1), d(1956, 2, 29), "1956-02"));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Open);
  EXPECT_EQ(c.candidates, (std::vector<std::size_t>{1, 3}));
  EXPECT_NE(c.reason.find("1956-02 (1956-02-01 to 1956-02-29) straddles the end of practice_before_memo (until a day "
                          "between 2 and 10 Feb 1956) and the start of telegram_1956 (from a day between "
                          "2 and 10 Feb 1956), so which version was in force depends on the day"),
            std::string::npos)
      << c.reason;
}

// The edges: the practice surely held up to 1 Feb, the telegram surely from 10 Feb.
TEST_F(Versions1956, SpansUpToTheEdgesOfTheOpenDays) {
  EXPECT_EQ(choose_version(all, span(d(1956, 1, 1), d(1956, 2, 1), "1956-01 .. 1956-02-01")).kind,
            VersionChoice::Kind::Picked);
  EXPECT_EQ(choose_version(all, span(d(1956, 1, 1), d(1956, 2, 2), "1956-01 .. 1956-02-02")).kind,
            VersionChoice::Kind::Open);
  auto after = choose_version(all, span(d(1956, 2, 10), d(1956, 3, 31), "1956-02-10 .. 1956-03"));
  ASSERT_EQ(after.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(after.picked, 3u);
  EXPECT_EQ(choose_version(all, span(d(1956, 2, 9), d(1956, 3, 31), "1956-02-09 .. 1956-03")).kind,
            VersionChoice::Kind::Open);
}

TEST_F(Versions1956, TheYearOfTheDecreeStraddlesItsStart) {
  auto c = choose_version(all, span(d(1955, 1, 1), d(1955, 12, 31), "1955"));
  ASSERT_EQ(c.kind, VersionChoice::Kind::Open);
  EXPECT_EQ(c.candidates, (std::vector<std::size_t>{1}));
  EXPECT_NE(c.reason.find("straddles the start of practice_before_memo (from 29 Nov 1955), so whether "
                          "practice_before_memo was in force depends on the day"),
            std::string::npos)
      << c.reason;
}

TEST_F(Versions1956, NoVersionOnAnyDay) {
  auto c = choose_version(all, span(d(1950, 1, 1), d(1950, 12, 31), "1950"));
  ASSERT_EQ(c.kind, VersionChoice::Kind::None);
  EXPECT_EQ(c.reason, "no version given was in force on any day of 1950 (1950-01-01 to 1950-12-31)");
}

TEST_F(Versions1956, AnExactDateIsADay) {
  auto by_day = choose_version(all, d(1956, 1, 15));
  auto by_date = choose_version(all, exact_day(d(1956, 1, 15)));
  EXPECT_EQ(by_date.kind, by_day.kind);
  EXPECT_EQ(by_date.picked, by_day.picked);
  EXPECT_EQ(by_date.reason, by_day.reason);
}

TEST_F(Versions1956, DraftsOverASpanOnlyWhenAsked) {
  auto c = choose_version(all, span(d(1957, 1, 1), d(1957, 12, 31), "1957"), true);
  ASSERT_EQ(c.kind, VersionChoice::Kind::Open);
  EXPECT_EQ(c.candidates, (std::vector<std::size_t>{2, 3}));
  EXPECT_NE(c.reason.find("the versions overlap during 1957"), std::string::npos) << c.reason;
}

// Versions that change on a day known exactly: a span across that day is still open.
TEST(VersionsOverSpans, ASharpChangeInsideTheSpan) {
  auto old_rules = header("old_rules", nullptr, std::nullopt, range(d(2000, 1, 1), d(2000, 1, 1)));
  auto new_rules = header("new_rules", nullptr, range(d(2000, 1, 1), d(2000, 1, 1)));
  std::vector<const ast::Header*> both{&old_rules, &new_rules};
  auto across = choose_version(both, span(d(1999, 12, 1), d(2000, 1, 31), "1999-12 .. 2000-01"));
  ASSERT_EQ(across.kind, VersionChoice::Kind::Open);
  EXPECT_EQ(across.candidates, (std::vector<std::size_t>{0, 1}));
  EXPECT_NE(across.reason.find("straddles the end of old_rules (until 1 Jan 2000) and the start of new_rules (from "
                               "1 Jan 2000)"),
            std::string::npos)
      << across.reason;
  auto before = choose_version(both, span(d(1999, 1, 1), d(1999, 12, 31), "1999"));
  ASSERT_EQ(before.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(before.picked, 0u);
  EXPECT_EQ(before.reason, "every day of 1999 (1999-01-01 to 1999-12-31) falls before old_rules ended (on 1 Jan 2000), "
                           "and no start is given, so old_rules was in force throughout");
  auto after = choose_version(both, span(d(2000, 1, 1), d(2000, 12, 31), "2000"));
  ASSERT_EQ(after.kind, VersionChoice::Kind::Picked);
  EXPECT_EQ(after.picked, 1u);
}

struct During {
  ast::Date first;
  ast::Date last;
  InForce expected;
};

void PrintTo(const During& row, std::ostream* os) {
  *os << ast::to_string(row.first) << " .. " << ast::to_string(row.last);
}

class InForceDuring : public ::testing::TestWithParam<During> {};

// In force from a day in 2000-01-01 .. 2000-01-10, until a day in 2001-01-01 .. 2001-01-10.
TEST_P(InForceDuring, OverEveryDayOfTheSpan) {
  auto h = header("p", nullptr, range(d(2000, 1, 1), d(2000, 1, 10)), range(d(2001, 1, 1), d(2001, 1, 10)));
  const During& row = GetParam();
  EXPECT_EQ(in_force_during(h, row.first, row.last), row.expected);
  if (row.first == row.last) {
    EXPECT_EQ(in_force_on(h, row.first), row.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Spans, InForceDuring,
    ::testing::Values(During{d(1999, 1, 1), d(1999, 12, 31), InForce::No},        // wholly before
                      During{d(1999, 1, 1), d(2000, 1, 1), InForce::Perhaps},     // reaches its first possible day
                      During{d(2000, 1, 10), d(2000, 12, 31), InForce::Yes},      // from the day it surely held
                      During{d(2000, 1, 9), d(2000, 12, 31), InForce::Perhaps},   // one day too early
                      During{d(2000, 1, 10), d(2001, 1, 1), InForce::Perhaps},    // reaches its first possible end
                      During{d(2000, 6, 1), d(2000, 6, 1), InForce::Yes},         // a single day
                      During{d(2001, 1, 10), d(2001, 12, 31), InForce::No},       // surely ended
                      During{d(2001, 1, 9), d(2001, 12, 31), InForce::Perhaps},   // its last possible day
                      During{d(1999, 1, 1), d(2002, 12, 31), InForce::Perhaps})); // around the whole of it

TEST(InForce, ExactDates) {
  auto h = header("p", nullptr, range(d(2000, 1, 1), d(2000, 1, 1)), range(d(2001, 1, 1), d(2001, 1, 1)));
  EXPECT_EQ(in_force_on(h, d(1999, 12, 31)), InForce::No);
  EXPECT_EQ(in_force_on(h, d(2000, 1, 1)), InForce::Yes);
  EXPECT_EQ(in_force_on(h, d(2000, 12, 31)), InForce::Yes);
  EXPECT_EQ(in_force_on(h, d(2001, 1, 1)), InForce::No);
}

}  // namespace
}  // namespace decree::engine

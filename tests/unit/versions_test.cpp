// Choosing the policy version in force on a date, and saying when the sources leave it open.
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

TEST(InForce, ExactDates) {
  auto h = header("p", nullptr, range(d(2000, 1, 1), d(2000, 1, 1)), range(d(2001, 1, 1), d(2001, 1, 1)));
  EXPECT_EQ(in_force_on(h, d(1999, 12, 31)), InForce::No);
  EXPECT_EQ(in_force_on(h, d(2000, 1, 1)), InForce::Yes);
  EXPECT_EQ(in_force_on(h, d(2000, 12, 31)), InForce::Yes);
  EXPECT_EQ(in_force_on(h, d(2001, 1, 1)), InForce::No);
}

}  // namespace
}  // namespace decree::engine

// Kleene logic: the and/or/not tables, nine rows (three for not), written out.
#include <gtest/gtest.h>

#include "engine/logic.hpp"

namespace decree::engine {
namespace {

constexpr Tri T = Tri::True;
constexpr Tri F = Tri::False;
constexpr Tri U = Tri::Unknown;

struct Row {
  Tri a, b, expected;
};

class KleeneAnd : public ::testing::TestWithParam<Row> {};
TEST_P(KleeneAnd, Table) {
  const Row r = GetParam();
  EXPECT_EQ(kleene_and(r.a, r.b), r.expected) << to_string(r.a) << " and " << to_string(r.b);
}
INSTANTIATE_TEST_SUITE_P(Rows, KleeneAnd,
                         ::testing::Values(Row{T, T, T}, Row{T, F, F}, Row{T, U, U},
                                           Row{F, T, F}, Row{F, F, F}, Row{F, U, F},
                                           Row{U, T, U}, Row{U, F, F}, Row{U, U, U}));

class KleeneOr : public ::testing::TestWithParam<Row> {};
TEST_P(KleeneOr, Table) {
  const Row r = GetParam();
  EXPECT_EQ(kleene_or(r.a, r.b), r.expected) << to_string(r.a) << " or " << to_string(r.b);
}
INSTANTIATE_TEST_SUITE_P(Rows, KleeneOr,
                         ::testing::Values(Row{T, T, T}, Row{T, F, T}, Row{T, U, T},
                                           Row{F, T, T}, Row{F, F, F}, Row{F, U, U},
                                           Row{U, T, T}, Row{U, F, U}, Row{U, U, U}));

struct NotRow {
  Tri a, expected;
};
class KleeneNot : public ::testing::TestWithParam<NotRow> {};
TEST_P(KleeneNot, Table) {
  const NotRow r = GetParam();
  EXPECT_EQ(kleene_not(r.a), r.expected) << "not " << to_string(r.a);
}
INSTANTIATE_TEST_SUITE_P(Rows, KleeneNot, ::testing::Values(NotRow{T, F}, NotRow{F, T}, NotRow{U, U}));

}  // namespace
}  // namespace decree::engine

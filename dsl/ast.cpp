#include "dsl/ast.hpp"

#include <fmt/format.h>

namespace decree::ast {

std::string to_string(const Date& d) { return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day); }

namespace {
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}
}  // namespace

bool is_valid(const Date& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

std::int32_t days_since_epoch(const Date& d) {
  // Howard Hinnant's days_from_civil.
  int y = d.year - (d.month <= 2 ? 1 : 0);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int mp = (d.month + 9) % 12;
  int doy = (153 * mp + 2) / 5 + d.day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::Eq: return "=";
    case CompareOp::Ne: return "!=";
    case CompareOp::Lt: return "<";
    case CompareOp::Le: return "<=";
    case CompareOp::Gt: return ">";
    case CompareOp::Ge: return ">=";
  }
  return "?";
}

const char* to_string(ItemKind k) {
  switch (k) {
    case ItemKind::Type: return "type";
    case ItemKind::Fact: return "fact";
    case ItemKind::Definition: return "define";
    case ItemKind::Decision: return "decision";
    case ItemKind::Authority: return "authority";
    case ItemKind::Obligation: return "obligation";
    case ItemKind::Flag: return "flag";
    case ItemKind::Rule: return "rule";
  }
  return "?";
}

const Name& item_name(const Item& item) {
  if (item.op == Item::Op::Drop) return item.dropped;
  return std::visit([](const auto& body) -> const Name& { return body.name; }, item.body);
}

}  // namespace decree::ast

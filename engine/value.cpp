#include "engine/value.hpp"

#include <fmt/format.h>

#include "dsl/ast.hpp"
#include "engine/case.hpp"

namespace decree::engine {

namespace {
// Inverse of ast::days_since_epoch (Howard Hinnant's civil_from_days).
ast::Date date_from_days(std::int64_t z) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return ast::Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}
}  // namespace

std::string to_string(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: return "unknown";
    case Value::Kind::Bool: return v.boolean ? "true" : "false";
    case Value::Kind::Int: return fmt::format("{}", v.integer);
    case Value::Kind::Date: return ast::to_string(date_from_days(v.integer));
    case Value::Kind::Text: return fmt::format("\"{}\"", v.text);
    case Value::Kind::Enum: return v.text;
  }
  return "?";
}

const char* to_string(Certainty c) {
  switch (c) {
    case Certainty::Documented: return "documented";
    case Certainty::Inferred: return "inferred";
    case Certainty::Contested: return "contested";
    case Certainty::Unstated: return "unstated";
  }
  return "?";
}

}  // namespace decree::engine

#include "engine/value.hpp"

#include <algorithm>

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
    case Value::Kind::Set: {
      const SetParts s = set_parts(v);
      std::string out = "[";
      for (std::size_t i = 0; i < s.members.size(); ++i) out += (i > 0 ? ", " : "") + s.members[i];
      if (!s.complete) out += s.members.empty() ? "…" : ", …";
      out += "]";
      if (!s.complete && !s.absent.empty()) {
        out += " without ";
        for (std::size_t i = 0; i < s.absent.size(); ++i) out += (i > 0 ? ", " : "") + s.absent[i];
      }
      return out;
    }
  }
  return "?";
}

namespace {
std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < s.size()) {
    std::size_t next = s.find(' ', at);
    if (next == std::string::npos) next = s.size();
    if (next > at) out.push_back(s.substr(at, next - at));
    at = next + 1;
  }
  return out;
}
}  // namespace

// The text of a set is "members|absent", names separated by spaces, `*` for "every other value".
Value Value::of_set(const std::vector<std::string>& members, const std::vector<std::string>& absent, bool complete,
                    const std::vector<std::string>& values) {
  Value v;
  v.kind = Kind::Set;
  std::uint64_t in = 0, out = 0;
  for (std::size_t i = 0; i < values.size() && i < 32; ++i) {
    const bool member = std::find(members.begin(), members.end(), values[i]) != members.end();
    const bool gone = complete ? !member : std::find(absent.begin(), absent.end(), values[i]) != absent.end();
    if (member) in |= std::uint64_t{1} << i;
    else if (gone) out |= std::uint64_t{1} << i;
  }
  v.integer = static_cast<std::int64_t>(in | (out << 32));
  for (const auto& name : values)  // in declared order
    if (std::find(members.begin(), members.end(), name) != members.end()) v.text += (v.text.empty() ? "" : " ") + name;
  v.text += "|";
  if (complete) {
    v.text += "*";
  } else {
    std::string gone;
    for (const auto& name : values)
      if (std::find(absent.begin(), absent.end(), name) != absent.end()) gone += (gone.empty() ? "" : " ") + name;
    v.text += gone;
  }
  return v;
}

SetParts set_parts(const Value& v) {
  SetParts s;
  if (v.kind != Value::Kind::Set) return s;
  const auto bar = v.text.find('|');
  s.members = words_of(v.text.substr(0, bar));
  const std::string rest = bar == std::string::npos ? std::string() : v.text.substr(bar + 1);
  s.complete = rest == "*";
  if (!s.complete) s.absent = words_of(rest);
  return s;
}

CaseDateUsed date_for_versions(const Case& c) {
  if (c.date) return {&*c.date, c.decided_written ? "decided" : "date"};
  if (c.requested) return {&*c.requested, "requested"};
  return {};
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

#include "engine/explain/outcome.hpp"

#include <fmt/format.h>

#include "engine/words.hpp"

namespace decree::engine {

std::string outcome_text(std::string_view status, std::string_view value, std::string_view by) {
  if (status == "decided" || status == "default") {
    std::string s = upper_words(std::string(value));
    if (status == "default") s += " (default)";
    else if (!by.empty()) s += fmt::format(" by {}", by);
    return s;
  }
  if (status == "absent") return "no such decision";
  if (status == "outside") return "outside this policy";
  return words(std::string(status));  // undetermined, conflict, not applicable, no decision
}

std::string outcome_text(const CompiledPolicy& p, Index d, const DecisionResult& r) {
  switch (r.status) {
    case Status::Decided:
    case Status::Defaulted:
      return outcome_text(to_string(r.status), r.value == kNone ? "" : p.decisions[d].values[r.value],
                          r.by == kNone ? "" : p.authorities[r.by].name);
    case Status::Conflict: {
      if (r.setting == kNone || r.other == kNone) return "conflict";
      const Setting& a = p.settings[r.setting];
      const Setting& b = p.settings[r.other];
      return fmt::format("conflict ({} says {}, {} says {})", p.rules[a.rule].name, p.decisions[d].values[a.value],
                         p.rules[b.rule].name, p.decisions[d].values[b.value]);
    }
    default: return outcome_text(to_string(r.status), "", "");
  }
}

}  // namespace decree::engine

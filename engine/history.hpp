// History beside the rules: what a case's `history:` records for each decision, set against what
// the rules give, and whether they agree, disagree or leave it open. A disagreement is
// information about the rules (or about history), never a failed test.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

enum class Agreement {
  Agree,         // the rules give the value history records
  Disagree,      // the rules give another value
  Open,          // the rules leave it undetermined (or in conflict)
  NotAddressed,  // the decision does not apply to the case, or the policy lacks it
};
// "agree", "disagree", "open", "not_addressed"
const char* to_string(Agreement a);

struct HistoryComparison {
  std::string decision;               // "return"
  std::string recorded;               // what history records: "granted"
  std::string rules;                  // the rules' outcome in words: "undetermined", "REFUSED by embassy"
  std::vector<std::string> turns_on;  // undetermined: the unknown facts that would settle it
  Agreement agreement = Agreement::Open;
};

// One comparison per decision the case's history records (none without `history:`).
std::vector<HistoryComparison> compare_history(const CompiledPolicy& policy, const CaseEvaluation& ev);

// "  history: return granted (1961; cases.md); the rules: undetermined, turns on justified — open"
// lines, with the history's summary; "" when the case has no history.
std::string render_history(const CompiledPolicy& policy, const CaseEvaluation& ev);

// {"summary", "source", "date", "decisions": [{"decision", "recorded", "rules", "turns_on", "agreement"}]},
// or null when the case has no history.
nlohmann::ordered_json history_json(const CompiledPolicy& policy, const CaseEvaluation& ev);

}  // namespace decree::engine

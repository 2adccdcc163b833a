// The interview: which fact to ask next, given a policy and what is known so far. It asks only
// facts that can still change a decision (the engine's settling facts, from explore()), the one
// that settles the most open decisions first, and nothing once every decision is settled. One
// implementation for the terminal (`decree interview`) and for programs (question_json).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/evaluate.hpp"

namespace decree::engine {

struct Question {
  Index fact = kNone;
  std::vector<std::string> choices;  // the values to answer with (bool and enumerations); empty: type it
  std::vector<Index> decides;        // the open decisions this fact can help settle, in policy order
  // Why it is asked, a line per open decision it can help settle:
  // "return (Return to the USSR): if misdemeanor is true, REFUSED by embassy (misdemeanants_answer_locally; telegram s2, s3); if false, it stays open"
  std::vector<std::string> why;
  std::size_t settles = 0;           // (decision, value) pairs that this fact alone settles
};

// The decisions still undetermined with these facts, in policy order.
std::vector<Index> open_decisions(const CompiledPolicy& policy, std::span<const Value> facts);

// The next question, or nothing when every decision is settled (or every fact that could
// settle one was answered "I don't know": `declined`, by fact slot, may be empty). Picks, among
// the unknown facts not declined, the one that alone settles the most (decision, value) pairs,
// then the one that could help settle the most open decisions, then the first in the policy.
std::optional<Question> next_question(const CompiledPolicy& policy, std::span<const Value> facts,
                                      const std::vector<bool>& declined = {});

// {"fact", "description", "type", "choices", "decides", "why"}; null when there is none.
nlohmann::ordered_json question_json(const CompiledPolicy& policy, const std::optional<Question>& q);

// The same from names, for programs: `known` maps fact names to values as a case file writes
// them (true, "return_to_ussr", 3, "1956-02-10", or "unknown" for "I don't know").
nlohmann::ordered_json next_question_json(const CompiledPolicy& policy, const nlohmann::json& known);

}  // namespace decree::engine

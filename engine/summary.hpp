// Outcomes counted over many cases (a population, or a folder of case files): how many came out
// as each value of each decision, and how many owe each obligation or raise each flag. What
// `decree run --summary` prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/evaluate.hpp"

namespace decree::engine {

struct DecisionCounts {
  std::vector<std::uint64_t> decided;    // by value: set by a rule
  std::vector<std::uint64_t> defaulted;  // by value: taken as the default
  std::uint64_t undetermined = 0;
  std::uint64_t conflict = 0;
  std::uint64_t no_decision = 0;
  std::uint64_t not_applicable = 0;
  std::uint64_t outside = 0;  // outside the policy's scope
};

struct Summary {
  std::uint64_t cases = 0;
  std::vector<DecisionCounts> decisions;  // by decision index
  std::vector<std::uint64_t> obligations; // by obligation index: cases that owe it
  std::vector<std::uint64_t> flags;       // by flag index: cases that raise it
};

// An empty summary shaped for `policy`.
Summary make_summary(const CompiledPolicy& policy);

// Counts one case's outcome (from evaluate() under the same policy).
void add(Summary& summary, const CompiledPolicy& policy, const Outcome& outcome);

std::string render_summary(const CompiledPolicy& policy, const Summary& summary, bool color = false);

// {"decisions": [{"decision", "outcomes": [{"outcome", "status", "count"}]}], "obligations": [...], "flags": [...]}
nlohmann::ordered_json summary_json(const CompiledPolicy& policy, const Summary& summary);

}  // namespace decree::engine

// The trace as JSON for programs, in the versioned schema "decree.trace/1" that
// docs/trace-schema.md documents. Self-contained: names, not indices.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

inline constexpr const char* kTraceSchema = "decree.trace/1";

nlohmann::ordered_json policy_json(const CompiledPolicy& policy);

// One case: its decisions with their rules, conditions and provenance, obligations and flags.
// Needs an evaluation made with options.trace.
nlohmann::ordered_json case_json(const CompiledPolicy& policy, const CaseEvaluation& ev);

// One case in brief (`decree run --brief --format json`): each decision's status, outcome, who
// decides and the rule, with the obligations and flags; no conditions.
nlohmann::ordered_json brief_case_json(const CompiledPolicy& policy, const CaseEvaluation& ev);

// {"schema": "decree.trace/1", "policy": {...}, "cases": [...]}
nlohmann::ordered_json run_json(const CompiledPolicy& policy, const std::vector<const CaseEvaluation*>& cases);

// {"schema": "decree.trace/1", "policy": {...}, "case": {...}, "why_not": {...}}
nlohmann::ordered_json why_not_json(const CompiledPolicy& policy, const CaseEvaluation& ev, const WhyNot& why);

}  // namespace decree::engine
